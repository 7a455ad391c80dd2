"""Recording evidence: a team at once, a correction (SPEC.md R10)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from skills import photos as photo_files
from skills.models import Competency, Evidence


@transaction.atomic
def record_team(
    *,
    competency: Competency,
    day: dt.date,
    marks: list[tuple[object, int, str]],
    by,
    comment: str = "",
    order=None,
    session=None,
    validate: bool = False,
    photos: dict | None = None,
) -> list[Evidence]:
    """One piece of evidence per (pupil, level, autonomy), from an order (its work log of
    that day when there is one) or a theory session, with its photos (pupil id -> files
    through skills.photos.check) attached before validating; all saved or none."""
    photos = photos or {}
    logs = {}
    if order is not None:
        for log in order.work_logs.filter(student__in=[m[0] for m in marks]).order_by("start"):
            if log.day == day:
                logs.setdefault(log.student_id, log)
    pieces = []
    for pupil, level, autonomy in marks:
        log = logs.get(pupil.pk)
        if session is not None:
            source = Evidence.Source.THEORY
        else:
            source = Evidence.Source.WORK_LOG if log else Evidence.Source.ORDER
        evidence = Evidence(
            student=pupil,
            competency=competency,
            source=source,
            order=order,
            work_log=log,
            theory_session=session,
            date=day,
            level=level,
            autonomy=autonomy,
            comment=comment,
            recorded_by=by,
        )
        evidence.full_clean()
        if validate and not evidence.may_validate(by):
            raise ValidationError(
                _("You may not validate %(pupil)s's evidence.") % {"pupil": pupil}
            )
        pieces.append(evidence)
    # Every piece checked before anything is written: the photos' files are not part of
    # the transaction, a refusal halfway would leave them behind.
    for evidence in pieces:
        evidence.save()
        photo_files.attach(evidence, photos.get(evidence.student_id, []))
        if validate:
            evidence.validate(by)
    return pieces


@transaction.atomic
def correct(old: Evidence, new: Evidence, by, validate: bool, photos=()) -> Evidence:
    """New evidence that supersedes validated `old` (which itself never changes), with
    its own photos (through skills.photos.check)."""
    new.student_id, new.competency_id = old.student_id, old.competency_id
    new.source, new.order_id = old.source, old.order_id
    new.work_log_id, new.theory_session_id = old.work_log_id, old.theory_session_id
    new.supersedes, new.recorded_by = old, by
    new.full_clean()
    new.save()
    photo_files.attach(new, list(photos))
    if validate:
        new.validate(by)
    return new
