"""A customer's statement of account (relevé de compte, SPEC.md R11): every invoice,
credit note, payment and refund of a period, in date order, with the balance before, the
running balance and the balance at the end. Positive: the customer owes the school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from billing.models import CreditNote, CreditUse, Invoice, Payment, Refund
from ecoles.db import Cents
from orders.models import Customer

ZERO = Decimal("0.00")


@dataclass
class Row:
    date: dt.date
    kind: str
    reference: str
    label: str
    debit: Decimal
    credit: Decimal
    invoice_id: int
    balance: Decimal = ZERO


@dataclass
class Statement:
    customer: Customer
    start: dt.date
    end: dt.date
    opening: Decimal
    rows: list[Row] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.rows[-1].balance if self.rows else self.opening

    @property
    def in_customers_favour(self) -> Decimal:
        """What the school owes the customer at the end (a credit note not refunded)."""
        return max(-self.closing, ZERO)

    @property
    def total_debit(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first of January of last year: a year and more of history, never ten."""
    return dt.date(today.year - 1, 1, 1), today


def _sum(queryset, name: str) -> Decimal:
    return queryset.aggregate(s=Cents(Sum(name)))["s"] or ZERO


def build(customer: Customer, start: dt.date, end: dt.date) -> Statement:
    """Nine queries whatever the customer's history: four sums before `start`, five lists
    (a credit used on another invoice nets to nothing before `start`)."""
    invoices = Invoice.objects.filter(order__customer=customer)
    notes = CreditNote.objects.filter(invoice__order__customer=customer)
    payments = Payment.objects.filter(invoice__order__customer=customer)
    refunds = Refund.objects.filter(invoice__order__customer=customer)
    opening = (
        _sum(invoices.filter(issue_date__lt=start), "total_incl_vat")
        - _sum(notes.filter(issue_date__lt=start), "total_incl_vat")
        - _sum(payments.filter(date__lt=start), "amount")
        + _sum(refunds.filter(date__lt=start), "amount")
    )
    rows: list[tuple[tuple, Row]] = []
    for inv in invoices.filter(issue_date__range=(start, end)).order_by():
        label = _("Invoice, due %(due)s") % {"due": inv.due_date.strftime("%d/%m/%Y")}
        row = Row(inv.issue_date, "invoice", inv.number, label, inv.total_incl_vat, ZERO, inv.pk)
        rows.append(((inv.issue_date, 0, inv.sequence), row))
    for note in notes.filter(issue_date__range=(start, end)).select_related("invoice"):
        label = _("Credit note on %(number)s") % {"number": note.invoice.number}
        row = Row(note.issue_date, "credit_note", note.number, label, ZERO, note.total_incl_vat,
                  note.invoice_id)  # fmt: skip
        rows.append(((note.issue_date, 1, note.sequence), row))
    for pay in payments.filter(date__range=(start, end)).select_related("invoice"):
        if pay.amount > 0:
            label = _("Payment (%(method)s) on %(number)s")
            debit, credit = ZERO, pay.amount
        else:
            label = _("Payment cancelled (%(method)s) on %(number)s")
            debit, credit = -pay.amount, ZERO
        label = label % {"method": pay.get_method_display(), "number": pay.invoice.number}
        row = Row(pay.date, "payment", pay.reference, label, debit, credit, pay.invoice_id)
        rows.append(((pay.date, 2, pay.pk), row))
    for ref in refunds.filter(date__range=(start, end)).select_related("invoice"):
        label = _("Refund (%(method)s) on %(number)s") % {
            "method": ref.get_method_display(),
            "number": ref.invoice.number,
        }
        row = Row(ref.date, "refund", ref.reference, label, ref.amount, ZERO, ref.invoice_id)
        rows.append(((ref.date, 3, ref.pk), row))
    # A credit used on another invoice moves nothing on the account: shown on both sides.
    uses = CreditUse.objects.filter(source__order__customer=customer, date__range=(start, end))
    for use in uses.select_related("source", "target"):
        label = _("Credit of %(source)s used on %(target)s") % {
            "source": use.source.number,
            "target": use.target.number,
        }
        rows.append(((use.date, 4, use.pk, 0), Row(use.date, "credit_use", use.source.number,
                     label, use.amount, ZERO, use.source_id)))  # fmt: skip
        rows.append(((use.date, 4, use.pk, 1), Row(use.date, "credit_use", use.target.number,
                     label, ZERO, use.amount, use.target_id)))  # fmt: skip
    rows.sort(key=lambda item: item[0])
    statement = Statement(customer, start, end, opening)
    balance = opening
    for _key, row in rows:
        balance += row.debit - row.credit
        row.balance = balance
        statement.rows.append(row)
    return statement
