"""Pupils around the personas of tests/conftest.py: one in each workshop, with a family."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from students.models import FollowUpNote, Guardian, Student
from tests.e2e.conftest import browser, phone  # noqa: F401 - the browser tests' fixtures

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen_today():
    """Every pupil test runs on 26 November 2026 at noon, Paris time."""
    from zoneinfo import ZoneInfo

    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("Europe/Paris"))):
        yield


def make_student(workshop, tutor=None, **fields) -> Student:
    values = {
        "first_name": "Léa",
        "last_name": "Martin",
        "birth_date": dt.date(2010, 3, 14),
        "entry_date": dt.date(2025, 9, 1),
        "cohort": 2025,
        "phone": "06 11 22 33 44",
        "email": "lea.martin@exemple.fr",
        "address": "3 rue de Gerland",
        "postal_code": "69007",
        "city": "Lyon",
        "programme_title": "CAP Menuisier fabricant",
    }
    values.update(fields)
    return Student.objects.create(workshop=workshop, tutor=tutor, **values)


@pytest.fixture
def woodwork_pupil(woodwork, woodwork_trainer) -> Student:
    """Léa, in woodwork, tutored by the woodwork trainer; her mother receives the mail."""
    student = make_student(woodwork, woodwork_trainer)
    Guardian.objects.create(
        student=student,
        relationship=Guardian.Relationship.MOTHER,
        first_name="Nathalie",
        last_name="Martin",
        phone="06 98 76 54 32",
        email="nathalie.martin@exemple.fr",
    )
    return student


@pytest.fixture
def machining_pupil(machining, machining_trainer) -> Student:
    """Hugo, in machining: the woodwork trainer must not see him."""
    return make_student(
        machining,
        machining_trainer,
        first_name="Hugo",
        last_name="Bernard",
        email="hugo@exemple.fr",
        programme_title="CAP Conducteur d'installations de production",
    )


@pytest.fixture
def secret_note(woodwork_pupil, woodwork_trainer) -> FollowUpNote:
    """A note whose words must never show to anyone but the tutor and the direction."""
    return FollowUpNote.objects.create(
        student=woodwork_pupil,
        date=dt.date(2026, 10, 2),
        category=FollowUpNote.Category.HOUSING,
        text="Hébergée chez sa tante : mot-secret-logement.",
        author=woodwork_trainer,
    )


def left(workshop, name, entry, left_on, reason, result, d6="", c6="", d12="", c12="", **kw):
    status = "graduated" if result == "passed" else "left"
    return make_student(
        workshop,
        first_name=name,
        entry_date=entry,
        cohort=entry.year,
        status=status,
        left_on=left_on,
        leaving_reason=reason,
        exam_result=result,
        destination_6m=d6,
        contract_6m=c6,
        destination_12m=d12,
        contract_12m=c12,
        **kw,
    )


@pytest.fixture
def known_school(woodwork, woodwork_trainer):
    """Eleven pupils around the school year 2025-2026, whose figures are worked out by hand:

    enrolled 8 (A B C D E F G K), entered 3 (E F G), leavers 6 (A B C D E K);
    exams CAP 2/3 (A C of A B C), Bac Pro 1/1 (D), other 0/0, all 3/4;
    drop-out 2/8 (E dropped out, K excluded); placed at 6 months 2/4 (A C of A B C E),
    at 12 months 3/3 (A B C); further study 1/4 (C); unknown 2 at 6 months, 3 at 12.
    """
    w, t = woodwork, woodwork_trainer
    y1, y2, y3 = dt.date(2024, 9, 1), dt.date(2025, 9, 1), dt.date(2026, 9, 1)
    june = dt.date(2026, 6, 30)
    pupils = [
        left(w, "A", y1, june, "end_of_programme", "passed",
             "employment", "cdi", "employment", "cdi"),
        left(w, "B", y1, june, "end_of_programme", "failed", "seeking", "", "apprenticeship"),
        left(w, "C", y1, june, "end_of_programme", "passed", "further_study", "", "further_study"),
        left(w, "D", y1, june, "end_of_programme", "passed", "unknown", programme="bac_pro"),
        left(w, "E", y2, dt.date(2026, 1, 15), "dropped_out", "not_taken", "seeking"),
        make_student(w, t, first_name="F", entry_date=y2, cohort=2025),
        make_student(w, t, first_name="G", entry_date=y2, cohort=2025),
        make_student(w, first_name="H", entry_date=y3, cohort=2026, status="applicant"),
        left(w, "I", dt.date(2023, 9, 1), dt.date(2025, 6, 30), "end_of_programme", "passed"),
        make_student(w, first_name="J", entry_date=y3, cohort=2026),
        left(w, "K", y1, dt.date(2025, 12, 1), "excluded", "not_taken",
             programme="other", programme_title="Titre pro"),
    ]  # fmt: skip
    return {p.first_name: p for p in pupils}
