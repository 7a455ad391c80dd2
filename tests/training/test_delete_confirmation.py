"""Issue #16: deleting a work log asks first, saying which pupil, day and hours go."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from tests.training.conftest import TODAY, at, log
from training.models import WorkLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning(young, table_order, woodwork_trainer, policy, school):
    return log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)


def test_the_delete_button_asks_first_and_deletes_nothing(client_for, woodwork_trainer, morning):
    url = reverse("training:worklog_delete", args=[morning.pk])
    for response in (client_for(woodwork_trainer).get(url), client_for(woodwork_trainer).post(url)):
        body = html.unescape(response.content.decode()).replace("\u00a0", " ")
        assert response.status_code == 200
        assert "Supprimer cette saisie ?" in body
        assert "Léa Martin" in body or "MARTIN Léa" in body or "Martin" in body
        assert "3 h 30" in body
        assert 'name="confirmed" value="yes"' in body
    assert WorkLog.objects.filter(pk=morning.pk).exists()


def test_the_confirmed_delete_deletes(client_for, woodwork_trainer, morning):
    url = reverse("training:worklog_delete", args=[morning.pk])
    response = client_for(woodwork_trainer).post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert not WorkLog.objects.filter(pk=morning.pk).exists()


def test_the_directors_reason_travels_through_the_confirmation(client_for, director, morning):
    url = reverse("training:worklog_delete", args=[morning.pk])
    body = client_for(director).post(url, {"override_reason": "Saisie en double"}).content.decode()
    assert 'name="override_reason" value="Saisie en double"' in body


def test_another_workshops_trainer_gets_404_on_the_confirmation(
    client_for, machining_trainer, morning
):
    url = reverse("training:worklog_delete", args=[morning.pk])
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(machining_trainer).post(url, {"confirmed": "yes"}).status_code == 404
    assert WorkLog.objects.filter(pk=morning.pk).exists()


def test_the_teacher_may_not_delete(client_for, teacher, morning):
    url = reverse("training:worklog_delete", args=[morning.pk])
    assert client_for(teacher).get(url).status_code == 403
