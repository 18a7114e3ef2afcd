"""The Open311 GeoReport v2 endpoint on the HTTP service, mounted at ``/open311/v2``.

Paths (``.json`` or ``.xml`` chooses the answer's format):

- ``GET  services.json``                 our categories as services
- ``GET  services/<code>.json``          a service's definition (``attributes: []``)
- ``GET  requests.json?…``               incidents, with the standard filters (paged)
- ``GET  requests/<id>.json``            one incident by its number
- ``POST requests.json``                 a new incident (form-encoded, with ``api_key``)
- ``GET  tokens/<token>.json``           the request id a POST's token stands for

What each call answers is decided in ``services/open311_api.py`` (with the publication policy
for callers without an internal key); this module only speaks HTTP: status codes (200, 201
for a created request, 400, 403, 404, 405, 411, 413, 415, 429, 503), the specification's error
bodies, ``Content-Type`` with ``charset=utf-8``. Every parameter is checked (control
characters, caps) before the database is asked anything.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from command_center.api.batch import PostGroups
from command_center.api.context import BUSY, Busy, Context
from command_center.interop.open311 import (
    write_errors_json,
    write_errors_xml,
    write_records_json,
    write_records_xml,
    write_requests_json,
    write_requests_xml,
    write_service_definition_json,
    write_service_definition_xml,
    write_services_json,
    write_services_xml,
)
from command_center.services import open311_api as api
from command_center.services.open311_api import Open311Error

PREFIX = "/open311/v2"
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
_ROUTE = re.compile(r"^/(services|requests|tokens)(?:/([^/]+))?\.(json|xml)$")
NOT_FOUND = (
    "没有这个接口；可用：services、requests、requests/<id>、tokens/<token>（.json 或 .xml）/ "
    "no such path; try services, requests, requests/<id> or tokens/<token> (.json or .xml)"
)
METHOD_NOT_ALLOWED = "不支持的方法 / method not allowed"
ALLOW = "GET, HEAD, POST"


def fmt_of(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


def error_response(
    fmt: str, errors: list[tuple[int, str]], headers: dict[str, str] | None = None
) -> Response:
    status = errors[0][0]
    body = write_errors_xml(errors) if fmt == "xml" else write_errors_json(errors)
    return reply(status, body, fmt, headers)


def reply(status: int, body: bytes, fmt: str, headers: dict[str, str] | None = None) -> Response:
    out = {"Cache-Control": "no-store", **(headers or {})}
    if status == 405:
        out["Allow"] = ALLOW
    return Response(body, status, out, media_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))


def _params(query: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(query.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Open311Error(400, "参数不是 UTF-8 编码 / the parameters are not UTF-8") from None


class Open311:
    """The endpoint's one ASGI route: it reads the path itself, as the specification's paths
    are few and their errors must all be the specification's."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.posts = PostGroups(ctx)  # POSTs arriving together are written together

    def routes(self) -> list[Route]:
        return [
            Route(
                "/{rest:path}",
                self.endpoint,
                methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
            )
        ]

    async def endpoint(self, request: Request) -> Response:
        path = request.url.path
        fmt = fmt_of(path)
        try:
            m = _ROUTE.match(path[len(PREFIX) :]) if path.startswith(PREFIX + "/") else None
            if m is None:
                raise Open311Error(404, NOT_FOUND)
            what, ident, fmt = m.group(1), m.group(2), m.group(3)
            params = _params(request.scope["query_string"])
            api.check_params(params)
            if request.method in ("GET", "HEAD"):
                return await self._get(request, what, ident, fmt, params)
            if request.method == "POST":
                if what != "requests" or ident is not None:
                    raise Open311Error(405, "此处不接受 POST / POST is not allowed here")
                return await self._post(request, fmt, params)
            raise Open311Error(405, METHOD_NOT_ALLOWED)
        except Open311Error as exc:
            return error_response(fmt, exc.errors, _retry(exc))
        except Busy:
            request.state.refused = "busy"
            return error_response(fmt, [(503, BUSY)], {"Retry-After": "2"})

    def _limit_key(self, request: Request, key: str | None) -> None:
        if not key:
            return
        request.state.key_given = True
        wait = self.ctx.by_key.take(api.key_hash(key))
        if wait:
            request.state.refused = "key rate"
            raise _TooMany(wait)

    async def _get(
        self, request: Request, what: str, ident: str | None, fmt: str, params: dict[str, Any]
    ) -> Response:
        key = (params.get("api_key") or [None])[0]
        self._limit_key(request, key)
        decimals = self.ctx.limits.public_decimals

        def work() -> bytes:
            with self.ctx.sessions() as session:
                if what == "services":
                    if ident is not None:
                        code = api.service_definition(session, ident)
                        return (
                            write_service_definition_xml(code)
                            if fmt == "xml"
                            else write_service_definition_json(code)
                        )
                    found = api.services(session)
                    return write_services_xml(found) if fmt == "xml" else write_services_json(found)
                if what == "tokens":
                    if ident is None:
                        raise Open311Error(404, NOT_FOUND)
                    record = api.find_token(session, ident)
                    return (
                        write_records_xml("tokens", "request", [record])
                        if fmt == "xml"
                        else write_records_json([record])
                    )
                who = api.audience(session, key, decimals)
                if ident is not None:
                    reqs = [api.get_request(session, ident, who)]
                else:
                    reqs = api.find_requests(session, api.parse_query(params), who)
                return write_requests_xml(reqs) if fmt == "xml" else write_requests_json(reqs)

        return reply(200, await self.ctx.run(work), fmt)

    async def _post(self, request: Request, fmt: str, params: dict[str, list[str]]) -> Response:
        length_raw = request.headers.get("content-length")
        if length_raw is None:
            raise Open311Error(411, "缺少 Content-Length / Content-Length required")
        try:
            length = int(length_raw)
        except ValueError:
            length = -1
        cap = self.ctx.limits.max_body_bytes
        if length < 0 or length > cap:
            raise Open311Error(413, f"请求体过大 / the body is larger than {cap} bytes")
        body = await request.body()
        if len(body) > cap:
            raise Open311Error(413, f"请求体过大 / the body is larger than {cap} bytes")
        ctype = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if body and ctype not in ("application/x-www-form-urlencoded", ""):
            raise Open311Error(
                415,
                "请以 application/x-www-form-urlencoded 提交 / send the fields form-encoded "
                f"(application/x-www-form-urlencoded), not {ctype[:100]}",
            )
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise Open311Error(400, "请求体不是 UTF-8 编码 / the body is not UTF-8") from None
        for name, values in params.items():  # api_key and the like may come in the query string
            form.setdefault(name, values)
        api.check_params(form)  # caps and control characters before anything is stored
        key = (form.get("api_key") or [""])[0] or None
        self._limit_key(request, key)

        result = await self.posts.post(form)
        record = result.record()
        out = (
            write_records_xml("service_requests", "request", [record])
            if fmt == "xml"
            else write_records_json([record])
        )
        return reply(201, out, fmt)


class _TooMany(Open311Error):
    def __init__(self, wait: int) -> None:
        super().__init__(
            429,
            f"请求过于频繁，请{wait}秒后重试 / too many requests, try again in {wait} s",
        )
        self.wait = wait


def _retry(exc: Open311Error) -> dict[str, str] | None:
    return {"Retry-After": str(exc.wait)} if isinstance(exc, _TooMany) else None
