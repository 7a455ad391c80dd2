"""A customer's credit (issue #29 §3): a payment larger than what was due is recorded as
it came (the bank and the books agree), the invoice is paid and the excess is the
customer's credit, like a credit note on a paid invoice. The credit is given back
(billing.refunds) or used to pay another of the customer's invoices (here). It stays on
the customer's account (411) until then: the journal moves it from one invoice to the
other (billing.journal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import invoicing
from billing.invoicing import InvoicingError
from billing.models import CreditUse, Invoice
from ecoles.formats import money

ZERO = Decimal("0.00")


def available(invoice: Invoice) -> Decimal:
    """The customer's credit on `invoice` (zero when he owes or is square)."""
    return max(-invoice.balance, ZERO)


def targets(invoice: Invoice):
    """The customer's other invoices that still owe, oldest due first (one query)."""
    return (
        Invoice.objects.owed()
        .filter(order__customer_id=invoice.order.customer_id)
        .exclude(pk=invoice.pk)
        .order_by("due_date", "pk")
    )


def check_use_credit(
    source: Invoice,
    target: Invoice,
    by,
    *,
    amount: Decimal,
    date: dt.date,
    today: dt.date | None = None,
) -> CreditUse:
    """The use of credit `use_credit` would record, checked and not saved: pure (no write,
    no lock), so the confirmation page asks only for what will pass; `use_credit` runs it
    again with both invoices locked."""
    today = today or timezone.localdate()
    source = Invoice.objects.with_balance().select_related("order").get(pk=source.pk)
    target = Invoice.objects.with_balance().select_related("order").get(pk=target.pk)
    credit = available(source)
    if source.pk == target.pk:
        raise InvoicingError(_("A credit is used on another invoice."))
    if source.order.customer_id != target.order.customer_id:
        raise InvoicingError(_("A credit pays only another invoice of the same customer."))
    if amount <= 0:
        raise InvoicingError(_("The amount used must be positive."))
    if not credit:
        raise InvoicingError(_("The customer has no credit on this invoice."))
    if amount > credit:
        raise InvoicingError(
            _("This is more than the customer's credit (%(credit)s).") % {"credit": money(credit)}
        )
    if amount > target.balance:
        raise InvoicingError(
            _("This is more than invoice %(number)s still owes (%(balance)s).")
            % {"number": target.number, "balance": money(max(target.balance, ZERO))}
        )
    if date < max(source.issue_date, target.issue_date):
        raise InvoicingError(_("The credit cannot be used before both invoices exist."))
    if date > today:
        raise InvoicingError(_("A use of credit cannot be dated in the future."))
    use = CreditUse(source=source, target=target, date=date, amount=amount, recorded_by=by)
    use.full_clean(exclude=["recorded_by"])
    return use


def use_credit(
    source: Invoice,
    target: Invoice,
    by,
    *,
    amount: Decimal,
    date: dt.date,
    today: dt.date | None = None,
) -> CreditUse:
    """Use `amount` of the credit on `source` to pay `target`: never more than the credit,
    nor than what `target` still owes; both invoices are locked while it is checked."""
    with transaction.atomic():
        for pk in sorted({source.pk, target.pk}):  # one order of locks: no deadlock
            Invoice.objects.select_for_update().only("pk").get(pk=pk)
        use = check_use_credit(source, target, by, amount=amount, date=date, today=today)
        use.save(force_insert=True)
        invoicing.settle(use.source, by)
        invoicing.settle(use.target, by)
    return use
