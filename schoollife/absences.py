"""Recording an absence over a range of days (SPEC.md R9): a week of illness is one report.

The office gives the first and last day (and from which half-day of the first, until which
half-day of the last); every half-day of the school's open days in between (the school's
calendar, R8) gets its `Absence`, the days the pupil is not expected (before his entry,
after his leaving) left out. All or nothing, in one transaction; a half-day already
recorded is kept as it is and said. The family is told once for the whole report: one
notice per guardian, on its first half-day (schoollife.families).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoollife import families
from schoollife.days import school_days
from schoollife.models import HALVES, Absence, HalfDay

# A longer range is a typing mistake more often than an absence: a long absence is
# recorded month by month, each time with what the family said.
LONGEST = dt.timedelta(days=62)

# The fields the form fills, copied to every half-day of the report.
SHARED = ("reason", "reason_detail", "reported_how", "accepted")


@dataclass
class Recorded:
    """What recording a report did: the half-days created, those already recorded."""

    created: list[Absence]
    already: list[Absence]


def half_days(
    student, first: dt.date, first_half: str, last: dt.date, last_half: str
) -> list[tuple[dt.date, str]]:
    """The school half-days from (`first`, `first_half`) to (`last`, `last_half`) included,
    on the school's open days when the pupil is expected (from his entry to his leaving)."""
    found = []
    for day in school_days(first, last):
        if day < student.entry_date or (student.left_on and day > student.left_on):
            continue
        for half in HALVES:
            if (day == first and half < first_half) or (day == last and half > last_half):
                continue  # "am" < "pm"
            found.append((day, str(half)))
    return found


def refuse_bad_range(first: dt.date, first_half: str, last: dt.date, last_half: str) -> None:
    if (last, last_half) < (first, first_half):
        raise ValidationError(
            {"last_day": _("The last half-day must not be before the first.")}, code="order"
        )
    if last - first > LONGEST:
        raise ValidationError(
            {"last_day": _("Record at most two months at once.")}, code="too_long"
        )


def record(
    template: Absence,
    first: dt.date,
    first_half: str,
    last: dt.date,
    last_half: str,
    *,
    by,
) -> Recorded:
    """Record `template`'s pupil absent on every school half-day of the range, with its
    reason, how it was reported, its document and the school's decision; tell the family
    once if it did not report it."""
    refuse_bad_range(first, first_half, last, last_half)
    student = template.student
    wanted = half_days(student, first, first_half, last, last_half)
    if not wanted:
        raise ValidationError(
            _("No school half-day in this range for this pupil (closed days, before his "
              "entry or after his leaving)."),
            code="empty",
        )  # fmt: skip
    report = uuid.uuid4()
    decided = (by, timezone.now()) if template.accepted else (None, None)
    with transaction.atomic():
        existing = {
            (a.day, a.half): a
            for a in Absence.objects.select_for_update().filter(
                student=student, day__gte=first, day__lte=last
            )
        }
        created: list[Absence] = []
        for day, half in wanted:
            if (day, half) in existing:
                continue
            absence = Absence(student=student, day=day, half=half, report=report)
            for name in SHARED:
                setattr(absence, name, getattr(template, name))
            absence.decided_by, absence.decided_at = decided
            # One file for the whole report: the upload is stored with the first
            # half-day, the others point at it.
            absence.document = created[0].document.name if created else template.document
            absence.save()
            created.append(absence)
        if not created:
            raise ValidationError(
                _("Every half-day of this range is already recorded."), code="already"
            )
        families.notify(created[0])
    already = [existing[key] for key in wanted if key in existing]
    return Recorded(created, already)


def describe(absence: Absence) -> str:
    return f"{absence.day:%d/%m/%Y} {HalfDay(absence.half).label.lower()}"
