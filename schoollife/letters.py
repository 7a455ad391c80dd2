"""What the DASEN letter says about the family (SPEC.md R9, issue #26): for each guardian
with parental authority, how and when he was told of each unjustified half-day the letter
counts, read from the notices and calls recorded (`FamilyNotice`). It never claims what
was not done: a call still to make says so, a guardian without email nor phone was not
told, an absence the family reported itself needed no notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from schoollife.families import addressee
from schoollife.models import Absence, FamilyNotice, HalfDay
from students.models import Guardian, Student


@dataclass
class Told:
    day: dt.date
    half: str
    text: str

    @property
    def half_label(self) -> str:
        return HalfDay(self.half).label


@dataclass
class GuardianTold:
    guardian: Guardian
    half_days: list[Told]


def _moment(when: dt.datetime) -> dict:
    local = timezone.localtime(when)
    return {"day": f"{local:%d/%m/%Y}", "time": f"{local:%H:%M}"}


def _concerns(notice: FamilyNotice, guardian: Guardian) -> bool:
    """A notice reached this guardian: his own, or one he shares (one mail to an address
    two guardians share, one call to a shared phone)."""
    if notice.guardian_id == guardian.pk:
        return True
    if notice.channel == FamilyNotice.Channel.EMAIL:
        return bool(guardian.email) and notice.email == guardian.email
    return notice.phone in {p for p in (guardian.phone, guardian.phone_other) if p}


def describe(notice: FamilyNotice) -> str:
    """What this notice did, in the letter's words."""
    Status = FamilyNotice.Status
    if notice.channel == FamilyNotice.Channel.EMAIL:
        if notice.status == Status.SENT and notice.sent_at:
            return _("mail sent on %(day)s at %(time)s") % _moment(notice.sent_at)
        if notice.status == Status.FAILED:
            return _("mail not delivered: not told")
        if notice.status == Status.QUEUED:
            return _("mail waiting to be sent, not sent yet")
    else:
        if notice.status == Status.SENT and notice.sent_at:
            who = notice.done_by.get_full_name() if notice.done_by else _("the school")
            return _("call made by %(name)s on %(day)s at %(time)s") % {
                "name": who,
                **_moment(notice.sent_at),
            }
        if notice.status == Status.QUEUED:
            return _("call to make, not made yet")
    return _("no notice sent")


def _told(absence: Absence | None, guardian: Guardian, by_report: dict) -> str:
    if absence is None:
        return _("no absence recorded, no notice sent")
    if absence.reported_by_family:
        return _("absence reported by the family (%(how)s)") % {
            "how": absence.get_reported_how_display().lower()
        }
    # A range's notices sit on its first half-day (Absence.family_notices): each of its
    # half-days was told by them.
    told = by_report.get(absence.report) if absence.report else absence.notices.all()
    notices = [n for n in told or () if _concerns(n, guardian)]
    sent = [n for n in notices if n.status == FamilyNotice.Status.SENT]
    if sent or notices:
        return describe((sent or notices)[-1])
    if addressee(guardian) is None:
        return _("could not be told: no email nor phone recorded")
    return _("no notice sent")


def how_told(student: Student, half_days: list[tuple[dt.date, str]]) -> list[GuardianTold]:
    """Each guardian with parental authority, and for each half-day how he was told.
    Four queries, whatever the number of half-days."""
    guardians = list(student.guardians.filter(legal_representative=True).order_by("pk"))
    days = {day for day, _half in half_days}
    absences = {
        (a.day, a.half): a
        for a in Absence.objects.filter(student=student, day__in=days).prefetch_related(
            Prefetch(
                "notices", queryset=FamilyNotice.objects.select_related("done_by").order_by("pk")
            )
        )
    }
    by_report: dict = {}
    reports = {a.report for a in absences.values() if a.report}
    for n in (
        FamilyNotice.objects.filter(absence__report__in=reports)
        .select_related("absence", "done_by")
        .order_by("pk")
    ):
        by_report.setdefault(n.absence.report, []).append(n)
    return [
        GuardianTold(
            g,
            [
                Told(day, half, _told(absences.get((day, half)), g, by_report))
                for day, half in half_days
            ],
        )
        for g in guardians
    ]
