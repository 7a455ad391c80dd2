"""The database guards on issued documents and money, made again over the columns as they
stand (the same as 0006_guards_after_merge, shared by the migrations that add a column to
one of these tables: on SQLite adding a column rebuilds the table and drops its triggers,
on PostgreSQL a trigger guards only the columns it names). Not a migration itself: the
loader skips modules whose name starts with an underscore."""

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
