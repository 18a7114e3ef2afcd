"""Two operators saving the same incident: the second save is refused, not silently lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from command_center import clock
from command_center.db.engine import make_engine
from command_center.models import Channel, Incident


def test_a_stale_update_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            s.add(Channel(code="hotline_12345", name="12345热线", name_en="12345 hotline"))
            s.add(
                Incident(
                    number="SJ202611220001",
                    channel_code="hotline_12345",
                    title="路灯不亮",
                    reported_at=clock.now(),
                )
            )
            s.commit()
        with Session(engine) as first, Session(engine) as second:
            a = first.scalars(select(Incident)).one()
            b = second.scalars(select(Incident)).one()
            a.priority = 1
            first.commit()
            b.priority = 4
            with pytest.raises(StaleDataError):
                second.commit()
        with Session(engine) as s:
            row = s.scalars(select(Incident)).one()
            assert (row.priority, row.version) == (1, 2)
    finally:
        engine.dispose()
