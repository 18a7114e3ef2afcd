"""Which fields are personal data, and how each is masked (alembic 0006 made the database say
the same; tests/db/test_personal_data.py keeps them equal).

No application login may read a raw personal column: the ORM defers them (loaded only when
asked for, which an operator's login is refused), and every one has a generated ``…_masked``
column beside it that everyone reads. The raw values of one record come only through
``cc_reveal`` (services/personal.py), which records who looked and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Computed, Text
from sqlalchemy.orm import mapped_column

# table: {raw column: the database function that masks it}
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "incidents": {"reporter_name": "cc_mask_name", "reporter_phone": "cc_mask_phone"},
    "dispute_parties": {
        "name": "cc_mask_name",
        "phone": "cc_mask_phone",
        "id_number": "cc_mask_id",
        "address": "cc_mask_address",
    },
    "grid_workers": {"id_number": "cc_mask_id"},
}

MASKED_SUFFIX = "_masked"


def masked_column(table: str, column: str) -> Any:
    """The generated column holding ``column`` of ``table`` masked."""
    fn = PERSONAL_FIELDS[table][column]
    return mapped_column(Text, Computed(f"{fn}({column})", persisted=True))
