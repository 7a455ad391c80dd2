"""The school calendar (SPEC.md R8): which days are school days, and why a day is not.

A day is a school day unless it is a Sunday, a Saturday (unless the policy makes
Saturday a school day), a public holiday, or inside one of the school's closures
(holidays, closing days); a day the director opened (OpenedDay) is a school day
whatever the rest says. Public holidays are computed, never typed: the fixed ones of
the Code du travail (L3133-1) and the three that follow Easter.

`Calendar.load(start, end)` reads a range in two queries (closures, opened days) and
then answers per day from memory, so a page or a check over any number of days costs
the same; `is_open`, `closed_reason` and `open_days` are the one-call forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from dateutil.easter import easter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar as ICalendar

from ecoles.models import Closure, OpenedDay, Policy

ONE_DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6

# (month, day): name. Code du travail L3133-1; Alsace-Moselle's two extra days
# (Good Friday, 26 December) are not public holidays of the school's zone.
FIXED_HOLIDAYS = {
    (1, 1): gettext_lazy("New Year's Day"),
    (5, 1): gettext_lazy("Labour Day"),
    (5, 8): gettext_lazy("Victory in Europe Day"),
    (7, 14): gettext_lazy("Bastille Day"),
    (8, 15): gettext_lazy("Assumption"),
    (11, 1): gettext_lazy("All Saints' Day"),
    (11, 11): gettext_lazy("Armistice Day"),
    (12, 25): gettext_lazy("Christmas Day"),
}
# Days after Easter Sunday: name.
MOVABLE_HOLIDAYS = {
    1: gettext_lazy("Easter Monday"),
    39: gettext_lazy("Ascension Day"),
    50: gettext_lazy("Whit Monday"),
}


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: weeks run Monday to Sunday (ISO 8601, as in France)."""
    return day - dt.timedelta(days=day.weekday())


@cache
def _public_holidays(year: int) -> dict[dt.date, object]:
    days: dict[dt.date, object] = {
        dt.date(year, m, d): name for (m, d), name in FIXED_HOLIDAYS.items()
    }
    sunday = easter(year)  # dateutil's, the Gregorian computus
    for offset, name in MOVABLE_HOLIDAYS.items():
        days[sunday + dt.timedelta(days=offset)] = name
    return days


def public_holidays(year: int) -> dict[dt.date, str]:
    """{date: name} of the French public holidays of a calendar year, in date order."""
    return {day: str(name) for day, name in sorted(_public_holidays(year).items())}


def public_holiday(day: dt.date) -> str | None:
    """The name of the public holiday on `day`, or None."""
    name = _public_holidays(day.year).get(day)
    return str(name) if name is not None else None


@dataclass
class Calendar:
    """The school's calendar over [start, end], read once."""

    start: dt.date
    end: dt.date
    saturday_open: bool = False
    closures: list[Closure] = field(default_factory=list)
    opened: dict[dt.date, OpenedDay] = field(default_factory=dict)

    @classmethod
    def load(cls, start: dt.date, end: dt.date, policy: Policy | None = None) -> Calendar:
        """Two queries (and the policy, read once per request), whatever the range."""
        policy = policy or Policy.load()
        return cls(
            start,
            end,
            saturday_open=policy.saturday_is_school_day,
            closures=list(Closure.objects.overlapping(start, end).order_by("first_day")),
            opened={o.day: o for o in OpenedDay.objects.filter(day__range=(start, end))},
        )

    def _check(self, day: dt.date) -> None:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar loaded ({self.start}-{self.end})")

    def closure(self, day: dt.date) -> Closure | None:
        return next((c for c in self.closures if c.first_day <= day <= c.last_day), None)

    def calendar_reason(self, day: dt.date) -> str | None:
        """Why the calendar closes `day` (whether or not the director opened it)."""
        self._check(day)
        if day.weekday() == SUNDAY:
            return _("Sunday")
        holiday = public_holiday(day)
        if holiday:
            return _("public holiday (%(name)s)") % {"name": holiday}
        closure = self.closure(day)
        if closure:
            if closure.kind == Closure.Kind.HOLIDAY:
                return _("school holidays (%(name)s)") % {"name": closure.name}
            return _("school closed (%(name)s)") % {"name": closure.name}
        if day.weekday() == SATURDAY and not self.saturday_open:
            return _("Saturday")
        return None

    def opened_day(self, day: dt.date) -> OpenedDay | None:
        """The director's opening of a day the calendar closes, with its reason."""
        self._check(day)
        return self.opened.get(day)

    def closed_reason(self, day: dt.date) -> str | None:
        """Why `day` is not a school day, in words for a message; None on a school day."""
        if self.opened_day(day):
            return None
        return self.calendar_reason(day)

    def is_open(self, day: dt.date) -> bool:
        return self.closed_reason(day) is None

    def days(self) -> list[dt.date]:
        return [self.start + ONE_DAY * i for i in range((self.end - self.start).days + 1)]

    def open_days(self) -> list[dt.date]:
        return [day for day in self.days() if self.is_open(day)]


def is_open(day: dt.date) -> bool:
    """A school day: not Sunday, nor Saturday unless opened or a school day by policy, nor
    a public holiday, holiday or closing day, unless the director opened it."""
    return Calendar.load(day, day).is_open(day)


def closed_reason(day: dt.date) -> str | None:
    """Why `day` is closed, in French for messages; None when it is a school day."""
    return Calendar.load(day, day).closed_reason(day)


def open_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """The school days from `start` to `end` included, in two queries."""
    if end < start:
        return []
    return Calendar.load(start, end).open_days()


def closed_day_message(day: dt.date, reason: str) -> str:
    """The refusal of work, a session or a roll call on a closed day (R8)."""
    return _("%(day)s is not a school day (%(reason)s): ask the direction to open this day.") % {
        "day": f"{day:%d/%m/%Y}",
        "reason": reason,
    }


class CalendarFileError(ValueError):
    """The file is not an iCalendar file the school can read."""


@dataclass(frozen=True)
class Period:
    name: str
    first_day: dt.date
    last_day: dt.date


def _day(value) -> dt.date:
    """The calendar day of a DTSTART or DTEND, as written in the file."""
    return value.date() if isinstance(value, dt.datetime) else value


def parse_ics(text: str) -> list[Period]:
    """The holiday periods of an iCalendar file, as the ministry publishes its calendar
    (one file per zone): each event with a start and an end; an all-day DTEND is the day
    lessons resume (exclusive, RFC 5545), so the last day is the day before. One-day
    landmarks without an end ("Rentrée scolaire des élèves") are left out; " - Zone A"
    is dropped from the names. The file is read by icalendar (folding, escapes, time
    zones)."""
    if "BEGIN:VCALENDAR" not in text.upper():
        raise CalendarFileError(_("This is not an iCalendar (.ics) file."))
    try:
        events = list(ICalendar.from_ical(text).walk("VEVENT"))
        periods = []
        for event in events:
            start, end, summary = event.get("DTSTART"), event.get("DTEND"), event.get("SUMMARY")
            if start is None or end is None or not str(summary or "").strip():
                continue
            first, last = _day(start.dt), _day(end.dt)
            if not isinstance(end.dt, dt.datetime):
                last -= ONE_DAY
            if last >= first:
                title = " ".join(str(summary).split()).split(" - Zone")[0].strip()
                periods.append(Period(title[:100], first, last))
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise CalendarFileError(
            _("A date of the file cannot be read: %(value)s") % {"value": str(exc)[:120]}
        ) from exc
    return sorted(set(periods), key=lambda p: (p.first_day, p.name))


def import_holidays(periods: list[Period]) -> tuple[list[Closure], int]:
    """Save the periods as school holidays, leaving out those already entered (same name
    and first day): (created, how many were already there)."""
    known = set(Closure.objects.values_list("name", "first_day"))
    new = [
        Closure(kind=Closure.Kind.HOLIDAY, name=p.name, first_day=p.first_day, last_day=p.last_day)
        for p in periods
        if (p.name, p.first_day) not in known
    ]
    for closure in new:
        closure.full_clean()
    return Closure.objects.bulk_create(new), len(periods) - len(new)
