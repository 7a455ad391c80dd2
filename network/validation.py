"""What the hub accepts as a school year's indicators (the shape network.payload.build
makes): every key known, every count a whole number ≥ 0, every part within its whole and
every total the sum of its parts. A pure function of the JSON: the API and the upload
both call it before anything is written, so a refusal changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from network.payload import FORMAT, RESOURCES
from students.models import Student

YEAR = re.compile(r"^(\d{4})-(\d{4})$")
AMOUNT = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")
HOURS = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
SHAPE = {
    "format": str,
    "school": {"uai": str, "siret": str, "name": str},
    "year": str,
    "period": {"start": str, "end": str},
    "built_at": str,
    "pupils": {
        "enrolled": int,
        "entered": int,
        "leavers": int,
        "dropped_out": int,
        "left_without_qualification": int,
    },
    "exams": {
        "by_programme": {p: {"sat": int, "passed": int} for p in Student.Programme.values},
        "total": {"sat": int, "passed": int},
    },
    "outcomes": {
        "6_months": {"leavers": int, "known": int, "placed": int, "further_study": int},
        "12_months": {"leavers": int, "known": int, "placed": int},
    },
    "attendance": {
        "expected_half_days": int,
        "attended_half_days": int,
        "unrecorded_half_days": int,
        "pupils_on_the_last_day": int,
        "dropout_signals": int,
    },
    "budget": {"resources": dict.fromkeys(RESOURCES, "amount"), "total": "amount"},
    "hours": {"production": "hours", "theory": "hours"},
}


class PayloadError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_shape(value, shape, path: str) -> None:
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise PayloadError(path, _("An object is expected here."))
        unknown = sorted(set(value) - set(shape))
        if unknown:
            raise PayloadError(
                f"{path}.{unknown[0]}".lstrip("."), _("This key is not part of the format.")
            )
        for key, sub in shape.items():
            where = f"{path}.{key}".lstrip(".")
            if key not in value:
                raise PayloadError(where, _("This key is missing."))
            _check_shape(value[key], sub, where)
    elif shape is int:
        if type(value) is not int:
            raise PayloadError(path, _("A whole number is expected here."))
        if value < 0:
            raise PayloadError(path, _("A count cannot be negative."))
        if value > 10_000_000:
            raise PayloadError(path, _("This count is out of range."))
    elif shape is str:
        if not isinstance(value, str) or len(value) > 300:
            raise PayloadError(path, _("A text of at most 300 characters is expected here."))
    elif shape == "amount":
        if not isinstance(value, str) or not AMOUNT.match(value):
            raise PayloadError(path, _('An amount is expected here, e.g. "1234.50".'))
        if path != "budget.resources.production" and value.startswith("-"):
            raise PayloadError(path, _("This amount cannot be negative."))
    elif shape == "hours" and (not isinstance(value, str) or not HOURS.match(value)):
        raise PayloadError(path, _('A number of hours ≥ 0 is expected here, e.g. "812.50".'))


def _within(part_path: str, part: int, whole_path: str, whole: int) -> None:
    if part > whole:
        raise PayloadError(
            part_path,
            _("%(part)s (%(p)s) cannot exceed %(whole)s (%(w)s).")
            % {"part": part_path, "p": part, "whole": whole_path, "w": whole},
        )


def _sum_of(total_path: str, total, parts_path: str, parts) -> None:
    if total != parts:
        raise PayloadError(
            total_path,
            _("%(total)s (%(t)s) is not the sum of %(parts)s (%(p)s).")
            % {"total": total_path, "t": total, "parts": parts_path, "p": parts},
        )


def year_of(label) -> int:
    """2025 for "2025-2026"; PayloadError for anything else (a year in the future too)."""
    match = YEAR.match(label) if isinstance(label, str) else None
    if not match or int(match[2]) != int(match[1]) + 1:
        raise PayloadError("year", _("The school year is written like 2025-2026."))
    year = int(match[1])
    if not 2000 <= year <= timezone.localdate().year:
        raise PayloadError("year", _("This school year is out of range."))
    return year


def validate(data) -> int:
    """The school year (its first calendar year) of valid indicators; PayloadError else."""
    _check_shape(data, SHAPE, "")
    if data["format"] != FORMAT:
        raise PayloadError("format", _("The format must be %(format)s.") % {"format": FORMAT})
    year = year_of(data["year"])
    pupils = data["pupils"]
    for key in ("entered", "leavers", "dropped_out"):
        _within(f"pupils.{key}", pupils[key], "pupils.enrolled", pupils["enrolled"])
    _within(
        "pupils.left_without_qualification", pupils["left_without_qualification"],
        "pupils.leavers", pupils["leavers"],
    )  # fmt: skip
    exams = data["exams"]
    for programme, line in exams["by_programme"].items():
        where = f"exams.by_programme.{programme}"
        _within(f"{where}.passed", line["passed"], f"{where}.sat", line["sat"])
    for key in ("sat", "passed"):
        parts = sum(line[key] for line in exams["by_programme"].values())
        _sum_of(f"exams.total.{key}", exams["total"][key], "exams.by_programme", parts)
    _within("exams.total.sat", exams["total"]["sat"], "pupils.leavers", pupils["leavers"])
    for period, line in data["outcomes"].items():
        where = f"outcomes.{period}"
        if line["leavers"] != pupils["leavers"]:
            _sum_of(f"{where}.leavers", line["leavers"], "pupils.leavers", pupils["leavers"])
        _within(f"{where}.known", line["known"], f"{where}.leavers", line["leavers"])
        _within(f"{where}.placed", line["placed"], f"{where}.known", line["known"])
        if "further_study" in line:
            _within(
                f"{where}.further_study", line["further_study"], f"{where}.placed", line["placed"]
            )
    attendance = data["attendance"]
    for key in ("attended_half_days", "unrecorded_half_days"):
        _within(
            f"attendance.{key}", attendance[key],
            "attendance.expected_half_days", attendance["expected_half_days"],
        )  # fmt: skip
    _within(
        "attendance.dropout_signals", attendance["dropout_signals"],
        "attendance.pupils_on_the_last_day", attendance["pupils_on_the_last_day"],
    )  # fmt: skip
    budget = data["budget"]
    try:
        parts = sum(Decimal(v) for v in budget["resources"].values())
        total = Decimal(budget["total"])
    except InvalidOperation as exc:  # the patterns above make this unreachable
        raise PayloadError("budget", _("An amount is not a number.")) from exc
    _sum_of("budget.total", total, "budget.resources", parts)
    return year
