"""The demo's bank (issue 29, "Done when"): the demo seeded on 7 December 2026 writes the
month's statement shipped in banking/demo/, and the office reconciles it: confirming each
first suggestion pays one invoice, two invoices in one transfer, part of one and records a
donor's gift; the unknown transfer and the fees stay to reconcile."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from banking import demo, parsers, reconcile
from banking.models import BankAccount, CsvMapping, StatementLine
from billing.models import Invoice, Payment
from budget.models import Donation
from ecoles.models import User

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def seeded(settings, tmp_path, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_statement_is_reconciled_in_one_sitting(seeded):
    office = User.objects.get(username="office")
    # The files the seeded demo wrote are those shipped in the repository.
    for name in demo.FILES.values():
        with default_storage.open(demo.STORED + name, "rb") as fh:
            assert fh.read() == (demo.REPOSITORY / name).read_bytes(), name
    account = BankAccount.objects.get()
    data = (demo.REPOSITORY / demo.FILES["camt053"]).read_bytes()
    result = reconcile.import_statement(
        account, data, filename="releve.camt053.xml", fmt="camt053", mapping=None, by=office
    )
    assert (result.read, result.added) == (6, 6)
    owed_before = {i.number: i.balance_due for i in Invoice.objects.owed()}
    pool = reconcile.candidates()
    suggested = reconcile.suggestions_for(result.statement.lines.all(), pool)
    lines = {line.bank_reference[-4:]: line for line in result.statement.lines.all()}
    for line in lines.values():
        if suggested[line.pk]:
            reconcile.confirm(line, suggested[line.pk][0].key, office)
    # Two invoices in one transfer and one in full: settled, each payment with its reference.
    two, one, part = (lines[n] for n in ("0001", "0002", "0003"))
    numbers = [p.invoice.number for p in Payment.objects.filter(reference=two.bank_reference)]
    assert len(numbers) == 2 and all(n in two.remittance for n in numbers)
    assert Invoice.objects.filter(number__in=numbers, settled=True).count() == 2
    (full,) = Payment.objects.filter(reference=one.bank_reference)
    assert full.invoice.settled and full.amount == owed_before[full.invoice.number]
    (partial,) = Payment.objects.filter(reference=part.bank_reference)
    assert partial.amount == part.amount < owed_before[partial.invoice.number]
    assert not Invoice.objects.get(pk=partial.invoice_id).settled
    # The donor's gift is received; the unknown credit and the fees stay on the list.
    assert Donation.objects.filter(amount=D("150.00"), received_on=lines["0004"].booking_date)
    still = set(StatementLine.objects.open().values_list("bank_reference", flat=True))
    assert still == {lines["0005"].bank_reference, lines["0006"].bank_reference}


def test_the_demo_ofx_and_csv_say_the_same_as_its_camt(seeded):
    camt = parsers.parse((demo.REPOSITORY / demo.FILES["camt053"]).read_bytes(), "camt053")
    ofx = parsers.parse((demo.REPOSITORY / demo.FILES["ofx"]).read_bytes(), "ofx")
    mapping = CsvMapping.objects.get()
    csv = parsers.parse((demo.REPOSITORY / demo.FILES["csv"]).read_bytes(), "csv", mapping)
    for other in (ofx, csv):
        assert [(x.booking_date, x.amount) for x in other.lines] == [
            (x.booking_date, x.amount) for x in camt.lines
        ]
