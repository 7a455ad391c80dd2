from __future__ import annotations

import pytest

from tests.trust.objects import Scenario


@pytest.fixture
def scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher):
    """Objects of the woodwork workshop (the woodwork trainer's own) and of machining."""
    return Scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher)
