"""The center's Open311 GeoReport v2 endpoint over HTTP (standard library only).

Paths, under ``/open311/v2`` (``.json`` or ``.xml`` chooses the answer's format):

- ``GET  services.json``                 our categories as services
- ``GET  requests.json?…``               incidents, with the standard filters
- ``GET  requests/<id>.json``            one incident by its number
- ``POST requests.json``                 a new incident (form-encoded, with ``api_key``)
- ``GET  tokens/<token>.json``           the request id a POST's token stands for

What each call answers is decided in ``services/open311_api.py``; this module only speaks HTTP:
status codes (200, 201 for a created request, 400, 403, 404, 405, 411, 413, 415, 500), the
specification's error bodies, ``Content-Type`` with ``charset=utf-8``. Every request gets a
session of its own from a thread-safe SQLAlchemy engine.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from command_center.interop.open311 import (
    write_errors_json,
    write_errors_xml,
    write_records_json,
    write_records_xml,
    write_requests_json,
    write_requests_xml,
    write_services_json,
    write_services_xml,
)

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
MAX_BODY = 1 << 20  # a POST is a few fields; a megabyte is plenty
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
_ROUTE = re.compile(r"^/(services|requests|tokens)(?:/([^/]+))?\.(json|xml)$")


class _Reply(Exception):
    def __init__(self, status: int, body: bytes, fmt: str) -> None:
        self.status, self.body, self.fmt = status, body, fmt


def _errors(fmt: str, errors: list[tuple[int, str]]) -> bytes:
    return write_errors_xml(errors) if fmt == "xml" else write_errors_json(errors)


class Open311Server:
    """A ThreadingHTTPServer bound to ``host:port`` (port 0 picks a free one)."""

    def __init__(self, engine: Engine, host: str = "127.0.0.1", port: int = 8311) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        handler = type("Handler", (_Handler,), {"app": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint's base URL, e.g. ``http://127.0.0.1:8311/open311/v2``."""
        host = self.httpd.server_address[0]
        if isinstance(host, (bytes, bytearray)):  # the socket API's type; IPv4 gives a str
            host = host.decode("ascii")
        return f"http://{host}:{self.port}{PREFIX}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> Open311Server:
        """Serve on a thread of its own (tests, an embedding program)."""
        self._thread = threading.Thread(
            target=self.serve_forever, name="cc-open311-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, let the running requests finish, close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Open311Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    app: Open311Server
    server_version = "CommandCenter-Open311/2"
    protocol_version = "HTTP/1.1"

    # --- plumbing ---

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, fmt: str, *, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, HEAD, POST")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _route(self) -> tuple[str, str | None, str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        path = parts.path
        fmt = "xml" if path.endswith(".xml") else "json"
        if not path.startswith(PREFIX + "/"):
            raise _Reply(404, _errors(fmt, [(404, _NOT_FOUND)]), fmt)
        m = _ROUTE.match(path[len(PREFIX) :])
        if not m:
            raise _Reply(404, _errors(fmt, [(404, _NOT_FOUND)]), fmt)
        what, ident, fmt = m.group(1), m.group(2), m.group(3)
        params = parse_qs(parts.query, keep_blank_values=True)
        return what, unquote(ident) if ident is not None else None, fmt, params

    def _handle(self, work: Callable[[], tuple[int, bytes, str]], *, head: bool = False) -> None:
        from command_center.services.open311_api import Open311Error

        fmt = "json"
        try:
            status, body, fmt = work()
        except _Reply as reply:
            status, body, fmt = reply.status, reply.body, reply.fmt
        except Open311Error as exc:
            fmt = "xml" if urlsplit(self.path).path.endswith(".xml") else "json"
            status, body = exc.code, _errors(fmt, exc.errors)
        except Exception:
            log.exception("Open311 request failed: %s %s", self.command, self.path)
            fmt = "xml" if urlsplit(self.path).path.endswith(".xml") else "json"
            status = 500
            body = _errors(fmt, [(500, "服务器内部错误 / internal server error")])
        self._send(status, body, fmt, head=head)

    # --- methods ---

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_HEAD(self) -> None:
        self._handle(self._get, head=True)

    def do_POST(self) -> None:
        self.close_connection = True  # an error may leave the body unread: no keep-alive
        self._handle(self._post)

    def _not_allowed(self) -> None:
        fmt = "xml" if urlsplit(self.path).path.endswith(".xml") else "json"
        self._send(405, _errors(fmt, [(405, "不支持的方法 / method not allowed")]), fmt)

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _get(self) -> tuple[int, bytes, str]:
        from command_center.services import open311_api as api

        what, ident, fmt, params = self._route()
        with self.app.sessions() as session:
            if what == "services":
                if ident is not None:  # service definitions: none of ours has metadata
                    raise api.Open311Error(
                        404,
                        f"服务 {ident} 没有附加属性定义 / service {ident!r} has no definition "
                        "(metadata is false)",
                    )
                found = api.services(session)
                body = write_services_xml(found) if fmt == "xml" else write_services_json(found)
            elif what == "tokens":
                if ident is None:
                    raise _Reply(404, _errors(fmt, [(404, _NOT_FOUND)]), fmt)
                record = api.find_token(session, ident)
                body = (
                    write_records_xml("tokens", "request", [record])
                    if fmt == "xml"
                    else write_records_json([record])
                )
            else:
                if ident is not None:
                    reqs = [api.get_request(session, ident)]
                else:
                    reqs = api.find_requests(session, api.parse_query(params))
                body = write_requests_xml(reqs) if fmt == "xml" else write_requests_json(reqs)
        return 200, body, fmt

    def _post(self) -> tuple[int, bytes, str]:
        from command_center.services import open311_api as api

        what, ident, fmt, params = self._route()
        if what != "requests" or ident is not None:
            return 405, _errors(fmt, [(405, "此处不接受 POST / POST is not allowed here")]), fmt
        length_raw = self.headers.get("Content-Length")
        if length_raw is None:
            return 411, _errors(fmt, [(411, "缺少 Content-Length / Content-Length required")]), fmt
        try:
            length = int(length_raw)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return (
                413,
                _errors(fmt, [(413, f"请求体过大 / the body is larger than {MAX_BODY} bytes")]),
                fmt,
            )
        body = self.rfile.read(length)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype not in ("application/x-www-form-urlencoded", ""):
            return (
                415,
                _errors(
                    fmt,
                    [
                        (
                            415,
                            "请以 application/x-www-form-urlencoded 提交 / send the fields "
                            f"form-encoded (application/x-www-form-urlencoded), not {ctype}",
                        )
                    ],
                ),
                fmt,
            )
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            raise api.Open311Error(400, "请求体不是 UTF-8 编码 / the body is not UTF-8") from None
        for key, values in params.items():  # api_key and the like may come in the query string
            form.setdefault(key, values)
        result = api.post_request(self.app.engine, form)
        out = (
            write_records_xml("service_requests", "request", [result.record()])
            if fmt == "xml"
            else write_records_json([result.record()])
        )
        return 201, out, fmt


_NOT_FOUND = (
    "没有这个接口；可用：services、requests、requests/<id>、tokens/<token>（.json 或 .xml）/ "
    "no such path; try services, requests, requests/<id> or tokens/<token> (.json or .xml)"
)
