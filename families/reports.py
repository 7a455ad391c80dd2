"""Deciding an absence a family reported (R14): accepting records the half-days through
the office's own range function (schoollife.absences.record: the register, the L131-8
count and the dropping-out signals follow), or justifies those already recorded;
refusing says why. One transaction: nothing half-decided."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import AbsenceReport
from schoollife import absences
from schoollife.models import Absence


def accept(report: AbsenceReport, *, by, answer: str = "") -> int:
    """Record or justify the report's half-days; how many were recorded or justified."""
    with transaction.atomic():
        report = AbsenceReport.objects.select_for_update().get(pk=report.pk)
        if report.status != AbsenceReport.Status.PENDING:
            raise ValidationError(_("This report has already been decided."))
        now = timezone.now()
        existing = Absence.objects.filter(
            student=report.student, day__gte=report.first_day, day__lte=report.last_day
        )
        wanted = set(
            absences.half_days(
                report.student, report.first_day, report.first_half, report.last_day,
                report.last_half,
            )
        )  # fmt: skip
        justified = 0
        recorded_keys = set()
        for absence in existing.select_for_update():
            recorded_keys.add((absence.day, absence.half))
            if (absence.day, absence.half) not in wanted or absence.accepted:
                continue
            absence.reason = report.reason
            absence.reason_detail = report.detail
            absence.reported_how = absence.reported_how or Absence.Reported.NOTE
            if report.document and not absence.document:
                absence.document = report.document.name
            absence.accepted, absence.decided_by, absence.decided_at = True, by, now
            absence.save()
            justified += 1
        recorded = 0
        if wanted - recorded_keys:
            template = Absence(
                student=report.student,
                reason=report.reason,
                reason_detail=report.detail,
                reported_how=Absence.Reported.NOTE,
                document=report.document.name if report.document else "",
                accepted=True,
            )
            done = absences.record(
                template, report.first_day, report.first_half, report.last_day,
                report.last_half, by=by,
            )  # fmt: skip
            recorded = len(done.created)
        report.status = AbsenceReport.Status.ACCEPTED
        report.answer, report.decided_by, report.decided_at = answer, by, now
        report.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    return justified + recorded


def refuse(report: AbsenceReport, *, by, answer: str) -> None:
    if not answer.strip():
        raise ValidationError({"answer": _("Say in a word why it is refused.")})
    with transaction.atomic():
        report = AbsenceReport.objects.select_for_update().get(pk=report.pk)
        if report.status != AbsenceReport.Status.PENDING:
            raise ValidationError(_("This report has already been decided."))
        report.status = AbsenceReport.Status.REFUSED
        report.answer, report.decided_by, report.decided_at = answer, by, timezone.now()
        report.save(update_fields=["status", "answer", "decided_by", "decided_at"])
