"""The network's figures (issue 31 §1): each school's current report of a year, all the
schools together, and the years as trends. Read from the stored reports in one query
per page; the sums and rates are worked out here, and every figure shown for one school
goes through `network.privacy.protected` (`cells`): the totals count every school.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoles.formats import hours, percent
from ecoles.models import Policy
from network.models import MemberSchool, Report
from network.payload import RESOURCES
from network.privacy import protected
from students.indicators import Rate, current_school_year, school_year_label

ZERO = Decimal("0.00")
RESOURCE_LABELS = {
    "production": _("Production"),
    "donations": _("Donations"),
    "apprenticeship_tax": _("Apprenticeship tax"),
    "grants": _("Grants"),
    "families": _("Families"),
}


@dataclass
class Line:
    """The figures of one school (or of several, summed) for one school year."""

    label: str
    year: int
    schools: int = 0
    enrolled: int = 0
    entered: int = 0
    leavers: int = 0
    dropped: int = 0
    without_qualification: int = 0
    sat: int = 0
    passed: int = 0
    known_6m: int = 0
    placed_6m: int = 0
    further_study: int = 0
    known_12m: int = 0
    placed_12m: int = 0
    expected: int = 0
    attended: int = 0
    on_the_last_day: int = 0
    dropout_signals: int = 0
    resources: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(RESOURCES, ZERO))
    production_hours: Decimal = ZERO
    theory_hours: Decimal = ZERO

    @classmethod
    def of(cls, label: str, year: int, figures: dict) -> Line:
        p, e, o, a = (
            figures["pupils"],
            figures["exams"]["total"],
            figures["outcomes"],
            figures["attendance"],
        )
        return cls(
            label=label, year=year, schools=1,
            enrolled=p["enrolled"], entered=p["entered"], leavers=p["leavers"],
            dropped=p["dropped_out"], without_qualification=p["left_without_qualification"],
            sat=e["sat"], passed=e["passed"],
            known_6m=o["6_months"]["known"], placed_6m=o["6_months"]["placed"],
            further_study=o["6_months"]["further_study"],
            known_12m=o["12_months"]["known"], placed_12m=o["12_months"]["placed"],
            expected=a["expected_half_days"], attended=a["attended_half_days"],
            on_the_last_day=a["pupils_on_the_last_day"], dropout_signals=a["dropout_signals"],
            resources={s: Decimal(figures["budget"]["resources"][s]) for s in RESOURCES},
            production_hours=Decimal(figures["hours"]["production"]),
            theory_hours=Decimal(figures["hours"]["theory"]),
        )  # fmt: skip

    def add(self, other: Line) -> None:
        for name in (
            "schools", "enrolled", "entered", "leavers", "dropped", "without_qualification",
            "sat", "passed", "known_6m", "placed_6m", "further_study", "known_12m",
            "placed_12m", "expected", "attended", "on_the_last_day", "dropout_signals",
            "production_hours", "theory_hours",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for source in RESOURCES:
            self.resources[source] += other.resources[source]

    @property
    def resources_total(self) -> Decimal:
        return sum(self.resources.values(), ZERO)

    @property
    def production_share(self) -> Decimal | None:
        total = self.resources_total
        return self.resources["production"] / total if total else None

    def rate(self, name: str) -> Rate:
        return {
            "exam": Rate(self.passed, self.sat),
            "placement_6m": Rate(self.placed_6m, self.known_6m),
            "placement_12m": Rate(self.placed_12m, self.known_12m),
            "further_study": Rate(self.further_study, self.known_6m),
            "attendance": Rate(self.attended, self.expected),
            "drop_out": Rate(self.dropped, self.enrolled),
            "dropout_signals": Rate(self.dropout_signals, self.on_the_last_day),
            "without_qualification": Rate(self.without_qualification, self.leavers),
        }[name]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str  # "count", "rate", "share", "hours"

    def pupils(self, line: Line) -> int | None:
        """How many pupils the figure is about (network.privacy); None: no pupil."""
        if self.kind == "count":
            return getattr(line, self.name)
        if self.kind == "rate":
            return {
                "exam": line.sat,
                "placement_6m": line.known_6m,
                "placement_12m": line.known_12m,
                "further_study": line.known_6m,
                "attendance": line.enrolled,
                "drop_out": line.enrolled,
                "dropout_signals": line.on_the_last_day,
                "without_qualification": line.leavers,
            }[self.name]
        return None


COLUMNS = [
    Column("enrolled", _("Pupils"), "count"),
    Column("entered", _("Entered"), "count"),
    Column("leavers", _("Leavers"), "count"),
    Column("exam", _("Exam success"), "rate"),
    Column("placement_6m", _("Placed at 6 months"), "rate"),
    Column("placement_12m", _("Placed at 12 months"), "rate"),
    Column("further_study", _("Further study at 6 months"), "rate"),
    Column("attendance", _("Attendance"), "rate"),
    Column("drop_out", _("Drop-out"), "rate"),
    Column("dropout_signals", _("Signs of dropping out"), "rate"),
    Column("without_qualification", _("Left without a qualification"), "rate"),
    Column("production_share", _("Production's share of resources"), "share"),
    Column("production_hours", _("Hours of production"), "hours"),
    Column("theory_hours", _("Hours of theory"), "hours"),
]


@dataclass(frozen=True)
class Cell:
    column: Column
    text: str  # what the page shows ("" when hidden)
    count: int | Decimal | None  # the export's figure (None when hidden or none)
    out_of: int | None
    share: Decimal | None
    hidden: bool = False


def cells(line: Line, *, one_school: bool) -> list[Cell]:
    """The line's figures as shown: for one school, a figure about 1 to 4 pupils is
    hidden (network.privacy); a total of several schools shows everything."""
    result = []
    for column in COLUMNS:
        if one_school and protected(column.pupils(line)):
            result.append(Cell(column, "", None, None, None, hidden=True))
        elif column.kind == "count":
            value = getattr(line, column.name)
            result.append(Cell(column, str(value), value, None, None))
        elif column.kind == "rate":
            rate = line.rate(column.name)
            text = percent(rate.share) if rate.total else "—"
            result.append(Cell(column, text, rate.count, rate.total, rate.share))
        elif column.kind == "share":
            share = line.production_share
            result.append(
                Cell(column, percent(share) if share is not None else "—", None, None, share)
            )
        else:
            value = getattr(line, column.name)
            result.append(Cell(column, hours(value), value, None, None))
    return result


def shown_share(line: Line, name: str, *, one_school: bool) -> Decimal | None:
    """A rate as a chart draws it: None when hidden or there is nobody to count."""
    column = next(c for c in COLUMNS if c.name == name)
    if one_school and protected(column.pupils(line)):
        return None
    return line.rate(name).share


@dataclass
class Year:
    """A school year across the network: each school's line, the total, who is late."""

    year: int
    lines: list[tuple[MemberSchool, Line, Report]]
    total: Line
    late: list[MemberSchool]

    @property
    def label(self) -> str:
        return school_year_label(self.year)


def year(year: int) -> Year:
    """Two queries: the year's current reports with their schools, the member schools."""
    reports = list(
        Report.objects.current().filter(year=year).select_related("school").order_by("school__name")
    )
    total = Line(str(_("All schools")), year)
    lines = []
    for report in reports:
        line = Line.of(report.school.name, year, report.figures)
        total.add(line)
        lines.append((report.school, line, report))
    received = {report.school_id for report in reports}
    late = [s for s in MemberSchool.objects.active() if s.pk not in received]
    return Year(year, lines, total, late)


def trends(school: MemberSchool | None = None) -> list[Line]:
    """Each year's line of one school, or of all schools together, oldest first (one
    query)."""
    reports = Report.objects.current().order_by("year")
    if school is not None:
        reports = reports.filter(school=school)
    by_year: dict[int, Line] = {}
    for report in reports.only("year", "figures", "school_id"):
        label = school.name if school else str(_("All schools"))
        line = by_year.setdefault(report.year, Line(label, report.year))
        line.add(Line.of(label, report.year, report.figures))
    return list(by_year.values())


def years_offered(today=None) -> tuple[list[int], int]:
    """(the years a hub page offers, latest first; the default: the last complete one)."""
    policy = Policy.load()
    current = current_school_year(today or timezone.localdate(), policy)
    first = Report.objects.order_by("year").values_list("year", flat=True).first()
    oldest = min(first, current - 1) if first is not None else current - 1
    return list(range(current, oldest - 1, -1)), current - 1


def resource_mix(line: Line) -> Iterable[tuple[str, str, Decimal, Decimal | None]]:
    """(source, label, amount, share of the total) of each resource."""
    total = line.resources_total
    for source in RESOURCES:
        amount = line.resources[source]
        yield source, RESOURCE_LABELS[source], amount, (amount / total if total else None)
