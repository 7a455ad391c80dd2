"""What school life adds to the school's indicators (SPEC.md R6, R9): the year's
attendance rate and the pupils who left without a qualification, per workshop and per
cohort (the school year a pupil entered).

Attendance rate: the half-days a pupil was present, late or away on a school activity,
out of the school half-days he was expected (on the books, on an open day of the
calendar), from the school year's start to yesterday or its end, as the attendance register
derives them (`schoollife.register`, its one derivation). A half-day with no roll call
and no work logged counts as expected and not attended: the register has a hole there,
and the page says how many; a group with no half-day recorded at all (a year before the
register was kept here) has no rate.

The page itself is the pupils' indicators page (students.views.indicator_page): students
sits below school life, so school life adds its part through
`students.indicators.add_section`, registered in `SchoollifeConfig.ready`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ecoles.charts import FONT, PALETTE
from ecoles.models import Policy
from schoollife import register
from schoollife.models import Mark
from students import indicators
from students.models import Student

ATTENDED = {Mark.PRESENT, Mark.LATE, Mark.AWAY}


@dataclass
class Line:
    """One workshop's or cohort's figures for the year."""

    key: int | str
    label: str
    expected: int = 0
    attended: int = 0
    unknown: int = 0
    leavers: int = 0
    without_qualification: int = 0

    @property
    def rate(self) -> indicators.Rate:
        """No rate for a group whose register was not kept at all that year."""
        return indicators.Rate(self.attended, self.expected if self.expected > self.unknown else 0)


@dataclass
class Attendance:
    template = "schoollife/_indicators.html"

    start: dt.date
    end: dt.date
    workshops: list[Line] = field(default_factory=list)
    cohorts: list[Line] = field(default_factory=list)
    total: Line = field(default_factory=lambda: Line("", ""))

    @property
    def workshop_chart(self) -> SafeString:
        return rate_chart(self.workshops, _("Attendance rate per workshop"))

    @property
    def cohort_chart(self) -> SafeString:
        return rate_chart(self.cohorts, _("Attendance rate per cohort"))

    def csv_rows(self) -> list[list]:
        return _csv_rows(self)


def compute(year: int, policy: Policy | None = None) -> Attendance:
    """The year's figures: the register over the year for every pupil on the books in it
    (a fixed number of queries), counted in one pass; the leavers in one more query."""
    policy = policy or Policy.load()
    start, end = indicators.school_year_bounds(year, policy)
    end = min(end, timezone.localdate() - dt.timedelta(days=1))  # today is not over
    result = Attendance(start, end)
    workshops: dict[int, Line] = {}
    cohorts: dict[int, Line] = {}
    if start <= end:
        pupils = list(
            Student.objects.present_during(start, end)
            .exclude(status=Student.Status.APPLICANT)
            .select_related("workshop")
        )
        by_id = {p.pk: p for p in pupils}
        cells = register.build(pupils, start, end, policy)
        for (sid, _day, _half), cell in cells.items():
            pupil = by_id[sid]
            lines = (
                workshops.setdefault(
                    pupil.workshop_id, Line(pupil.workshop_id, pupil.workshop.name)
                ),
                cohorts.setdefault(pupil.cohort, Line(pupil.cohort, str(pupil.cohort))),
                result.total,
            )
            for line in lines:
                line.expected += 1
                line.attended += cell.state in ATTENDED
                line.unknown += cell.state == register.UNKNOWN
    for row in indicators.leavers_by_group(year, policy):
        lines = (
            workshops.setdefault(row.workshop_id, Line(row.workshop_id, row.workshop)),
            cohorts.setdefault(row.cohort, Line(row.cohort, str(row.cohort))),
            result.total,
        )
        for line in lines:
            line.leavers += row.leavers
            line.without_qualification += row.without_qualification
    result.workshops = sorted(workshops.values(), key=lambda line: line.label)
    result.cohorts = sorted(cohorts.values(), key=lambda line: line.key)
    return result


def rate_chart(lines: list[Line], title: str, width: int = 360) -> SafeString:
    """Horizontal bars on a 0-100 % axis, one per line, the rate written at the end: so
    that workshops and cohorts compare at a glance (and print the same)."""
    lines = [line for line in lines if line.rate.total]
    left, right, bar_h, gap = 110, 44, 14, 8
    height = 8 + len(lines) * (bar_h + gap) + 16
    plot_w = width - left - right
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, line in enumerate(lines):
        y = 8 + i * (bar_h + gap)
        share = float(line.rate.share)
        w = plot_w * share
        label = line.label if len(line.label) <= 16 else line.label[:15] + "…"
        out.append(
            f'<text x="{left - 6}" y="{y + bar_h - 3}" font-size="11" text-anchor="end" '
            f"{FONT}>{escape(label)}</text>"
            f'<rect x="{left}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#e6e6e6"/>'
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + plot_w + 4}" y="{y + bar_h - 3}" font-size="11" {FONT}>'
            f"{share * 100:.0f}\u202f%</text>"
        )
    base = 8 + len(lines) * (bar_h + gap)
    for percent in (0, 50, 100):
        x = left + plot_w * percent / 100
        out.append(
            f'<text x="{x:.1f}" y="{base + 8}" font-size="9" text-anchor="middle" {FONT}>'
            f"{percent}\u202f%</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def _share(rate: indicators.Rate) -> str:
    return "" if rate.share is None else f"{rate.share * 100:.1f}".replace(".", ",")


def _csv_rows(self: Attendance) -> list[list]:
    """The export's lines: each group's attendance and its leavers without a qualification."""
    rows = []
    for kind, lines in ((_("workshop"), self.workshops), (_("cohort"), self.cohorts)):
        for line in lines:
            name = f"{kind} {line.label}"
            rows.append(
                [_("Attendance rate: %(group)s") % {"group": name}, line.attended,
                 line.expected, _share(line.rate)]
            )  # fmt: skip
            rows.append(
                [_("Left without a qualification: %(group)s") % {"group": name},
                 line.without_qualification, line.leavers, ""]
            )  # fmt: skip
    rows.append(
        [_("Attendance rate: all pupils"), self.total.attended, self.total.expected,
         _share(self.total.rate)]
    )  # fmt: skip
    rows.append(
        [_("Left without a qualification: all pupils"), self.total.without_qualification,
         self.total.leavers, ""]
    )  # fmt: skip
    return rows
