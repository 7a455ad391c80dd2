"""Exam registrations and results; the indicators' exam success computed from them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ecoles.models import Policy
from skills.models import Bloc, ExamRegistration, UnitResult
from students import indicators
from tests.training.conftest import make_pupil


def leaver(workshop, name, typed="passed"):
    return make_pupil(
        workshop,
        name,
        "Durand",
        dt.date(2007, 1, 1),
        status="graduated",
        left_on=dt.date(2026, 6, 30),
        leaving_reason="end_of_programme",
        exam_result=typed,
        entry_date=dt.date(2024, 9, 1),
        cohort=2024,
        programme="cap",
    )


def test_exam_success_comes_from_the_results_not_from_what_was_typed(woodwork, version):
    # Typed "passed" on leaving, but the recorded result says failed: the result wins.
    failed = leaver(woodwork, "Alix", typed="passed")
    ExamRegistration.objects.create(
        student=failed, version=version, session_year=2026, outcome="failed"
    )
    passed = leaver(woodwork, "Bruno", typed="failed")
    ExamRegistration.objects.create(
        student=passed, version=version, session_year=2026, outcome="good"
    )
    absent = leaver(woodwork, "Chloé", typed="passed")
    ExamRegistration.objects.create(
        student=absent, version=version, session_year=2026, outcome="absent"
    )
    pending = leaver(woodwork, "Dan", typed="failed")
    ExamRegistration.objects.create(student=pending, version=version, session_year=2026)
    rate = indicators.compute(2025).exam_total.rate
    # Chloé was absent: registered, she did not sit, whatever was typed. Dan's outcome is
    # not known: what was typed on leaving counts (sat, failed).
    assert (rate.count, rate.total) == (1, 3)


def test_without_a_registration_the_typed_result_still_counts(woodwork):
    leaver(woodwork, "Alix", typed="passed")
    leaver(woodwork, "Bruno", typed="failed")
    rate = indicators.compute(2025).exam_total.rate
    assert (rate.count, rate.total) == (1, 2)


def test_a_unit_of_another_diploma_is_refused(woodwork, version, old_version, lea):
    registration = ExamRegistration.objects.create(student=lea, version=version, session_year=2027)
    unit = UnitResult(registration=registration, bloc=Bloc.objects.get(version=old_version))
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "bloc" in error.value.message_dict


def test_the_exams_page_says_what_is_missing_and_who_is_not_registered(
    client_for, director, woodwork, version, lea
):
    make_pupil(woodwork, "Hugo", "Petit", dt.date(2009, 1, 1), programme_year=2)
    ExamRegistration.objects.create(
        student=lea, version=version, session_year=2027, centre="Lycée X"
    )
    policy = Policy.load()
    policy.exam_registration_deadline = dt.date(2026, 12, 15)
    policy.save()
    page = client_for(director).get(reverse("skills:exams")).content.decode()
    assert "15/12/2026" in page
    assert "numéro d&#x27;inscription" in page and "unités d&#x27;examen" in page
    unregistered = page.split("non inscrits")[1].split("</div>")[0]
    assert "Hugo" in unregistered and "Léa" not in unregistered
