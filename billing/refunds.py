"""Giving money back (SPEC.md R11): a credit note on an invoice already paid leaves the
school owing the customer; the refund, recorded like a payment, brings the balance back to
zero. Never more than what is owed back, never changed afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import invoicing
from billing.invoicing import InvoicingError
from billing.models import Invoice, Refund
from ecoles.formats import money


def owed_back(invoice: Invoice) -> Decimal:
    """What the school owes the customer on `invoice` (zero when nothing is)."""
    return max(-invoice.balance, Decimal("0.00"))


def check_refund(
    invoice: Invoice,
    by,
    *,
    date: dt.date,
    amount: Decimal,
    method: str,
    reference: str = "",
    today: dt.date | None = None,
) -> Refund:
    """The refund `record_refund` would record, checked and not saved: pure (no write, no
    lock), for the confirmation page; `record_refund` runs it again under its lock."""
    today = today or timezone.localdate()
    invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
    due = owed_back(invoice)
    if amount <= 0:
        raise InvoicingError(_("A refund's amount must be positive."))
    if not due:
        raise InvoicingError(_("Nothing is owed back to the customer on this invoice."))
    if amount > due:
        raise InvoicingError(
            _("This is more than what is owed back to the customer (%(due)s).")
            % {"due": money(due)}
        )
    if date < invoice.issue_date:
        raise InvoicingError(_("A refund cannot be dated before its invoice."))
    if date > today:
        raise InvoicingError(_("A refund cannot be dated in the future."))
    refund = Refund(
        invoice=invoice, date=date, amount=amount, method=method, reference=reference,
        recorded_by=by,
    )  # fmt: skip
    refund.full_clean(exclude=["recorded_by"])
    return refund


def record_refund(
    invoice: Invoice,
    by,
    *,
    date: dt.date,
    amount: Decimal,
    method: str,
    reference: str = "",
    today: dt.date | None = None,
) -> Refund:
    with transaction.atomic():
        # Locked: two refunds typed at once must not both fit in what is owed back.
        Invoice.objects.select_for_update().only("pk").get(pk=invoice.pk)
        refund = check_refund(
            invoice, by, date=date, amount=amount, method=method, reference=reference,
            today=today,
        )  # fmt: skip
        refund.save(force_insert=True)
        invoicing.settle(invoice, by)
    return refund
