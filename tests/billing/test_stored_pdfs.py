"""A document's PDF is stored once with its SHA-256 and checked on every reading
(issue 28, §4): one helper (ecoles.stored) serves invoices, credit notes, reminders and
tax receipts, so a stored reminder altered on disk is refused like an invoice."""

from __future__ import annotations

import pytest

from billing import documents, invoicing
from billing.models import Reminder
from ecoles.stored import StoredFileAltered
from tests.billing.money import D

pytestmark = pytest.mark.django_db


def alter(document) -> None:
    document.refresh_from_db()
    with document.pdf.open("rb") as fh:
        data = fh.read()
    with document.pdf.storage.open(document.pdf.name, "wb") as fh:
        fh.write(data.replace(b"%%EOF", b"%%EOF\n% altered"))


def test_an_altered_invoice_pdf_is_refused(invoice):
    data = invoicing.stored_pdf(invoice)
    assert invoicing.stored_pdf(invoice) == data
    alter(invoice)
    with pytest.raises(StoredFileAltered):
        invoicing.stored_pdf(invoice)


def test_an_altered_reminder_pdf_is_refused_like_an_invoices(invoice, office):
    reminder = Reminder.objects.create(
        invoice=invoice, level=1, balance_due=D("360.00"), days_late=7, created_by=office
    )
    data = documents.stored_pdf(reminder)
    reminder.refresh_from_db()
    assert reminder.pdf_sha256
    assert documents.stored_pdf(reminder) == data
    alter(reminder)
    with pytest.raises(StoredFileAltered):
        documents.stored_pdf(reminder)
