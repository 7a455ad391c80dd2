"""The demo school's pupils: every status, families, notes, outcomes; deterministic."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from ecoles.demo import DemoContext
from ecoles.demo import seed as seed_school
from students import demo, indicators
from students.models import FollowUpNote, Guardian, Student


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    return settings


def test_seed_demo_twice_adds_no_pupil_the_second_time(db, demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Student.objects.count(), Guardian.objects.count(), FollowUpNote.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Student.objects.count(),
        Guardian.objects.count(),
        FollowUpNote.objects.count(),
    ) == counts


def test_the_demo_has_about_twelve_pupils_a_workshop_of_every_status(db, demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
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


def test_the_indicators_show_real_figures_for_past_years(db, demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
    current = indicators.current_school_year(DemoContext().today, indicators.Policy.load())
    last = indicators.compute(current - 1)
    assert last.leavers > 10 and last.exam_total.rate.total > 10
    before = indicators.compute(current - 2)
    assert before.placement_6m.total > 5 and before.placement_12m.total > 5
    assert 0 < before.further_study.count < before.further_study.total


def test_the_demo_is_deterministic_and_grows_with_the_scale(db):
    def build(scale: int) -> list:
        Student.objects.all().delete()
        ctx = DemoContext(scale=scale, progress=lambda message: None)
        seed_school(ctx)
        demo.seed(ctx)
        return list(
            Student.objects.order_by("pk").values_list("first_name", "last_name", "birth_date")
        )

    first = build(1)
    assert build(1) == first
    assert len(build(3)) == len(first) + 2 * 18
