"""Open311 GeoReport v2: 12345-hotline requests and service lists, in JSON and XML.

https://wiki.open311.org/GeoReport_v2 . Reading is forgiving about what real servers send
(null or 0/0 coordinates, empty or absent fields, self-closing elements, ``long`` before
``lat``, capitalised statuses, a UTF-8 byte-order mark, a GBK/GB18030 XML declaration) and
strict about what is not GeoReport v2 at all: that raises :class:`Open311FormatError`.

JSON or XML is told from the content, never from a file name. XML goes through the standard
library's ElementTree; ``defusedxml`` is not available, so a document with a DOCTYPE or an
ENTITY declaration (billion laughs, external entities) is refused before it is parsed.

Writing (:func:`write_requests_json`, :func:`write_requests_xml`) is the inverse of reading:
``parse_requests(write_requests_json(x)).requests == x``, and the same for XML. The command
center's finer statuses travel in ``status_notes`` and the extension field ``cc_status``.
Service lists (:func:`write_services_json` / ``_xml``), the specification's error bodies
(:func:`write_errors_json` / ``_xml``) and plain record lists such as a POST's answer
(:func:`write_records_json` / ``_xml``) are written here too, for the center's own endpoint.

No Qt and no database here.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from command_center.clock import CST

__all__ = [
    "REQUEST_FIELDS",
    "Open311FormatError",
    "ParseResult",
    "Service",
    "ServiceRequest",
    "parse_requests",
    "parse_services",
    "write_errors_json",
    "write_errors_xml",
    "write_records_json",
    "write_records_xml",
    "write_requests_json",
    "write_requests_xml",
    "write_services_json",
    "write_services_xml",
]

# A time without an offset is taken as China Standard Time: the hotlines we read are Chinese.

# The request fields of GeoReport v2, in the order the specification lists them.
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
_TEXT_FIELDS = frozenset(REQUEST_FIELDS) - {
    "status",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "lat",
    "long",
}
_NULL_WORDS = frozenset({"", "null", "nil", "none"})
# characters XML 1.0 cannot carry (and PostgreSQL text cannot hold NUL): dropped on reading
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


class Open311FormatError(ValueError):
    """The data is not a GeoReport v2 document; nothing of it should be used."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(
            f"不是有效的 Open311 GeoReport v2 文件 / not a valid Open311 GeoReport v2 file: {what}"
        )


@dataclass(frozen=True)
class ServiceRequest:
    """One service request. Empty texts are None; ``status`` is 'open' or 'closed'."""

    service_request_id: str | None
    service_code: str | None
    service_name: str | None
    description: str | None
    status: str
    status_notes: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    requested_datetime: dt.datetime | None = None  # always timezone-aware
    updated_datetime: dt.datetime | None = None
    expected_datetime: dt.datetime | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None  # both None unless a usable point (never 0/0)
    long: float | None = None
    media_url: str | None = None
    # fields GeoReport v2 does not define, as found (JSON values; strings or nested dicts in XML)
    extensions: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Service:
    """One entry of a server's service list (``services.json`` / ``services.xml``)."""

    service_code: str
    service_name: str | None
    description: str | None
    metadata: bool
    type: str | None
    keywords: tuple[str, ...]
    group: str | None


@dataclass(frozen=True)
class ParseResult:
    requests: list[ServiceRequest]
    # (request id, or "#n" for the n-th request of the file, and the reason in Chinese / English)
    skipped: list[tuple[str, str]]


class _SkipRequest(Exception):
    pass


# --- reading: bytes → text → JSON value or XML tree ----------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Return ("json" | "xml", text), telling the format from the first significant character."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("expected bytes")
    data = bytes(data)
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = _decode_with(data, codec)
            return _kind(text.lstrip("\ufeff \t\r\n")), text.lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    head = data.lstrip(b" \t\r\n")
    if not head:
        raise Open311FormatError("文件为空 / the file is empty")
    kind = _kind(head[:1].decode("latin-1"))
    codec = "utf-8"
    if kind == "xml":
        declared = _XML_DECL_ENCODING.match(head[:300])
        if declared:
            codec = declared.group(1).decode("ascii").lower()
            if codec.replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936", "euccn"):
                codec = "gb18030"  # the declared name is often narrower than what was written
    return kind, _decode_with(data, codec)


def _decode_with(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except LookupError:
        raise Open311FormatError(f"未知的字符编码 / unknown character encoding {codec!r}") from None
    except UnicodeDecodeError as exc:
        raise Open311FormatError(
            f"字符编码错误（第{exc.start}字节）/ bytes that are not valid {codec.upper()} "
            f"at byte {exc.start}"
        ) from None


def _kind(first: str) -> str:
    if first.startswith("<"):
        return "xml"
    if first.startswith(("[", "{")):
        return "json"
    shown = first[:1]
    if not first:
        raise Open311FormatError("文件为空 / the file is empty")
    raise Open311FormatError(
        f"既不是 JSON 也不是 XML（以 {shown!r} 开头）/ neither JSON nor XML (starts with {shown!r})"
    )


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Open311FormatError(
            f"JSON 语法错误（第{exc.lineno}行第{exc.colno}列）/ broken JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise Open311FormatError("JSON 嵌套过深 / JSON nested too deeply") from None


def _load_xml(text: str) -> ET.Element:
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        if re.search(r"<!doctype\s+html", lowered) or "<html" in lowered:
            raise Open311FormatError(_HTML)
        raise Open311FormatError(
            "含有 DOCTYPE/ENTITY 声明，出于安全原因拒绝读取 / it declares a DOCTYPE or ENTITY, "
            "which is refused for safety"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        if re.match(r"\s*<html[\s>]", lowered) or "<body" in lowered[:4000]:
            raise Open311FormatError(_HTML) from None
        line, col = exc.position
        raise Open311FormatError(
            f"XML 语法错误（第{line}行第{col + 1}列）/ broken XML at line {line}, column {col + 1}"
        ) from None
    except ValueError as exc:  # e.g. an encoding expat cannot take
        raise Open311FormatError(f"XML 无法读取 / unreadable XML: {exc}") from None
    return root


_HTML = "这是一个 HTML 网页（可能是服务器错误页）/ it is an HTML page (perhaps a server error page)"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_nil(el: ET.Element) -> bool:
    nil = el.get(_XSI_NIL, el.get("nil", ""))
    return nil.strip().lower() in ("true", "1")


def _xml_value(el: ET.Element) -> Any:
    """A leaf element's text (None when empty or nil); an element with children as a dict."""
    if _is_nil(el):
        return None
    children = list(el)
    if not children:
        return el.text
    out: dict[str, Any] = {}
    for child in children:
        name = _local(child.tag)
        if not name:
            continue
        value = _xml_value(child)
        if name in out:
            prev = out[name]
            out[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[name] = value
    return out


def _xml_record(el: ET.Element) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for child in el:
        name = _local(child.tag)
        if name and name not in record:  # the first of a repeated element counts
            record[name] = _xml_value(child)
    return record


def _xml_errors(root: ET.Element) -> str:
    parts = []
    for err in root.iter():
        if _local(err.tag) == "error":
            rec = _xml_record(err)
            parts.append(f"{rec.get('code') or ''} {rec.get('description') or ''}".strip())
    return "; ".join(p for p in parts if p)


def _records(data: bytes, *, kind: str) -> list[dict[str, Any]]:
    """The items of a request list (kind "request") or service list (kind "service")."""
    fmt, text = _decode(data)
    plural = "service_requests" if kind == "request" else "services"
    if fmt == "xml":
        root = _load_xml(text)
        name = _local(root.tag)
        roots = ("service_requests", "requests") if kind == "request" else ("services",)
        if name not in roots:
            if name == "html":
                raise Open311FormatError(_HTML)
            if name == "errors":
                raise Open311FormatError(
                    f"服务器返回了错误 / the server answered with an error: {_xml_errors(root)}"
                )
            raise Open311FormatError(
                f"根元素是 <{name}>，应为 <{roots[0]}> / the root element is <{name}>, "
                f"not <{roots[0]}>"
            )
        records = []
        for child in root:
            child_name = _local(child.tag)
            if not child_name:  # a comment or processing instruction
                continue
            if child_name != kind:
                raise Open311FormatError(
                    f"<{name}> 中出现了 <{child_name}>，应为 <{kind}> / <{name}> holds a "
                    f"<{child_name}> element where <{kind}> belongs"
                )
            records.append(_xml_record(child))
        return records
    value = _load_json(text)
    if isinstance(value, dict):
        keys = (plural, "requests") if kind == "request" else (plural,)
        found = next((value[k] for k in keys if isinstance(value.get(k), list)), None)
        if found is None:
            if "code" in value and "description" in value:
                raise Open311FormatError(_json_error(value))
            raise Open311FormatError(
                f'JSON 对象中没有 "{plural}" 列表 / a JSON object without a "{plural}" list'
            )
        value = found
    if not isinstance(value, list):
        raise Open311FormatError(
            f"JSON 顶层应为列表 / the top level is a JSON {type(value).__name__}, not a list"
        )
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise Open311FormatError(
                f"第{i + 1}项不是对象 / item #{i + 1} is a JSON {_json_type(item)}, not an object"
            )
    if value and all(_is_json_error(item) for item in value):
        raise Open311FormatError("; ".join(_json_error(item) for item in value))
    return value


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else type(v).__name__


def _is_json_error(item: Mapping[str, Any]) -> bool:
    """GeoReport v2 errors are ``[{"code": 403, "description": "..."}]``."""
    return set(item) <= {"code", "description"} and "code" in item


def _json_error(item: Mapping[str, Any]) -> str:
    return (
        "服务器返回了错误 / the server answered with an error: "
        f"{item.get('code')} {item.get('description') or ''}".rstrip()
    )


# --- values --------------------------------------------------------------------------------


def _text(raw: Any, name: str) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    elif isinstance(raw, int):
        raw = str(raw)
    elif isinstance(raw, float):
        raw = str(int(raw)) if raw.is_integer() else repr(raw)
    elif not isinstance(raw, str):
        raise _SkipRequest(
            f"字段 {name} 的类型不对 / field {name} holds a {_json_type(raw)}, not text"
        )
    cleaned = _ILLEGAL.sub("", raw).strip()
    return cleaned or None


def _datetime(raw: Any) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    s = raw.strip()
    if s.lower() in _NULL_WORDS:
        return None
    try:
        value = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=CST)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _point(raw_lat: Any, raw_long: Any) -> tuple[float | None, float | None]:
    lat, lon = _number(raw_lat), _number(raw_long)
    if lat is None or lon is None:
        return None, None
    if lat == 0 and lon == 0:  # "no location" in many servers, never a real place of ours
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _status(raw: Any) -> str:
    status = _text(raw, "status")
    if status is None:
        return "open"  # a request that says nothing of its state is still to be handled
    lowered = status.lower()
    if lowered not in ("open", "closed"):
        raise _SkipRequest(f"状态无法识别 / unknown status {status!r}")
    return lowered


def _request(raw: Mapping[str, Any]) -> ServiceRequest:
    texts = {name: _text(raw.get(name), name) for name in _TEXT_FIELDS}
    if texts["service_request_id"] is None and not (texts["service_code"] or texts["description"]):
        raise _SkipRequest(
            "既无编号也无服务类型和描述 / no service_request_id, service_code or description"
        )
    lat, lon = _point(raw.get("lat"), raw.get("long"))
    return ServiceRequest(
        status=_status(raw.get("status")),
        requested_datetime=_datetime(raw.get("requested_datetime")),
        updated_datetime=_datetime(raw.get("updated_datetime")),
        expected_datetime=_datetime(raw.get("expected_datetime")),
        lat=lat,
        long=lon,
        extensions={k: v for k, v in raw.items() if k not in _KNOWN_REQUEST_KEYS},
        **texts,
    )


_KNOWN_REQUEST_KEYS = frozenset(REQUEST_FIELDS)


def parse_requests(data: bytes) -> ParseResult:
    """Read a GeoReport v2 request list (``requests.json`` / ``requests.xml``).

    Requests that cannot be used are listed in ``skipped`` with the reason; a document that is
    not GeoReport v2 raises :class:`Open311FormatError`.
    """
    requests: list[ServiceRequest] = []
    skipped: list[tuple[str, str]] = []
    for i, raw in enumerate(_records(data, kind="request")):
        try:
            requests.append(_request(raw))
        except _SkipRequest as why:
            try:
                label = _text(raw.get("service_request_id"), "service_request_id")
            except _SkipRequest:
                label = None
            skipped.append((label or f"#{i + 1}", str(why)))
    return ParseResult(requests, skipped)


def parse_services(data: bytes) -> list[Service]:
    """Read a GeoReport v2 service list; entries without a service_code are left out."""
    services = []
    for raw in _records(data, kind="service"):
        try:
            texts = {
                k: _text(raw.get(k), k)
                for k in ("service_code", "service_name", "description", "type", "group")
            }
            keywords = _text(raw.get("keywords"), "keywords")
        except _SkipRequest:
            continue
        code = texts.pop("service_code")
        if code is None:
            continue
        metadata = raw.get("metadata")
        if isinstance(metadata, str):
            metadata = metadata.strip().lower() in ("true", "1", "yes")
        services.append(
            Service(
                service_code=code,
                metadata=bool(metadata),
                keywords=tuple(k.strip() for k in (keywords or "").split(",") if k.strip()),
                **texts,
            )
        )
    return services


# --- writing -------------------------------------------------------------------------------


def _standard(req: ServiceRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in REQUEST_FIELDS:
        value = getattr(req, name)
        out[name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out


def write_requests_json(requests: Iterable[ServiceRequest]) -> bytes:
    """A GeoReport v2 JSON request list (UTF-8); extension fields follow the standard ones."""
    items = []
    for req in requests:
        item = _standard(req)
        for key, value in req.extensions.items():
            item.setdefault(key, value)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _xml_lines(name: str, value: Any, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    if isinstance(value, list):
        for item in value:
            _xml_lines(name, item, depth, out)
        return
    if isinstance(value, dict):
        out.append(f"{pad}<{name}>")
        for key, sub in value.items():
            if isinstance(key, str) and _XML_NAME.match(key):
                _xml_lines(key, sub, depth + 1, out)
        out.append(f"{pad}</{name}>")
        return
    if value is None or value == "":
        out.append(f"{pad}<{name}/>")
        return
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, dt.datetime):
        text = value.isoformat()
    else:
        text = _ILLEGAL.sub("", str(value))
    out.append(f"{pad}<{name}>{text.translate(_XML_ESCAPES)}</{name}>")


def write_requests_xml(requests: Iterable[ServiceRequest]) -> bytes:
    """A GeoReport v2 XML request list (UTF-8).

    Extension fields become elements after the standard ones; those whose names are not XML
    names are left out, and non-text values come back as text when read again.
    """
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<service_requests>"]
    for req in requests:
        out.append("  <request>")
        for name, value in _standard(req).items():
            _xml_lines(name, value, 2, out)
        for key, value in req.extensions.items():
            if key not in _KNOWN_REQUEST_KEYS and _XML_NAME.match(key):
                _xml_lines(key, value, 2, out)
        out.append("  </request>")
    out.append("</service_requests>")
    return ("\n".join(out) + "\n").encode("utf-8")


def write_records_json(records: Iterable[Mapping[str, Any]]) -> bytes:
    """A JSON list of flat records (e.g. the answer to a POST), UTF-8."""
    return json.dumps(
        [
            {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in r.items()}
            for r in records
        ],
        ensure_ascii=False,
        indent=1,
    ).encode("utf-8")


def write_records_xml(root: str, item: str, records: Iterable[Mapping[str, Any]]) -> bytes:
    """``<root><item>…</item>…</root>`` with one element per key (UTF-8)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{root}>"]
    for record in records:
        out.append(f"  <{item}>")
        for key, value in record.items():
            if _XML_NAME.match(key):
                _xml_lines(key, value, 2, out)
        out.append(f"  </{item}>")
    out.append(f"</{root}>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _service_record(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.service_code,
        "service_name": service.service_name,
        "description": service.description,
        "metadata": service.metadata,
        "type": service.type,
        "keywords": ", ".join(service.keywords) or None,
        "group": service.group,
    }


def write_services_json(services: Iterable[Service]) -> bytes:
    """A GeoReport v2 service list in JSON; ``parse_services`` reads it back unchanged."""
    return write_records_json(_service_record(s) for s in services)


def write_services_xml(services: Iterable[Service]) -> bytes:
    """A GeoReport v2 service list in XML; ``parse_services`` reads it back unchanged."""
    return write_records_xml("services", "service", (_service_record(s) for s in services))


def write_errors_json(errors: Iterable[tuple[int, str]]) -> bytes:
    """The specification's error body: ``[{"code": 400, "description": "..."}]``."""
    return write_records_json({"code": code, "description": text} for code, text in errors)


def write_errors_xml(errors: Iterable[tuple[int, str]]) -> bytes:
    """``<errors><error><code>400</code><description>…</description></error></errors>``."""
    return write_records_xml(
        "errors", "error", ({"code": code, "description": text} for code, text in errors)
    )


def write_service_definition_json(service_code: str) -> bytes:
    """``GET services/<code>.json``: a service without extra attributes (``attributes: []``)."""
    return json.dumps(
        {"service_code": service_code, "attributes": []}, ensure_ascii=False
    ).encode("utf-8")


def write_service_definition_xml(service_code: str) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<service_definition>"]
    _xml_lines("service_code", service_code, 1, out)
    out += ["  <attributes/>", "</service_definition>"]
    return ("\n".join(out) + "\n").encode("utf-8")
