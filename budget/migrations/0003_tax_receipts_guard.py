"""The database itself refuses to change or delete an issued tax receipt or its lines
(SPEC.md R11, like invoices in orders 0009): a trigger on each table, whatever writes to it.

What may still be written after the issue is bookkeeping: the PDF stored after commit and
the cancellation (a wrong receipt is cancelled and replaced, never edited). PostgreSQL
refuses DELETE too; SQLite does not, since Django empties its tables with DELETE between
transactional tests (the models and querysets refuse it already).
"""

from django.db import migrations

BOOKKEEPING = {
    "taxreceipt": {"pdf", "pdf_sha256", "cancelled_at", "cancelled_by_id", "cancel_reason"},
    "receiptline": set(),
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION budget_refuse_receipt_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tax receipts can never be % (%)',
        CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$
"""


def guarded_columns(apps, model: str) -> list[str]:
    fields = apps.get_model("budget", model)._meta.concrete_fields
    return sorted(f.column for f in fields if f.column not in BOOKKEEPING[model])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL's
    for model in BOOKKEEPING:
        table = f"budget_{model}"
        columns = ", ".join(quote(c) for c in guarded_columns(apps, model))
        name = quote(f"{table}_issued")
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} OR DELETE ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION budget_refuse_receipt_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {quote(table)} "
                f"BEGIN SELECT RAISE(ABORT, 'tax receipts can never be changed ({table})'); "
                "END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for model in BOOKKEEPING:
        table = f"budget_{model}"
        name = quote(f"{table}_issued")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS budget_refuse_receipt_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0002_funding_ledgers"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
