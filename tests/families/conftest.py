from __future__ import annotations

import datetime as dt

import pytest

from ecoles import roles
from families.models import GuardianAccount, PupilAccount
from skills.models import Bloc, Competency, Diploma, DiplomaVersion
from students.models import Guardian, Student
from tests.conftest import make_user


def pupil(workshop, first_name: str, birth_date=dt.date(2010, 3, 1)) -> Student:
    return Student.objects.create(
        first_name=first_name,
        last_name="Martin",
        birth_date=birth_date,
        workshop=workshop,
        entry_date=dt.date(2025, 9, 1),
        cohort=2025,
    )


@pytest.fixture
def child(woodwork) -> Student:
    """Léo, 16, in woodwork: the guardian's child and the pupil's own record."""
    return pupil(woodwork, "Léo")


@pytest.fixture
def other_child(machining) -> Student:
    """Another family's child: 404 to the guardian and to the pupil."""
    return pupil(machining, "Inès")


@pytest.fixture
def mother(child) -> Guardian:
    return Guardian.objects.create(
        student=child, relationship="mother", first_name="Nadia", last_name="Martin",
        email="nadia.martin@exemple.fr", legal_representative=True,
    )  # fmt: skip


@pytest.fixture
def guardian(mother):
    """Famille: Nadia Martin, Léo's mother, with parental authority."""
    user = make_user("parent", roles.FAMILY, email=mother.email)
    GuardianAccount.objects.create(guardian=mother, user=user)
    return user


@pytest.fixture
def pupil_user(child):
    """Élève: Léo himself."""
    user = make_user("eleve", roles.PUPIL)
    PupilAccount.objects.create(student=child, user=user)
    return user


@pytest.fixture
def usiner(db):
    """A competency of a small CAP framework."""
    diploma = Diploma.objects.create(kind="cap", code="CAP-MF", name="Menuisier fabricant", years=2)
    version = DiplomaVersion.objects.create(diploma=diploma, label="2016")
    bloc = Bloc.objects.create(version=version, code="UP2", name="Fabrication", position=1)
    return Competency.objects.create(bloc=bloc, code="C3.3", wording="Usiner", position=1)
