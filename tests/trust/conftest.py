from __future__ import annotations

import pytest

from tests.trust.objects import Scenario


@pytest.fixture
def scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher):
    """Objects of the woodwork workshop (the woodwork trainer's own) and of machining."""
    return Scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed with a fast hasher: the matrix creates them
    hundreds of times; what is tested here is access, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
