"""Issue #27: the overrides of legal limits already granted are kept, and listed once by
the migration that follows the change (training 0007)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from training.models import Override

pytestmark = pytest.mark.django_db
report = importlib.import_module(
    "training.migrations.0007_report_overrides_of_legal_limits"
).report_overrides_of_legal_limits


def test_the_migration_lists_the_legal_overrides_and_leaves_them_be(young, director):
    day = dt.date(2026, 10, 6)
    for rule in ("night", "balance"):
        Override.objects.create(
            student=young, rule=rule, day=day, detail="x", reason="commande urgente",
            granted_by=director,
        )  # fmt: skip
    lines = []
    report(apps, None, out=lines.append)
    text = "\n".join(lines)
    assert "1 override(s)" in text
    assert "06/10/2026 Léa Martin: night (commande urgente)" in text
    assert "balance" not in text
    assert Override.objects.count() == 2
