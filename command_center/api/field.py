"""The grid workers' field endpoints on the HTTP service, mounted at ``/field/v1``.

- ``POST records``   one record, an array of them or ``{"records": [...]}`` (JSON), with
  ``Authorization: Bearer ccf_…`` (the worker's token): 200 with each record's ``status``
  (``stored`` or ``duplicate``: a retry stores nothing twice), the report's incident number;
- ``GET  me``         who the token stands for;
- ``GET  openapi.json`` the OpenAPI 3 description (``api/field_openapi.py``).

What is checked and stored is decided in ``services/field.py``; here only HTTP: 401 for a
missing, unknown, revoked or expired token, 400 for bad JSON or a bad record (nothing stored),
411/413 for a missing length or a body over the service's cap, 415 for a body that is not JSON,
429 per token beyond the key rate. Every error is
``[{"code": …, "description": "中文 / English"}]``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from command_center.api.batch import Groups
from command_center.api.context import BUSY, Busy, Context
from command_center.api.field_openapi import DOCUMENT
from command_center.services import field
from command_center.services.field import FieldError

PREFIX = "/field/v1"


def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        status,
        {"Cache-Control": "no-store", **(headers or {})},
        media_type="application/json; charset=utf-8",
    )


def _error(status: int, description: str, headers: dict[str, str] | None = None) -> Response:
    return _json(status, [{"code": status, "description": description}], headers)


class Field:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._openapi = json.dumps(DOCUMENT, ensure_ascii=False).encode("utf-8")
        self.groups: Groups[tuple[str | None, Any], field.IngestResult] = Groups(
            ctx, self._write_many
        )

    def _write_many(
        self, requests: list[tuple[str | None, Any]]
    ) -> list[field.IngestResult | FieldError]:
        with self.ctx.sessions() as session:
            return field.receive_many(session, requests)

    def routes(self) -> list[Route]:
        return [
            Route("/openapi.json", self.openapi, methods=["GET"]),
            Route("/me", self.me, methods=["GET"]),
            Route("/records", self.records, methods=["POST"]),
        ]

    async def openapi(self, request: Request) -> Response:
        return Response(self._openapi, 200, media_type="application/json; charset=utf-8")

    def _limit(self, request: Request) -> None:
        auth = request.headers.get("authorization")
        if auth:
            request.state.key_given = True
            wait = self.ctx.by_key.take("field:" + field.token_hash(auth))
            if wait:
                request.state.refused = "key rate"
                raise _TooMany(wait)

    async def _guard(self, request: Request, work: Any) -> Response:
        try:
            self._limit(request)
            return await work()
        except _TooMany as exc:
            return _error(429, exc.message, {"Retry-After": str(exc.wait)})
        except FieldError as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return _error(exc.status, exc.message, headers)
        except Busy:
            request.state.refused = "busy"
            return _error(503, BUSY, {"Retry-After": "2"})

    async def me(self, request: Request) -> Response:
        auth = request.headers.get("authorization")

        async def work() -> Response:
            def read() -> dict[str, Any]:
                with self.ctx.sessions() as session:
                    w = field.authenticate(session, auth)
                    return {"worker": {"code": w.code, "name": w.name}}

            return _json(200, await self.ctx.run(read))

        return await self._guard(request, work)

    async def records(self, request: Request) -> Response:
        auth = request.headers.get("authorization")

        async def work() -> Response:
            field.bearer(auth)  # a missing or malformed token: 401 before the body is read
            length_raw = request.headers.get("content-length")
            if length_raw is None:
                raise FieldError(411, "缺少 Content-Length / Content-Length required")
            try:
                length = int(length_raw)
            except ValueError:
                length = -1
            cap = self.ctx.limits.max_body_bytes
            too_big = f"请求体过大 / the body is larger than {cap} bytes"
            if length < 0 or length > cap:
                raise FieldError(413, too_big)
            ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                raise FieldError(
                    415, "请以 application/json 提交 / send the records as application/json"
                )
            body = await request.body()
            if len(body) > cap:
                raise FieldError(413, too_big)
            try:
                payload = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise FieldError(
                    400, "请求体不是有效的 UTF-8 JSON / the body is not valid UTF-8 JSON"
                ) from None

            # written with the other phones' requests that arrive together (api/batch.py)
            result = await self.groups.submit((auth, payload))
            return _json(200, result.answer())

        return await self._guard(request, work)


class _TooMany(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait
        self.message = f"请求过于频繁，请{wait}秒后重试 / too many requests, try again in {wait} s"
        super().__init__(self.message)
