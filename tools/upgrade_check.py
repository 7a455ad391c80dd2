"""A school that runs the last release before the squash upgrades with its data.

Run against an EMPTY database named by DATABASE_URL (tests/test_migrations.py makes one):

1. migrates it with the migrations as they were before the squash (the replaced ones,
   up to the last release's leaves), as an installed school's database stands;
2. writes a school's data through those historical models: a pupil with a guardian, a
   customer, an order, an issued invoice with its line and a payment;
3. runs `migrate` as an upgrade does: the squashed migrations are recorded as applied
   (their replaced ones all are), the later ones run;
4. reads the data back through today's models, and checks the guard still refuses to
   change the issued invoice and that nothing is left for makemigrations.

With --fresh it only migrates the empty database as a new school's is (the squashed
migrations). With --schema-out PATH it writes the migrated database's tables and columns
as JSON, which the test compares with the schema the test suite builds from the models.

Prints what it did; exits non-zero on the first thing that does not hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

# The leaves of each app of ours at the last release before the squash (901769d).
RELEASE = {
    "ecoles": "0013_merge_0008_einvoicing_0012_merge_20261204_0323",
    "accounts": "0002_delete_loginthrottle",
    "students": "0006_guardian_called_has_a_phone",
    "safety": "0001_initial",
    "orders": "0014_merge_0013_einvoicing_0013_money_in",
    "training": "0006_merge_0005_timetable_0005_worklog_machine",
    "schoollife": "0004_guardian_notice_channel",
    "skills": "0003_chef_steps_undated_last",
    "billing": "0006_guards_after_merge",
    "budget": "0003_tax_receipts_guard",
}


def release_targets(loader: MigrationLoader) -> list[tuple[str, str]]:
    """Our apps at the release; every other app (Django's, the libraries') at its leaf."""
    targets = list(RELEASE.items())
    for app, name in loader.graph.leaf_nodes():
        if app not in RELEASE:
            targets.append((app, name))
    return targets


def migrate_to_release():
    """The database as the release left it, and the release's models (a migration state)."""
    executor = MigrationExecutor(connection)
    # The graph without the squashed migrations: what a school's database went through.
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    targets = release_targets(executor.loader)
    executor.migrate(targets)
    print(f"migrated to the release: {len(targets)} leaves")
    # The models as the release had them (the state the plan ended on holds models that
    # its own rendering replaced, which foreign keys then refuse).
    return executor.loader.project_state(targets)


def write_school(executor_apps) -> dict:
    get = executor_apps.get_model
    user, _ = get("ecoles", "User").objects.get_or_create(username="upgrade-director")
    workshop, _ = get("ecoles", "Workshop").objects.get_or_create(
        name="Menuiserie", defaults={"trade": "Menuisier"}
    )
    student = get("students", "Student").objects.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=dt.date(2010, 3, 4),
        workshop=workshop,
        entry_date=dt.date(2025, 9, 1),
        cohort=2025,
    )
    get("students", "Guardian").objects.create(
        student=student, first_name="Anne", last_name="Martin", email="anne@example.org"
    )
    customer = get("orders", "Customer").objects.create(name="Menuiseries Rhône SAS")
    order = get("orders", "Order").objects.create(
        customer=customer, workshop=workshop, title="Étagères"
    )
    invoice = get("billing", "Invoice").objects.create(
        number="FA-2026-0001",
        year=2026,
        sequence=1,
        issue_date=dt.date(2026, 11, 2),
        customer_kind="company",
        customer_name="Menuiseries Rhône SAS",
        total_excl_vat=Decimal("300.00"),
        total_vat=Decimal("60.00"),
        total_incl_vat=Decimal("360.00"),
        order=order,
        due_date=dt.date(2026, 12, 2),
        order_reference="CMD-1",
        late_penalty_rate=Decimal("12.00"),
        early_payment_discount="Pas d'escompte",
    )
    get("billing", "InvoiceLine").objects.create(
        invoice=invoice,
        description="Étagère en chêne",
        quantity=Decimal("2"),
        unit_price=Decimal("150.00"),
        vat_rate=Decimal("20.00"),
        amount_excl_vat=Decimal("300.00"),
    )
    get("billing", "Payment").objects.create(
        invoice=invoice, date=dt.date(2026, 11, 20), amount=Decimal("360.00"), method="transfer"
    )
    return {"student": student.pk, "invoice": invoice.pk}


def schema() -> dict[str, dict[str, bool]]:
    """Each table with its columns and whether each may be NULL, as the database says."""
    with connection.cursor() as cursor:
        # Django's own record of the migrations applied: only a migrated database has it.
        tables = sorted(set(connection.introspection.table_names(cursor)) - {"django_migrations"})
        out = {}
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute(f'PRAGMA table_info("{table}")')
                out[table] = {row[1]: not row[3] for row in cursor.fetchall()}
            else:
                cursor.execute(
                    "SELECT column_name, is_nullable FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s",
                    [table],
                )
                out[table] = {name: nullable == "YES" for name, nullable in cursor.fetchall()}
        return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--schema-out")
    args = parser.parse_args()
    if args.fresh:
        call_command("migrate", verbosity=0, interactive=False)
        print("migrated a new database")
        Path(args.schema_out).write_text(json.dumps(schema()))
        return 0
    state = migrate_to_release()
    keys = write_school(state.apps)
    print("wrote a school's data with the release's models")

    call_command("migrate", verbosity=0, interactive=False)
    applied = MigrationLoader(connection).applied_migrations
    squashed = [key for key in applied if "_squashed_" in key[1]]
    print(f"upgraded: {len(squashed)} squashed migrations recorded as applied")
    if len(squashed) < 8:
        print("FAIL: the squashed migrations are not all recorded as applied")
        return 1

    from billing.models import Invoice  # noqa: PLC0415 (after the upgrade)
    from students.models import Student

    student = Student.objects.get(pk=keys["student"])
    invoice = Invoice.objects.get(pk=keys["invoice"])
    if (student.last_name, student.guardians.get().email) != ("Martin", "anne@example.org"):
        print("FAIL: the pupil or the guardian did not survive the upgrade")
        return 1
    if (invoice.total_incl_vat, invoice.lines.get().unit_price) != (
        Decimal("360.00"),
        Decimal("150.00"),
    ):
        print("FAIL: the invoice did not survive the upgrade")
        return 1
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Invoice._meta.db_table} SET total_incl_vat = 1 WHERE id = %s",  # noqa: S608
                [invoice.pk],
            )
        print("FAIL: the issued invoice could be changed after the upgrade")
        return 1
    except DatabaseError:
        print("the database still refuses to change the issued invoice")
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    if args.schema_out:
        Path(args.schema_out).write_text(json.dumps(schema()))
    print("OK: the release's database upgraded with its data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
