"""The database's own guard on the records the law keeps as written (`ecoles.immutable`):
issued invoices and credit notes and their lines, payments, refunds, tax receipts
(SPEC.md R4, R11; Code de commerce L123-22). A trigger on each table refuses an UPDATE of
any column but the model's bookkeeping ones, whatever writes to it (a script, a shell,
raw SQL), and on PostgreSQL a DELETE too. SQLite keeps DELETE: Django empties tables with
DELETE between transactional tests, and the models and querysets refuse it already.

The triggers are made again after every `migrate` (and flush), from the models as they
stand: a trigger names the columns it guards (PostgreSQL) and a table rebuilt by SQLite
loses its triggers, so a column added by a later migration used to stay unguarded until
someone remembered to remake the trigger in that migration. Here it cannot be forgotten.
The trigger names are those the first migrations gave, so an upgraded database keeps one
trigger per table.
"""

from __future__ import annotations

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

from ecoles.immutable import InsertOnly

FUNCTION = "orders_refuse_issued_change"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'records the law keeps as written can never be % (%)',
        CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$
"""
# Names given by the migrations that first made them (billing/0003_refund_guard).
NAMES = {"billing_refund": "billing_refund_immutable"}


def guarded_models() -> list:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, InsertOnly) and not model._meta.proxy and model._meta.managed
    ]


def guarded_columns(model, existing: set[str]) -> list[str]:
    """Every column the table has but the bookkeeping ones (named by field or column)."""
    free = model.bookkeeping_fields
    return sorted(
        f.column
        for f in model._meta.concrete_fields
        if f.name not in free and f.attname not in free and f.column in existing
    )


def trigger_name(table: str) -> str:
    return NAMES.get(table, f"{table}_issued")


def make_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: drop and make again the trigger of every insert-only table."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        for model in guarded_models():
            table = model._meta.db_table
            if table not in tables:
                continue  # migrated only part of the way (migrate app 0001)
            existing = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            columns = ", ".join(quote(c) for c in guarded_columns(model, existing))
            name = quote(trigger_name(table))
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} OR DELETE "
                    f"ON {quote(table)} FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
                )
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {quote(table)} "
                    "BEGIN SELECT RAISE(ABORT, 'records the law keeps as written can never "
                    f"be changed ({table})'); END"
                )
