"""What a school sends the network for one school year: aggregates only (issue 31 §1).

`build(year)` is the one function that makes it, from the figures the school's own pages
show (students.indicators, schoollife.indicators, budget.figures, training.balance): so
the network receives exactly what the indicators page says. No name, no date of birth,
no row per pupil: counts, sums of hours and amounts. The hub checks the same shape
(`network.validation`) and refuses any key it does not know.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from budget import figures
from ecoles.models import Policy, School
from schoollife import dropout
from schoollife import indicators as schoollife_indicators
from students import indicators
from students.models import Student
from training.balance import daily_hours

FORMAT = "ecoles-indicators/1"
RESOURCES = ("production", "donations", "apprenticeship_tax", "grants", "families")


def _decimal_text(value: Fraction) -> str:
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.2f}"


def build(year: int) -> dict:
    """The indicators of the school year starting in `year` (2025 is 2025-2026)."""
    policy = Policy.load()
    school = School.load()
    f = indicators.compute(year, policy)
    attendance = schoollife_indicators.compute(year, policy)
    ledgers = figures.ledgers(f.start, f.end)
    production, theory = daily_hours(
        Student.objects.exclude(status=Student.Status.APPLICANT), f.start, f.end
    )
    resources = {source: str(getattr(ledgers, source)) for source in RESOURCES}
    # Early signs of dropping out (schoollife.dropout) are a state of the last weeks: the
    # pupils on the books showing them on the year's last day, or today in a year in progress.
    day = min(f.end, timezone.localdate())
    present = list(Student.objects.present_during(day, day).select_related("workshop"))
    signals = sum(s.flagged for s in dropout.compute(present, day, policy).values())
    return {
        "format": FORMAT,
        "school": {"uai": school.uai, "siret": school.siret, "name": school.name},
        "year": f.label,
        "period": {"start": f.start.isoformat(), "end": f.end.isoformat()},
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "pupils": {
            "enrolled": f.enrolled,
            "entered": f.entered,
            "leavers": f.leavers,
            "dropped_out": f.drop_out.count,
            "left_without_qualification": attendance.total.without_qualification,
        },
        "exams": {
            "by_programme": {
                line.programme: {"sat": line.rate.total, "passed": line.rate.count}
                for line in f.exams
                if line.programme
            },
            "total": {"sat": f.exam_total.rate.total, "passed": f.exam_total.rate.count},
        },
        "outcomes": {
            "6_months": {
                "leavers": f.leavers,
                "known": f.placement_6m.total,
                "placed": f.placement_6m.count,
                "further_study": f.further_study.count,
            },
            "12_months": {
                "leavers": f.leavers,
                "known": f.placement_12m.total,
                "placed": f.placement_12m.count,
            },
        },
        "attendance": {
            "expected_half_days": attendance.total.expected,
            "attended_half_days": attendance.total.attended,
            "unrecorded_half_days": attendance.total.unknown,
            "pupils_on_the_last_day": len(present),
            "dropout_signals": signals,
        },
        "budget": {
            "resources": resources,
            "total": str(sum((getattr(ledgers, s) for s in RESOURCES), Decimal("0.00"))),
        },
        "hours": {
            "production": _decimal_text(_total(production)),
            "theory": _decimal_text(_total(theory)),
        },
    }


def _total(values: dict[dt.date, Fraction]) -> Fraction:
    return sum(values.values(), Fraction(0))


def dumps(payload: dict) -> bytes:
    """The body sent (and the file downloaded): UTF-8 JSON, keys in a fixed order."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).encode()
