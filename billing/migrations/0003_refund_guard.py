"""The database refuses to change a refund (money, like a payment: SPEC.md R11), and
guards the customer's purchase order number copied into an issued invoice like the rest
of the invoice (orders/migrations/0009).

The invoice's trigger is made again with every column of the table: adding a column
rebuilds the table on SQLite, which drops its triggers, and on PostgreSQL the trigger
names the columns it guards, so a new column is unguarded until it is made again. A
later migration that adds a column to the invoice does the same."""

from django.db import migrations

INVOICE_BOOKKEEPING = {"pdf", "pdf_sha256", "settled"}


def _guards(apps):
    invoice = apps.get_model("billing", "Invoice")._meta
    refund = apps.get_model("billing", "Refund")._meta
    return [
        # (trigger, table, guarded columns, refuse DELETE on PostgreSQL)
        (
            "orders_invoice_issued",
            invoice.db_table,
            sorted(
                f.column for f in invoice.concrete_fields if f.column not in INVOICE_BOOKKEEPING
            ),
            True,
        ),
        (
            "billing_refund_immutable",
            refund.db_table,
            [f.column for f in refund.concrete_fields],
            True,
        ),
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for name, table, columns, no_delete in _guards(apps):
        cols = ", ".join(quote(c) for c in columns)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
            events = f"UPDATE OF {cols}" + (" OR DELETE" if no_delete else "")
            schema_editor.execute(
                f"CREATE TRIGGER {quote(name)} BEFORE {events} ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION orders_refuse_issued_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
            schema_editor.execute(
                f"CREATE TRIGGER {quote(name)} BEFORE UPDATE OF {cols} ON {quote(table)} "
                f"BEGIN SELECT RAISE(ABORT, 'issued documents and payments can never be "
                f"changed ({table})'); END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    # The refund's only: the invoice's stays (it guarded the invoice before this migration).
    name, table = "billing_refund_immutable", "billing_refund"
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_money_in"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
