"""Taking the workshop roll call (SPEC.md R9): "all present", then the exceptions.

An absent pupil gets his `Absence` (the office gives it a reason later) and, unless the
family already told the school, his guardians' notice is queued. The roll call records
whom it called: "all present" speaks for them only. Re-taking it keeps its exceptions and
the recorded absences unless each is changed explicitly (the page shows them ticked, and
"All present" over them asks first, naming what it would end: `would_end`); marking a
pupil present again takes back an absence nobody had worked on, and its waiting notices;
one the office or the family gave a reason stays (R9).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoles.models import Policy, Workshop
from schoollife import families
from schoollife.days import is_school_day
from schoollife.models import Absence, Mark, RollCall, RollCallMark
from schoollife.register import half_span
from training.models import ClosedPeriod


@dataclass(frozen=True)
class Exception_:
    status: str
    late_minutes: int = 0
    activity: str = ""


def refuse_untimely(day: dt.date, half: str, policy: Policy) -> None:
    """A roll call is taken on a school day, once its half-day has started (R8)."""
    if not is_school_day(day):
        raise ValidationError(_("%(day)s is not a school day.") % {"day": f"{day:%d/%m/%Y}"})
    start, _end = half_span(day, half, policy)
    if timezone.now() < start:
        raise ValidationError(
            _("The roll call is taken once the half-day has started (%(start)s).")
            % {"start": f"{timezone.localtime(start):%d/%m/%Y %H:%M}"},
            code="not_started",
        )


def take(
    workshop: Workshop,
    day: dt.date,
    half: str,
    exceptions: dict[int, Exception_],
    by,
    pupils,
) -> RollCall:
    """Record the roll call of `workshop` for the half-day; `pupils` are those it calls
    (their ids bound `exceptions`); the others present."""
    policy = Policy.load()
    refuse_untimely(day, half, policy)
    ClosedPeriod.refuse_if_closed(day)
    pupils = {p.pk: p for p in pupils}
    unknown = set(exceptions) - set(pupils)
    if unknown:
        raise ValidationError(_("A pupil marked is not of this workshop."))
    with transaction.atomic():
        call, created = RollCall.objects.select_for_update().get_or_create(
            workshop=workshop, day=day, half=half, defaults={"taken_by": by}
        )
        if not created:
            call.taken_by, call.taken_at = by, timezone.now()
            call.save(update_fields=["taken_by", "taken_at"])
        call.called.add(*pupils.values())
        call.marks.all().delete()
        marks = [
            RollCallMark(roll_call=call, student_id=pk, **vars(exc))
            for pk, exc in exceptions.items()
        ]
        for mark in marks:
            mark.full_clean(exclude=["roll_call", "student"])
        RollCallMark.objects.bulk_create(marks)
        absent = {pk for pk, exc in exceptions.items() if exc.status == Mark.ABSENT}
        existing = {
            a.student_id: a
            for a in Absence.objects.select_for_update()
            .filter(student_id__in=pupils, day=day, half=half)
            .select_related("student")
        }
        for pk in absent:
            absence = existing.get(pk)
            if absence is None:
                absence = Absence.objects.create(student=pupils[pk], day=day, half=half)
            families.notify(absence)
        for pk, absence in existing.items():
            if pk in absent:
                continue
            untouched = not (absence.reason_id or absence.reported_how or absence.document)
            if untouched:
                families.cancel(absence)
                if not absence.notices.exclude(status="cancelled").exists():
                    absence.delete()
    return call


@dataclass(frozen=True)
class Ending:
    """What "all present" would change for a pupil: his exception dropped, his absence
    ended (or kept, when the office or the family gave it a reason)."""

    pupil: object
    status: str
    absence: Absence | None
    kept: bool


def would_end(workshop: Workshop, day: dt.date, half: str, pupils) -> list[Ending]:
    """The exceptions and recorded absences of the half-day that "all present" would
    change, for the question asked before (two queries)."""
    pupils = {p.pk: p for p in pupils}
    marks = dict(
        RollCallMark.objects.filter(
            roll_call__workshop=workshop, roll_call__day=day, roll_call__half=half
        ).values_list("student_id", "status")
    )
    absences = {
        a.student_id: a
        for a in Absence.objects.filter(student_id__in=pupils, day=day, half=half).select_related(
            "reason"
        )
    }
    return [
        Ending(
            pupils[pk],
            marks.get(pk, Mark.ABSENT),
            absences.get(pk),
            kept=bool((a := absences.get(pk)) and (a.reason_id or a.reported_how or a.document)),
        )
        for pk in sorted(set(marks) | set(absences), key=lambda pk: str(pupils.get(pk, "")))
        if pk in pupils
    ]
