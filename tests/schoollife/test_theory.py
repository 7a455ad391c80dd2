"""A pupil absent at a theory session's roll call follows the same flow as one absent at
the workshop's (SPEC.md R9): his half-day is absent, his family is mailed the same day
through the task queue (quiet hours kept), and the law's threshold counts it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from schoollife import rollcall, threshold
from schoollife.models import Absence, FamilyNotice
from tests.schoollife.conftest import TODAY
from tests.schoollife.test_families import run_worker
from tests.training.conftest import at, log, session
from training import recording
from training.models import Attendance, TheorySession, WorkLog


def lesson(teacher, pupils, day=TODAY, hour=8, minute=30):
    """A session planned for `pupils`, its roll call not taken yet."""
    return session(teacher, at(day, hour, minute), at(day, hour + 1, minute), pupils,
                   status=Attendance.Status.PENDING)  # fmt: skip


def roll_call(s, teacher, marks):
    """`marks`: pupil -> status (the others present); excused comes with its reason."""
    calls = [
        recording.Call(row, mark, reason="Rendez-vous médical" if mark == "excused" else "")
        for row in s.attendances.all()
        for mark in [marks.get(row.student, "present")]
    ]
    recording.record_attendance(s, calls, by=teacher)


def test_absent_at_theory_the_family_is_mailed_the_same_day_through_the_queue(
    tom, zoe, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    s = lesson(teacher, [tom, zoe])
    with django_capture_on_commit_callbacks(execute=True):
        roll_call(s, teacher, {tom: "absent"})
    absence = Absence.objects.get()
    assert (absence.student, absence.day, absence.half) == (tom, TODAY, "am")
    assert mailoutbox == []  # the roll call did not wait on the mail server
    run_worker()
    assert [m.to for m in mailoutbox] == [["anne.berger@exemple.fr"]]
    assert FamilyNotice.objects.get().status == "sent"


def test_a_theory_roll_call_in_the_evening_waits_for_seven_the_next_morning(
    tom, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    s = lesson(teacher, [tom], hour=17)
    with time_machine.travel(at(TODAY, 20, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            roll_call(s, teacher, {tom: "absent"})
        run_worker()
        assert mailoutbox == []
    assert FamilyNotice.objects.get().send_after == at(TODAY + dt.timedelta(days=1), 7)
    assert Absence.objects.get().half == "pm"


def test_marked_present_after_all_the_absence_and_its_waiting_notice_are_taken_back(
    tom, teacher, django_capture_on_commit_callbacks
):
    s = lesson(teacher, [tom])
    with time_machine.travel(at(TODAY, 20, 30), tick=False):
        roll_call(s, teacher, {tom: "absent"})
        assert Absence.objects.count() == 1
        roll_call(s, teacher, {})
    assert not Absence.objects.exists()


def test_absent_at_theory_with_work_logged_that_half_day_is_an_absence_all_the_same(
    tom, teacher, table, woodwork_trainer
):
    """R9: the roll call of the half-day the timetable expected him at comes before work
    logged; the work no longer takes the absence back (the office sorts it out)."""
    log(tom, table, at(TODAY, 9, 30), at(TODAY, 10), woodwork_trainer)
    roll_call(lesson(teacher, [tom]), teacher, {tom: "absent"})
    assert Absence.objects.get().student == tom


def test_four_theory_absences_in_the_month_raise_the_law_alert(tom, teacher):
    days = [TODAY - dt.timedelta(days=n) for n in (0, 1, 2, 6)]  # Wed, Tue, Mon, Thu before
    for day in days[:3]:
        roll_call(lesson(teacher, [tom], day=day), teacher, {tom: "absent"})
    assert threshold.alerts(TODAY) == []  # 3 half-days: nothing yet
    roll_call(lesson(teacher, [tom], day=days[3]), teacher, {tom: "absent"})
    [alert] = threshold.alerts(TODAY)
    assert (alert.kind, alert.count) == ("law", 4)
    assert Absence.objects.filter(student=tom).count() == 4


def test_a_cancelled_session_makes_no_absence(tom, teacher):
    s = lesson(teacher, [tom])
    row = s.attendances.get()
    cancelled = {"cancelled_at": at(TODAY, 7), "cancel_reason": "Teacher ill"}
    TheorySession.objects.filter(pk=s.pk).update(**cancelled)
    row.status = Attendance.Status.ABSENT
    row.save()  # whatever a row of a cancelled session says, it counts nothing (R8)
    assert not Absence.objects.exists()


def test_excused_at_theory_is_an_absence_to_decide_but_no_mail_to_the_family(
    tom, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        roll_call(lesson(teacher, [tom]), teacher, {tom: "excused"})
    run_worker()
    assert Absence.objects.get().student == tom
    assert mailoutbox == [] and not FamilyNotice.objects.exists()


def test_absent_at_the_workshop_roll_call_then_work_logged_that_half_day_is_refused(
    tom, woodwork, table, woodwork_trainer
):
    """R9: no production inside a recorded absence; the absence and its waiting notice
    stay (work logged no longer takes them back)."""
    rollcall.take(woodwork, TODAY, "am", {tom.pk: rollcall.Exception_("absent")},
                  woodwork_trainer, [tom])  # fmt: skip
    absence = Absence.objects.get(student=tom)
    assert absence.notices.filter(status=FamilyNotice.Status.QUEUED).exists()
    work = WorkLog(order=table, student=tom, start=at(TODAY, 9, 30), end=at(TODAY, 10))
    with pytest.raises(recording.Refused) as refused:
        recording.save_work_log(work, by=woodwork_trainer)
    assert "18/11/2026" in refused.value.messages[0]
    assert not refused.value.overridable
    assert Absence.objects.get() == absence and not WorkLog.objects.exists()
    assert absence.notices.filter(status=FamilyNotice.Status.QUEUED).exists()


def test_work_logged_keeps_an_absence_the_office_already_gave_a_reason(
    tom, woodwork, table, woodwork_trainer, illness
):
    rollcall.take(woodwork, TODAY, "am", {tom.pk: rollcall.Exception_("absent")},
                  woodwork_trainer, [tom])  # fmt: skip
    Absence.objects.filter(student=tom).update(reason=illness)
    log(tom, table, at(TODAY, 14), at(TODAY, 16), woodwork_trainer)  # the afternoon
    log(tom, table, at(TODAY, 9, 30), at(TODAY, 10), woodwork_trainer)
    assert Absence.objects.filter(student=tom, half="am").exists()
