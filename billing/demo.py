"""Demo invoices, credit notes and payments, issued through billing.invoicing in date order
for the orders that orders/demo.py planned as invoiced or paid, so that the numbering is
the real one. PDFs are rendered lazily on first download, except a few recent ones at
scale 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from billing import invoicing
from billing.models import Invoice
from ecoles.demo import DemoContext
from orders.models import Order

D = Decimal
S = Order.Status


def seed(ctx: DemoContext) -> None:
    plans = ctx.handover.get("orders.plans")
    if not plans or Invoice.objects.exists():
        return  # the orders were seeded before (idempotent)
    _invoices(ctx, plans, ctx.users["office"])
    ctx.progress(f"billing: {Invoice.objects.count()} invoices")


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
