"""A small référentiel (one workshop bloc, one general bloc; an older version mapped to
it), a woodwork pupil on it with work on two orders, and a machining pupil."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skills.models import (
    Bloc,
    Competency,
    CompetencyMapping,
    Diploma,
    DiplomaVersion,
    Evidence,
    Programme,
)
from tests.training.conftest import PARIS, TODAY, at, log, make_order, make_pupil, session


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(dt.datetime(2026, 11, 18, 21, 0, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def diploma(db):
    return Diploma.objects.create(kind="cap", code="CAP-MF", name="Menuisier fabricant", years=2)


@pytest.fixture
def old_version(diploma):
    version = DiplomaVersion.objects.create(diploma=diploma, label="2004")
    bloc = Bloc.objects.create(version=version, code="EP2", name="Fabrication")
    Competency.objects.create(bloc=bloc, code="C30", wording="Usiner (ancienne)")
    return version


@pytest.fixture
def version(diploma, old_version):
    version = DiplomaVersion.objects.create(diploma=diploma, label="2016", previous=old_version)
    shop = Bloc.objects.create(version=version, code="UP2", name="Fabrication", position=1)
    Competency.objects.create(bloc=shop, code="C3.3", wording="Usiner", position=1)
    Competency.objects.create(bloc=shop, code="C3.4", wording="Assembler", position=2)
    general = Bloc.objects.create(
        version=version, code="UG2", name="Mathématiques", subject="general", position=2
    )
    Competency.objects.create(bloc=general, code="G2.1", wording="Calculer")
    CompetencyMapping.objects.create(
        old=Competency.objects.get(code="C30"), new=Competency.objects.get(code="C3.3")
    )
    return version


@pytest.fixture
def usiner(version):
    return Competency.objects.get(bloc__version=version, code="C3.3")


@pytest.fixture
def calculer(version):
    return Competency.objects.get(code="G2.1")


@pytest.fixture
def lea(woodwork, version):
    pupil = make_pupil(woodwork, "Léa", "Martin", dt.date(2010, 3, 14), programme_year=2)
    Programme.objects.create(student=pupil, version=version, started_on=dt.date(2025, 9, 1))
    return pupil


@pytest.fixture
def hugo(machining, version):
    pupil = make_pupil(machining, "Hugo", "Bernard", dt.date(2010, 5, 2))
    Programme.objects.create(student=pupil, version=version, started_on=dt.date(2025, 9, 1))
    return pupil


@pytest.fixture
def table(woodwork, woodwork_trainer, usiner):
    order = make_order(woodwork, woodwork_trainer, "Table")
    order.competencies.add(usiner)
    return order


@pytest.fixture
def shelf(woodwork, woodwork_trainer, usiner):
    order = make_order(woodwork, woodwork_trainer, "Étagère")
    order.competencies.add(usiner)
    return order


@pytest.fixture
def lea_logs(lea, table, shelf, woodwork_trainer):
    return [
        log(lea, table, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer),
        log(
            lea,
            shelf,
            at(TODAY - dt.timedelta(days=1), 8, 30),
            at(TODAY - dt.timedelta(days=1), 12),
            woodwork_trainer,
        ),
    ]


@pytest.fixture
def maths(teacher, lea):
    return session(teacher, at(TODAY, 13, 30), at(TODAY, 15), [lea])


def evidence(
    student,
    competency,
    by,
    *,
    order=None,
    day=TODAY,
    level=3,
    autonomy="autonomous",
    validated_by=None,
    **extra,
):
    item = Evidence.objects.create(
        student=student,
        competency=competency,
        source="order" if order else "observation",
        order=order,
        date=day,
        level=level,
        autonomy=autonomy,
        recorded_by=by,
        **extra,
    )
    if validated_by:
        item.validate(validated_by)
    return item
