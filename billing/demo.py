"""Demo invoices, credit notes and payments, issued through billing.invoicing in date order
for the orders that orders/demo.py planned as invoiced or paid, so that the numbering is
the real one. PDFs are rendered lazily on first download, except a few recent ones at
scale 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from billing import exchange, facturx, invoicing
from billing.models import Invoice, Route
from billing.platform.local import LocalPlatform
from ecoles.demo import DemoContext
from ecoles.models import School, Workshop
from orders.models import Customer, OperationCategory, Order, OrderLine, Unit

D = Decimal
S = Order.Status


def seed(ctx: DemoContext) -> None:
    plans = ctx.handover.get("orders.plans")
    if not plans or Invoice.objects.exists():
        return  # the orders were seeded before (idempotent)
    _invoices(ctx, plans, ctx.users["office"])
    _einvoicing(ctx, ctx.users["office"])
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


# --- e-invoicing (issue #20) ---------------------------------------------------------------

PUBLIC = {
    "name": "Mairie de Villeurbanne",
    "siret": "21690266800013",
    "address": "Place Lazare-Goujon",
    "postal_code": "69100",
    "city": "Villeurbanne",
}
FOREIGN = [
    {"name": "Holzwerk Freiburg GmbH", "tax_status": "eu", "country_code": "DE",
     "vat_number": "DE136695976", "address": "Kaiser-Joseph-Straße 12",
     "postal_code": "79098", "city": "Freiburg", "country": "Allemagne"},
    {"name": "Atelier du Léman SA", "tax_status": "non_eu", "country_code": "CH",
     "address": "Rue du Rhône 8", "postal_code": "1204", "city": "Genève", "country": "Suisse"},
]  # fmt: skip


def _delivered_order(ctx, customer, office, lines, **fields) -> Order:
    workshop = Workshop.objects.order_by("pk").first()
    order = Order.objects.create(customer=customer, workshop=workshop, **fields)
    for position, (description, qty, unit, price) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order, position=position, description=description, quantity=D(qty),
            unit=unit, unit_price=D(price), vat_rate=D("20"),
        )  # fmt: skip
    day = ctx.today - dt.timedelta(days=12)
    order.send(by=office, today=day)
    order.accept(by=office)
    order.start_production(by=office)
    order.deliver(by=office, verdict="conforms", on=ctx.today - dt.timedelta(days=2))
    return order


def _einvoicing(ctx: DemoContext, office) -> None:
    """A public customer (Chorus Pro), two foreign ones (e-reported), recent invoices sent
    to the local platform with their statuses back (one refused), a supplier invoice in."""
    school = School.load()
    if not school.electronic_address and school.siret:
        School.objects.filter(pk=school.pk).update(electronic_address=school.siret[:9])
    public = Customer.objects.create(kind="company", tax_status="public", **PUBLIC)
    order = _delivered_order(
        ctx, public, office,
        [("Bancs de cour d'école en chêne", "6", Unit.PIECE, "310"),
         ("Pose sur site", "7", Unit.HOUR, "45")],
        title="Bancs pour l'école Jean-Jaurès", service_code="SERV-ECOLES",
        commitment_number="EJ-2026-00417",
    )  # fmt: skip
    issued = [invoicing.issue_invoice(order, office, today=ctx.today, render=False)]
    for fields in FOREIGN:
        customer = Customer.objects.create(kind="company", **fields)
        order = _delivered_order(
            ctx, customer, office, [("Plateau usiné sur plan", "4", Unit.PIECE, "85.50")],
            title="Plateaux usinés", operation_category=OperationCategory.GOODS,
        )  # fmt: skip
        issued.append(invoicing.issue_invoice(order, office, today=ctx.today, render=False))
    for invoice in issued:
        invoicing.store_pdf(invoice)
    # The latest B2B invoices go to the platform and come back with their statuses.
    recent = Invoice.objects.filter(route=Route.PLATFORM).order_by("-issue_date", "-sequence")
    flows = [exchange.send(invoice) for invoice in [*recent[:3], issued[0]]]
    exchange.sync()
    LocalPlatform.buyer_answers(flows[1].flow_id, "210", "Bon de commande absent")
    exchange.sync()
    exchange.sync()
    LocalPlatform.deliver_to_school("bois-lyonnais-F2026-311.xml", _supplier_xml(ctx, school))
    exchange.sync()


def _supplier_xml(ctx: DemoContext, school: School) -> bytes:
    """A supplier's invoice of timber to the school, in CII EN 16931."""
    line = SimpleNamespace(
        position=1, description="Chêne massif, avivés 27 mm (m³)", quantity=D("1.5"),
        unit=Unit.PIECE, unit_price=D("1240.00"), vat_rate=D("20"),
        amount_excl_vat=D("1860.00"),
    )  # fmt: skip
    day = ctx.today - dt.timedelta(days=3)
    document = SimpleNamespace(
        number="F2026-311", kind="final", issue_date=day, due_date=day + dt.timedelta(days=30),
        delivery_date=day, order_reference="BC-2026-88", operation_category="goods",
        vat_on_debits=False, vat_mention="", route="platform", buyer_reference="",
        commitment_number="", delivery_address="", customer_kind="company",
        customer_tax_status="fr_vat", customer_name=school.name,
        customer_address=f"{school.address}\n{school.postal_code} {school.city}",
        customer_siren=school.siret[:9], customer_siret="", customer_country_code="FR",
        customer_vat_number=school.vat_number, customer_electronic_address=school.siret[:9],
        issuer={"name": "Bois & Scieries du Lyonnais SARL", "siret": "40483304800022",
                "address": "12 chemin des Scieurs", "postal_code": "69280",
                "city": "Marcy-l'Étoile", "vat_number": "FR83404833048",
                "iban": "FR7630006000011234567890189", "electronic_address": "404833048"},
        by_rate=[(D("20"), D("1860.00"), D("372.00"))], total_excl_vat=D("1860.00"),
        total_vat=D("372.00"), total_incl_vat=D("2232.00"), early_payment_discount="",
        late_penalty_rate=D("12"), lines=SimpleNamespace(all=lambda: [line]),
    )  # fmt: skip
    return facturx.build_xml(document)
