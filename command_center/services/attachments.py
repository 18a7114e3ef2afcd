"""Photos attached to a work order's progress notes: the limits, packing a photo for
``OrderProgress.attachments`` (base64 in the row, with its size and SHA-256), reading one back,
and the summary the details panel shows instead of the bytes. No Qt.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from command_center.models import OrderProgress, WorkOrder
from command_center.services import permissions
from command_center.services.audit import Actor
from command_center.services.queue import QueueError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9


def attachment_summary(a: Any) -> dict[str, Any]:
    """What the panel needs of an attachment (not the bytes)."""
    if not isinstance(a, dict):
        return {"name": str(a), "stored": False}
    return {k: v for k, v in a.items() if k != "data"} | {"stored": "data" in a}


def attachment_data(
    session: Session, progress_id: int, index: int, *, actor: Actor | None = None
) -> tuple[str, bytes] | None:
    """The bytes of one attached photo (base64 in the row), for opening it; given the
    ``actor``, refused (PermissionDenied) when the order is another department's."""
    import base64

    p = session.get(OrderProgress, progress_id)
    if p is None or not p.attachments or not 0 <= index < len(p.attachments):
        return None
    if actor is not None:
        order = session.get(WorkOrder, p.order_id)
        if order is not None:
            me = permissions.who(session, actor)
            permissions.require_order(session, me, order.number, order.department_id)
    a = p.attachments[index]
    if not isinstance(a, dict) or "data" not in a:
        return None
    return str(a.get("name", "photo")), base64.b64decode(a["data"])


def photo_attachment(name: str, data: bytes) -> dict[str, Any]:
    """An attachment for ``OrderProgress.attachments``: name, size, SHA-256 and the bytes
    (base64). Refuses a photo over :data:`MAX_PHOTO_BYTES`."""
    import base64
    import hashlib
    import mimetypes

    if len(data) > MAX_PHOTO_BYTES:
        mb = len(data) / 1024 / 1024
        raise QueueError(
            f"照片「{name}」有 {mb:.1f} MB，超过 5 MB 上限，请压缩后再传 / the photo '{name}' is "
            f"{mb:.1f} MB, over the 5 MB limit; reduce it and try again"
        )
    return {
        "name": name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "data": base64.b64encode(data).decode("ascii"),
    }
