"""Polling a remote Open311 GeoReport v2 endpoint for new 12345-hotline requests.

Off by default: the setting ``open311.poll`` (``services/settings.py``) holds ``enabled``,
``url``, ``interval_s`` and ``source``. :func:`poll_once` fetches the remote's requests since
the last successful poll (its *watermark*: the newest ``requested_datetime`` seen), pages back
with ``end_date`` when the server answers with its maximum of 1000, and imports them all in one
transaction through ``imports.import_open311``; requests imported before are skipped there. It
never raises for the remote's faults: a timeout, an HTTP error, an HTML page or a truncated
document give a :class:`PollResult` with ``ok`` false, a "中文 / English" ``error`` and nothing
imported.

The watermark is returned in the result; pass it back as ``since`` next time. Without one the
newest ``reported_at`` of the source's incidents (less :data:`OVERLAP`) stands in, so a
restarted program does not fetch 90 days again. No Qt here; a Qt worker calls ``poll_once``.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.interop.open311 import (
    Open311FormatError,
    ServiceRequest,
    parse_requests,
    write_requests_json,
)
from command_center.services import imports
from command_center.services.audit import Actor

TIMEOUT_S = 30.0
MAX_BYTES = 64 << 20
PAGE_LIMIT = 1000  # GeoReport v2: a server answers at most 1000 requests
MAX_PAGES = 50
WINDOW = dt.timedelta(days=90)  # GeoReport v2: start_date and end_date at most 90 days apart
OVERLAP = dt.timedelta(hours=1)
ACTOR = Actor(None, "Open311轮询")
USER_AGENT = "command-center-open311-poll/1"


class PollError(Exception):
    """The remote's fault, described in Chinese and English."""


@dataclass(frozen=True)
class PollResult:
    url: str
    ok: bool
    fetched: int = 0
    imported: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    flagged_outside: int = 0
    flagged_missing: int = 0
    auto_dispatched: int = 0  # smart dispatch, where the rules allow it
    pages: int = 0
    watermark: dt.datetime | None = None  # pass back as ``since`` next time
    error: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.ok:
            return f"轮询失败 / poll failed: {self.error}"
        return (
            f"fetched={self.fetched} imported={self.imported} skipped={len(self.skipped)} "
            f"outside={self.flagged_outside} missing={self.flagged_missing}"
            + (f" auto_dispatched={self.auto_dispatched}" if self.auto_dispatched else "")
        )


def requests_url(url: str, params: Mapping[str, str]) -> str:
    """The remote's ``requests.json`` with ``params`` added to the query it already has.

    ``url`` may be the endpoint's base (``https://host/open311/v2``) or the request list itself
    (``…/requests.json`` or ``.xml``, perhaps with ``jurisdiction_id``/``api_key``).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PollError(
            f"地址应以 http:// 或 https:// 开头 / the URL must start with http:// or https://: "
            f"{url!r}"
        )
    path = parts.path
    if not path.endswith((".json", ".xml")):
        path = path.rstrip("/") + "/requests.json"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query += list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def fetch(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> bytes:
    """The body at ``url``; PollError for a timeout, an HTTP error or an unreachable host."""
    request = urllib.request.Request(
        url,
        headers={"Accept": "application/json, text/xml;q=0.9", "User-Agent": USER_AGENT},
    )
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise PollError(
                        f"远程回复超过{max_bytes >> 20} MB / the remote answer is larger than "
                        f"{max_bytes >> 20} MB"
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            body = exc.read(1 << 16)
            parse_requests(body)
        except Open311FormatError as fmt:
            detail = fmt.what if "error" in fmt.what else ""
        except Exception:
            pass
        raise PollError(
            f"远程服务器返回 HTTP {exc.code} / the remote server answered HTTP {exc.code} "
            f"{exc.reason}" + (f": {detail}" if detail else "")
        ) from None
    except TimeoutError:
        raise PollError(
            f"远程服务器在{timeout:g}秒内未应答 / no answer from the remote server within "
            f"{timeout:g} s"
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise PollError(
                f"远程服务器在{timeout:g}秒内未应答 / no answer from the remote server within "
                f"{timeout:g} s"
            ) from None
        raise PollError(f"无法连接远程服务器 / cannot reach the remote server: {reason}") from None
    except (ConnectionError, OSError) as exc:
        raise PollError(f"连接中断 / the connection failed: {exc}") from None


def _since_from_database(session: Session, source: str) -> dt.datetime | None:
    newest = session.scalar(
        text("SELECT max(reported_at) FROM incidents WHERE external_source = :s"), {"s": source}
    )
    return newest - OVERLAP if newest is not None else None


def _iso(value: dt.datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def fetch_requests(
    url: str,
    since: dt.datetime | None,
    *,
    now: dt.datetime,
    timeout: float = TIMEOUT_S,
    fetcher: Callable[[str], bytes] | None = None,
) -> tuple[list[ServiceRequest], list[tuple[str, str]], int]:
    """Every request at ``url`` requested since ``since`` (the last 90 days without it).

    Returns (requests, skipped by the reader, pages). Raises PollError or Open311FormatError.
    """
    get = fetcher or (lambda u: fetch(u, timeout=timeout))
    # explicit even on a first poll: paging back with end_date must not leave the 90 days
    earliest = now - WINDOW + dt.timedelta(minutes=1)
    start: dt.datetime | None = max(since, earliest) if since else earliest
    end: dt.datetime | None = None
    found: dict[str, ServiceRequest] = {}
    anonymous: list[ServiceRequest] = []
    skipped: dict[str, str] = {}
    pages = 0
    while pages < MAX_PAGES:
        params: dict[str, str] = {}
        if start is not None:
            params["start_date"] = _iso(start)
        if end is not None:
            params["end_date"] = _iso(end)
        parsed = parse_requests(get(requests_url(url, params)))
        pages += 1
        for req in parsed.requests:
            if req.service_request_id is None:
                anonymous.append(req)  # the importer says why it cannot take it
            else:
                found.setdefault(req.service_request_id, req)
        for label, why in parsed.skipped:
            skipped.setdefault(label, why)
        if len(parsed.requests) + len(parsed.skipped) < PAGE_LIMIT:
            break
        times = [r.requested_datetime for r in parsed.requests if r.requested_datetime]
        oldest = min(times) if times else None
        if oldest is None or (end is not None and oldest >= end):
            break  # the server cannot be paged further back; take what came
        end = oldest
    return [*found.values(), *anonymous], list(skipped.items()), pages


def poll_once(
    session_factory: Callable[[], Session],
    settings: Mapping[str, Any],
    *,
    since: dt.datetime | None = None,
    timeout: float = TIMEOUT_S,
    actor: Actor = ACTOR,
    now: dt.datetime | None = None,
    fetcher: Callable[[str], bytes] | None = None,
) -> PollResult:
    """Fetch and import once. ``settings`` is the ``open311.poll`` value (``url``, ``source``;
    ``enabled`` is the caller's business). Never raises for the remote's faults."""
    started = time.perf_counter()
    url = str(settings.get("url") or "").strip()
    source = str(settings.get("source") or "open311").strip()
    now = now or clock.now()

    def failed(error: str) -> PollResult:
        return PollResult(
            url, False, watermark=since, error=error, seconds=time.perf_counter() - started
        )

    if not url:
        return failed("未设置远程地址 / no remote URL is set (open311.poll.url)")
    try:
        if since is None:
            with session_factory() as session:
                since = _since_from_database(session, source)
        requests, skipped, pages = fetch_requests(
            url, since, now=now, timeout=timeout, fetcher=fetcher
        )
    except PollError as exc:
        return failed(str(exc))
    except Open311FormatError as exc:
        return failed(f"远程回复无法使用 / the remote answer cannot be used: {exc.what}")
    except Exception as exc:
        return failed(f"轮询出错 / the poll failed: {exc}")
    watermark = max(
        [r.requested_datetime for r in requests if r.requested_datetime]
        + ([since] if since else []),
        default=None,
    )
    report = imports.ImportReport(0)
    if requests:
        try:
            with session_factory() as session:
                report = imports.import_open311(
                    session, write_requests_json(requests), actor=actor, source=source
                )
        except Exception as exc:
            return failed(f"导入失败，未导入任何来件 / the import failed, nothing imported: {exc}")
    return PollResult(
        url,
        True,
        fetched=len(requests),
        imported=report.imported,
        skipped=skipped + list(report.skipped),
        flagged_outside=report.flagged_outside,
        flagged_missing=report.flagged_missing,
        auto_dispatched=report.auto_dispatched,
        pages=pages,
        watermark=watermark,
        seconds=time.perf_counter() - started,
    )
