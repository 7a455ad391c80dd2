"""Time is recorded for what happened, against the rules as they stood on the day worked.

R8: a log is never later than now, a roll call is taken once its session has started.
R1: the balance a refusal counts is the balance the pupil's page shows.
R2: age on the day worked; theory counts in the day's and the week's limits.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from tests.training.conftest import TODAY, at, log, make_pupil, session
from training import recording, timeguard
from training.models import Attendance, ClosedPeriod, WorkLog

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
TOMORROW = TODAY + dt.timedelta(days=1)


def team(order, students, by, day=TODAY, start=dt.time(8, 30), end=dt.time(12)):
    return recording.save_team_entry(
        order=order, day=day, start=start, end=end, students=students, task="Débit", by=by
    )


# --- R8: nothing later than now ----------------------------------------------------------


def test_a_team_entry_for_tomorrow_is_refused_and_saves_nothing(
    young, table_order, woodwork_trainer
):
    with pytest.raises(ValidationError) as refused:
        team(table_order, [young], woodwork_trainer, day=TOMORROW)
    assert "end" in refused.value.message_dict
    assert not WorkLog.objects.exists()


def test_a_log_ending_one_minute_after_now_is_refused_and_one_ending_now_is_saved(
    young, table_order, woodwork_trainer
):
    with pytest.raises(ValidationError):
        team(table_order, [young], woodwork_trainer, start=dt.time(20), end=dt.time(21, 1))
    assert team(table_order, [young], woodwork_trainer, start=dt.time(17), end=dt.time(18))
    assert WorkLog.objects.count() == 1


def test_a_single_log_moved_into_the_future_is_refused(young, table_order, woodwork_trainer):
    [saved] = team(table_order, [young], woodwork_trainer)
    saved.start, saved.end = at(TOMORROW, 8, 30), at(TOMORROW, 12)
    with pytest.raises(ValidationError) as refused:
        recording.save_work_log(saved, by=woodwork_trainer)
    assert "end" in refused.value.message_dict
    assert WorkLog.objects.get().start == at(TODAY, 8, 30)


def test_the_admin_refuses_a_log_in_the_future(director, young, table_order):
    request = RequestFactory().get("/")
    request.user = director
    form_class = admin.site._registry[WorkLog].get_form(request)
    data = {
        "order": table_order.pk,
        "student": young.pk,
        "start_0": "2026-11-19",
        "start_1": "08:30",
        "end_0": "2026-11-19",
        "end_1": "12:00",
        "task": "",
    }
    form = form_class(data, instance=WorkLog(logged_by=director))
    assert not form.is_valid()
    assert "end" in form.errors


@pytest.mark.parametrize("name", ["team_entry", "worklog_add"])
def test_the_log_forms_say_a_future_log_is_refused(
    name, client_for, woodwork_trainer, young, table_order, policy
):
    data = {
        "order": table_order.pk,
        "date": TOMORROW.isoformat(),
        "slot": "morning",
        "start_time": "08:30",
        "end_time": "12:00",
        "students": [young.pk],
        "student": young.pk,
    }
    response = client_for(woodwork_trainer).post(reverse(f"training:{name}"), data)
    assert response.status_code == 200
    assert "plus tard que maintenant" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_a_roll_call_before_the_session_starts_is_refused(teacher, young):
    lesson = session(teacher, at(TOMORROW, 8, 30), at(TOMORROW, 10), [young], status="pending")
    row = lesson.attendances.get()
    with pytest.raises(ValidationError):
        recording.record_attendance(lesson, [recording.Call(row, "present")], by=teacher)
    assert lesson.attendances.get().status == "pending"


def test_a_roll_call_is_taken_once_the_session_has_started(teacher, young):
    lesson = session(teacher, at(TODAY, 20, 30), at(TODAY, 21, 30), [young], status="pending")
    row = lesson.attendances.get()
    assert recording.record_attendance(lesson, [recording.Call(row, "absent")], by=teacher) == 1


def test_the_roll_call_page_says_the_session_has_not_started(client_for, teacher, young, policy):
    lesson = session(teacher, at(TOMORROW, 8, 30), at(TOMORROW, 10), [young], status="pending")
    row = lesson.attendances.get()
    response = client_for(teacher).post(
        reverse("training:session", args=[lesson.pk]), {f"status_{row.pk}": "present"}
    )
    assert response.status_code == 200
    assert "commencé" in response.content.decode()
    assert lesson.attendances.get().status == "pending"


def test_an_attendance_marked_in_the_admin_before_the_session_is_refused(teacher, young):
    lesson = session(teacher, at(TOMORROW, 8, 30), at(TOMORROW, 10), [young], status="pending")
    row = lesson.attendances.get()
    row.status = Attendance.Status.PRESENT
    with pytest.raises(ValidationError):
        row.full_clean()


# --- R1: the balance refused is the balance shown ---------------------------------------


def _twenty_hours_this_week_and_last(pupil, order, by):
    for back in (1, 2, 5, 6, 7):
        day = TODAY - dt.timedelta(days=back)
        log(pupil, order, at(day, 8), at(day, 12), by)


def test_a_log_on_an_earlier_day_is_held_to_the_balance_shown_today(
    client_for, young, table_order, woodwork_trainer, policy
):
    _twenty_hours_this_week_and_last(young, table_order, woodwork_trainer)
    page = client_for(woodwork_trainer).get(reverse("training:student_time", args=[young.pk]))
    assert f"<dd>20{NBSP}h</dd>" in page.content.decode()  # the year's gap
    earlier = dt.date(2026, 10, 21)  # before those 20 hours: they still count
    with pytest.raises(recording.Refused) as refused:
        team(
            table_order,
            [young],
            woodwork_trainer,
            day=earlier,
            start=dt.time(8),
            end=dt.time(12, 1),
        )
    assert f"24{NBSP}h{NBSP}01" in refused.value.messages[0]
    assert team(
        table_order, [young], woodwork_trainer, day=earlier, start=dt.time(8), end=dt.time(12)
    )


# --- R2: the minors' rules on the day worked, theory included ---------------------------


def test_the_night_limit_is_the_one_of_his_age_on_the_day_worked(
    woodwork, table_order, woodwork_trainer
):
    # 16 since yesterday: on Monday he was 15, and stopped at 20:00.
    pupil = make_pupil(woodwork, "Théo", "Lambert", dt.date(2010, 11, 17))
    monday = TODAY - dt.timedelta(days=2)
    with pytest.raises(recording.Refused) as refused:
        team(
            table_order,
            [pupil],
            woodwork_trainer,
            day=monday,
            start=dt.time(17),
            end=dt.time(20, 30),
        )
    assert [v.rule for v in refused.value.violations] == [timeguard.NIGHT]
    assert team(table_order, [pupil], woodwork_trainer, start=dt.time(17), end=dt.time(20, 30))


def test_theory_attended_counts_in_the_eight_hours_of_the_day(
    young, table_order, woodwork_trainer, teacher
):
    session(teacher, at(TODAY, 8), at(TODAY, 12), [young])
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], woodwork_trainer, start=dt.time(13), end=dt.time(17, 1))
    assert [v.rule for v in refused.value.violations] == [timeguard.DAILY]
    assert f"8{NBSP}h{NBSP}01" in refused.value.messages[0]
    assert team(table_order, [young], woodwork_trainer, start=dt.time(13), end=dt.time(17))


def test_a_roll_call_counts_the_days_work_in_the_eight_hours(
    young, table_order, woodwork_trainer, teacher
):
    log(young, table_order, at(TODAY, 8), at(TODAY, 12), woodwork_trainer)
    lesson = session(teacher, at(TODAY, 13), at(TODAY, 17, 1), [young], status="pending")
    row = lesson.attendances.get()
    with pytest.raises(recording.Refused) as refused:
        recording.record_attendance(lesson, [recording.Call(row, "present")], by=teacher)
    assert [v.rule for v in refused.value.violations] == [timeguard.DAILY]


def test_theory_attended_counts_in_the_thirty_five_hours_of_the_week(
    young, table_order, woodwork_trainer, teacher
):
    monday = dt.date(2026, 11, 2)
    for offset in range(4):  # Monday to Thursday, 7 h of theory a day
        day = monday + dt.timedelta(days=offset)
        session(teacher, at(day, 8, 30), at(day, 12), [young])
        session(teacher, at(day, 13, 30), at(day, 17), [young])
    friday = monday + dt.timedelta(days=4)
    session(teacher, at(friday, 8, 30), at(friday, 12), [young])
    with pytest.raises(recording.Refused) as refused:
        team(
            table_order,
            [young],
            woodwork_trainer,
            day=friday,
            start=dt.time(13, 30),
            end=dt.time(17, 1),
        )
    assert timeguard.WEEKLY in [v.rule for v in refused.value.violations]
    assert team(
        table_order, [young], woodwork_trainer, day=friday, start=dt.time(13, 30), end=dt.time(17)
    )


def test_a_month_not_yet_ended_cannot_be_closed_by_the_model_either(director):
    this_month = TODAY.replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    for month in (next_month, this_month):
        with pytest.raises(ValidationError, match="avant d’être terminé"):
            ClosedPeriod(month=month, closed_by=director).full_clean()
    ClosedPeriod(
        month=(this_month - dt.timedelta(days=1)).replace(day=1), closed_by=director
    ).full_clean()


def test_a_month_closes_once_its_last_day_is_past_in_paris(director):
    """23:30 UTC on 30 November is already 1 December in Paris: November has ended."""
    november = dt.date(2026, 11, 1)
    with (
        time_machine.travel(dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError, match="avant d’être terminé"),
    ):
        ClosedPeriod(month=november, closed_by=director).full_clean()
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), tick=False):
        ClosedPeriod(month=november, closed_by=director).full_clean()
