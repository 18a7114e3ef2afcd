"""Structured access log: one JSON line per request on the logger ``command_center.access``.

What a line holds: time, method, path (never the query string: an ``api_key`` may be in it),
status, milliseconds, bytes sent, whether an API key was given (never the key),
and why a request was refused when the server refused it (rate limit, busy). No addresses, no
form fields: nothing that names a person.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from command_center import clock

log = logging.getLogger("command_center.access")


class AccessLog:
    """ASGI middleware writing the line after each HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        scope.setdefault("state", {})
        status = 500
        sent = 0

        async def sending(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if log.isEnabledFor(logging.INFO):
                state: dict[str, Any] = scope["state"]
                line = {
                    "ts": clock.now().isoformat(timespec="milliseconds"),
                    "method": scope["method"],
                    "path": scope["path"][:200],
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": sent,
                    "key": bool(state.get("key_given")),
                    "refused": state.get("refused"),
                }
                log.info(json.dumps(line, ensure_ascii=False))
