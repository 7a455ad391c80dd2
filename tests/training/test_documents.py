"""The hours statement and the certificate of schooling (PDF)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.training.conftest import TODAY, at, log, session

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_the_statement_shows_the_logged_hours_and_orders(
    client_for, office, young, table_order, woodwork_trainer, teacher, school, policy
):
    log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    log(young, table_order, at(TODAY, 13, 30), at(TODAY, 15), woodwork_trainer)
    session(teacher, at(TODAY, 15, 30), at(TODAY, 17), [young])
    url = reverse("training:statement", args=[young.pk]) + "?period=week"
    text = text_of(client_for(office).get(url))
    assert "Relevé d’heures" in text and "Léa MARTIN" in text
    assert "mercredi 18/11/2026 5 h 1 h 30" in text
    assert "Tables de réunion" in text
    assert "77 %" in text  # 5 h of 6 h 30


def test_the_certificate_of_schooling_names_the_pupil_and_the_school_year(
    client_for, office, young, school, policy
):
    text = text_of(client_for(office).get(reverse("training:certificate", args=[young.pk])))
    assert "Certificat de scolarité" in text
    assert "Léa MARTIN" in text and "2026-2027" in text


def test_a_trainer_cannot_print_another_workshops_statement(
    client_for, machining_trainer, machining, young, policy
):
    url = reverse("training:statement", args=[young.pk])
    assert client_for(machining_trainer).get(url).status_code == 404


def test_the_certificate_printed_by_the_office_names_the_director_as_signatory(
    client_for, office, director, young, school, policy
):
    text = text_of(client_for(office).get(reverse("training:certificate", args=[young.pk])))
    name = director.get_full_name() or director.get_username()
    assert f"Je soussigné(e), {name}, directeur (directrice) de l'École de Production" in text
    assert office.get_full_name() not in text.split("Signature")[0][-200:]
