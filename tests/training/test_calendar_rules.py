"""R8: work, sessions and roll calls on a closed day are refused unless the director
opened that day; the refusal says why and cannot be overridden."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecoles.models import Closure, OpenedDay
from tests.training.conftest import TODAY, at, make_pupil, session
from training import recording, timeguard
from training.models import Attendance, TheorySession, WorkLog

pytestmark = pytest.mark.django_db

ARMISTICE = dt.date(2026, 11, 11)  # a Wednesday
SUNDAY = dt.date(2026, 11, 15)
NEXT_SUNDAY = dt.date(2026, 11, 22)


def team(order, students, by, day, reason=""):
    return recording.save_team_entry(
        order=order,
        day=day,
        start=dt.time(8, 30),
        end=dt.time(12),
        students=students,
        task="Débit",
        by=by,
        override_reason=reason,
    )


def plan(teacher, day, students, by=None):
    return recording.plan_session(
        subject="general",
        title="Français",
        teacher=teacher,
        start=at(day, 9),
        end=at(day, 10),
        audience="picked",
        cohort=None,
        workshop=None,
        students=students,
        by=by or teacher,
    )


def test_work_on_a_public_holiday_is_refused_even_with_the_directors_reason(
    young, older, table_order, director, policy
):
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young, older], director, ARMISTICE, reason="Livraison")
    assert (
        "Le 11/11/2026 n'est pas un jour d'école (jour férié (Armistice 1918)) : "
        "demandez à la direction d'ouvrir ce jour."
    ) in refused.value.messages
    # Both are minors: the law refuses them that day whatever the calendar (L3164-6).
    minors = [v for v in refused.value.violations if v.rule == timeguard.PUBLIC_HOLIDAY]
    assert {v.student_id for v in minors} == {young.pk, older.pk}
    assert not refused.value.overridable
    assert not WorkLog.objects.exists()


def test_work_in_the_holidays_is_refused_from_their_first_to_their_last_day(
    young, table_order, woodwork_trainer, policy
):
    Closure.objects.create(name="Vacances d'automne", first_day=TODAY, last_day=TODAY)
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], woodwork_trainer, TODAY)
    assert "vacances scolaires (Vacances d'automne)" in refused.value.messages[0]
    team(table_order, [young], woodwork_trainer, TODAY - dt.timedelta(days=1))
    assert WorkLog.objects.count() == 1


def test_work_on_a_sunday_the_director_opened_is_accepted_for_adults_only(
    young, woodwork, table_order, woodwork_trainer, director, policy
):
    adult = make_pupil(woodwork, "Marc", "Petit", dt.date(2007, 1, 5))
    with pytest.raises(recording.Refused):
        team(table_order, [adult], woodwork_trainer, SUNDAY)
    OpenedDay.objects.create(day=SUNDAY, reason="Portes ouvertes", opened_by=director)
    team(table_order, [adult], woodwork_trainer, SUNDAY)
    assert WorkLog.objects.get().day == SUNDAY
    with pytest.raises(recording.Refused) as refused:  # a minor rests on Sundays (L3132-3)
        team(table_order, [young], director, SUNDAY, reason="Portes ouvertes")
    assert [v.rule for v in refused.value.violations] == [timeguard.SUNDAY]


def test_a_public_holiday_the_director_opened_is_opened_for_adults_only(
    young, woodwork, table_order, woodwork_trainer, director, policy
):
    """An opened day never opens a public holiday to a minor (L3164-6), as for Sundays."""
    adult = make_pupil(woodwork, "Marc", "Petit", dt.date(2007, 1, 5))
    OpenedDay.objects.create(day=ARMISTICE, reason="Salon du bois", opened_by=director)
    team(table_order, [adult], woodwork_trainer, ARMISTICE)
    assert WorkLog.objects.get().day == ARMISTICE
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], director, ARMISTICE, reason="Salon du bois")
    assert [v.rule for v in refused.value.violations] == [timeguard.PUBLIC_HOLIDAY]
    assert not refused.value.overridable


def test_a_single_log_moved_onto_a_closed_day_is_refused(
    young, table_order, woodwork_trainer, policy
):
    [log] = team(table_order, [young], woodwork_trainer, TODAY)
    log.start, log.end = at(ARMISTICE, 8, 30), at(ARMISTICE, 12)
    with pytest.raises(recording.Refused):
        recording.save_work_log(log, by=woodwork_trainer)
    log.refresh_from_db()
    assert log.day == TODAY


def test_a_session_is_not_planned_on_a_sunday_unless_it_is_opened_and_never_for_minors(
    teacher, director, young, woodwork, policy
):
    adult = make_pupil(woodwork, "Marc", "Petit", dt.date(2007, 1, 5))
    with pytest.raises(recording.Refused) as refused:
        plan(teacher, NEXT_SUNDAY, [adult])
    assert refused.value.violations[0].rule == timeguard.CLOSED_DAY
    assert "dimanche" in refused.value.messages[0]
    OpenedDay.objects.create(day=NEXT_SUNDAY, reason="Salon des métiers", opened_by=director)
    assert plan(teacher, NEXT_SUNDAY, [adult]).day == NEXT_SUNDAY
    with pytest.raises(recording.Refused) as refused:
        plan(teacher, NEXT_SUNDAY, [young], by=director)
    assert [v.rule for v in refused.value.violations] == [timeguard.SUNDAY]


def test_no_roll_call_on_a_closed_day(teacher, young, policy):
    lesson = session(teacher, at(ARMISTICE, 9), at(ARMISTICE, 10), [young], status="pending")
    row = lesson.attendances.get()
    with pytest.raises(recording.Refused):
        recording.record_attendance(lesson, [recording.Call(row, "present")], by=teacher)
    assert Attendance.objects.get().status == Attendance.Status.PENDING


def test_the_team_entry_page_says_the_day_is_closed(
    client_for, woodwork_trainer, young, table_order, policy
):
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {
            "order": table_order.pk,
            "date": "2026-11-11",
            "slot": "morning",
            "students": [young.pk],
        },
    )
    assert "demandez à la direction d&#x27;ouvrir ce jour" in response.content.decode()
    assert not WorkLog.objects.exists()


def test_the_session_page_refuses_a_holiday(client_for, teacher, young, policy):
    response = client_for(teacher).post(
        reverse("training:session_add"),
        {
            "subject": "general",
            "title": "Français",
            "teacher": teacher.pk,
            "date": "2026-11-11",
            "start_time": "09:00",
            "end_time": "10:00",
            "audience": "picked",
            "students": [young.pk],
        },
    )
    assert response.status_code == 200
    assert "jour férié" in response.content.decode()
    assert not TheorySession.objects.exists()
