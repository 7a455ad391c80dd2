"""School life around two workshops. Time is frozen on Wednesday 18 November 2026 at
10:00 in Paris (the morning begun, the afternoon not yet)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Q

from schoollife.models import Absence, AbsenceReason, RollCall, RollCallMark
from students.models import Guardian, Student
from tests.training.conftest import PARIS, at, make_order, make_pupil

TODAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture
def tom(woodwork, woodwork_trainer):
    """Tom, 15, in woodwork, tutored by its trainer; his mother has parental authority and
    an email, his uncle none of the two."""
    pupil = make_pupil(woodwork, "Tom", "Berger", dt.date(2011, 3, 2), tutor=woodwork_trainer)
    Guardian.objects.create(
        student=pupil, relationship="mother", first_name="Anne", last_name="Berger",
        email="anne.berger@exemple.fr", legal_representative=True,
    )  # fmt: skip
    Guardian.objects.create(
        student=pupil, relationship="other", first_name="Paul", last_name="Berger",
        email="paul.berger@exemple.fr", legal_representative=False,
    )  # fmt: skip
    return pupil


@pytest.fixture
def zoe(woodwork):
    return make_pupil(woodwork, "Zoé", "Caron", dt.date(2010, 1, 9))


@pytest.fixture
def metal(machining):
    return make_pupil(machining, "Karim", "Haddad", dt.date(2010, 5, 5))


@pytest.fixture
def illness(db):
    AbsenceReason.objects.ensure_defaults()  # a transactional test of the process flushed them
    return AbsenceReason.objects.get(name="Maladie de l'élève")


@pytest.fixture
def table(woodwork, woodwork_trainer):
    return make_order(woodwork, woodwork_trainer, "Table")


def called(rc):
    """The roll call called the workshop's pupils on the books that day, as the page lists
    them (R9: "all present" speaks for those only)."""
    rc.called.set(
        Student.objects.exclude(status="applicant")
        .filter(workshop=rc.workshop_id, entry_date__lte=rc.day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=rc.day))
    )
    return rc


def call(workshop, day, half, by, marks=()):
    """A workshop roll call written directly (the rules of taking it are tested apart)."""
    rc = called(RollCall.objects.create(workshop=workshop, day=day, half=half, taken_by=by))
    for student, status, *extra in marks:
        RollCallMark.objects.create(
            roll_call=rc, student=student, status=status,
            late_minutes=extra[0] if status == "late" else 0,
            activity=extra[0] if status == "away" else "",
        )  # fmt: skip
    return rc


def absent(workshop, student, days, by, half="am", **absence):
    """`student` absent on each of `days` (a roll call each), with its Absence."""
    for day in days:
        rc = RollCall.objects.filter(workshop=workshop, day=day, half=half).first()
        rc = rc or called(
            RollCall.objects.create(workshop=workshop, day=day, half=half, taken_by=by)
        )
        RollCallMark.objects.create(roll_call=rc, student=student, status="absent")
        Absence.objects.create(student=student, day=day, half=half, **absence)


__all__ = ["PARIS", "at"]
