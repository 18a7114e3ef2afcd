"""The HTTP service on uvicorn: ``command-center serve`` (and its alias ``serve open311``).

uvicorn serves the ASGI application of ``api/app.py`` on one event loop; database work runs
on a few worker threads (``ServerLimits.db_pool``). What uvicorn does not do is added here:
a deadline for a request's headers and body (:class:`GuardedH11Protocol`), so that a thousand
half-sent requests hold nothing but their sockets for ``request_timeout`` seconds. No
``Server`` banner; uvicorn's own access log is off (it would write the query string, where an
``api_key`` may be): ``api/access_log.py`` writes one JSON line per request instead.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

import h11
import uvicorn
from sqlalchemy import Engine
from uvicorn.protocols.http.h11_impl import H11Protocol

from command_center.api.app import create_app
from command_center.api.limits import ServerLimits
from command_center.api.open311 import PREFIX

log = logging.getLogger(__name__)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers and body: from the
    connection (or the first byte of a request on a kept-alive one), ``request_timeout``
    seconds to send the whole request, or the connection is closed. uvicorn itself arms a
    timer only between requests on a kept-alive connection (slowloris)."""

    request_timeout: float = 10.0
    _deadline: asyncio.TimerHandle | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn's access line holds the query string, where an api_key may be: never written
        # (it writes one whenever its logger has a handler, the root's included)
        self.access_log = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()
        super().data_received(data)

    def on_response_complete(self) -> None:
        self._disarm()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()  # a request not sent in time: nothing was started for it


def _protocol(limits: ServerLimits) -> type[H11Protocol]:
    return type("GuardedH11", (GuardedH11Protocol,), {"request_timeout": limits.request_timeout})


def uvicorn_config(
    app: Any,
    host: str,
    port: int,
    limits: ServerLimits,
    *,
    forwarded_allow_ips: str = "127.0.0.1",
    sock_port_zero: bool = False,
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=_protocol(limits),
        ws="none",
        lifespan="off",
        loop="asyncio",
        backlog=limits.backlog,
        limit_concurrency=limits.max_connections,
        timeout_keep_alive=limits.keep_alive,
        timeout_graceful_shutdown=5,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        server_header=False,
        date_header=True,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_config=None,
    )


class HttpServer:
    """The service bound to ``host:port`` (port 0 picks a free one); ``start()`` serves on a
    thread of its own (tests, an embedding program), ``serve_forever()`` on this one."""

    def __init__(
        self,
        engine: Engine,
        host: str = "127.0.0.1",
        port: int = 8311,
        limits: ServerLimits | None = None,
        *,
        forwarded_allow_ips: str = "127.0.0.1",
    ) -> None:
        self.engine = engine
        self.limits = limits or ServerLimits()
        self.app = create_app(engine, self.limits)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(self.limits.backlog)
        self.sock.set_inheritable(True)
        config = uvicorn_config(
            self.app, host, self.port, self.limits, forwarded_allow_ips=forwarded_allow_ips
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def base_url(self) -> str:
        host = self.sock.getsockname()[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def url(self) -> str:
        """The Open311 endpoint's base URL, e.g. ``http://127.0.0.1:8311/open311/v2``."""
        return self.base_url + PREFIX

    def serve_forever(self) -> None:
        self.server.run(sockets=[self.sock])

    def start(self) -> HttpServer:
        self._thread = threading.Thread(
            target=self.serve_forever, name="cc-http-server", daemon=True
        )
        self._thread.start()
        for _ in range(500):
            if self.server.started:
                break
            if not self._thread.is_alive():
                raise RuntimeError("the HTTP server did not start")
            threading.Event().wait(0.01)
        return self

    def stop(self) -> None:
        """Stop accepting, let the running requests finish (5 s at most), close the socket."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.sock.close()

    def __enter__(self) -> HttpServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
