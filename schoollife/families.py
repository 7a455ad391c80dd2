"""Telling the families (SPEC.md R9): the same day, an absence the family did not report
is mailed to every guardian with parental authority who has an email, or called by the
office for a guardian who asked to be called or has no email.

The mail leaves through the task queue (django-tasks), outside the request; each notice
keeps its result and is retried after a failure. Quiet hours: never between 20:00 and
07:00 nor on a Sunday; a notice due then waits for the next allowed moment.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ecoles.models import School
from schoollife.models import Absence, FamilyNotice
from students.models import Guardian

QUIET_FROM = dt.time(20)
QUIET_UNTIL = dt.time(7)
SUNDAY = 6
MAX_ATTEMPTS = 5
RETRY_AFTER = dt.timedelta(minutes=15)


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
                _enqueue(notice.pk, when)
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
    """The family reported it, or the pupil was there after all: the waiting notices go."""
    return absence.notices.filter(status=FamilyNotice.Status.QUEUED).update(
        status=FamilyNotice.Status.CANCELLED, result=_("not needed any more")
    )


def _enqueue(pk: int, when: dt.datetime) -> None:
    later = when if when > timezone.now() else None
    transaction.on_commit(lambda: send_notice.using(run_after=later).enqueue(pk))


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


@task()
def send_notice(pk: int) -> str:
    """Send one notice if it is still needed and the hour allows; keep the result."""
    with transaction.atomic():
        notice = (
            FamilyNotice.objects.select_for_update()
            .select_related("absence__student")
            .filter(pk=pk, channel=Guardian.Channel.EMAIL, status=FamilyNotice.Status.QUEUED)
            .first()
        )
        if notice is None:
            return "nothing to do"
        if notice.absence.reported_by_family:
            notice.status = FamilyNotice.Status.CANCELLED
            notice.result = _("the family reported the absence")
            notice.save(update_fields=["status", "result"])
            return notice.status
        now = timezone.now()
        allowed = next_allowed(now)
        if allowed > now:  # a worker that ran late must not write at night
            notice.send_after = allowed
            notice.save(update_fields=["send_after"])
            _enqueue(notice.pk, allowed)
            return "waiting"
        notice.attempts += 1
        try:
            _message(notice).send()
        except Exception as exc:  # the server's answer is what the office needs to read
            notice.result = f"{type(exc).__name__}: {exc}"[:300]
            if notice.attempts >= MAX_ATTEMPTS:
                notice.status = FamilyNotice.Status.FAILED
            else:
                notice.send_after = next_allowed(now + RETRY_AFTER * notice.attempts)
                _enqueue(notice.pk, notice.send_after)
        else:
            notice.status = FamilyNotice.Status.SENT
            notice.sent_at = now
            notice.result = _("sent")
        notice.save(update_fields=["attempts", "result", "status", "sent_at", "send_after"])
        return notice.status
