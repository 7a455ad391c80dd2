"""The database's own guard on records the law keeps as written (ecoles/guards.py): every
column of every insert-only table but its bookkeeping ones is guarded, as the models now
stand, so a column a later migration adds is guarded without anyone remembering to."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from ecoles import guards

pytestmark = pytest.mark.django_db


def guarded_in_database(table: str) -> set[str]:
    name = guards.trigger_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_column FROM information_schema.triggered_update_columns "
                "WHERE trigger_name = %s AND event_object_table = %s",
                [name, table],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
        row = cursor.fetchone()
    if row is None:
        return set()
    columns = re.search(r"UPDATE OF (.*?) ON", row[0]).group(1)
    return {c.strip().strip('"') for c in columns.split(",")}


def test_every_insert_only_table_is_guarded_on_every_column_but_its_bookkeeping():
    models = guards.guarded_models()
    labels = {m._meta.label for m in models}
    assert {"billing.Invoice", "billing.Payment", "billing.Refund", "budget.TaxReceipt"} <= labels
    for model in models:
        expected = {
            f.column
            for f in model._meta.concrete_fields
            if f.name not in model.bookkeeping_fields and f.attname not in model.bookkeeping_fields
        }
        assert guarded_in_database(model._meta.db_table) == expected, model._meta.label


def test_the_guards_are_made_again_after_a_migrate_that_dropped_them():
    table = "orders_invoice"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER "{guards.trigger_name(table)}" ON "{table}"')
        else:
            cursor.execute(f'DROP TRIGGER "{guards.trigger_name(table)}"')
    assert guarded_in_database(table) == set()
    guards.make_triggers(using=connection.alias)
    assert "total_incl_vat" in guarded_in_database(table)
