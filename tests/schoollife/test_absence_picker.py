"""Issue #16: the absence form's pupil is a picker among every pupil of the school: a few
at a time, found by a reload without JavaScript or by the choices endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecoles.pickers import SIZE
from tests.training.conftest import make_pupil
from tests.training.test_pickers import options

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_of_pupils(woodwork, machining):
    for i in range(SIZE + 3):
        make_pupil(woodwork, f"Prénom{i:02}", "Aaa", dt.date(2010, 1, 1))
    return make_pupil(machining, "Zoé", "Zimmer", dt.date(2010, 1, 1))


def test_the_absence_form_offers_a_few_pupils_and_finds_the_others(
    client_for, office, school_of_pupils, policy, school
):
    client = client_for(office)
    body = client.get(reverse("schoollife:absence_add")).content.decode()
    assert len(options(body, "student")) == SIZE and "Zoé Zimmer" not in body
    body = client.get(reverse("schoollife:absence_add") + "?student_q=zimmer").content.decode()
    assert options(body, "student") == ["Zoé Zimmer"]


def test_the_absence_pupil_choices_are_for_the_office_and_the_direction(
    client, client_for, office, director, woodwork_trainer, school_of_pupils
):
    url = reverse("schoollife:pupil_choices") + "?q=zoe"
    assert client.get(url).status_code == 302  # to the login page
    assert client_for(office).get(url).json()["results"][0]["id"] == school_of_pupils.pk
    assert client_for(director).get(url).status_code == 200
    assert client_for(woodwork_trainer).get(url).status_code == 403
