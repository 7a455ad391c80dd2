"""Telling the families (SPEC.md R9): the same day, an absence the family did not report
is mailed to every guardian with parental authority who has an email, or called by the
office for a guardian who asked to be called or has no email.

The mail leaves on the school's one mail path (ecoles.mail: a task carrying the mail's
id, built and sent by the worker outside any transaction or lock, one retry policy);
each notice keeps its result, in step with its Mail. Quiet hours: never between 20:00
and 07:00 nor on a Sunday; a notice due then waits for the next allowed moment, and so
does a retry.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoles import mail as outgoing
from ecoles.models import Mail, School
from schoollife.models import Absence, FamilyNotice
from students.models import Guardian

QUIET_FROM = dt.time(20)
QUIET_UNTIL = dt.time(7)
SUNDAY = 6
MAIL_KIND = "schoollife.notice"


def next_allowed(moment: dt.datetime) -> dt.datetime:
    """`moment` itself if a family may be written to then, else the next 07:00 that is
    not a Sunday."""
    local = timezone.localtime(moment)
    if local.weekday() != SUNDAY and QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date()
    if local.time() >= QUIET_FROM or local.weekday() == SUNDAY:
        day += dt.timedelta(days=1)
    if day.weekday() == SUNDAY:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=local.tzinfo)


def notify(absence: Absence) -> list[FamilyNotice]:
    """Queue the notices of an absence the family has not reported (none otherwise): a
    mail for each guardian told by email, a call to make for the others; a guardian with
    neither email nor phone cannot be told, and the absence page says so."""
    if absence.reported_by_family or _told_with_its_report(absence):
        return []
    when = next_allowed(timezone.now())
    notices = []
    for guardian in absence.student.guardians.filter(legal_representative=True):
        key = addressee(guardian)
        if key is None:
            continue
        notice, created = FamilyNotice.objects.get_or_create(
            absence=absence,
            **key,
            defaults={"student": absence.student, "guardian": guardian, "send_after": when},
        )
        if created:
            notices.append(notice)
            if notice.channel == Guardian.Channel.EMAIL:
                outgoing.queue(MAIL_KIND, notice.pk, to_kind="guardian", to_id=guardian.pk)
    return notices


def _told_with_its_report(absence: Absence) -> bool:
    """A half-day of a range already told (schoollife.absences): the family hears once."""
    return bool(absence.report) and (
        FamilyNotice.objects.filter(absence__report=absence.report)
        .exclude(absence=absence)
        .exists()
    )


def addressee(guardian: Guardian) -> dict | None:
    """How a guardian is told: by mail if he has an email and did not ask for a call,
    else by a call if he has a phone; None if he has neither."""
    phone = guardian.phone or guardian.phone_other
    if guardian.email and guardian.notices_by == Guardian.Channel.EMAIL:
        return {"channel": Guardian.Channel.EMAIL, "email": guardian.email}
    if phone:
        return {"channel": Guardian.Channel.PHONE, "phone": phone}
    return None


def calls_to_make():
    """The calls waiting for the office, the oldest absence first; those whose hour has
    not come (quiet hours) wait with the rest and show when they may be made."""
    return (
        FamilyNotice.objects.filter(
            channel=Guardian.Channel.PHONE, status=FamilyNotice.Status.QUEUED
        )
        .select_related("absence", "student", "guardian")
        .order_by("absence__day", "absence__half", "pk")
    )


def record_call(notice: FamilyNotice, user, result: str = "") -> bool:
    """The office called: the notice is done, by whom and when. False if it was not
    waiting any more (the family reported it meanwhile, or a colleague called)."""
    done = FamilyNotice.objects.filter(
        pk=notice.pk, channel=Guardian.Channel.PHONE, status=FamilyNotice.Status.QUEUED
    ).update(
        status=FamilyNotice.Status.SENT,
        sent_at=timezone.now(),
        done_by=user,
        result=result[:300],
    )
    return bool(done)


def cancel(absence: Absence) -> int:
    """The family reported it, or the pupil was there after all: the waiting notices go,
    and their mails."""
    waiting = absence.notices.filter(status=FamilyNotice.Status.QUEUED)
    reason = _("not needed any more")
    ids = waiting.values_list("pk", flat=True)
    outgoing.cancel(Mail.objects.filter(kind=MAIL_KIND, about_id__in=ids), reason)
    return waiting.update(status=FamilyNotice.Status.CANCELLED, result=reason)


def _message(notice: FamilyNotice) -> EmailMessage:
    absence = notice.absence
    school = School.load()
    context = {"absence": absence, "student": absence.student, "school": school}
    subject = _("Absence of %(name)s on %(day)s") % {
        "name": absence.student.first_name,
        "day": f"{absence.day:%d/%m/%Y}",
    }
    body = render_to_string("schoollife/notice_mail.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.email])


def build(mail: Mail) -> EmailMessage:
    """The worker's part: the notice's mail, if it is still needed."""
    notice = (
        FamilyNotice.objects.select_related("absence__student")
        .filter(pk=mail.about_id, channel=Guardian.Channel.EMAIL)
        .first()
    )
    if notice is None or notice.status != FamilyNotice.Status.QUEUED:
        raise outgoing.NotNeeded(_("not needed any more"))
    if notice.absence.reported_by_family:
        raise outgoing.NotNeeded(_("the family reported the absence"))
    return _message(notice)


def follow(mail: Mail) -> None:
    """The notice keeps its mail's result (the page of notices and the calls read it)."""
    S = FamilyNotice.Status
    status = {Mail.Status.SENT: S.SENT, Mail.Status.FAILED: S.FAILED}.get(mail.status)
    status = status or (S.CANCELLED if mail.status == Mail.Status.CANCELLED else S.QUEUED)
    result = _("sent") if status == S.SENT else mail.last_error
    FamilyNotice.objects.filter(pk=mail.about_id).update(
        status=status,
        attempts=mail.attempts,
        sent_at=mail.sent_at,
        send_after=mail.send_after,
        result=result[:300],
    )


def register_mails() -> None:
    outgoing.register(MAIL_KIND, build=build, allowed_from=next_allowed, on_change=follow)
