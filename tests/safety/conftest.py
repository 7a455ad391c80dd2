"""A woodwork workshop with a circular saw, a declaration in force covering it, and Léa,
16, lawful on it: opinion valid, training signed, supervisor named. Each test takes one
condition away. Time is frozen on Wednesday 18 November 2026, 21:00 in Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safety.models import (
    Declaration,
    DeclarationSupervisor,
    Kind,
    Machine,
    MedicalOpinion,
    SafetyTraining,
    Supervision,
)
from tests.training.conftest import make_order, make_pupil

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(dt.datetime(2026, 11, 18, 21, tzinfo=PARIS), tick=False):
        yield


def make_machine(workshop, name="Scie circulaire", number="MEN-001") -> Machine:
    return Machine.objects.create(
        workshop=workshop,
        inventory_number=number,
        name=name,
        kind=Kind.MACHINES,
        location="Atelier bois",
        risk_line="DUERP ligne 12",
    )


def declare(machines, sent_on: dt.date, by, supervisor=None) -> Declaration:
    declaration = Declaration.objects.create(
        sent_on=sent_on,
        method=Declaration.Method.REGISTERED_LETTER,
        trainings="CAP Menuisier fabricant",
        places="Atelier de menuiserie, 1 rue du Test, Lyon",
        created_by=by,
    )
    declaration.machines.set(machines)
    if supervisor is not None:
        DeclarationSupervisor.objects.create(
            declaration=declaration, person=supervisor, role="Maître professionnel"
        )
    return declaration


def opinion(student, date: dt.date, by, outcome=MedicalOpinion.Outcome.FIT, excluded=()):
    o = MedicalOpinion.objects.create(
        student=student, date=date, doctor="Dr Morel", outcome=outcome, recorded_by=by
    )
    o.restrictions.set(excluded)
    return o


def make_lawful(student, machine, trainer, director) -> None:
    opinion(student, dt.date(2026, 2, 1), director)
    SafetyTraining.objects.create(
        student=student, machine=machine, date=dt.date(2025, 9, 10), given_by=trainer, signed=True
    )
    Supervision.objects.create(student=student, supervisor=trainer, start=dt.date(2025, 9, 1))


@pytest.fixture
def saw(woodwork) -> Machine:
    return make_machine(woodwork)


@pytest.fixture
def declaration(saw, director, woodwork_trainer) -> Declaration:
    return declare([saw], dt.date(2025, 1, 10), director, woodwork_trainer)


@pytest.fixture
def lea(woodwork, saw, declaration, woodwork_trainer, director):
    """16 on the day, everything in order for the saw."""
    pupil = make_pupil(woodwork, "Léa", "Martin", dt.date(2010, 3, 14))
    make_lawful(pupil, saw, woodwork_trainer, director)
    return pupil


@pytest.fixture
def table_order(woodwork, woodwork_trainer):
    return make_order(woodwork, woodwork_trainer, "Table de ferme")
