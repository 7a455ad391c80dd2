"""Who records what (issue #14, item 14): the roll call is its teacher's (or the
director's, the office's); a trainer logs his own workshop's pupils on his workshop's
orders; work goes on an accepted or in-production order only. Each rule holds in the
process function, not only in a form's choices: a forged POST is refused too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ecoles import roles
from orders.models import Order
from tests.conftest import make_user
from tests.training.conftest import TODAY, at, make_order, session
from training import recording
from training.models import Attendance, TheorySession, WorkLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_teacher(db):
    return make_user("teach2", roles.TEACHER, first_name="Anne", last_name="Roux")


@pytest.fixture
def lesson(teacher, young, policy, school):
    return session(teacher, at(TODAY, 13, 30), at(TODAY, 15), [young], status="pending")


def _call(lesson):
    row = lesson.attendances.get()
    return {f"status_{row.pk}": "present"}


def test_another_teacher_cannot_take_the_roll_call(client_for, other_teacher, lesson):
    url = reverse("training:session", args=[lesson.pk])
    page = client_for(other_teacher).get(url)
    assert page.status_code == 200
    assert "Enregistrer l’appel" not in page.content.decode()
    row = lesson.attendances.get()
    assert page.context["form"][f"status_{row.pk}"].field.disabled
    assert client_for(other_teacher).post(url, _call(lesson)).status_code == 404
    assert lesson.attendances.get().status == Attendance.Status.PENDING


@pytest.mark.parametrize("persona", ["teacher", "director", "office"])
def test_its_teacher_the_director_and_the_office_take_the_roll_call(
    persona, personas, client_for, lesson
):
    url = reverse("training:session", args=[lesson.pk])
    assert "Enregistrer l’appel" in client_for(personas[persona]).get(url).content.decode()
    assert client_for(personas[persona]).post(url, _call(lesson)).status_code == 302
    assert lesson.attendances.get().status == Attendance.Status.PRESENT


def test_the_process_refuses_another_teachers_roll_call(other_teacher, lesson):
    row = lesson.attendances.get()
    with pytest.raises(PermissionDenied):
        recording.record_attendance(lesson, [recording.Call(row, "present")], by=other_teacher)
    assert lesson.attendances.get().status == Attendance.Status.PENDING


def _team(order, pupils, **extra):
    return {
        "order": order.pk,
        "date": "2026-11-18",
        "slot": "morning",
        "students": [p.pk for p in pupils],
        **extra,
    }


def test_the_team_form_offers_only_the_trainers_pupils_and_orders(
    client_for, woodwork_trainer, young, metal_pupil, table_order, metal_order, policy
):
    page = client_for(woodwork_trainer).get(reverse("training:team_entry")).content.decode()
    assert "Léa Martin" in page and "Tables de réunion" in page
    assert "Enzo Petit" not in page and "Brides acier" not in page
    single = client_for(woodwork_trainer).get(reverse("training:worklog_add")).content.decode()
    assert "Martin" in single and "Tables de réunion" in single
    assert "Petit" not in single and "Brides acier" not in single


def test_a_forged_team_entry_with_another_workshops_pupil_saves_nothing(
    client_for, woodwork_trainer, young, metal_pupil, table_order, policy
):
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"), _team(table_order, [young, metal_pupil])
    )
    assert response.status_code == 200
    assert not WorkLog.objects.exists()


def test_the_process_refuses_another_workshops_pupils_and_orders(
    woodwork_trainer, young, metal_pupil, table_order, metal_order, policy
):
    slot = {"day": TODAY, "start": dt.time(8, 30), "end": dt.time(12), "task": ""}
    with pytest.raises(ValidationError):  # a machining pupil on his own order
        recording.save_team_entry(
            order=table_order, students=[young, metal_pupil], by=woodwork_trainer, **slot
        )
    with pytest.raises(ValidationError):  # machining's order and pupil, not his
        recording.save_team_entry(
            order=metal_order, students=[metal_pupil], by=woodwork_trainer, **slot
        )
    forged = WorkLog(order=metal_order, student=metal_pupil, start=at(TODAY, 8), end=at(TODAY, 12))
    with pytest.raises(ValidationError):
        recording.save_work_log(forged, by=woodwork_trainer)
    assert not WorkLog.objects.exists()


@pytest.mark.parametrize("status", [Order.Status.DRAFT, Order.Status.SENT])
def test_no_work_is_logged_on_a_quote(
    status, client_for, woodwork, woodwork_trainer, director, young, policy
):
    quote = make_order(woodwork, woodwork_trainer, "Devis étagères", status)
    page = client_for(woodwork_trainer).get(reverse("training:team_entry")).content.decode()
    assert "Devis étagères" not in page
    response = client_for(director).post(reverse("training:team_entry"), _team(quote, [young]))
    assert response.status_code == 200
    slot = {"day": TODAY, "start": dt.time(8, 30), "end": dt.time(12), "task": ""}
    with pytest.raises(ValidationError):
        recording.save_team_entry(order=quote, students=[young], by=director, **slot)
    with pytest.raises(ValidationError):
        recording.save_work_log(
            WorkLog(order=quote, student=young, start=at(TODAY, 8), end=at(TODAY, 12)),
            by=director,
        )
    assert not WorkLog.objects.exists()
    quote.refresh_from_db()
    assert quote.status == status


def test_a_teacher_plans_only_his_own_sessions(client_for, teacher, other_teacher, young, policy):
    data = {
        "subject": "general",
        "title": "Français",
        "teacher": other_teacher.pk,
        "date": "2026-11-19",
        "start_time": "09:00",
        "end_time": "10:00",
        "audience": "picked",
        "students": [young.pk],
    }
    response = client_for(teacher).post(reverse("training:session_add"), data)
    assert response.status_code == 200
    with pytest.raises(PermissionDenied):
        recording.plan_session(
            subject="general",
            title="Français",
            teacher=other_teacher,
            start=at(dt.date(2026, 11, 19), 9),
            end=at(dt.date(2026, 11, 19), 10),
            audience="picked",
            cohort=None,
            workshop=None,
            students=[young],
            by=teacher,
        )
    assert not TheorySession.objects.exists()
