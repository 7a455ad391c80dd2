"""The competencies on the home pages: evidence waiting for validation, the workshop's
competencies no order has exercised, the exam registrations before the deadline."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ecoles.models import Policy
from skills.models import ExamRegistration
from tests.skills.conftest import evidence


def test_the_trainer_sees_what_waits_for_his_validation_and_what_no_order_exercised(
    client_for, woodwork_trainer, machining_trainer, lea, hugo, usiner, table
):
    evidence(lea, usiner, woodwork_trainer, order=table)
    evidence(hugo, usiner, machining_trainer)
    response = client_for(woodwork_trainer).get(reverse("home"))
    panel = response.context["skills"]
    assert panel["pending"] == 1  # his pupil's, not the machining workshop's
    # The table exercises C3.3 this year; C3.4 is left (and never a general bloc's).
    assert [c.code for c in panel["unexercised"]] == ["C3.4"]
    page = response.content.decode()
    assert (
        reverse("skills:pending") in page
        and reverse("skills:workshop", args=[lea.workshop_id]) in page
    )


def test_the_director_sees_all_pending_evidence_and_the_registrations_to_complete(
    client_for, director, woodwork_trainer, machining_trainer, lea, hugo, usiner, version
):
    evidence(lea, usiner, woodwork_trainer)
    evidence(hugo, usiner, machining_trainer)
    policy = Policy.load()
    policy.exam_registration_deadline = dt.date(2026, 12, 15)
    policy.save()
    ExamRegistration.objects.create(student=lea, version=version, session_year=2027)
    panel = client_for(director).get(reverse("home")).context["skills"]
    assert panel["pending"] == 2
    assert panel["exams"]["incomplete"] == 1 and panel["exams"]["unregistered"] == 0
    policy.exam_registration_deadline = dt.date(2026, 11, 1)  # passed: no longer shown
    policy.save()
    assert client_for(director).get(reverse("home")).context["skills"]["exams"] == {}


def test_the_office_and_the_accountant_get_no_competencies_panel(client_for, office, accountant):
    for user in (office, accountant):
        response = client_for(user).get(reverse("home"))
        assert reverse("skills:pending") not in response.content.decode()
