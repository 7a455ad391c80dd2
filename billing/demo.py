"""Demo invoices, credit notes and payments, issued through billing.invoicing in date order
for the orders that orders/demo.py planned as invoiced or paid, so that the numbering is
the real one. PDFs are rendered lazily on first download, except a few recent ones at
scale 1."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from billing import invoicing, refunds, reminders, sending
from billing.models import DocumentSend, Invoice, Reminder
from ecoles.demo import DemoContext
from ecoles.models import Policy
from orders.models import Order

D = Decimal
S = Order.Status


def seed(ctx: DemoContext) -> None:
    plans = ctx.handover.get("orders.plans")
    if not plans or Invoice.objects.exists():
        return  # the orders were seeded before (idempotent)
    _invoices(ctx, plans, ctx.users["office"])
    ctx.progress(f"billing: {Invoice.objects.count()} invoices")
    seed_money_in(ctx)


def _invoices(ctx: DemoContext, plans, office) -> None:
    rng = ctx.rng
    accountant = ctx.users.get("accountant", office)
    to_issue = sorted(
        ((order.delivered_on + dt.timedelta(days=rng.randrange(1, 6)), order, state)
         for order, state, _day in plans if state in (S.INVOICED, S.PAID)),
        key=lambda item: (item[0], item[1].pk),
    )  # fmt: skip
    deposits = [
        order for order, state, day in plans
        if state in (S.IN_PRODUCTION,) and order.workshop.name == "Menuiserie"
    ]  # fmt: skip
    for order in deposits:
        day = min(order.quote_date + dt.timedelta(days=8), ctx.today)
        to_issue.append((day, order, "deposit"))
    to_issue.sort(key=lambda item: (item[0], item[1].pk))
    issued = []
    for day, order, state in to_issue:
        day = min(day, ctx.today)
        if state == "deposit":
            invoicing.issue_invoice(order, office, deposit_percent=D("30"), today=day, render=False)
            continue
        invoice = invoicing.issue_invoice(order, office, today=day, render=False)
        issued.append((invoice, state))
    # Payments in date order; the current year's "invoiced" ones stay owed, some overdue.
    for n, (invoice, state) in enumerate(issued):
        if state == S.PAID:
            if n % 9 == 4:  # a commercial gesture now and then
                invoicing.issue_credit_note(
                    invoice, accountant, reason="Geste commercial (retard de livraison)",
                    amount_excl_vat=(invoice.total_excl_vat / 10).quantize(D("0.01")),
                    today=min(invoice.issue_date + dt.timedelta(days=10), ctx.today), render=False,
                )  # fmt: skip
            invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
            paid_on = min(invoice.issue_date + dt.timedelta(days=rng.randrange(5, 55)), ctx.today)
            invoicing.record_payment(
                invoice, accountant, date=paid_on, amount=invoice.balance_due,
                method=rng.choice(["transfer", "transfer", "cheque", "card"]),
                reference=f"REF-{invoice.sequence:04d}",
            )  # fmt: skip
        elif n % 3 == 0:
            invoicing.record_payment(
                invoice, accountant,
                date=min(invoice.issue_date + dt.timedelta(days=20), ctx.today),
                amount=(invoice.total_incl_vat / 2).quantize(D("0.01")), method="cheque",
                reference="Chèque n° 1234567",
            )  # fmt: skip
    if ctx.scale == 1:
        for invoice in Invoice.objects.order_by("-issue_date", "-sequence")[:3]:
            invoicing.store_pdf(invoice)


def seed_money_in(ctx: DemoContext) -> None:
    """Issue #19's demo: overdue invoices at each step of the reminder ladder, some
    reminders already sent (with their mails in the log), a refund after a credit note
    on a paid invoice and one still to make, invoices sent by mail (one send failed).
    Its own random source: the seeders after this one draw the same numbers as before."""
    if Reminder.objects.exists() or DocumentSend.objects.exists():
        return
    rng = random.Random(19)  # noqa: S311 (demo data)
    office = ctx.users["office"]
    policy = Policy.load()
    today = ctx.today
    overdue = list(
        Invoice.objects.overdue(today).select_related("order__customer").order_by("due_date")
    )
    # The oldest are pushed back so that every step of the ladder has its invoices.
    reminders_made = sends = 0
    for n, invoice in enumerate(overdue):
        days_late = (today - invoice.due_date).days
        reached = reminders.level_reached(days_late, policy) or 0
        # Every other one has had the steps below the one it reached; the rest wait.
        done = reached - 1 if n % 2 else reached
        if n % 3 == 2:
            done = 0  # never reminded: on the office's list today
        for level, days in reminders.thresholds(policy)[:done]:
            sent_on = invoice.due_date + dt.timedelta(days=days)
            at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(9, 15)))
            reminder = Reminder.objects.create(
                invoice=invoice, level=level, balance_due=invoice.balance_due, days_late=days,
                created_at=at, created_by=office,
            )  # fmt: skip
            DocumentSend.objects.create(
                kind=DocumentSend.Kind.REMINDER, customer=invoice.order.customer,
                reminder=reminder, recipients=_to(invoice), subject=f"Relance : facture "
                f"{invoice.number}", status=DocumentSend.Status.SENT, attempts=1,
                created_at=at, created_by=office, sent_at=at + dt.timedelta(minutes=1),
            )  # fmt: skip
            reminders_made += 1
    # The latest invoices went by mail; one address bounced.
    recent = Invoice.objects.select_related("order__customer").order_by("-issue_date", "-pk")[:8]
    for n, invoice in enumerate(recent):
        at = timezone.make_aware(dt.datetime.combine(invoice.issue_date, dt.time(16, 40)))
        failed = n == 3
        DocumentSend.objects.create(
            kind=DocumentSend.Kind.INVOICE, customer=invoice.order.customer, invoice=invoice,
            recipients=_to(invoice), subject=f"Facture {invoice.number}",
            status=DocumentSend.Status.FAILED if failed else DocumentSend.Status.SENT,
            attempts=4 if failed else 1, created_at=at, created_by=office,
            sent_at=None if failed else at + dt.timedelta(minutes=rng.randrange(1, 5)),
            last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable" if failed else "",
        )  # fmt: skip
        sends += 1
    _refunds(ctx, office)
    ctx.progress(f"billing: {reminders_made} reminders sent, {sends} invoices mailed")


def _to(invoice: Invoice) -> str:
    return ",".join(sending.recipients(invoice.order.customer)) or "contact@example.fr"


def _refunds(ctx: DemoContext, office) -> None:
    """Two paid invoices of this year credited afterwards: one refunded, one still owed
    back to its customer (the refund button shows)."""
    start = dt.date(ctx.today.year, 1, 1)
    paid = list(
        Invoice.objects.paid()
        .filter(issue_date__gte=start, kind=Invoice.Kind.FINAL, amount_credited=0)
        .filter(issue_date__lte=ctx.today - dt.timedelta(days=40))
        .order_by("issue_date")[:2]
    )
    accountant = ctx.users.get("accountant", office)
    for n, invoice in enumerate(paid):
        day = min(invoice.issue_date + dt.timedelta(days=30), ctx.today)
        invoicing.issue_credit_note(
            invoice, accountant, reason="Pièce abîmée à la livraison, remise accordée",
            amount_excl_vat=(invoice.total_excl_vat / 5).quantize(D("0.01")), today=day,
            render=False,
        )  # fmt: skip
        if n == 0:
            invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
            refunds.record_refund(
                invoice, accountant, date=min(day + dt.timedelta(days=5), ctx.today),
                amount=-invoice.balance_due, method="transfer", reference="VIR-REMB-0001",
                today=ctx.today,
            )  # fmt: skip
