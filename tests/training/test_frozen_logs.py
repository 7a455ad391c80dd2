"""Work logs of a closed order are frozen; no log before the pupil's birth (issue #14, 11).

An order invoiced, paid or cancelled keeps its logs as they were: a trainer can neither
correct nor delete them; the director may, with a written reason that is kept (an
Override, shown on the overrides page). Deleting follows the same rules as editing,
closed months included.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from orders.models import Order
from tests.training.conftest import TODAY, at, log, make_pupil
from training import recording
from training.models import ClosedPeriod, Override, WorkLog

pytestmark = pytest.mark.django_db

CLOSED = [Order.Status.INVOICED, Order.Status.PAID, Order.Status.CANCELLED]


@pytest.fixture
def closed_log(request, young, table_order, woodwork_trainer, policy, school):
    """A morning logged while the order was in production; the order then closed."""
    work = log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    Order.objects.filter(pk=table_order.pk).update(status=request.param)
    work.refresh_from_db()
    return work


def _lengthen(work, **extra):
    return {
        "order": work.order_id,
        "student": work.student_id,
        "date": "2026-11-18",
        "start_time": "08:30",
        "end_time": "12:30",
        "task": "Rallongé",
        **extra,
    }


@pytest.mark.parametrize("closed_log", CLOSED, indirect=True)
def test_a_trainer_cannot_correct_a_log_of_a_closed_order(client_for, woodwork_trainer, closed_log):
    url = reverse("training:worklog_edit", args=[closed_log.pk])
    notice = client_for(woodwork_trainer).get(url).content.decode()
    assert "ses heures ne changent plus, sauf correction par la direction" in notice
    response = client_for(woodwork_trainer).post(
        reverse("training:worklog_edit", args=[closed_log.pk]), _lengthen(closed_log)
    )
    assert response.status_code == 200
    assert "ses heures ne changent plus" in response.content.decode()
    closed_log.refresh_from_db()
    assert closed_log.end == at(TODAY, 12) and closed_log.task == ""


@pytest.mark.parametrize("closed_log", CLOSED, indirect=True)
def test_a_trainer_cannot_delete_a_log_of_a_closed_order(client_for, woodwork_trainer, closed_log):
    response = client_for(woodwork_trainer).post(
        reverse("training:worklog_delete", args=[closed_log.pk]), {"confirmed": "yes"}, follow=True
    )
    assert "ses heures ne changent plus" in response.content.decode()
    assert WorkLog.objects.filter(pk=closed_log.pk).exists()


@pytest.mark.parametrize("closed_log", [Order.Status.INVOICED], indirect=True)
def test_the_director_corrects_a_closed_orders_log_with_a_reason_that_is_kept(
    client_for, director, closed_log
):
    refused = client_for(director).post(
        reverse("training:worklog_edit", args=[closed_log.pk]), _lengthen(closed_log)
    )
    assert "dérogation" in refused.content.decode().lower()
    closed_log.refresh_from_db()
    assert closed_log.end == at(TODAY, 12)
    done = client_for(director).post(
        reverse("training:worklog_edit", args=[closed_log.pk]),
        _lengthen(closed_log, override_reason="Heure oubliée, vue avec le client"),
    )
    assert done.status_code == 302
    closed_log.refresh_from_db()
    assert closed_log.end == at(TODAY, 12, 30)
    kept = Override.objects.get()
    assert (kept.rule, kept.work_log, kept.granted_by) == ("frozen", closed_log, director)
    listing = client_for(director).get(reverse("training:overrides")).content.decode()
    assert "Heure oubliée, vue avec le client" in listing


@pytest.mark.parametrize("closed_log", [Order.Status.CANCELLED], indirect=True)
def test_the_director_deletes_a_closed_orders_log_only_with_a_reason(
    client_for, director, closed_log, young
):
    url = reverse("training:worklog_delete", args=[closed_log.pk])
    client_for(director).post(url, {"confirmed": "yes"})
    assert WorkLog.objects.filter(pk=closed_log.pk).exists()
    client_for(director).post(url, {"override_reason": "Saisie en double", "confirmed": "yes"})
    assert not WorkLog.objects.filter(pk=closed_log.pk).exists()
    kept = Override.objects.get()
    assert (kept.rule, kept.reason, kept.student) == ("frozen", "Saisie en double", young)


@pytest.mark.parametrize("closed_log", CLOSED, indirect=True)
def test_the_process_refuses_a_trainer_whatever_the_page(woodwork_trainer, closed_log):
    closed_log.end = at(TODAY, 12, 30)
    with pytest.raises(recording.Refused):
        recording.save_work_log(closed_log, by=woodwork_trainer)
    with pytest.raises(recording.Refused):
        recording.delete_work_log(closed_log, by=woodwork_trainer)
    assert WorkLog.objects.get(pk=closed_log.pk).end == at(TODAY, 12)


def test_a_delivered_orders_log_can_still_be_corrected(
    client_for, woodwork_trainer, young, table_order, policy
):
    work = log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    Order.objects.filter(pk=table_order.pk).update(
        status=Order.Status.DELIVERED, verdict=Order.Verdict.CONFORMS
    )
    response = client_for(woodwork_trainer).post(
        reverse("training:worklog_edit", args=[work.pk]), _lengthen(work)
    )
    assert response.status_code == 302


def test_deleting_in_a_closed_month_is_refused_even_to_the_director(
    client_for, director, young, table_order, woodwork_trainer, policy
):
    work = log(
        young,
        table_order,
        at(dt.date(2026, 10, 5), 8),
        at(dt.date(2026, 10, 5), 12),
        woodwork_trainer,
    )
    ClosedPeriod.objects.create(month=dt.date(2026, 10, 1), closed_by=director)
    response = client_for(director).post(
        reverse("training:worklog_delete", args=[work.pk]),
        {"override_reason": "Erreur", "confirmed": "yes"},
        follow=True,
    )
    assert "10/2026 est clôturée" in response.content.decode()
    assert WorkLog.objects.filter(pk=work.pk).exists()


def test_a_log_before_the_pupils_birth_is_refused(
    client_for, woodwork_trainer, woodwork, table_order, policy
):
    baby = make_pupil(woodwork, "Noé", "Futur", dt.date(2026, 11, 20))
    data = {
        "order": table_order.pk,
        "student": baby.pk,
        "date": "2026-11-18",
        "start_time": "08:30",
        "end_time": "12:00",
    }
    response = client_for(woodwork_trainer).post(reverse("training:worklog_add"), data)
    assert response.status_code == 200
    assert "date de naissance" in response.content.decode()
    team = client_for(woodwork_trainer).post(
        reverse("training:team_entry"),
        {"order": table_order.pk, "date": "2026-11-18", "slot": "morning", "students": [baby.pk]},
    )
    assert team.status_code == 200
    assert "date de naissance" in team.content.decode()
    assert not WorkLog.objects.exists()


@pytest.mark.parametrize("closed_log", [Order.Status.PAID], indirect=True)
def test_the_admin_keeps_a_closed_orders_log_too(client, closed_log):
    from ecoles.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    change = reverse("admin:training_worklog_change", args=[closed_log.pk])
    response = client.post(
        change,
        {
            "order": closed_log.order_id,
            "student": closed_log.student_id,
            "start_0": "18/11/2026",
            "start_1": "08:30:00",
            "end_0": "18/11/2026",
            "end_1": "12:30:00",
            "task": "Rallongé",
        },
    )
    assert response.status_code == 200
    assert "ses heures ne changent plus" in response.content.decode()
    delete = reverse("admin:training_worklog_delete", args=[closed_log.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:training_worklog_changelist"),
        {"action": "delete_selected", "_selected_action": [closed_log.pk], "post": "yes"},
    )
    closed_log.refresh_from_db()
    assert closed_log.end == at(TODAY, 12)
