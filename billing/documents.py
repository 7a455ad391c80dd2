"""The PDFs of money-in documents that are not issued documents (SPEC.md R11): reminders,
rendered once and kept as sent, and customers' statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from billing.models import Invoice, Reminder
from billing.statement import Statement
from ecoles import pdf, stored

INDEMNITY = Decimal("40.00")  # Code de commerce D441-5, per invoice, business customers


def penalties(invoice: Invoice, balance: Decimal, days_late: int) -> Decimal:
    """Late-payment penalties at the invoice's rate on the balance, for the days late."""
    amount = balance * invoice.late_penalty_rate / 100 * days_late / 365
    return amount.quantize(Decimal("0.01"))


def render_reminder(reminder: Reminder) -> bytes:
    invoice = reminder.invoice
    day = timezone.localtime(reminder.created_at).date()
    return pdf.render_pdf(
        "pdf/reminder.html",
        {
            "reminder": reminder,
            "invoice": invoice,
            "day": day,
            "penalties": penalties(invoice, reminder.balance_due, reminder.days_late),
            "indemnity": INDEMNITY if invoice.is_company else None,
            "deadline": day + dt.timedelta(days=8),
        },
    )


def stored_pdf(reminder: Reminder) -> bytes:
    """The reminder's PDF, rendered once and kept: what was sent stays what was sent."""
    reminder = Reminder.objects.select_related("invoice").get(pk=reminder.pk)
    if not reminder.pdf:
        stored.store_once(reminder, render_reminder(reminder), filename="r.pdf")
        reminder = Reminder.objects.get(pk=reminder.pk)
    return stored.read_checked(reminder)


def render_statement(statement: Statement, *, registered: bool = False) -> bytes:
    return pdf.render_pdf(
        "pdf/customer_statement.html", {"statement": statement, "registered": registered}
    )
