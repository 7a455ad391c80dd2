"""The school days the register counts: the school's calendar (ecoles.calendar, R8), so a
Sunday, a public holiday, the holidays and the closing days have no half-days to call, and
a day the director opened has."""

from __future__ import annotations

import datetime as dt

from ecoles import calendar


def is_school_day(day: dt.date) -> bool:
    return calendar.is_open(day)


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """In two queries, whatever the range."""
    return calendar.open_days(start, end)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)
