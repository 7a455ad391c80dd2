"""Issue #16, the trainer's and the teacher's day: the roll call's "everyone present, then
the exceptions", and a refusal the director may lift says so to the trainer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.training.conftest import TODAY, at, log, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(young, older, teacher, policy, school):
    return session(teacher, at(TODAY, 13, 30), at(TODAY, 15), [young, older], status="pending")


def test_everyone_present_then_one_exception_is_two_taps(client_for, teacher, lesson, young, older):
    rows = {a.student_id: a.pk for a in lesson.attendances.all()}
    url = reverse("training:session", args=[lesson.pk])
    assert 'name="all_present"' in client_for(teacher).get(url).content.decode()
    response = client_for(teacher).post(
        url, {"all_present": "on", f"status_{rows[young.pk]}": "absent"}
    )
    assert response.status_code == 302
    statuses = dict(lesson.attendances.values_list("student_id", "status"))
    assert statuses == {young.pk: "absent", older.pk: "present"}


def test_without_everyone_present_an_uncalled_pupil_stays_to_call(
    client_for, teacher, lesson, young, older
):
    rows = {a.student_id: a.pk for a in lesson.attendances.all()}
    client_for(teacher).post(
        reverse("training:session", args=[lesson.pk]), {f"status_{rows[young.pk]}": "absent"}
    )
    statuses = dict(lesson.attendances.values_list("student_id", "status"))
    assert statuses == {young.pk: "absent", older.pk: "pending"}


def test_a_refusal_the_director_may_lift_tells_the_trainer_to_ask_him(
    client_for, woodwork_trainer, young, table_order, policy, school
):
    # No allowance left: production beyond the two-thirds balance, the one rule (the
    # school's own, R1) the director may lift; the law's limits he may not (R2).
    policy.balance_allowance_hours = 0
    policy.save()
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {"order": table_order.pk, "date": TODAY.isoformat(), "slot": "custom",
         "start_time": "14:00", "end_time": "17:00", "students": [young.pk]},
    )  # fmt: skip
    assert "demandez une dérogation à la direction" in response.content.decode()


def test_a_refusal_nobody_may_lift_does_not_send_the_trainer_to_the_director(
    client_for, woodwork_trainer, young, table_order, policy, school
):
    log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {"order": table_order.pk, "date": TODAY.isoformat(), "slot": "custom",
         "start_time": "9:00", "end_time": "11:00", "students": [young.pk]},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "demandez une dérogation" not in body


def test_one_log_saved_is_said_in_the_singular(
    client_for, woodwork_trainer, young, table_order, policy, school
):
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {"order": table_order.pk, "date": TODAY.isoformat(), "slot": "custom",
         "start_time": "9:00", "end_time": "11:00", "students": [young.pk]},
        follow=True,
    )  # fmt: skip
    assert "1 saisie d’heures enregistrée sur" in response.content.decode()
