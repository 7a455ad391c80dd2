"""The school's results for one school year, as the network of Écoles de Production
reports them (SPEC.md R6): pupils enrolled, exam success per programme, drop-out,
placement at 6 and 12 months, further study. Every rate comes with its counts.

Definitions (what a school year is comes from the policy: 1 September by default):
- enrolled: pupils present at some point of the year (entered before its end, not left
  before its start); applicants are not pupils yet;
- leavers: pupils whose leaving date falls in the year;
- exam success: leavers who obtained their qualification / leavers who sat the exam,
  per programme held when leaving, from the exam results (or, for a pupil with none,
  the result typed on leaving);
- drop-out: leavers who dropped out or were excluded / pupils enrolled;
- placement at 6 (12) months: leavers in employment, apprenticeship, further study or
  self-employed / leavers whose destination is known (neither empty nor "unknown");
- further study: leavers in further study at 6 months / leavers whose destination at
  6 months is known.
Anonymised pupils keep every field these use, so anonymising changes no figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q

from ecoles.models import Policy
from students.models import Student

_LEFT = Q(status__in=[Student.Status.LEFT, Student.Status.GRADUATED])
_TYPED_SAT = Q(exam_result__in=[Student.ExamResult.PASSED, Student.ExamResult.FAILED])


def _exam_filters() -> tuple[Q, Q]:
    """(sat, passed). Exam success comes from the exam results (skills.ExamRegistration,
    reached through the reverse relation so that students never imports skills): absent
    is not sat. Only a pupil with no registration whose outcome is known (he left before
    results were kept here) counts as typed on leaving."""
    registration = Student._meta.get_field("exam_registrations").related_model
    mine = registration.objects.filter(student=OuterRef("pk"))
    known = Q(Exists(mine.exclude(outcome="")))
    decided = Q(Exists(mine.filter(outcome__in=registration.SAT_OUTCOMES)))
    passed = Q(Exists(mine.filter(outcome__in=registration.PASSED_OUTCOMES)))
    typed_passed = Q(exam_result=Student.ExamResult.PASSED)
    return decided | (~known & _TYPED_SAT), passed | (~known & typed_passed)


@dataclass(frozen=True)
class Rate:
    """`count` out of `total`, and the share (None when there is nobody to count)."""

    count: int
    total: int

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return Decimal(self.count) / Decimal(self.total)


@dataclass(frozen=True)
class ExamLine:
    programme: str  # a Student.Programme value, or "" for all programmes
    label: str
    rate: Rate


@dataclass(frozen=True)
class Indicators:
    year: int  # the school year starting in `year`: 2025 is 2025-2026
    start: dt.date
    end: dt.date
    enrolled: int
    entered: int
    leavers: int
    exams: list[ExamLine]
    drop_out: Rate
    placement_6m: Rate
    placement_12m: Rate
    further_study: Rate
    unknown_6m: int  # leavers whose destination at 6 months is empty or unknown
    unknown_12m: int

    @property
    def label(self) -> str:
        return school_year_label(self.year)

    @property
    def exam_total(self) -> ExamLine:
        return self.exams[-1]


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def school_year_bounds(year: int, policy: Policy) -> tuple[dt.date, dt.date]:
    start = dt.date(year, policy.school_year_start_month, policy.school_year_start_day)
    return start, start.replace(year=year + 1) - dt.timedelta(days=1)


def current_school_year(today: dt.date, policy: Policy) -> int:
    return policy.school_year_start(today).year


def available_years(today: dt.date, policy: Policy) -> list[int]:
    """From the first pupil's entry to the current school year, latest first."""
    current = current_school_year(today, policy)
    first = Student.objects.exclude(status=Student.Status.APPLICANT).aggregate(
        first=Min("entry_date")
    )["first"]
    oldest = min(policy.school_year_start(first).year, current) if first else current
    return list(range(current, oldest - 1, -1))


def compute(year: int, policy: Policy | None = None) -> Indicators:
    """All the figures of one school year, in one SQL query."""
    policy = policy or Policy.load()
    start, end = school_year_bounds(year, policy)
    sat, passed = _exam_filters()
    left = _LEFT & Q(left_on__gte=start, left_on__lte=end)
    known_6m = left & ~Q(destination_6m__in=["", Student.Destination.UNKNOWN])
    known_12m = left & ~Q(destination_12m__in=["", Student.Destination.UNKNOWN])
    aggregates = {
        "enrolled": Count("pk"),
        "entered": Count("pk", filter=Q(entry_date__gte=start)),
        "leavers": Count("pk", filter=left),
        "dropped": Count("pk", filter=left & Q(leaving_reason__in=Student.DROP_OUT_REASONS)),
        "known_6m": Count("pk", filter=known_6m),
        "placed_6m": Count("pk", filter=left & Q(destination_6m__in=Student.PLACED)),
        "known_12m": Count("pk", filter=known_12m),
        "placed_12m": Count("pk", filter=left & Q(destination_12m__in=Student.PLACED)),
        "study_6m": Count("pk", filter=left & Q(destination_6m=Student.Destination.FURTHER_STUDY)),
        "sat": Count("pk", filter=left & sat),
        "passed": Count("pk", filter=left & passed),
    }
    for programme in Student.Programme.values:
        aggregates[f"sat_{programme}"] = Count("pk", filter=left & sat & Q(programme=programme))
        aggregates[f"passed_{programme}"] = Count(
            "pk", filter=left & passed & Q(programme=programme)
        )
    row = Student.objects.present_during(start, end).aggregate(**aggregates)
    exams = [
        ExamLine(value, label, Rate(row[f"passed_{value}"], row[f"sat_{value}"]))
        for value, label in Student.Programme.choices
    ]
    exams.append(ExamLine("", "", Rate(row["passed"], row["sat"])))
    return Indicators(
        year=year,
        start=start,
        end=end,
        enrolled=row["enrolled"],
        entered=row["entered"],
        leavers=row["leavers"],
        exams=exams,
        drop_out=Rate(row["dropped"], row["enrolled"]),
        placement_6m=Rate(row["placed_6m"], row["known_6m"]),
        placement_12m=Rate(row["placed_12m"], row["known_12m"]),
        further_study=Rate(row["study_6m"], row["known_6m"]),
        unknown_6m=row["leavers"] - row["known_6m"],
        unknown_12m=row["leavers"] - row["known_12m"],
    )


@dataclass(frozen=True)
class LeaversLine:
    """Leavers of the year of one workshop and cohort, and those without a qualification."""

    workshop_id: int
    workshop: str
    cohort: int
    leavers: int
    without_qualification: int


def leavers_by_group(year: int, policy: Policy | None = None) -> list[LeaversLine]:
    """Per workshop and cohort (the school year of entry): the year's leavers and those who
    left without a qualification (they did not obtain it: no exam sat, or failed, by the
    same exam results as the exam success), in one SQL query."""
    policy = policy or Policy.load()
    start, end = school_year_bounds(year, policy)
    _sat, passed = _exam_filters()
    rows = (
        Student.objects.filter(_LEFT, left_on__gte=start, left_on__lte=end)
        .values("workshop_id", "workshop__name", "cohort")
        .annotate(leavers=Count("pk"), without=Count("pk", filter=~passed))
        .order_by("workshop__name", "cohort")
    )
    return [
        LeaversLine(r["workshop_id"], r["workshop__name"], r["cohort"], r["leavers"], r["without"])
        for r in rows
    ]


# Figures that apps above this one add to the indicators page (students imports none of
# them: each registers here from its AppConfig.ready). A section is `compute(year, policy)`
# returning an object with `template` (rendered on the page with `section`) and
# `csv_rows(label)` (lines of the export: indicator, count, out of, rate).
_SECTIONS: list[Callable[[int, Policy], object]] = []


def add_section(compute_section: Callable[[int, Policy], object]) -> None:
    if compute_section not in _SECTIONS:
        _SECTIONS.append(compute_section)


def sections(year: int, policy: Policy) -> list:
    return [compute_section(year, policy) for compute_section in _SECTIONS]
