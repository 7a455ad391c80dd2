"""Pages: who may open what, the team entry on a phone, fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.training.conftest import TODAY, at, log, make_pupil, session
from training.models import ClosedPeriod, Override, WorkLog

pytestmark = pytest.mark.django_db

OK, FORBIDDEN = 200, 403
ROLES = ["director", "office", "woodwork_trainer", "teacher", "accountant"]

# page -> the personas who may open it (everyone else gets 403)
MATRIX = {
    "team_entry": {"director", "woodwork_trainer"},
    "worklogs": {"director", "office", "woodwork_trainer"},
    "worklog_add": {"director", "woodwork_trainer"},
    "worklog_edit": {"director", "woodwork_trainer"},
    "sessions": {"director", "office", "teacher"},
    "session_add": {"director", "teacher"},
    "session": {"director", "office", "teacher"},
    "student_time": {"director", "office", "woodwork_trainer"},
    "balances": {"director", "office", "woodwork_trainer"},
    "workshop_balance": {"director", "office", "woodwork_trainer"},
    "cohort_balance": {"director", "office", "woodwork_trainer"},
    "out_of_balance": {"director"},
    "overrides": {"director", "office"},
    "closed_periods": {"director"},
    "order_hours": {"director", "office", "woodwork_trainer"},
}


@pytest.fixture
def school_day(young, older, table_order, woodwork_trainer, teacher, policy, school):
    work = log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    lesson = session(teacher, at(TODAY, 13, 30), at(TODAY, 15), [young, older], status="pending")
    return {"log": work, "session": lesson}


def url_of(name, school_day, young, table_order):
    args = {
        "worklog_edit": [school_day["log"].pk],
        "session": [school_day["session"].pk],
        "student_time": [young.pk],
        "workshop_balance": [young.workshop_id],
        "cohort_balance": [young.cohort],
        "order_hours": [table_order.pk],
    }.get(name, [])
    return reverse(f"training:{name}", args=args)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", ROLES)
def test_role_and_page_matrix(name, persona, personas, client_for, school_day, young, table_order):
    response = client_for(personas[persona]).get(url_of(name, school_day, young, table_order))
    assert response.status_code == (OK if persona in MATRIX[name] else FORBIDDEN)


@pytest.mark.parametrize(
    "name", ["student_time", "worklog_edit", "workshop_balance", "order_hours"]
)
def test_a_trainer_gets_404_on_another_workshops_pupil_log_and_order(
    name, client_for, machining_trainer, machining, school_day, young, table_order
):
    response = client_for(machining_trainer).get(url_of(name, school_day, young, table_order))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_login(client, school_day, young, table_order):
    response = client.get(url_of("student_time", school_day, young, table_order))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


def test_the_trainer_logs_his_teams_morning_in_one_save(
    client_for, woodwork_trainer, young, older, table_order, metal_order, policy
):
    page = client_for(woodwork_trainer).get(reverse("training:team_entry")).content.decode()
    assert "Tables de réunion" in page and "Brides acier" not in page
    assert "Léa Martin" in page and 'value="2026-11-18"' in page
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {
            "order": table_order.pk,
            "date": "2026-11-18",
            "slot": "morning",
            "students": [young.pk, older.pk],
            "task": "Ponçage",
        },
    )
    assert response.status_code == 302
    assert WorkLog.objects.filter(order=table_order, task="Ponçage").count() == 2
    assert WorkLog.objects.get(student=young).start == at(TODAY, 8, 30)


def test_a_refused_team_entry_says_why_in_french_and_saves_nothing(
    client_for, woodwork_trainer, teacher, young, older, table_order, policy
):
    session(teacher, at(TODAY, 9), at(TODAY, 10), [older])
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {
            "order": table_order.pk,
            "date": "2026-11-18",
            "slot": "morning",
            "students": [young.pk, older.pk],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hugo Bernard a déjà une activité" in body
    assert not WorkLog.objects.exists()


def test_team_entry_form_errors_are_in_french(client_for, woodwork_trainer, table_order, policy):
    response = client_for(woodwork_trainer).post(
        reverse("training:team_entry"), {"order": table_order.pk, "date": "", "slot": "custom"}
    )
    body = response.content.decode()
    assert "Ce champ est obligatoire" in body
    assert "Indiquez l’heure de début et de fin" in body or "Indiquez" in body
    assert not WorkLog.objects.exists()


def test_the_director_overrides_from_the_page_and_the_pupil_page_shows_it(
    client_for, director, young, table_order, policy
):
    # The balance (R1), the school's own rule, is the one a director may lift.
    policy.balance_allowance_hours = 0
    policy.save()
    data = {
        "order": table_order.pk,
        "date": "2026-11-18",
        "slot": "custom",
        "start_time": "14:00",
        "end_time": "17:00",
        "students": [young.pk],
    }
    refused = client_for(director).post(reverse("training:team_entry"), data)
    assert "dérogation" in refused.content.decode().lower()
    assert not WorkLog.objects.exists()
    data["override_reason"] = "Salon des métiers"
    assert client_for(director).post(reverse("training:team_entry"), data).status_code == 302
    page = client_for(director).get(reverse("training:student_time", args=[young.pk]))
    assert "Salon des métiers" in page.content.decode()
    listing = client_for(director).get(reverse("training:overrides"))
    assert "Salon des métiers" in listing.content.decode()
    assert list(Override.objects.values_list("rule", flat=True)) == ["balance"]


def test_the_director_is_refused_past_the_law_on_the_page_whatever_his_reason(
    client_for, director, young, table_order, policy
):
    data = {
        "order": table_order.pk,
        "date": "2026-11-18",
        "slot": "custom",
        "start_time": "14:00",
        "end_time": "20:30",
        "students": [young.pk],
        "override_reason": "Salon des métiers",
    }
    page = client_for(director).post(reverse("training:team_entry"), data).content.decode()
    assert "20:00" in page and "vous pouvez accorder" not in page
    assert not WorkLog.objects.exists() and not Override.objects.exists()


def test_the_teacher_takes_the_roll_call(client_for, teacher, school_day, young, older):
    lesson = school_day["session"]
    rows = {a.student_id: a.pk for a in lesson.attendances.all()}
    page = client_for(teacher).get(reverse("training:sessions")).content.decode()
    assert "Maths" in page
    response = client_for(teacher).post(
        reverse("training:session", args=[lesson.pk]),
        {
            f"status_{rows[young.pk]}": "late",
            f"late_{rows[young.pk]}": "15",
            f"status_{rows[older.pk]}": "excused",
            f"reason_{rows[older.pk]}": "",
        },
    )
    assert "Une absence excusée doit avoir son motif" in response.content.decode()
    assert set(lesson.attendances.values_list("status", flat=True)) == {"pending"}
    response = client_for(teacher).post(
        reverse("training:session", args=[lesson.pk]),
        {
            f"status_{rows[young.pk]}": "late",
            f"late_{rows[young.pk]}": "15",
            f"status_{rows[older.pk]}": "excused",
            f"reason_{rows[older.pk]}": "Médecin",
        },
    )
    assert response.status_code == 302
    assert lesson.attendances.get(student=young).late_minutes == 15


def test_the_director_closes_a_month_and_it_is_recorded(client_for, director, school_day):
    response = client_for(director).post(
        reverse("training:closed_periods"), {"month": "2026-10", "confirmed": "yes"}
    )
    assert response.status_code == 302
    closed = ClosedPeriod.objects.get()
    assert closed.month == dt.date(2026, 10, 1) and closed.closed_by == director
    bad = client_for(director).post(reverse("training:closed_periods"), {"month": "2027-02"})
    assert ClosedPeriod.objects.count() == 1 and bad.status_code == 200


def test_the_month_under_way_is_refused_before_the_confirmation(client_for, director):
    """Today is 18/11/2026: November is not over, so it is neither offered nor confirmed."""
    page = client_for(director).get(reverse("training:closed_periods"))
    assert 'max="2026-10"' in page.content.decode()
    assert "octobre 2026 au plus tard" in page.content.decode()
    for month in ("2026-11", "2026-12"):
        response = client_for(director).post(reverse("training:closed_periods"), {"month": month})
        text = response.content.decode()
        assert response.status_code == 200 and 'name="confirmed"' not in text
        assert "avant d’être terminé" in text and "10/2026" in text
        confirmed = client_for(director).post(
            reverse("training:closed_periods"), {"month": month, "confirmed": "yes"}
        )
        assert confirmed.status_code == 200
    assert not ClosedPeriod.objects.exists()
    asked = client_for(director).post(reverse("training:closed_periods"), {"month": "2026-10"})
    assert 'name="confirmed"' in asked.content.decode() and not ClosedPeriod.objects.exists()


def test_the_out_of_balance_list_sorts_pupils_by_gap(
    client_for, director, woodwork, table_order, woodwork_trainer, policy
):
    light = make_pupil(woodwork, "Zoé", "Light", dt.date(2010, 1, 1))
    heavy = make_pupil(woodwork, "Adam", "Heavy", dt.date(2010, 1, 1))
    make_pupil(woodwork, "Noah", "Nothing", dt.date(2010, 1, 1))
    log(light, table_order, at(TODAY, 8), at(TODAY, 10), woodwork_trainer)
    log(heavy, table_order, at(TODAY, 8), at(TODAY, 12), woodwork_trainer)
    body = client_for(director).get(reverse("training:out_of_balance")).content.decode()
    assert body.index("Adam Heavy") < body.index("Zoé Light")
    assert "Noah Nothing" not in body


def _workshop_page_queries(client, trainer, workshop, order, count):
    pupils = [make_pupil(workshop, f"P{i}", "Élève", dt.date(2010, 1, 1)) for i in range(count)]
    for pupil in pupils:
        log(pupil, order, at(TODAY, 8, 30), at(TODAY, 12), trainer)
    client.force_login(trainer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("training:workshop_balance", args=[workshop.pk]))
    assert response.status_code == 200
    assert "P0 Élève" in response.content.decode()
    return len(queries)


def test_the_workshop_balance_page_makes_the_same_queries_for_3_and_30_pupils(
    client,
    woodwork_trainer,
    woodwork,
    machining,
    machining_trainer,
    table_order,
    metal_order,
    policy,
):
    three = _workshop_page_queries(client, woodwork_trainer, woodwork, table_order, 3)
    thirty = _workshop_page_queries(client, machining_trainer, machining, metal_order, 30)
    assert three == thirty
