"""Every guard on the issued documents and on money, made again once both lines of
migrations have run (0002-0003 of issue #19, 0002-0004 of issue #20).

Each line remade the invoice's trigger over the columns it knew: on SQLite a table rebuilt
by the other line's new column lost its triggers, and on PostgreSQL a trigger guards only
the columns it names. Here every trigger is dropped and made again over the columns as
they now stand (the bookkeeping columns left free: the stored PDF and XML with their
checksums, and an invoice's settled flag). A later migration that adds a column to one of
these tables does the same.
"""

from django.db import migrations

# model -> columns that may still be written after the document is issued
BOOKKEEPING = {
    "invoice": {"pdf", "pdf_sha256", "settled", "facturx_xml", "xml_sha256"},
    "creditnote": {"pdf", "pdf_sha256", "facturx_xml", "xml_sha256"},
    "invoiceline": set(),
    "creditnoteline": set(),
    "payment": set(),
    "refund": set(),
}
# The refund's trigger has its own name (0003_refund_guard); the others follow orders/0009.
NAMES = {"refund": "billing_refund_immutable"}


def remake(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for model, free in BOOKKEEPING.items():
        meta = apps.get_model("billing", model)._meta
        table = meta.db_table
        name = quote(NAMES.get(model, f"{table}_issued"))
        columns = ", ".join(
            quote(c) for c in sorted(f.column for f in meta.concrete_fields) if c not in free
        )
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} OR DELETE ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION orders_refuse_issued_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {columns} ON {quote(table)} "
                f"BEGIN SELECT RAISE(ABORT, 'issued documents and payments can never be "
                f"changed ({table})'); END"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_merge_0003_refund_guard_0004_platform"),
        ("orders", "0014_merge_0013_einvoicing_0013_money_in"),
    ]

    operations = [
        migrations.RunPython(remake, migrations.RunPython.noop, elidable=False),
    ]
