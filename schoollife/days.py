"""The school days the register counts. Until the school calendar (ecoles.calendar, R8)
is merged, a school day is a weekday; this is the one place that changes then."""

from __future__ import annotations

import datetime as dt


def is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if is_school_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)
