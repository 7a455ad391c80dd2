from __future__ import annotations

import pytest

from ecoles import roles
from families.models import GuardianAccount, PupilAccount
from students.models import Guardian
from tests.conftest import make_user
from tests.trust.objects import Scenario


@pytest.fixture
def scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher):
    """Objects of the woodwork workshop (the woodwork trainer's own) and of machining."""
    return Scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher)


@pytest.fixture
def family(scenario):
    """Famille: the mother of the woodwork pupil (the scenario's own), nobody else's."""
    own = scenario.get("student")[0]
    mother = Guardian.objects.create(
        student=own, last_name="Test", email="mere@exemple.fr", legal_representative=True
    )
    user = make_user("parent", roles.FAMILY)
    GuardianAccount.objects.create(guardian=mother, user=user)
    return user


@pytest.fixture
def pupil_self(scenario):
    """Élève: the woodwork pupil himself."""
    user = make_user("eleve", roles.PUPIL)
    PupilAccount.objects.create(student=scenario.get("student")[0], user=user)
    return user
