"""The demo school's pupils: every status, families, notes, outcomes; deterministic."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from ecoles.demo import DemoContext
from students import indicators
from students.models import FollowUpNote, Guardian, Student

# Every test reads the one demo school the module seeds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_school")]


def test_seed_demo_twice_adds_no_pupil_the_second_time():
    counts = (Student.objects.count(), Guardian.objects.count(), FollowUpNote.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Student.objects.count(),
        Guardian.objects.count(),
        FollowUpNote.objects.count(),
    ) == counts


def test_the_demo_has_about_twelve_pupils_a_workshop_of_every_status():
    enrolled = dict(
        Student.objects.enrolled().values_list("workshop__name").annotate(n=Count("pk"))
    )
    assert set(enrolled) == {"Menuiserie", "Usinage", "Restauration"}
    assert all(10 <= n <= 12 for n in enrolled.values()), enrolled
    assert set(Student.objects.values_list("status", flat=True)) == set(Student.Status.values)
    assert not Student.objects.filter(guardians__isnull=True).exists()
    assert FollowUpNote.objects.exists()
    for pupil in Student.objects.select_related("workshop").prefetch_related("workshop__trainers"):
        pupil.full_clean()  # every demo record passes the rules the forms apply


def test_the_indicators_show_real_figures_for_past_years():
    current = indicators.current_school_year(DemoContext().today, indicators.Policy.load())
    last = indicators.compute(current - 1)
    assert last.leavers > 10 and last.exam_total.rate.total > 10
    before = indicators.compute(current - 2)
    assert before.placement_6m.total > 5 and before.placement_12m.total > 5
    assert 0 < before.further_study.count < before.further_study.total
