"""The database guard of orders/0009 (triggers refusing any change to an issued document)
covers the columns issue #20 adds: what the invoice and the credit note say of the reform
(route, operation category, Chorus Pro data...) can never change; the Factur-X XML and its
SHA-256 are stored once with the PDF that embeds it, so they join the bookkeeping columns.

Each trigger is dropped and created again with the list of columns as they now stand, on
both databases, the same way as 0009 (its PostgreSQL function stays as it is).
"""

from django.db import migrations

BOOKKEEPING = {
    "invoice": {"pdf", "pdf_sha256", "settled", "facturx_xml", "xml_sha256"},
    "creditnote": {"pdf", "pdf_sha256", "facturx_xml", "xml_sha256"},
}


# Added by 0002: left out of the guard when going back, before they are dropped.
NEW_COLUMNS = {
    "customer_tax_status", "customer_siret", "customer_country_code",
    "customer_electronic_address", "delivery_address", "operation_category",
    "vat_on_debits", "route", "buyer_reference", "commitment_number",
}  # fmt: skip


def _recreate(apps, schema_editor, bookkeeping):
    vendor = schema_editor.connection.vendor
    quote = schema_editor.quote_name
    for model, free in bookkeeping.items():
        table = f"orders_{model}"
        name = quote(f"{table}_issued")
        fields = apps.get_model("billing", model)._meta.concrete_fields
        columns = ", ".join(
            quote(f.column) for f in sorted(fields, key=lambda f: f.column) if f.column not in free
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
                f"BEGIN SELECT RAISE(ABORT, 'issued documents and payments can never be changed "
                f"({table})'); "
                "END"
            )


def forwards(apps, schema_editor):
    _recreate(apps, schema_editor, BOOKKEEPING)


def backwards(apps, schema_editor):
    """Before 0002 drops its columns: guard the others only (the same list less these)."""
    _recreate(
        apps,
        schema_editor,
        {model: free | NEW_COLUMNS for model, free in BOOKKEEPING.items()},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_einvoicing"),
        ("orders", "0013_einvoicing"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
