"""The program's one clock: every "now" and "today" of the program is read here.

Time flows as the system's, but it can be moved: ``travel_to(moment)`` makes ``now()`` return
``moment`` at once and go on from there at the usual pace, ``freeze(moment)`` stops it there
(``advance`` then moves it by hand). The tests set it to the end of their demo county, so no
test depends on the date it runs on; the database's own ``now()`` is never asked what time it is
in a query (the audit log's time stamp, which records when a change was really made, is the one
exception and is never compared with this clock).

No Qt here: models, services, interop and the views all read the same clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CST = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time (UTC+8, no daylight saving): incident numbers, working days, "today"."""


@dataclass
class _State:
    offset: dt.timedelta = dt.timedelta(0)
    frozen: dt.datetime | None = None


_state = _State()


def now() -> dt.datetime:
    """Now, as an aware datetime in Beijing time."""
    if _state.frozen is not None:
        return _state.frozen
    return dt.datetime.now(CST) + _state.offset


def today() -> dt.date:
    """Today's date in Beijing (the date a duty day, a number and a deadline count from)."""
    return now().astimezone(CST).date()


def travel_to(moment: dt.datetime) -> None:
    """From now on the clock reads ``moment`` and goes on at the usual pace."""
    if moment.tzinfo is None:
        raise ValueError("travel_to needs an aware datetime")
    _state.frozen = None
    _state.offset = moment - dt.datetime.now(CST)


def freeze(moment: dt.datetime) -> None:
    """The clock reads ``moment`` until it is moved again."""
    if moment.tzinfo is None:
        raise ValueError("freeze needs an aware datetime")
    _state.frozen = moment.astimezone(CST)


def advance(delta: dt.timedelta) -> None:
    """Move the clock by ``delta`` (frozen or flowing)."""
    if _state.frozen is not None:
        _state.frozen += delta
    else:
        _state.offset += delta


def reset() -> None:
    """Back to the system's time."""
    _state.offset = dt.timedelta(0)
    _state.frozen = None
