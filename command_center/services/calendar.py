"""Working days: the official holiday and make-up-workday calendar, overridable in the database."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.clock import CST
from command_center.models import CalendarDay

CALENDAR_FILE = Path(__file__).resolve().parents[2] / "resources" / "calendar" / "cn_holidays.json"


def in_county_time(moment: dt.datetime) -> dt.datetime:
    """An aware moment in China Standard Time, the zone working days and office hours are
    counted in; a naive one is taken to be county time already."""
    return moment if moment.tzinfo is None else moment.astimezone(CST)


@dataclass(frozen=True)
class WorkCalendar:
    """``exceptions`` maps a date to "holiday" or "workday"; other days follow Mon–Fri."""

    exceptions: dict[dt.date, str] = field(default_factory=dict)
    _memo: dict[tuple[dt.date, int], dt.date] = field(
        default_factory=dict, repr=False, compare=False
    )

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == "workday"
        return day.weekday() < 5

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The same time of day ``days`` working days after ``start``.

        Counting starts the next working day, as a deadline of "3 working days" set on a Friday
        afternoon ends on Wednesday afternoon, skipping holidays and honouring make-up workdays.
        Days are the county's (China Standard Time) whatever zone ``start`` comes in: a moment
        read from a database session in UTC is on another date between 0:00 and 8:00 CST.
        """
        start = in_county_time(start)
        return dt.datetime.combine(self._after_working_days(start.date(), days), start.timetz())

    def _after_working_days(self, day: dt.date, days: int) -> dt.date:
        key = (day, days)
        cached = self._memo.get(key)
        if cached is None:
            cached = day
            remaining = days
            while remaining > 0:
                cached += dt.timedelta(days=1)
                if self.is_working_day(cached):
                    remaining -= 1
            self._memo[key] = cached
        return cached

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        n = 0
        d = start
        while d < end:
            d += dt.timedelta(days=1)
            n += self.is_working_day(d)
        return n


@lru_cache(maxsize=1)
def official_days() -> tuple[tuple[dt.date, str, str], ...]:
    doc = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))
    return tuple((dt.date.fromisoformat(d["day"]), d["kind"], d["name"]) for d in doc["days"])


def official_calendar() -> WorkCalendar:
    return WorkCalendar({day: kind for day, kind, _ in official_days()})


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar as the database has it (official days plus local overrides)."""
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    if not rows:
        return official_calendar()
    return WorkCalendar({day: kind for day, kind in rows})


# Office hours for deadlines counted in working hours (Gansu county offices: 8:30–12:00 and
# 14:30–18:00, seven hours a working day).
OFFICE_HOURS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 30), dt.time(12, 0)),
    (dt.time(14, 30), dt.time(18, 0)),
)


def add_working_hours(
    calendar: WorkCalendar,
    start: dt.datetime,
    hours: float,
    office: tuple[tuple[dt.time, dt.time], ...] = OFFICE_HOURS,
) -> dt.datetime:
    """The moment ``hours`` of office time after ``start``, on working days only.

    A request taken at night or on a holiday starts counting when the office next opens.
    """
    start = in_county_time(start)  # office hours are the county's
    remaining = dt.timedelta(hours=hours)
    tz = start.tzinfo
    day = start.date()
    moment = start
    for _ in range(3660):  # ten years of days: a bound, never reached
        if calendar.is_working_day(day):
            for opens, closes in office:
                a = dt.datetime.combine(day, opens, tz)
                b = dt.datetime.combine(day, closes, tz)
                a = max(a, moment)
                if a >= b:
                    continue
                if a + remaining <= b:
                    return a + remaining
                remaining -= b - a
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(0), tz)
    raise ValueError("working hours beyond ten years")
