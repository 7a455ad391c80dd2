"""The database itself refuses to change an issued invoice or credit note, their lines, or
a recorded payment (SPEC.md R4, Code de commerce L123-22; a payment is cancelled by a
reversing entry): a trigger on each table, whatever writes to it (a script, a shell, raw
SQL), not only the models' save() and querysets.

What may still be written after the issue is bookkeeping, never what the document says:
the PDF stored after commit (pdf, pdf_sha256) and, on an invoice, the settled flag. Both
databases refuse an UPDATE that sets any other column; PostgreSQL refuses DELETE too.
SQLite does not refuse DELETE: Django empties its tables with DELETE (TRUNCATE does not
exist there) between transactional tests, and the models and querysets refuse it already.
A column added to these tables later is guarded once a migration adds it to the list.
"""

from django.db import migrations

BOOKKEEPING = {
    "invoice": {"pdf", "pdf_sha256", "settled"},
    "creditnote": {"pdf", "pdf_sha256"},
    "invoiceline": set(),
    "creditnoteline": set(),
    "payment": set(),
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION orders_refuse_issued_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued documents and payments can never be % (%)',
        CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$
"""


def guarded_columns(apps, model: str) -> list[str]:
    fields = apps.get_model("orders", model)._meta.concrete_fields
    return sorted(f.column for f in fields if f.column not in BOOKKEEPING[model])


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL's
    for model in BOOKKEEPING:
        table = f"orders_{model}"
        columns = ", ".join(quote(c) for c in guarded_columns(apps, model))
        name = quote(f"{table}_issued")
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} OR DELETE ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION orders_refuse_issued_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {quote(table)} "
                f"BEGIN SELECT RAISE(ABORT, 'issued documents and payments can never be changed "
                f"({table})'); "
                "END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for model in BOOKKEEPING:
        table = f"orders_{model}"
        name = quote(f"{table}_issued")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS orders_refuse_issued_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_delivery_rework"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
