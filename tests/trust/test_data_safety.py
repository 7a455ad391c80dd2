"""No double writes, nothing half-saved, nothing lost (backup and restore)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts import SUBMIT_TOKEN_FIELD
from billing import invoicing
from billing.models import Invoice, InvoiceLine, NumberSeries, Payment
from ecoles.models import Workshop
from orders.models import Order
from students.models import Student
from training import recording
from training.models import WorkLog

TOKEN_RE = re.compile(rf'name="{SUBMIT_TOKEN_FIELD}" value="([^"]+)"')


def token_from(client, page_url: str, action_url: str | None = None) -> str:
    """The one-time token of the form on `page_url` that posts to `action_url`."""
    body = client.get(page_url).content.decode()
    for form in re.findall(r"<form\b[^>]*>.*?</form>", body, re.S):
        action = re.search(r'action="([^"]*)"', form)
        target = action.group(1) if action and action.group(1) else page_url
        if target == (action_url or page_url) and TOKEN_RE.search(form):
            return TOKEN_RE.search(form).group(1)
    raise AssertionError(f"no form posting to {action_url or page_url} on {page_url}")


def submit_twice(client, page_url: str, data: dict, action_url: str | None = None):
    token = token_from(client, page_url, action_url)
    data = {**data, SUBMIT_TOKEN_FIELD: token}
    first = client.post(action_url or page_url, data)
    second = client.post(action_url or page_url, data)
    return first, second


class TestNoDoubleWrites:
    def test_a_workshop_form_sent_twice_creates_one_workshop(self, client_for, director):
        first, second = submit_twice(
            client_for(director),
            reverse("workshop_add"),
            {"name": "Horticulture", "trade": "x", "capacity": "10"},
        )
        assert first.status_code == second.status_code == 302
        assert second["Location"] == first["Location"]
        assert Workshop.objects.filter(name="Horticulture").count() == 1

    def test_the_second_sending_says_it_was_saved_once(self, client_for, director):
        client = client_for(director)
        _, second = submit_twice(
            client, reverse("workshop_add"), {"name": "Cuisine", "trade": "x", "capacity": "10"}
        )
        body = client.get(second["Location"]).content.decode()
        assert "déjà été envoyé" in body

    def test_an_order_form_sent_twice_creates_one_order(self, client_for, office, scenario):

        customer, _ = scenario.get("customer")
        before = Order.objects.count()
        data = {
            "customer": customer.pk,
            "title": "Table de réunion",
            "workshop": scenario.woodwork.pk,
            "estimated_hours": "12",
        }
        first, second = submit_twice(client_for(office), reverse("orders:add"), data)
        assert first.status_code == 302, first.content.decode()[:2000]
        assert Order.objects.count() == before + 1

    def test_a_team_entry_sent_twice_logs_the_morning_once(
        self, client_for, woodwork_trainer, scenario
    ):
        student, _ = scenario.get("student")
        order, _ = scenario.get("order")
        data = {
            "order": order.pk,
            "date": "2026-01-14",
            "slot": "custom",
            "start_time": "08:00",
            "end_time": "11:00",
            "students": [student.pk],
            "task": "Ponçage",
        }
        first, second = submit_twice(
            client_for(woodwork_trainer), reverse("training:team_entry"), data
        )
        assert first.status_code == 302, first.content.decode()[:3000]
        assert WorkLog.objects.filter(student=student, order=order).count() == 1

    def test_a_payment_sent_twice_is_recorded_once(self, client_for, office, scenario):
        invoice, _ = scenario.get("invoice")
        first, second = submit_twice(
            client_for(office),
            reverse("billing:invoice_detail", args=[invoice.pk]),
            {
                "date": invoice.issue_date.isoformat(),
                "amount": "10.00",
                "method": "cheque",
                "confirmed": "yes",
            },
            action_url=reverse("billing:payment_add", args=[invoice.pk]),
        )
        assert first.status_code == 302, first.content.decode()[:3000]
        assert Payment.objects.filter(invoice=invoice).count() == 1

    def test_an_invoice_issued_twice_is_issued_once(self, client_for, office, scenario):
        order, _ = scenario.get("order")
        first, second = submit_twice(
            client_for(office),
            reverse("billing:invoice_issue", args=[order.pk]) + "?kind=deposit&percent=30",
            {"kind": "deposit", "percent": "30", "confirmed": "yes"},
            action_url=reverse("billing:invoice_issue", args=[order.pk]),
        )
        assert first.status_code == 302
        assert Invoice.objects.filter(order=order).count() == 1

    def test_a_form_with_errors_can_be_corrected_and_sent(self, client_for, director):
        client = client_for(director)
        token = token_from(client, reverse("workshop_add"))
        bad = client.post(reverse("workshop_add"), {"name": "", SUBMIT_TOKEN_FIELD: token})
        assert bad.status_code == 200
        good = client.post(
            reverse("workshop_add"),
            {"name": "Peinture", "trade": "x", "capacity": "10", SUBMIT_TOKEN_FIELD: token},
        )
        assert good.status_code == 302
        assert Workshop.objects.filter(name="Peinture").count() == 1


class TestNothingHalfSaved:
    def test_a_team_entry_failing_on_the_third_pupil_saves_no_log(self, woodwork_trainer, scenario):
        own, _ = scenario.get("student")
        order, _ = scenario.get("order")
        pupils = [own] + [
            Student.objects.create(
                first_name=f"P{i}",
                last_name="Test",
                birth_date=dt.date(2009, 1, 1),
                workshop=scenario.woodwork,
                entry_date=dt.date(2025, 9, 1),
                cohort=2025,
            )
            for i in range(2)
        ]
        real_save = WorkLog.save
        calls = []

        def failing_save(self, *args, **kwargs):
            calls.append(self)
            if len(calls) == 3:
                raise RuntimeError("disk full")
            return real_save(self, *args, **kwargs)

        with mock.patch.object(WorkLog, "save", failing_save), pytest.raises(RuntimeError):
            recording.save_team_entry(
                order=order,
                day=dt.date(2026, 1, 14),
                start=dt.time(8),
                end=dt.time(11),
                students=pupils,
                task="",
                by=woodwork_trainer,
            )
        assert len(calls) == 3
        assert WorkLog.objects.count() == 0

    def test_an_invoice_failing_on_its_lines_leaves_no_invoice_and_no_number(
        self, director, scenario
    ):
        order, _ = scenario.get("order")
        series = list(NumberSeries.objects.values_list("pk", "last") or [])
        with (
            mock.patch.object(
                InvoiceLine.objects, "bulk_create", side_effect=RuntimeError("crash")
            ),
            pytest.raises(RuntimeError),
        ):
            invoicing.issue_invoice(order, director, deposit_percent=Decimal("30"), render=False)
        assert Invoice.objects.count() == 0
        assert list(NumberSeries.objects.values_list("pk", "last") or []) == series
        # The next invoice takes the number that failed: no gap.
        invoice = invoicing.issue_invoice(
            order, director, deposit_percent=Decimal("30"), render=False
        )
        assert invoice.sequence == 1


def table_counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (our own table names)
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row(
    tmp_path, settings, scenario, director
):
    """Backup (SQLite online backup or pg_dump), restore into a new empty database with
    `manage.py restore` in another process, and find every row and every uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for kind in ["note", "worklog", "theory_session", "credit_note", "attachment"]:
        scenario.get(kind)
    call_command("seed_demo", "--allow-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    uploaded = [p.relative_to(settings.MEDIA_ROOT) for p in settings.MEDIA_ROOT.rglob("*.txt")]
    assert uploaded
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = table_counts(cursor, tables)
    assert sum(before.values()) > 100

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert oct(archive.stat().st_mode)[-3:] == "600"

    target = tmp_path / "restored"
    target.mkdir()
    env = {**os.environ, "DATA_DIR": str(target), "MEDIA_ROOT": str(target / "media")}
    if connection.vendor == "postgresql":
        import psycopg

        db = connection.settings_dict
        name = f"{db['NAME']}_restore"
        params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{target / 'db.sqlite3'}"
    result = subprocess.run(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    if connection.vendor == "postgresql":
        with psycopg.connect(dbname=name, **params) as restored:
            after = table_counts(restored.cursor(), tables)
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        with sqlite3.connect(target / "db.sqlite3") as restored:
            after = table_counts(restored.cursor(), tables)
    assert after == before
    for path in uploaded:
        assert (target / "media" / path).read_bytes() == (settings.MEDIA_ROOT / path).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data(tmp_path, director):
    from django.core.management.base import CommandError

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
