"""Taking the workshop roll call and telling the families the same day (SPEC.md R9):
through the task queue and Django's mail, never 20:00-07:00 nor on Sunday."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ecoles import mail as outgoing
from ecoles.models import Mail
from schoollife import families, rollcall
from schoollife.models import Absence, FamilyNotice, RollCall
from schoollife.rollcall import Exception_
from tests.schoollife.conftest import TODAY
from tests.training.conftest import PARIS, at
from training.models import ClosedPeriod

SUNDAY = dt.date(2026, 11, 22)
SATURDAY = dt.date(2026, 11, 21)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def deliver(notice: FamilyNotice) -> str:
    """What the worker does with the notice's mail when its task comes up."""
    mail = Mail.objects.get(kind=families.MAIL_KIND, about_id=notice.pk)
    return outgoing.deliver.call(mail.pk)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(TODAY, 19, 59), at(TODAY, 19, 59)),
        (at(TODAY, 20, 0), at(TODAY + dt.timedelta(days=1), 7)),
        (at(TODAY, 6, 59), at(TODAY, 7)),
        (at(TODAY, 7, 0), at(TODAY, 7)),
        (at(SATURDAY, 12), at(SATURDAY, 12)),
        (at(SATURDAY, 20, 30), at(SUNDAY + dt.timedelta(days=1), 7)),
        (at(SUNDAY, 10), at(SUNDAY + dt.timedelta(days=1), 7)),
        (at(SUNDAY, 23, 59), at(SUNDAY + dt.timedelta(days=1), 7)),
    ],
)
def test_quiet_hours_move_a_notice_to_the_next_allowed_moment(moment, expected):
    assert families.next_allowed(moment) == expected


def take(workshop, pupils, by, exceptions, half="am"):
    return rollcall.take(workshop, TODAY, half, exceptions, by, pupils)


def test_an_absence_not_reported_mails_each_guardian_with_parental_authority_through_the_queue(
    tom, zoe, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        take(woodwork, [tom, zoe], woodwork_trainer, {tom.pk: Exception_("absent")})
    assert mailoutbox == []  # queued: the roll call did not wait on the mail server
    run_worker()
    assert [m.to for m in mailoutbox] == [["anne.berger@exemple.fr"]]  # not the uncle
    assert "Tom" in mailoutbox[0].subject and "18/11/2026" in mailoutbox[0].subject
    notice = FamilyNotice.objects.get()
    assert (notice.status, notice.attempts, notice.sent_at) == ("sent", 1, at(TODAY, 10))
    assert Absence.objects.get().student == tom


def test_an_absence_the_family_reported_sends_nothing(
    tom, woodwork, woodwork_trainer, illness, mailoutbox, django_capture_on_commit_callbacks
):
    Absence.objects.create(student=tom, day=TODAY, half="am", reason=illness, reported_how="phone")
    with django_capture_on_commit_callbacks(execute=True):
        take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("absent")})
    run_worker()
    assert mailoutbox == []
    assert not FamilyNotice.objects.exists()


def test_a_roll_call_taken_in_the_evening_waits_for_seven_the_next_morning(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(TODAY, 20, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("absent")}, half="pm")
        run_worker()
        assert mailoutbox == []
        assert FamilyNotice.objects.get().send_after == at(TODAY + dt.timedelta(days=1), 7)
    with time_machine.travel(at(TODAY + dt.timedelta(days=1), 7, 0), tick=False):
        run_worker()
    assert len(mailoutbox) == 1


def test_a_worker_running_late_at_night_does_not_write_and_waits_again(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("absent")})
    notice = FamilyNotice.objects.get()
    with time_machine.travel(at(TODAY, 21), tick=False):
        assert deliver(notice) == "waiting"
    assert mailoutbox == []
    notice.refresh_from_db()
    assert notice.send_after == at(TODAY + dt.timedelta(days=1), 7)


def test_a_failed_sending_is_logged_and_retried(
    tom, woodwork, woodwork_trainer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("absent")})
    notice = FamilyNotice.objects.get()
    settings.EMAIL_BACKEND = "tests.schoollife.test_families.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(notice) == "retry"
    notice.refresh_from_db()
    assert notice.attempts == 1 and "refused" in notice.result
    assert notice.send_after == at(TODAY, 10) + outgoing.RETRY_AFTER[0]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(notice.send_after, tick=False):
        assert deliver(notice) == "sent"
    assert len(mailoutbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused by the mail server")


def test_marking_the_pupil_present_again_takes_back_the_absence_and_its_waiting_notice(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(TODAY, 20, 30), tick=False):
        take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("absent")})
        assert Absence.objects.count() == 1
        take(woodwork, [tom], woodwork_trainer, {})
    assert not Absence.objects.exists()
    assert RollCall.objects.get().marks.count() == 0


def test_a_roll_call_before_its_half_day_has_started_is_refused(tom, woodwork, woodwork_trainer):
    with pytest.raises(ValidationError, match="13:30"):
        take(woodwork, [tom], woodwork_trainer, {}, half="pm")


def test_a_roll_call_on_a_sunday_or_in_a_closed_month_is_refused(
    tom, woodwork, woodwork_trainer, director
):
    with (
        time_machine.travel(at(SUNDAY, 10), tick=False),
        pytest.raises(ValidationError, match="22/11/2026"),
    ):
        rollcall.take(woodwork, SUNDAY, "am", {}, woodwork_trainer, [tom])
    ClosedPeriod.objects.create(month=dt.date(2026, 11, 1), closed_by=director)
    with pytest.raises(ValidationError):
        take(woodwork, [tom], woodwork_trainer, {})


def test_a_pupil_of_another_workshop_cannot_be_marked(tom, metal, woodwork, woodwork_trainer):
    with pytest.raises(ValidationError):
        take(woodwork, [tom], woodwork_trainer, {metal.pk: Exception_("absent")})


def test_late_needs_its_minutes(tom, woodwork, woodwork_trainer):
    with pytest.raises(ValidationError):
        take(woodwork, [tom], woodwork_trainer, {tom.pk: Exception_("late")})
    assert not RollCall.objects.exists()


__all__ = ["PARIS"]
