"""Shared by the money-in tests (R11): an invoice, a paid one credited, the task worker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing import invoicing, sending
from ecoles import mail
from ecoles.models import Mail
from orders.models import Contact

D = Decimal
ISSUED = dt.date(2026, 3, 2)  # due 30 days later, on 1 April


@pytest.fixture
def invoice(delivered, office, school):
    """360,00 € incl. VAT (2 × 150 € + 20 %), issued on 2 March 2026, due on 1 April."""
    return invoicing.issue_invoice(delivered, office, today=ISSUED, render=False)


@pytest.fixture
def credited_after_payment(invoice, office):
    """Paid in full on 10 March, then credited 60 € incl. VAT: the school owes 60 €."""
    invoicing.record_payment(
        invoice, office, date=dt.date(2026, 3, 10), amount=D("360.00"), method="transfer"
    )
    invoicing.issue_credit_note(
        invoice, office, reason="Geste commercial", amount_excl_vat=D("50.00"),
        today=dt.date(2026, 3, 12), render=False,
    )  # fmt: skip
    return invoice


@pytest.fixture
def billed_contact(company):
    return Contact.objects.create(
        customer=company, name="Paul Compta", email="compta@menuiseries-rhone.fr",
        receives_documents=True,
    )  # fmt: skip


def run_worker() -> list[str]:
    """What `manage.py db_worker` does: run each queued send once."""
    return [
        mail.deliver.call(pk)
        for pk in Mail.objects.filter(kind=sending.MAIL_KIND, status="queued")
        .order_by("about_id")
        .values_list("pk", flat=True)
    ]
