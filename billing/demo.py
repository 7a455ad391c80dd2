"""Demo invoices, credit notes and payments, issued through billing.invoicing in date order
for the orders that orders/demo.py planned as invoiced or paid, so that the numbering is
the real one. PDFs are rendered lazily on first download, except a few recent ones at
scale 1."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Max
from django.utils import timezone

from billing import exchange, facturx, invoicing, refunds, reminders, sending
from billing.models import (
    CreditNote,
    DocumentSend,
    Invoice,
    LifecycleEvent,
    LifecycleStatus,
    PlatformFlow,
    Reminder,
    Route,
)
from billing.platform.local import LocalPlatform
from ecoles.demo import DemoContext
from ecoles.models import Policy, School, Workshop
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
    seed_money_in(ctx)
    if ctx.scale > 1:
        _history(ctx)


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
            reminders_made += 1
            if not _to(invoice):
                continue  # no address: prepared, to be printed and posted, never mailed
            DocumentSend.objects.create(
                kind=DocumentSend.Kind.REMINDER, customer=invoice.order.customer,
                reminder=reminder, recipients=_to(invoice), subject=f"Relance : facture "
                f"{invoice.number}", status=DocumentSend.Status.SENT, attempts=1,
                created_at=at, created_by=office, sent_at=at + dt.timedelta(minutes=1),
            )  # fmt: skip
    # The latest invoices of customers with an address went by mail; one address bounced.
    latest = Invoice.objects.select_related("order__customer").prefetch_related(
        "order__customer__contacts"
    )
    recent = [i for i in latest.order_by("-issue_date", "-pk")[:40] if _to(i)][:8]
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
    """Where the invoice's documents are mailed; empty for a customer without an address
    (issue 29 §5: the demo mailed reminders to customers shown as having none)."""
    return ",".join(sending.recipients(invoice.order.customer))


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
        # Credited once paid (issue 29 §5: the demo refunded before the money came in)...
        paid_on = invoice.payments.aggregate(m=Max("date"))["m"] or invoice.issue_date
        day = min(max(invoice.issue_date + dt.timedelta(days=30), paid_on), ctx.today)
        # ... and never before the latest credit note: the series follows the dates
        # (CGI 242 nonies A).
        latest = CreditNote.objects.filter(year=day.year).aggregate(m=Max("issue_date"))["m"]
        day = max(day, latest or day)
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
     "registration_number": "CHE-105.838.574",
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


# --- history at scale N (issue #32) ---------------------------------------------------------

SUPPLIERS = [
    ("Bois & Scieries du Lyonnais SARL", "40483304800022", "FR83404833048", "Chêne massif (m³)"),
    ("Aciers Découpés du Rhône SAS", "38012345600017", "FR12380123456", "Barres d'acier S235"),
    ("Métro Cash & Carry Lyon", "39931525700013", "FR20399315257", "Denrées alimentaires"),
]


def _history(ctx: DemoContext) -> None:
    """At scale N, the years before the current one: every invoice mailed on its issue
    day, a friendly reminder (and its mail) for those paid after its step, a credit note
    refunded each past calendar year, the platform's lifecycle statuses of the B2B
    invoices (deposited, received, approved, paid) and a supplier's invoice a month
    through the platform; today's reminders prepared as letters to post. Own random
    source: the seeders after this draw as before."""
    rng = random.Random(32)  # noqa: S311 (demo data)
    office = ctx.users["office"]
    accountant = ctx.users.get("accountant", office)
    policy = Policy.load()
    start = policy.school_year_start(ctx.today)
    first = start.replace(year=start.year - ctx.scale + 1)
    friendly_days = reminders.thresholds(policy)[0][1]
    invoices = list(
        Invoice.objects.filter(issue_date__lt=start, kind=Invoice.Kind.FINAL)
        .exclude(sends__isnull=False)
        .select_related("order__customer")
        .annotate(paid_on=Max("payments__date"))
        .order_by("issue_date", "pk")
    )
    sends, ladder, flows, events = [], [], [], []
    for n, invoice in enumerate(invoices):
        ctx.bar("billing: history", n + 1, len(invoices))
        at = timezone.make_aware(dt.datetime.combine(invoice.issue_date, dt.time(16, 40)))
        to = ",".join(sending.recipients(invoice.order.customer)) or "contact@example.fr"
        sends.append(
            DocumentSend(
                kind=DocumentSend.Kind.INVOICE, customer=invoice.order.customer,
                invoice=invoice, recipients=to, subject=f"Facture {invoice.number}",
                status=DocumentSend.Status.SENT, attempts=1, created_at=at, created_by=office,
                sent_at=at + dt.timedelta(minutes=rng.randrange(1, 5)),
            )
        )  # fmt: skip
        paid_on = invoice.paid_on
        if paid_on and (paid_on - invoice.due_date).days > friendly_days:
            when = timezone.make_aware(
                dt.datetime.combine(
                    invoice.due_date + dt.timedelta(days=friendly_days), dt.time(9, 15)
                )
            )
            ladder.append(
                (
                    Reminder(
                        invoice=invoice, level=Reminder.Level.FRIENDLY,
                        balance_due=invoice.total_incl_vat, days_late=friendly_days,
                        created_at=when, created_by=office,
                    ),
                    DocumentSend(
                        kind=DocumentSend.Kind.REMINDER, customer=invoice.order.customer,
                        recipients=to, subject=f"Relance : facture {invoice.number}",
                        status=DocumentSend.Status.SENT, attempts=1, created_at=when,
                        created_by=office, sent_at=when + dt.timedelta(minutes=1),
                    ),
                )
            )  # fmt: skip
        if invoice.route == Route.PLATFORM:
            flows.append(
                PlatformFlow(
                    invoice=invoice, flow_id=f"DEMO-{invoice.number}", submitted_at=at,
                    status=LifecycleStatus.PAID if paid_on else LifecycleStatus.APPROVED,
                    status_at=at + dt.timedelta(days=(paid_on - invoice.issue_date).days)
                    if paid_on else at + dt.timedelta(days=4),
                )
            )  # fmt: skip
    Reminder.objects.bulk_create([r for r, _ in ladder], batch_size=2000)
    for reminder, mail in ladder:
        mail.reminder = reminder
    DocumentSend.objects.bulk_create(sends + [m for _, m in ladder], batch_size=2000)
    PlatformFlow.objects.bulk_create(flows, batch_size=2000)
    steps = [
        (LifecycleStatus.DEPOSITED, 0), (LifecycleStatus.RECEIVED, 1),
        (LifecycleStatus.APPROVED, 4),
    ]  # fmt: skip
    for flow in flows:
        events += [
            LifecycleEvent(flow=flow, status=s, at=flow.submitted_at + dt.timedelta(days=d))
            for s, d in steps
        ]
        if flow.status == LifecycleStatus.PAID:
            events.append(LifecycleEvent(flow=flow, status=flow.status, at=flow.status_at))
    LifecycleEvent.objects.bulk_create(events, batch_size=2000, ignore_conflicts=True)
    refunded = _history_refunds(ctx, accountant, first, start)
    school = School.load()
    received = 0
    month = first
    while month < start:
        name, siret, vat, label = SUPPLIERS[received % len(SUPPLIERS)]
        day = month + dt.timedelta(days=rng.randrange(0, 25))
        number = f"F{day.year}-{100 + received}"
        xml = _history_supplier_xml(school, name, siret, vat, label, number, day, rng)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 30)))
        exchange.receive(f"DEMO-IN-{number}", xml, at)
        received += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # The reminders due today prepared as letters, waiting to be posted: the office's
    # batch to print (bench/run.py times its PDF).
    due = {item.invoice.pk for item in reminders.pending(ctx.today)}
    letters = reminders.prepare_letters(ctx.today, office, due, registered=False)
    ctx.progress(
        f"billing: history of {len(sends)} invoices mailed, {len(ladder)} reminders, "
        f"{refunded} refunds, {len(flows)} platform flows, {received} supplier invoices, "
        f"{len(letters)} letters to post"
    )


def _history_refunds(ctx: DemoContext, accountant, first: dt.date, start: dt.date) -> int:
    """Each past calendar year, a paid invoice credited a month later and refunded (the
    credit note dated after the year's latest: the series follows the dates)."""
    done = 0
    for year in range(first.year, start.year + 1):
        invoice = (
            Invoice.objects.paid()
            .filter(kind=Invoice.Kind.FINAL, amount_credited=0, issue_date__year=year)
            .filter(issue_date__gte=first, issue_date__lt=min(start, dt.date(year, 11, 1)))
            .order_by("issue_date", "pk")
            .first()
        )
        if invoice is None:
            continue
        day = invoice.issue_date + dt.timedelta(days=30)
        latest = CreditNote.objects.filter(year=year).aggregate(m=Max("issue_date"))["m"]
        day = max(day, latest or day)
        if day.year != year or day > ctx.today:
            continue
        invoicing.issue_credit_note(
            invoice, accountant, reason="Pièce abîmée à la livraison, remise accordée",
            amount_excl_vat=(invoice.total_excl_vat / 5).quantize(D("0.01")), today=day,
            render=False,
        )  # fmt: skip
        invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
        refunds.record_refund(
            invoice, accountant, date=min(day + dt.timedelta(days=5), ctx.today),
            amount=-invoice.balance_due, method="transfer",
            reference=f"VIR-REMB-{year}", today=ctx.today,
        )  # fmt: skip
        done += 1
    return done


def _history_supplier_xml(school, name, siret, vat, label, number, day, rng) -> bytes:
    """A supplier's invoice to the school, in CII EN 16931 (as _supplier_xml, dated)."""
    quantity = D(rng.randint(2, 12))
    price = D(rng.randint(80, 900))
    excl = quantity * price
    tax = (excl * D("0.2")).quantize(D("0.01"))
    line = SimpleNamespace(
        position=1, description=label, quantity=quantity, unit=Unit.PIECE, unit_price=price,
        vat_rate=D("20"), amount_excl_vat=excl,
    )  # fmt: skip
    document = SimpleNamespace(
        number=number, kind="final", issue_date=day, due_date=day + dt.timedelta(days=30),
        delivery_date=day, order_reference="", operation_category="goods",
        vat_on_debits=False, vat_mention="", route="platform", buyer_reference="",
        commitment_number="", delivery_address="", customer_kind="company",
        customer_tax_status="fr_vat", customer_name=school.name,
        customer_address=f"{school.address}\n{school.postal_code} {school.city}",
        customer_siren=school.siret[:9], customer_siret="", customer_country_code="FR",
        customer_vat_number=school.vat_number, customer_electronic_address=school.siret[:9],
        issuer={"name": name, "siret": siret, "address": "Zone industrielle",
                "postal_code": "69200", "city": "Vénissieux", "vat_number": vat,
                "iban": "FR7630006000011234567890189", "electronic_address": siret[:9]},
        by_rate=[(D("20"), excl, tax)], total_excl_vat=excl, total_vat=tax,
        total_incl_vat=excl + tax, early_payment_discount="", late_penalty_rate=D("12"),
        lines=SimpleNamespace(all=lambda: [line]),
    )  # fmt: skip
    return facturx.build_xml(document)
