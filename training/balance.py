"""The two-thirds balance (SPEC.md R1): production share and gap of pupils over a period.

Pure arithmetic first (`Balance`, `production_refusal`), exact with `Fraction`; then the
database wrappers, which compute any number of pupils in a fixed number of SQL queries.

    gap = P - T × share / (1 - share)        (2/3: P - 2T)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoles.calendar import monday_of
from ecoles.db import Elapsed
from ecoles.formats import hours as format_hours
from ecoles.models import Policy
from students.models import Student
from training.models import DURATION, Attendance, WorkLog

BALANCED = "balanced"
TOO_MUCH_PRODUCTION = "too_much_production"
TOO_MUCH_THEORY = "too_much_theory"
NO_DATA = "no_data"

STATUS_LABELS = {
    BALANCED: gettext_lazy("Balanced"),
    TOO_MUCH_PRODUCTION: gettext_lazy("Too much production"),
    TOO_MUCH_THEORY: gettext_lazy("Too much theory"),
    NO_DATA: gettext_lazy("Nothing logged"),
}

SESSION_DURATION = Elapsed("session__end", "session__start")
DEFAULT_ALLOWANCE = Fraction(24)  # the Policy's default, for balances built without one


def to_hours(value: dt.timedelta | None) -> Fraction:
    """A duration as exact hours."""
    if not value:
        return Fraction(0)
    return Fraction(value.days * 86400 + value.seconds, 3600)


def as_decimal(value: Fraction, places: str = "0.01") -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


def theory_factor(target: Fraction) -> Fraction:
    """Hours of production one hour of theory balances: share / (1 - share), 2 for 2/3."""
    return target / (1 - target)


def gap(production: Fraction, theory: Fraction, target: Fraction) -> Fraction:
    return production - theory * theory_factor(target)


def share(production: Fraction, theory: Fraction) -> Fraction | None:
    total = production + theory
    return production / total if total else None


def status(
    production: Fraction,
    theory: Fraction,
    target: Fraction,
    band: Fraction,
    allowance: Fraction = DEFAULT_ALLOWANCE,
) -> str:
    """Balanced within ±band (a fraction, 0.05 for 5 points) of the target share and
    within ±allowance hours of gap. The share and the gap always lean the same way (a
    share above the target is a positive gap), so a pupil has one status: a gap beyond
    minus the allowance is too much theory however many hours dilute the share."""
    value = share(production, theory)
    if value is None:
        return NO_DATA
    balance_gap = gap(production, theory, target)
    if value > target + band or balance_gap > allowance:
        return TOO_MUCH_PRODUCTION
    if value < target - band or balance_gap < -allowance:
        return TOO_MUCH_THEORY
    return BALANCED


@dataclass(frozen=True)
class Balance:
    """Production and theory hours of one pupil (or a group) over a period."""

    production: Fraction
    theory: Fraction
    target: Fraction = Fraction(2, 3)
    band: Fraction = Fraction(5, 100)
    allowance: Fraction = DEFAULT_ALLOWANCE

    @property
    def share(self) -> Fraction | None:
        return share(self.production, self.theory)

    @property
    def gap(self) -> Fraction:
        return gap(self.production, self.theory, self.target)

    @property
    def status(self) -> str:
        """The one definition of out of balance, for every page (R1)."""
        return status(self.production, self.theory, self.target, self.band, self.allowance)

    @property
    def is_out_of_balance(self) -> bool:
        return self.status in (TOO_MUCH_PRODUCTION, TOO_MUCH_THEORY)

    @property
    def over_allowance(self) -> bool:
        """More production would be refused (R1)."""
        return self.gap > self.allowance

    @property
    def theory_alert(self) -> bool:
        """Too much theory never blocks; beyond the allowance it raises an alert (R1)."""
        return self.gap < -self.allowance

    @property
    def theory_short(self) -> Fraction:
        """Theory hours missing to be exactly on target (none when not ahead)."""
        return max(self.gap / theory_factor(self.target), Fraction(0))

    @property
    def theory_short_hours(self) -> Decimal:
        return as_decimal(self.theory_short, "0.0001")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def css(self) -> str:
        return {BALANCED: "ok", NO_DATA: "neutral"}.get(self.status, "warn")

    # Decimals for templates (the `hours` and `percent` filters).
    @property
    def production_hours(self) -> Decimal:
        return as_decimal(self.production, "0.0001")

    @property
    def theory_hours(self) -> Decimal:
        return as_decimal(self.theory, "0.0001")

    @property
    def gap_hours(self) -> Decimal:
        return as_decimal(self.gap, "0.0001")

    @property
    def share_decimal(self) -> Decimal | None:
        value = self.share
        return None if value is None else as_decimal(value, "0.0001")

    def __add__(self, other: Balance) -> Balance:
        return Balance(
            self.production + other.production,
            self.theory + other.theory,
            self.target,
            self.band,
            self.allowance,
        )


@dataclass(frozen=True)
class Refusal:
    """Why logging more production is refused: the gap would pass the allowance."""

    gap_after: Fraction
    allowance: Fraction
    theory_short: Fraction  # theory hours missing to be exactly on target
    theory_needed: Fraction  # theory hours that would let this entry through

    def message(self, pupil: str) -> str:
        return _(
            "%(pupil)s would be %(gap)s of production ahead of the two-thirds target "
            "(allowance %(allowance)s): he is %(short)s of theory short, at least "
            "%(needed)s more theory before this can be logged."
        ) % {
            "pupil": pupil,
            "gap": _fmt(self.gap_after),
            "allowance": _fmt(self.allowance),
            "short": _fmt(self.theory_short),
            "needed": _fmt(self.theory_needed),
        }


def _fmt(hours: Fraction) -> str:
    return format_hours(dt.timedelta(minutes=float(hours * 60)))


def production_refusal(
    current: Balance, added_hours: Fraction, allowance: Fraction
) -> Refusal | None:
    """None if adding `added_hours` of production keeps the gap within the allowance."""
    after = current.gap + added_hours
    if after <= allowance:
        return None
    factor = theory_factor(current.target)
    return Refusal(after, allowance, after / factor, (after - allowance) / factor)


# --- database -----------------------------------------------------------------------


def policy_numbers(policy) -> tuple[Fraction, Fraction, Fraction]:
    """(target share, band as a fraction, allowance hours) from the Policy, exact."""
    return (
        policy.target_share,
        Fraction(policy.balance_band_points) / 100,
        Fraction(policy.balance_allowance_hours),
    )


def _student_ids(students) -> list[int]:
    if hasattr(students, "values_list"):
        return list(students.values_list("pk", flat=True))
    return [s if isinstance(s, int) else s.pk for s in students]


def balances(
    students,
    start: dt.date,
    end: dt.date,
    *,
    policy=None,
    since_entry: bool = True,
    exclude_log: int | None = None,
) -> dict[int, Balance]:
    """{student id: Balance} for local days `start`..`end` included: one SQL query
    whatever the number of pupils (each pupil's production and attended theory summed by
    a subquery on the (student, start) index).

    Time before a pupil's entry date is not counted (`since_entry`).
    """
    policy = policy or Policy.load()
    target, band, allowance = policy_numbers(policy)
    if hasattr(students, "values"):
        pupils = Student.objects.filter(pk__in=students.values("pk"))
    else:
        pupils = Student.objects.filter(pk__in=_student_ids(students))
    logs = WorkLog.objects.filter(student=OuterRef("pk")).between(start, end)
    attended = Attendance.objects.attended().filter(student=OuterRef("pk")).between(start, end)
    if since_entry:
        # From midnight (UTC) of the entry day: minors never work at night, so no log or
        # session falls in the hours between that and local midnight. The date is compared
        # as it is stored, without a cast: on SQLite '2026-09-01 08:00' >= '2026-09-01' as
        # text, on PostgreSQL the date is midnight UTC (the connection's time zone). A cast
        # was evaluated for every row read, a third of the query's time on SQLite.
        entry = OuterRef("entry_date")
        logs = logs.filter(start__gte=entry)
        attended = attended.filter(session__start__gte=entry)
    if exclude_log:
        logs = logs.exclude(pk=exclude_log)

    def summed(queryset, value) -> Subquery:
        return Subquery(
            queryset.order_by().values("student").annotate(total=Sum(value)).values("total")
        )

    rows = (
        pupils.order_by()
        .values_list("pk")
        .annotate(
            production=summed(logs, DURATION),
            theory=summed(attended, SESSION_DURATION),
            late=summed(attended, "late_minutes"),
        )
    )
    return {
        pk: Balance(
            to_hours(production),
            to_hours(theory) - Fraction(late or 0, 60),
            target,
            band,
            allowance,
        )
        for pk, production, theory, late in rows
    }


def year_window(day: dt.date, today: dt.date, policy) -> tuple[dt.date, dt.date]:
    """The school year of `day` to date: from its start to today (to its last day for an
    earlier year). The window of the balance shown and of the balance enforced (R1)."""
    start = policy.school_year_start(day)
    last = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    return start, min(today, last)


def year_to_date(students, today: dt.date, *, policy) -> dict[int, Balance]:
    """{student id: Balance} of the school year to date, each from his entry date: what
    the pages show, and what a production entry on any day of this year is held to."""
    return balances(students, *year_window(today, today, policy), policy=policy)


def out_of_balance(students, today: dt.date, policy) -> list[tuple[object, Balance]]:
    """(pupil, year-to-date Balance) of the pupils out of balance, the largest gaps
    first: the director's home and the out-of-balance page list the same pupils."""
    pupils = {s.pk: s for s in students}
    found = [
        (pupils[pk], value)
        for pk, value in year_to_date(list(pupils), today, policy=policy).items()
        if value.is_out_of_balance
    ]
    return sorted(found, key=lambda pair: -abs(pair[1].gap))


def year_start_for(student, day: dt.date, policy) -> dt.date:
    """The later of the school year's start and the pupil's entry date."""
    start = policy.school_year_start(day)
    return max(start, student.entry_date) if student.entry_date else start


def total(values: Iterable[Balance], policy) -> Balance:
    """A group's balance: the allowance is each pupil's, so the group's is their sum
    (ten pupils 5 h ahead each are balanced, not 50 h ahead of one allowance)."""
    target, band, allowance = policy_numbers(policy)
    values = list(values)
    result = Balance(Fraction(0), Fraction(0), target, band)
    for value in values:
        result = result + value
    return replace(result, allowance=allowance * max(len(values), 1))


def daily_hours(
    students, start: dt.date, end: dt.date
) -> tuple[dict[dt.date, Fraction], dict[dt.date, Fraction]]:
    """({local day: production hours}, {local day: theory hours}) summed over `students`
    from `start` to `end`: two SQL queries, grouped by local day."""
    ids = students.values("pk") if hasattr(students, "values") else _student_ids(students)
    logs = (
        WorkLog.objects.filter(student__in=ids)
        .between(start, end)
        .order_by()
        .annotate(local=TruncDate("start"))
        .values("local")
        .annotate(total=Sum(DURATION))
    )
    sessions = (
        Attendance.objects.attended()
        .filter(student__in=ids)
        .between(start, end)
        .order_by()
        .annotate(local=TruncDate("session__start"))
        .values("local")
        .annotate(total=Sum(SESSION_DURATION), late=Sum("late_minutes"))
    )
    production: dict[dt.date, Fraction] = defaultdict(Fraction)
    theory: dict[dt.date, Fraction] = defaultdict(Fraction)
    for row in logs:
        production[row["local"]] += to_hours(row["total"])
    for row in sessions:
        theory[row["local"]] += to_hours(row["total"]) - Fraction(row["late"] or 0, 60)
    return production, theory


def weekly_series(
    students, start: dt.date, end: dt.date
) -> list[tuple[dt.date, Fraction, Fraction]]:
    """[(monday, production hours, theory hours)] summed over `students`, every week from
    `start` to `end` (two SQL queries)."""
    by_day = daily_hours(students, start, end)
    production: dict[dt.date, Fraction] = defaultdict(Fraction)
    theory: dict[dt.date, Fraction] = defaultdict(Fraction)
    for hours, weekly in zip(by_day, (production, theory), strict=True):
        for day, value in hours.items():
            weekly[monday_of(day)] += value
    weeks = []
    week = monday_of(start)
    while week <= end:
        weeks.append((week, production[week], theory[week]))
        week += dt.timedelta(days=7)
    return weeks


def periods(today: dt.date, policy) -> dict[str, tuple[dt.date, dt.date]]:
    """The week, the month and the school year to date that contain `today`."""
    return {
        "week": (monday_of(today), monday_of(today) + dt.timedelta(days=6)),
        "month": (today.replace(day=1), _month_end(today)),
        "year": year_window(today, today, policy),
    }


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


@dataclass
class Statement:
    """A pupil's hours statement (R1, R7): each day's production and theory, by week, the
    period's balance, and the orders his hours went to."""

    weeks: list[dict]
    series: list[tuple[dt.date, Fraction, Fraction]]  # (monday, production, theory): the chart
    total: Balance
    orders: list[dict]

    @property
    def total_hours(self) -> Decimal:
        return self.total.production_hours + self.total.theory_hours


def statement(student, start: dt.date, end: dt.date, policy) -> Statement:
    """Four SQL queries whatever the period."""
    production, theory = daily_hours([student], start, end)
    target, band, allowance = policy_numbers(policy)
    weeks: dict[dt.date, dict] = {}
    for day in sorted(set(production) | set(theory)):
        week = weeks.setdefault(monday_of(day), {"days": [], "p": Fraction(0), "t": Fraction(0)})
        p, t = production.get(day, Fraction(0)), theory.get(day, Fraction(0))
        week["days"].append({"day": day, "p": as_decimal(p), "t": as_decimal(t)})
        week["p"] += p
        week["t"] += t
    total = Balance(
        sum((w["p"] for w in weeks.values()), Fraction(0)),
        sum((w["t"] for w in weeks.values()), Fraction(0)),
        target,
        band,
        allowance,
    )
    orders = list(
        WorkLog.objects.filter(student=student)
        .between(start, end)
        .order_by()
        .values("order__title", "order__customer__name")
        .annotate(total=Sum(DURATION))
        .order_by("-total")
    )
    return Statement(
        weeks=[
            {"monday": m, "days": w["days"], "p": as_decimal(w["p"]), "t": as_decimal(w["t"])}
            for m, w in weeks.items()
        ],
        series=[(m, w["p"], w["t"]) for m, w in weeks.items()],
        total=total,
        orders=orders,
    )
