"""The center's HTTP service as one ASGI application (Starlette), served by ``api/server.py``.

Mounted today:

- ``/open311/v2/…`` the Open311 GeoReport v2 endpoint (``api/open311.py``);
- ``/health`` the process answers (no database); ``/ready`` the database answers and its schema
  is the one this program needs: what a load balancer or systemd watchdog asks.

- ``/field/v1/…`` the grid workers' field endpoints (``api/field.py``), built the same way
  on the shared :class:`~command_center.api.context.Context`.
Every answer, an unknown path or method included, is JSON (the specification's error format
under ``/open311``); there are no HTML error pages.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator

from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from command_center.api import field, open311
from command_center.api.access_log import AccessLog
from command_center.api.context import BUSY, Busy, Context
from command_center.api.limits import ServerLimits

log = logging.getLogger(__name__)

UNPROTECTED = ("/health", "/ready")  # no rate limit: the load balancer asks often


def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        status,
        {"Cache-Control": "no-store", **(headers or {})},
        media_type="application/json; charset=utf-8",
    )


def _error(request: Request, status: int, description: str, **headers: str) -> Response:
    path = request.url.path
    if path.startswith(open311.PREFIX):
        return open311.error_response(open311.fmt_of(path), [(status, description)], headers)
    return _json(status, [{"code": status, "description": description}], headers)


class RateByAddress:
    """The per-address rate limit (ASGI middleware), before any routing or database work. The
    address is the client's, or behind a proxy the one uvicorn takes from X-Forwarded-For
    when the proxy is trusted (``--forwarded-allow-ips``)."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app, self.ctx = app, ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in UNPROTECTED:
            client = scope.get("client")
            wait = self.ctx.by_address.take(client[0] if client else "-")
            if wait:
                scope.setdefault("state", {})["refused"] = "address rate"
                request = Request(scope)
                response = _error(
                    request,
                    429,
                    f"请求过于频繁，请{wait}秒后重试 / too many requests, try again in {wait} s",
                    **{"Retry-After": str(wait)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(engine: Engine, limits: ServerLimits | None = None) -> Starlette:
    ctx = Context(engine, limits or ServerLimits())

    async def health(request: Request) -> Response:
        return _json(200, {"status": "ok"})

    async def ready(request: Request) -> Response:
        from command_center.db import migrate

        def check() -> str | None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return migrate.current_revision(engine)

        try:
            revision = await ctx.run(check)
        except Busy:
            return _json(503, {"status": "busy"}, {"Retry-After": "2"})
        except Exception as exc:
            log.warning("not ready: %s", type(exc).__name__)
            return _json(503, {"status": "database unavailable"}, {"Retry-After": "5"})
        if revision != migrate.SCHEMA_HEAD:
            return _json(503, {"status": "schema out of date", "schema": revision})
        return _json(200, {"status": "ready", "schema": revision})

    async def not_found(request: Request) -> Response:
        if request.url.path.startswith(open311.PREFIX):
            return _error(request, 404, open311.NOT_FOUND)
        return _error(request, 404, "没有这个接口 / no such path")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return _error(request, 405, open311.METHOD_NOT_ALLOWED)
        return _error(request, exc.status_code, str(exc.detail))

    async def failed(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Busy):
            return _error(request, 503, BUSY, **{"Retry-After": "2"})
        log.error(
            "request failed: %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            exc_info=exc,
        )
        return _error(request, 500, "服务器内部错误 / internal server error")

    endpoint = open311.Open311(ctx)
    field_endpoint = field.Field(ctx)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Mount(open311.PREFIX, routes=endpoint.routes()),
        Mount(field.PREFIX, routes=field_endpoint.routes()),  # the grid workers' phones
        Route(
            "/{rest:path}",
            not_found,
            methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
        ),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # warm what every POST needs (the grids and the gazetteer, read once per process)
        # before the first connection is accepted, so the first requests do not wait for it
        def warm() -> None:
            from command_center.services import gazetteer, incident_writer

            with ctx.sessions() as session:
                incident_writer.cached_locator(session)
                gazetteer.get(session)

        try:
            await ctx.run(warm)
        except Exception as exc:  # the database is not there yet: the first request reads it
            log.warning("warm-up skipped: %s", type(exc).__name__)
        yield

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=[Middleware(AccessLog), Middleware(RateByAddress, ctx=ctx)],
        exception_handlers={HTTPException: http_error, Exception: failed},
    )
    app.state.ctx = ctx
    app.state.open311 = endpoint
    app.state.field = field_endpoint
    return app
