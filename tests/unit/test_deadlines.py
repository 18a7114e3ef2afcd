"""Working hours, countdown colours and their labels (no database)."""

from __future__ import annotations

import datetime as dt

from command_center.services.calendar import add_working_hours, official_calendar
from command_center.services.deadlines import countdown, format_remaining

CST = dt.timezone(dt.timedelta(hours=8))


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=CST)


def test_working_hours_skip_lunch_nights_weekends_and_holidays() -> None:
    cal = official_calendar()
    assert add_working_hours(cal, at(11, 18, 9), 2) == at(11, 18, 11)
    assert add_working_hours(cal, at(11, 18, 11), 2) == at(11, 18, 15, 30)  # lunch 12:00–14:30
    assert add_working_hours(cal, at(11, 18, 17), 2) == at(11, 19, 9, 30)  # overnight
    assert add_working_hours(cal, at(11, 20, 17), 4) == at(11, 23, 11, 30)  # Fri → Mon
    assert add_working_hours(cal, at(11, 21, 23), 1) == at(11, 23, 9, 30)  # a Saturday night call
    # the eve of National Day: Oct 1–7 are off, Oct 8 is the next working day
    assert add_working_hours(cal, at(9, 30, 17), 7) == at(10, 8, 17)  # 1 h + 3.5 h + 2.5 h


def test_working_days_and_hours_count_in_county_time_whatever_zone_a_moment_comes_in() -> None:
    """A deadline read from a database session in UTC: Friday 07:00 in the county is Thursday
    23:00 UTC. One working day after it is Monday 07:00, not Saturday 07:00 (a yellow card
    on a weekend); two office hours after 07:00 Friday end at 10:30 the same Friday."""
    cal = official_calendar()
    friday_7 = at(11, 20, 7)
    in_utc = friday_7.astimezone(dt.UTC)
    assert in_utc.date() == dt.date(2026, 11, 19)
    assert cal.add_working_days(in_utc, 1) == at(11, 23, 7)
    assert cal.add_working_days(in_utc, 1) == cal.add_working_days(friday_7, 1)
    assert add_working_hours(cal, in_utc, 2) == at(11, 20, 10, 30)  # the office opens at 8:30


def test_countdown_turns_amber_past_three_quarters_and_red_when_overdue() -> None:
    start, deadline = at(11, 18, 9), at(11, 18, 17)
    assert countdown(at(11, 18, 10), start, deadline).level == "ok"
    assert countdown(at(11, 18, 14, 59), start, deadline).level == "ok"
    assert countdown(at(11, 18, 15), start, deadline).level == "amber"
    late = countdown(at(11, 18, 19), start, deadline)
    assert late.level == "red" and late.overdue
    assert format_remaining(late.remaining) == "超期2小时0分"
    assert format_remaining(countdown(at(11, 16, 9), start, deadline).remaining) == "剩2天8小时"
