"""A minor's working time (SPEC.md R2): the law, not a policy (ecoles.law cites it).

Production and theory together: at most 8 h a day and 35 h a week (Code du travail
L3162-1), a 30-minute break after 4 h 30 of continuous activity (L3162-3), no night
activity (22:00-06:00, 20:00-06:00 under 16: L3163-1, L3163-2), 12 h rest between two
days (14 h under 16: L3164-1), two consecutive rest days in the week (L3164-2), no
activity on a Sunday (L3132-3) nor on a public holiday (L3164-6), whatever days the
director opens. A pupil is never in two places at once. The Policy may make a number
stricter, never looser (`Limits.for_age` takes the stricter of the two). None of these
is overridable, the director included: the override is for the school's own rule, R1's
allowance (`OVERRIDABLE`). `check()` is pure; `activities()` reads the database.

Pupils of 18 and over are adults: only the overlap rule applies to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from ecoles import formats, law
from ecoles.calendar import monday_of, public_holiday
from training.models import Attendance, WorkLog

OVERLAP = "overlap"
DAILY = "daily"
WEEKLY = "weekly"
BREAK = "break"
NIGHT = "night"
REST = "rest"
BALANCE = "balance"  # raised by training.balance, listed here so refusals share one type
SAFETY = "safety"  # raised by safety.rules (R13): the law gives no override
CLOSED_DAY = "closed_day"  # raised by training.recording from ecoles.calendar (R8)
ABSENCE = "absence"  # raised by training.recording: production inside an absence (R9)
WEEKLY_REST = "weekly_rest"  # L3164-2: two consecutive rest days in the week
SUNDAY = "sunday"  # L3132-3: the weekly rest is given on Sunday
PUBLIC_HOLIDAY = "public_holiday"  # L3164-6: no work on a public holiday
# The only refusals a director may lift with a written reason: the school's own rules
# (R1's two-thirds allowance; a log of an invoiced order, training.recording.FROZEN).
# Everything else is the law (R2, R8, R13) or a fact (overlaps): never overridden.
OVERRIDABLE = frozenset({BALANCE, "frozen"})


@dataclass(frozen=True)
class Interval:
    """One activity of a pupil (aware datetimes); `ref` identifies the row it comes from."""

    start: dt.datetime
    end: dt.datetime
    label: str = ""
    ref: tuple[str, int] | None = None

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    def local(self) -> tuple[dt.datetime, dt.datetime]:
        return timezone.localtime(self.start), timezone.localtime(self.end)

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.start).date()


@dataclass(frozen=True)
class Limits:
    max_daily: dt.timedelta
    max_weekly: dt.timedelta
    break_after: dt.timedelta
    break_length: dt.timedelta
    night_start: dt.time
    night_end: dt.time
    rest: dt.timedelta
    minor: bool = True

    @classmethod
    def for_age(cls, policy, age: int) -> Limits:
        """The policy's numbers where they are stricter than the law, the law's otherwise:
        a policy saved before the law was enforced (or past its form) loosens nothing."""
        under_16 = age < 16
        night_start, law_night_start = (
            (policy.night_start_under_16, law.NIGHT_START_UNDER_16)
            if under_16
            else (policy.night_start, law.NIGHT_START)
        )
        rest, law_rest = (
            (policy.daily_rest_hours_under_16, law.DAILY_REST_HOURS_UNDER_16)
            if under_16
            else (policy.daily_rest_hours, law.DAILY_REST_HOURS)
        )
        return cls(
            max_daily=dt.timedelta(hours=float(min(policy.max_daily_hours, law.MAX_DAILY_HOURS))),
            max_weekly=dt.timedelta(
                hours=float(min(policy.max_weekly_hours, law.MAX_WEEKLY_HOURS))
            ),
            break_after=dt.timedelta(
                minutes=min(policy.break_after_minutes, law.BREAK_AFTER_MINUTES)
            ),
            break_length=dt.timedelta(minutes=max(policy.break_minutes, law.BREAK_MINUTES)),
            # An evening time: earlier is stricter (ecoles.models.Policy keeps it after noon).
            night_start=min(night_start, law_night_start),
            night_end=max(policy.night_end, law.NIGHT_END),
            rest=dt.timedelta(hours=max(rest, law_rest)),
            minor=age < 18,
        )


@dataclass(frozen=True)
class Violation:
    """A refused entry: which rule, for which pupil, by how much, and the words to say it."""

    rule: str
    student_id: int | None
    message: str
    excess: dt.timedelta = dt.timedelta()
    day: dt.date | None = None

    @property
    def overridable(self) -> bool:
        return self.rule in OVERRIDABLE


# French agrees the participle with the pupil ("occupé", "occupée"): the feminine is the
# same English text under the context "feminine" (issue #16).
DAILY_TEXT = (
    gettext_lazy("%(pupil)s would be busy %(total)s on %(day)s: %(excess)s over %(max)s a day."),
    pgettext_lazy(
        "feminine", "%(pupil)s would be busy %(total)s on %(day)s: %(excess)s over %(max)s a day."
    ),
)
WEEKLY_TEXT = (
    gettext_lazy(
        "%(pupil)s would be busy %(total)s in the week of %(week)s: %(excess)s over %(max)s a week."
    ),
    pgettext_lazy(
        "feminine",
        "%(pupil)s would be busy %(total)s in the week of %(week)s: "
        "%(excess)s over %(max)s a week.",
    ),
)
NIGHT_TEXT = (
    gettext_lazy(
        "%(pupil)s may not be busy between %(night_start)s and %(night_end)s at his "
        "age: %(excess)s of night time."
    ),
    pgettext_lazy(
        "feminine",
        "%(pupil)s may not be busy between %(night_start)s and %(night_end)s at his "
        "age: %(excess)s of night time.",
    ),
)


def _agreed(sex: str, masculine, feminine) -> str:
    return str(feminine if sex == "F" else masculine)


def _hm(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%H:%M}"


def clock(value: dt.datetime) -> str:
    """A time of day as people say it: '8 h 30', '12 h' in French, '08:30' in English."""
    local = timezone.localtime(value)
    if not (get_language() or "").startswith("fr"):
        return f"{local:%H:%M}"
    if local.minute:
        return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"
    return f"{local.hour}\u00a0h"


def busy_time(intervals) -> dt.timedelta:
    """The time covered by `intervals`, an overlap counted once (the union's length)."""
    total, reach = dt.timedelta(), None
    for item in sorted(intervals, key=lambda i: i.start):
        if reach is None or item.start >= reach:
            total += item.end - item.start
            reach = item.end
        elif item.end > reach:
            total += item.end - reach
            reach = item.end
    return total


def overlapping(new_start: dt.datetime, new_end: dt.datetime, existing) -> list[Interval]:
    return [i for i in existing if i.start < new_end and new_start < i.end]


def already_busy(pupil: str, sex: str, others: list[Interval]) -> str:
    """'Nina Bernard is already busy from 8 h to 12 h (Bibliothèque)': the words follow the
    pupil's sex in French (occupée / occupé)."""
    spans = ", ".join(
        _("from %(start)s to %(end)s (%(what)s)")
        % {"start": clock(o.start), "end": clock(o.end), "what": o.label}
        for o in sorted(others, key=lambda i: i.start)
    )
    words = {"pupil": pupil, "spans": spans}
    if sex == "F":
        text = pgettext("a girl", "%(pupil)s is already busy %(spans)s: %(why)s.")
    elif sex == "M":
        text = pgettext("a boy", "%(pupil)s is already busy %(spans)s: %(why)s.")
    else:
        text = _("%(pupil)s is already busy %(spans)s: %(why)s.")
    words["why"] = _("a pupil cannot be in two places at once")
    return text % words


def _night_overlap(start: dt.datetime, end: dt.datetime, limits: Limits) -> dt.timedelta:
    """Time of [start, end) (local, same day) before night_end or after night_start."""
    day = start.date()
    tz = start.tzinfo
    morning = dt.datetime.combine(day, limits.night_end, tzinfo=tz)
    evening = dt.datetime.combine(day, limits.night_start, tzinfo=tz)
    early = max(dt.timedelta(), min(end, morning) - start)
    late = max(dt.timedelta(), end - max(start, evening))
    return early + late


def check(
    new: Interval,
    existing: list[Interval],
    *,
    limits: Limits,
    pupil: str,
    student_id: int | None = None,
    sex: str = "",
) -> list[Violation]:
    """Every rule `new` would break given the pupil's `existing` activities (pure); the
    messages agree with the pupil's `sex` ("F" or "M") where French needs it."""
    day = new.day
    found: list[Violation] = []

    def refuse(rule: str, message: str, excess: dt.timedelta = dt.timedelta()) -> None:
        found.append(Violation(rule, student_id, message, excess, day))

    # Already busy in the slot: one line per pupil, whatever the number of activities;
    # the totals below count the overlap once, so it adds no line of its own to them.
    others = overlapping(new.start, new.end, existing)
    if others:
        overlap = busy_time(
            [Interval(max(o.start, new.start), min(o.end, new.end)) for o in others]
        )
        refuse(OVERLAP, already_busy(pupil, sex, others), overlap)
    if not limits.minor:
        return found

    # L3162-1: 8 h a day, 35 h a week, production and theory together.
    same_day = sorted([i for i in existing if i.day == day] + [new], key=lambda i: i.start)
    day_total = busy_time(same_day)  # an overlap of stored rows is not counted twice
    if day_total > limits.max_daily:
        refuse(
            DAILY,
            _agreed(sex, *DAILY_TEXT)
            % {
                "pupil": pupil,
                "total": formats.hours(day_total),
                "day": f"{day:%d/%m/%Y}",
                "excess": formats.hours(day_total - limits.max_daily),
                "max": formats.hours(limits.max_daily),
            },
            day_total - limits.max_daily,
        )

    week = monday_of(day)
    week_total = busy_time([new] + [i for i in existing if monday_of(i.day) == week])
    if week_total > limits.max_weekly:
        refuse(
            WEEKLY,
            _agreed(sex, *WEEKLY_TEXT)
            % {
                "pupil": pupil,
                "total": formats.hours(week_total),
                "week": f"{week:%d/%m/%Y}",
                "excess": formats.hours(week_total - limits.max_weekly),
                "max": formats.hours(limits.max_weekly),
            },
            week_total - limits.max_weekly,
        )

    # L3162-3: 4 h 30 of continuous activity at most; pauses shorter than the required
    # break do not interrupt it.
    block_start, block_end, blocks = None, None, []
    for item in same_day:
        if block_end is not None and item.start - block_end < limits.break_length:
            block_end = max(block_end, item.end)
        else:
            if block_start is not None:
                blocks.append((block_start, block_end))
            block_start, block_end = item.start, item.end
    blocks.append((block_start, block_end))
    for b_start, b_end in blocks:
        if b_start <= new.start < b_end and b_end - b_start > limits.break_after:
            refuse(
                BREAK,
                _(
                    "%(pupil)s would work %(length)s without a %(break)s break "
                    "(%(start)s-%(end)s): %(excess)s over %(max)s."
                )
                % {
                    "pupil": pupil,
                    "length": formats.hours(b_end - b_start),
                    "break": formats.hours(limits.break_length),
                    "start": _hm(b_start),
                    "end": _hm(b_end),
                    "excess": formats.hours(b_end - b_start - limits.break_after),
                    "max": formats.hours(limits.break_after),
                },
                b_end - b_start - limits.break_after,
            )

    # L3163-1, L3163-2: no night activity (20:00-06:00 under 16, 22:00-06:00 from 16).
    start, end = new.local()
    night = _night_overlap(start, end, limits)
    if night:
        refuse(
            NIGHT,
            _agreed(sex, *NIGHT_TEXT)
            % {
                "pupil": pupil,
                "night_start": f"{limits.night_start:%H:%M}",
                "night_end": f"{limits.night_end:%H:%M}",
                "excess": formats.hours(night),
            },
            night,
        )

    # L3132-3 (the weekly rest is on Sunday) and L3164-6 (no work on a public holiday):
    # whatever the calendar says, an opened day included (ecoles.calendar, R8).
    if day.weekday() == 6:
        refuse(
            SUNDAY,
            _(
                "%(pupil)s may not work nor attend lessons on Sunday %(day)s: a minor rests "
                "on Sundays (Code du travail L3132-3), even on a day the school opens."
            )
            % {"pupil": pupil, "day": f"{day:%d/%m/%Y}"},
            new.duration,
        )
    elif holiday := public_holiday(day):
        refuse(
            PUBLIC_HOLIDAY,
            _(
                "%(pupil)s may not work nor attend lessons on %(day)s, a public holiday "
                "(%(name)s): minors do not work on public holidays (Code du travail L3164-6)."
            )
            % {"pupil": pupil, "day": f"{day:%d/%m/%Y}", "name": holiday},
            new.duration,
        )

    # L3164-2: two consecutive days without any activity in the week (Monday to Sunday).
    # Only a day that adds activity is refused: correcting a day already worked is not.
    busy_days = {i.day for i in existing if monday_of(i.day) == week}
    if day not in busy_days:
        busy_days.add(day)
        run = law.WEEKLY_REST_DAYS
        if not any(
            all(week + dt.timedelta(days=n + k) not in busy_days for k in range(run))
            for n in range(7 - run + 1)
        ):
            refuse(
                WEEKLY_REST,
                _(
                    "%(pupil)s would have no two consecutive days of rest in the week of "
                    "%(week)s: a minor is owed two a week (Code du travail L3164-2)."
                )
                % {"pupil": pupil, "week": f"{week:%d/%m/%Y}"},
                new.duration,
            )

    # L3164-1: the daily rest, between the last activity of a day and the first of the next.
    first, last = same_day[0], max(same_day, key=lambda i: i.end)
    before = [i for i in existing if i.day == day - dt.timedelta(days=1)]
    after = [i for i in existing if i.day == day + dt.timedelta(days=1)]
    if before and first is new:
        rest = new.start - max(i.end for i in before)
        if rest < limits.rest:
            refuse(
                REST,
                _(
                    "%(pupil)s would rest only %(rest)s since the day before: %(excess)s short "
                    "of %(needed)s."
                )
                % {
                    "pupil": pupil,
                    "rest": formats.hours(rest),
                    "excess": formats.hours(limits.rest - rest),
                    "needed": formats.hours(limits.rest),
                },
                limits.rest - rest,
            )
    if after and last is new:
        rest = min(i.start for i in after) - new.end
        if rest < limits.rest:
            refuse(
                REST,
                _(
                    "%(pupil)s would rest only %(rest)s before the next day: %(excess)s short "
                    "of %(needed)s."
                )
                % {
                    "pupil": pupil,
                    "rest": formats.hours(rest),
                    "excess": formats.hours(limits.rest - rest),
                    "needed": formats.hours(limits.rest),
                },
                limits.rest - rest,
            )
    return found


# --- database -----------------------------------------------------------------------


def window(day: dt.date) -> tuple[dt.date, dt.date]:
    """Days whose activities matter for an entry on `day`: its week and the days around."""
    monday = monday_of(day)
    return min(monday, day - dt.timedelta(days=1)), max(
        monday + dt.timedelta(days=6), day + dt.timedelta(days=1)
    )


def activities(
    student_ids: list[int],
    first: dt.date,
    last: dt.date,
    *,
    exclude_logs: list[int] = (),
    exclude_attendances: list[int] = (),
) -> dict[int, list[Interval]]:
    """{student id: [Interval]} of work logs and theory sessions (not absent/excused),
    local days `first`..`last`: two SQL queries whatever the number of pupils."""
    result: dict[int, list[Interval]] = defaultdict(list)
    logs = (
        WorkLog.objects.filter(student__in=student_ids)
        .between(first, last)
        .exclude(pk__in=list(exclude_logs))
        .values_list("pk", "student", "start", "end", "order__title")
    )
    for pk, student, start, end, title in logs:
        result[student].append(Interval(start, end, title, ("log", pk)))
    rows = (
        Attendance.objects.occupying()
        .filter(student__in=student_ids)
        .between(first, last)
        .exclude(pk__in=list(exclude_attendances))
        .values_list(
            "pk", "student", "session__start", "session__end", "late_minutes", "session__title"
        )
    )
    for pk, student, start, end, late, title in rows:
        result[student].append(
            Interval(start + dt.timedelta(minutes=late), end, title, ("attendance", pk))
        )
    return result
