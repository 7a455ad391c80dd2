"""Issuing invoices and credit notes, recording payments (SPEC.md R4).

The law (CGI art. 242 nonies A, BOI-TVA-DECLA-30-20-20) asks for invoice numbers in one
continuous series with no gap: a number is taken only inside the transaction that creates
the invoice, from a yearly counter row locked with SELECT ... FOR UPDATE, so that a
failure after taking it rolls the counter back with everything else, and two people
issuing at the same second queue on the lock. The (year, sequence) unique constraint is
the last line of defence. PDFs are rendered after commit (slow, and not part of the law's
data) and stored once with their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import exchange, facturx, numbering, reform
from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, NumberSeries, Payment
from ecoles import pdf, stored
from ecoles.formats import money
from ecoles.models import School
from orders.models import ZERO, Customer, Order, Totals, Unit, cents, compute_totals

logger = logging.getLogger(__name__)


class InvoicingError(ValidationError):
    """An invoice, credit note or payment the rules refuse; the message says why."""


def check_chronology(kind: str, today: dt.date) -> None:
    """A series is chronological as well as continuous (CGI art. 242 nonies A, I 1° of annexe
    II: "une numérotation unique basée sur une séquence chronologique et continue"): nothing
    is issued dated before the latest document of its series. Called under the series'
    lock by the issuer, and without it by the previews."""
    model = Invoice if kind == NumberSeries.Kind.INVOICE else CreditNote
    latest = (
        model.objects.filter(year=today.year, issue_date__gt=today)
        .order_by("-issue_date", "-sequence")
        .only("number", "issue_date")
        .first()
    )
    if latest is not None:
        raise InvoicingError(
            _(
                "%(number)s was issued on %(date)s: a document of its series cannot be "
                "dated before it (numbers follow the dates)."
            )
            % {"number": latest.number, "date": latest.issue_date.strftime("%d/%m/%Y")}
        )


def _issued(kind: str, school: School, today: dt.date, by, totals) -> dict:
    """What an invoice and a credit note both carry from the moment of issue: the next
    number of the year's series (taken here, inside the caller's transaction), who issued
    it and when, the school as it stands, and the totals."""
    sequence, number = numbering.next_number(kind, today, school)
    check_chronology(kind, today)  # under the series' lock: no one issues meanwhile
    return {
        "number": number,
        "year": today.year,
        "sequence": sequence,
        "issue_date": today,
        "issued_by": by,
        "issuer": school_identity(school),
        "vat_breakdown": [[str(r), str(b), str(v)] for r, b, v in totals.by_rate],
        "total_excl_vat": totals.excl_vat,
        "total_vat": totals.vat,
        "total_incl_vat": totals.incl_vat,
    }


def _line_fields(lines) -> list[dict]:
    """The document's lines, numbered from 1, each with its amount excluding VAT."""
    return [
        {
            "position": position, "description": ln.description, "quantity": ln.quantity,
            "unit": ln.unit, "unit_price": ln.unit_price, "vat_rate": ln.vat_rate,
            "amount_excl_vat": ln.amount, "vat_category": getattr(ln, "vat_category", ""),
        }
        for position, ln in enumerate(lines, start=1)
    ]  # fmt: skip


def school_identity(school: School) -> dict:
    """What the document says about the issuer, frozen at issue."""
    return {
        name: getattr(school, name)
        for name in (
            "name", "legal_form", "address", "postal_code", "city", "phone", "email",
            "website", "siret", "uai", "vat_number", "iban", "vat_regime",
            "electronic_address",
        )
    }  # fmt: skip


def customer_identity(customer: Customer) -> dict:
    company = customer.is_company
    return {
        "customer_kind": customer.kind,
        "customer_name": customer.name,
        "customer_address": customer.billing_address,
        "customer_address_line1": customer.address,
        "customer_address_line2": customer.address_line2,
        "customer_postcode": customer.postal_code,
        "customer_city": customer.city,
        "customer_country": customer.country,
        "customer_siren": customer.siren if company else "",
        "customer_vat_number": customer.vat_number if company else "",
        **reform.customer_fields(customer),
    }


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    vat_category: str = ""  # set when the customer's place exempts it (reform.place_of_supply)

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


def _deposit_lines(order: Order, percent: Decimal, charges_vat: bool) -> list[Line]:
    totals = order.totals(charges_vat)
    abroad = charges_vat and reform.is_abroad(order.customer)
    if not charges_vat:
        bases = [(ZERO, totals.excl_vat, "")]
    elif abroad:
        # A business abroad: one deposit line per VAT category of the order's lines
        # (goods exempt, services reverse-charged or outside scope), none charged.
        by_category: dict[str, Decimal] = {}
        for line in order.lines.all():
            category = order.line_category(line.unit)
            by_category[category] = by_category.get(category, ZERO) + line.amount_excl_vat
        bases = [(ZERO, base, category) for category, base in sorted(by_category.items())]
    else:
        bases = [(rate, base, "") for rate, base, _vat in totals.by_rate]
    text = _("Deposit of %(percent)s %% on quote %(ref)s")
    percent_text = f"{percent.normalize():f}".replace(".", ",")
    return [
        Line(
            text % {"percent": percent_text, "ref": order.reference},
            Decimal("1"),
            Unit.LUMP_SUM,
            cents(base * percent / 100),
            rate,
            category,
        )
        for rate, base, category in bases
        if base
    ]


def _final_lines(order: Order) -> list[Line]:
    """The order's lines less its deposits, each net of its credit notes: a deposit
    credited before delivery was never kept, so it is not deducted (or only what remains
    of it), and the order is billed its whole total."""
    lines = [
        Line(line.description, line.quantity, line.unit, line.unit_price, line.vat_rate)
        for line in order.lines.all()
    ]
    deposits = order.invoices.filter(kind=Invoice.Kind.DEPOSIT).prefetch_related(
        "lines", "credit_notes__lines"
    )
    for deposit in deposits:
        # Per rate and VAT category: a deposit to a business abroad is deducted from the
        # category it was invoiced in.
        kept: dict[tuple[Decimal, str], Decimal] = {}
        for line in deposit.lines.all():
            key = (line.vat_rate, line.vat_category)
            kept[key] = kept.get(key, ZERO) + line.amount_excl_vat
        for note in deposit.credit_notes.all():
            for line in note.lines.all():
                key = (line.vat_rate, line.vat_category)
                kept[key] = kept.get(key, ZERO) - line.amount_excl_vat
        for (rate, category), amount in kept.items():
            if amount > 0:
                lines.append(
                    Line(
                        _("Deposit already invoiced (%(number)s)") % {"number": deposit.number},
                        Decimal("1"),
                        Unit.LUMP_SUM,
                        -amount,
                        rate,
                        category,
                    )
                )
    return lines


def _final_totals(order: Order, lines: list[Line], charges_vat: bool) -> Totals:
    """The final invoice's totals: its VAT at each rate is the order's VAT at that rate less
    what its deposits (net of their credit notes) charged, so that the deposits and the
    final invoice add up to the order to the cent; VAT computed again on what is left
    could lose one (100,03 € at 20 %: 10,00 € on each half, 20,01 € on the whole)."""
    totals = compute_totals(((ln.amount, ln.vat_rate) for ln in lines), charges_vat)
    if not charges_vat:
        return totals
    vat = {rate: v for rate, _b, v in order.totals(charges_vat).by_rate}
    deposits = order.invoices.filter(kind=Invoice.Kind.DEPOSIT).prefetch_related("credit_notes")
    for deposit in deposits:
        for rate, _b, v in deposit.by_rate:
            vat[rate] = vat.get(rate, ZERO) - v
        for note in deposit.credit_notes.all():
            for rate, _b, v in note.by_rate:
                vat[rate] = vat.get(rate, ZERO) + v
    by_rate = [(rate, base, vat.get(rate, v)) for rate, base, v in totals.by_rate]
    total_vat = sum((v for _r, _b, v in by_rate), ZERO)
    return Totals(
        excl_vat=totals.excl_vat, vat=total_vat, incl_vat=totals.excl_vat + total_vat,
        by_rate=by_rate,
    )  # fmt: skip


@dataclass
class Draft:
    """What issuing would write, computed without writing it: the confirmation page shows
    it, issue_invoice() issues it."""

    kind: str
    lines: list[Line]
    totals: Totals
    due_date: dt.date


def draft_invoice(
    order: Order, school: School, *, deposit_percent: Decimal | None = None, today: dt.date
) -> Draft:
    """The invoice `issue_invoice` would issue now, or an InvoicingError saying why none."""
    if deposit_percent is None:
        if order.status == Order.Status.REWORK:
            raise InvoicingError(
                _(
                    "The delivery does not conform: it is reworked and delivered again, "
                    "or accepted as is by the director, before it is invoiced."
                )
            )
        if order.status != Order.Status.DELIVERED:
            raise InvoicingError(_("Only a delivered order can be invoiced."))
        kind = Invoice.Kind.FINAL
        lines = _final_lines(order)
    else:
        if order.status not in (Order.Status.ACCEPTED, Order.Status.IN_PRODUCTION):
            raise InvoicingError(
                _("A deposit invoice is issued on an accepted order, before delivery.")
            )
        if not Decimal("0") < deposit_percent <= Decimal("100"):
            raise InvoicingError(_("A deposit is between 0 and 100 %."))
        kind = Invoice.Kind.DEPOSIT
        lines = _deposit_lines(order, deposit_percent, school.charges_vat)
    # VAT follows where the customer is (R12): a business abroad is charged no French VAT.
    lines = reform.place_of_supply(lines, order, school)
    if kind == Invoice.Kind.FINAL:
        totals = _final_totals(order, lines, school.charges_vat)
    else:
        totals = compute_totals(((ln.amount, ln.vat_rate) for ln in lines), school.charges_vat)
    if kind == Invoice.Kind.DEPOSIT:
        # What earlier deposits still ask, net of their credit notes.
        deposited = sum(
            (
                i.net_incl_vat
                for i in order.invoices.filter(kind=Invoice.Kind.DEPOSIT).with_balance()
            ),
            ZERO,
        )
        if deposited + totals.incl_vat > order.totals(school.charges_vat).incl_vat:
            raise InvoicingError(_("Deposits cannot exceed the order's total."))
    # A final invoice of nothing is still issued when deposits were the whole order
    # (the law wants the final invoice, with the deposits deducted); else nothing to do.
    deducted = kind == Invoice.Kind.FINAL and any(ln.amount < 0 for ln in lines)
    if not lines or totals.incl_vat < 0 or (totals.incl_vat == 0 and not deducted):
        raise InvoicingError(_("There is nothing to invoice on this order."))
    # The reform (R12): from the school's e-invoicing date, no domestic B2B invoice
    # without the customer's SIREN; the preview says so before the issue is asked.
    reform.check_can_issue(order.customer, school, today)
    check_chronology(NumberSeries.Kind.INVOICE, today)

    return Draft(kind, lines, totals, today + dt.timedelta(days=school.payment_terms_days))


def issue_invoice(
    order: Order,
    by,
    *,
    deposit_percent: Decimal | None = None,
    today: dt.date | None = None,
    render: bool = True,
) -> Invoice:
    """Issue the invoice of a delivered order, or a deposit invoice (acompte) of
    `deposit_percent` % on an accepted order. Returns the committed invoice."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
        school = School.load()
        draft = draft_invoice(order, school, deposit_percent=deposit_percent, today=today)
        kind, lines, totals = draft.kind, draft.lines, draft.totals
        invoice = Invoice.objects.create(
            order=order,
            kind=kind,
            delivery_date=order.delivered_on if kind == Invoice.Kind.FINAL else None,
            due_date=draft.due_date,
            order_reference=order.reference,
            customer_po_number=order.customer_po_number,
            late_penalty_rate=school.late_penalty_rate,
            early_payment_discount=school.early_payment_discount,
            vat_mention=school.vat_mention,
            **_issued(NumberSeries.Kind.INVOICE, school, today, by, totals),
            **customer_identity(order.customer),
            **reform.invoice_fields(order, lines, school),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(invoice=invoice, **fields) for fields in _line_fields(lines)
        )
        if kind == Invoice.Kind.FINAL:
            order._mark_invoiced(by)
            settle(invoice, by)  # deposits already paid may settle the order at once
        if render:
            transaction.on_commit(lambda: _store_quietly(invoice))
            exchange.schedule(invoice)
    return invoice


def issue_credit_note(
    invoice: Invoice,
    by,
    *,
    reason: str,
    amount_excl_vat: Decimal | None = None,
    vat_rate: Decimal | None = None,
    today: dt.date | None = None,
    render: bool = True,
) -> CreditNote:
    """A credit note (avoir) on `invoice`: in full (no amount) or for `amount_excl_vat` at
    `vat_rate`. An invoice is never credited beyond its total including VAT."""
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        # Lock the invoice: two credit notes at once must not both fit in what remains;
        # then its order (the order issue_invoice locks): a final invoice issued meanwhile
        # sees this credit note, or this credit note sees it.
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        Order.objects.select_for_update().only("pk").get(pk=invoice.order_id)
        school = School.load()
        if invoice.kind == Invoice.Kind.DEPOSIT:
            _refuse_if_deducted(invoice)
        charges_vat = not invoice.vat_mention
        already = (
            Invoice.objects.with_balance()
            .values_list("amount_credited", flat=True)
            .get(pk=invoice.pk)
        )
        if amount_excl_vat is None:
            if already:
                raise InvoicingError(
                    _("This invoice was already credited in part: credit the rest by amount.")
                )
            lines = [
                SimpleNamespace(
                    description=ln.description, quantity=ln.quantity, unit=ln.unit,
                    unit_price=ln.unit_price, vat_rate=ln.vat_rate, amount=ln.amount_excl_vat,
                    vat_category=ln.vat_category,
                )
                for ln in invoice.lines.all()
            ]  # fmt: skip
        else:
            if amount_excl_vat <= 0:
                raise InvoicingError(_("A credit note's amount must be positive."))
            rates = {r for r, _b, _v in invoice.by_rate} or {ZERO}
            rate = Decimal(vat_rate) if vat_rate is not None else max(rates)
            if charges_vat and rate not in rates:
                raise InvoicingError(_("This VAT rate does not appear on the invoice."))
            amount = cents(amount_excl_vat)
            lines = [
                SimpleNamespace(
                    description=reason, quantity=Decimal("1"), unit=Unit.LUMP_SUM,
                    unit_price=amount, vat_rate=rate, amount=amount,
                    vat_category=reform.credited_category(invoice, rate),
                )
            ]  # fmt: skip
        totals = compute_totals(((ln.amount, ln.vat_rate) for ln in lines), charges_vat)
        if already + totals.incl_vat > invoice.total_incl_vat:
            raise InvoicingError(
                _(
                    "An invoice cannot be credited beyond its total: %(left)s incl. VAT "
                    "remain to credit."
                )
                % {"left": money(invoice.total_incl_vat - already)}
            )
        note = CreditNote.objects.create(
            invoice=invoice,
            reason=reason,
            customer_kind=invoice.customer_kind,
            customer_name=invoice.customer_name,
            customer_address=invoice.customer_address,
            customer_address_line1=invoice.customer_address_line1,
            customer_address_line2=invoice.customer_address_line2,
            customer_postcode=invoice.customer_postcode,
            customer_city=invoice.customer_city,
            customer_country=invoice.customer_country,
            customer_siren=invoice.customer_siren,
            customer_vat_number=invoice.customer_vat_number,
            vat_mention=invoice.vat_mention,
            **reform.credit_note_fields(invoice),
            **_issued(NumberSeries.Kind.CREDIT_NOTE, school, today, by, totals),
        )
        CreditNoteLine.objects.bulk_create(
            CreditNoteLine(credit_note=note, **fields) for fields in _line_fields(lines)
        )
        settle(invoice, by)
        if render:
            transaction.on_commit(lambda: _store_quietly(note))
            exchange.schedule(note)
    return note


def _refuse_if_deducted(deposit: Invoice) -> None:
    """A deposit deducted from the order's final invoice is part of what that invoice
    settles: crediting it would leave the order billed less than its total (144 € became
    100,80 €). The final invoice is credited instead; once it is credited in full, the
    deposit may be too."""
    finals = (
        Invoice.objects.filter(order=deposit.order_id, kind=Invoice.Kind.FINAL)
        .with_balance()
        .order_by("sequence")
    )
    for final in finals:
        if final.amount_credited < final.total_incl_vat:
            raise InvoicingError(
                _(
                    "This deposit is deducted from invoice %(number)s: credit that invoice "
                    "instead, in full or in part."
                )
                % {"number": final.number}
            )


def check_payment(
    invoice: Invoice,
    by,
    *,
    date: dt.date,
    amount: Decimal,
    method: str,
    reference: str = "",
) -> Payment:
    """The payment `record_payment` would record, checked and not saved: pure (no write, no
    lock), so the confirmation page asks only for what will pass; `record_payment` runs it
    again on the locked invoice."""
    invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
    if amount <= 0:
        raise InvoicingError(_("A payment's amount must be positive."))
    # More than is due is recorded as it came (issue #29 §3): the bank and the books
    # agree, the invoice is paid and the excess is the customer's credit (billing.credit).
    if date < invoice.issue_date:
        raise InvoicingError(_("A payment cannot be dated before its invoice."))
    payment = Payment(
        invoice=invoice, date=date, amount=amount, method=method, reference=reference,
        recorded_by=by,
    )  # fmt: skip
    payment.full_clean(exclude=["recorded_by"])
    return payment


def record_payment(
    invoice: Invoice,
    by,
    *,
    date: dt.date,
    amount: Decimal,
    method: str,
    reference: str = "",
) -> Payment:
    """Record money received; the order is paid when its invoice is covered. More than
    the balance is the customer's credit, to refund or use on another invoice."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment = check_payment(
            invoice, by, date=date, amount=amount, method=method, reference=reference
        )
        payment.save(force_insert=True)
        settle(invoice, by)
        exchange.schedule_cashed(payment)  # an e-invoiced service: "Encaissée" (212)
    return payment


def check_reversal(payment: Payment, by, *, reason: str, today: dt.date | None = None) -> Payment:
    """The reversing entry `reverse_payment` would record, checked and not saved (pure)."""
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise InvoicingError(_("Say why the payment is cancelled."))
    if payment.reverses_id:
        raise InvoicingError(_("A cancellation cannot itself be cancelled."))
    if Payment.objects.filter(reverses=payment).exists():
        raise InvoicingError(_("This payment is already cancelled."))
    reversal = Payment(
        invoice_id=payment.invoice_id, date=max(today, payment.date), amount=-payment.amount,
        method=payment.method, reference=payment.reference, reverses=payment,
        reason=reason, recorded_by=by,
    )  # fmt: skip
    # The cancellation passes the model's own validation, like any payment.
    reversal.full_clean(exclude=["recorded_by"])
    return reversal


def reverse_payment(payment: Payment, by, *, reason: str, today: dt.date | None = None) -> Payment:
    """Cancel a payment recorded by mistake, or a cheque returned unpaid: a reversing entry
    of the opposite amount, dated today, that says why. The payment stays in the books
    beside it; the invoice is due again, and a paid order goes back to invoiced."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        reversal = check_reversal(
            Payment.objects.get(pk=payment.pk), by, reason=reason, today=today
        )
        reversal.save(force_insert=True)
        settle(invoice, by, reversal.reason)
    return reversal


def settle(invoice: Invoice, by, reason: str = "") -> None:
    """An invoice covered by payments and credit notes is settled (the lists of what is
    owed skip it). An invoiced order is paid once every invoice of it, deposits and final,
    is settled and money was received on it (an order credited in full is not "paid");
    a cancelled payment can make both owed again."""
    invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
    covered = invoice.is_paid
    if covered != invoice.settled:
        invoice.settled = covered
        invoice.save(update_fields=["settled"])
    order = Order.objects.select_for_update().get(pk=invoice.order_id)
    if order.status not in (Order.Status.INVOICED, Order.Status.PAID):
        return
    invoices = list(Invoice.objects.filter(order=order).with_balance())
    received = sum(i.amount_paid + i.credit_received for i in invoices)
    paid = all(i.is_paid for i in invoices) and received > 0
    if order.status == Order.Status.INVOICED and paid:
        order._mark_paid(by)
    elif order.status == Order.Status.PAID and not paid:
        order._mark_unpaid(by, reason)


# --- stored PDFs -------------------------------------------------------------------------


def render_pdf(template: str, context: dict, **options) -> bytes:
    """Render a document of ours to PDF bytes (ecoles.pdf, the only WeasyPrint user)."""
    return pdf.render_pdf(template, context, **options)


def render_document(document: Invoice | CreditNote, **options) -> bytes:

    live = School.load()
    issuer = SimpleNamespace(**{**document.issuer, "logo": live.logo})
    if isinstance(document, Invoice):
        template, context = "pdf/invoice.html", {"invoice": document}
    else:
        template, context = "pdf/credit_note.html", {"note": document, "invoice": document.invoice}
    context = {**context, "school": issuer, "lines": list(document.lines.all())}
    return render_pdf(template, context, **options)


def render_facturx(document: Invoice | CreditNote) -> tuple[bytes, bytes]:
    """(the Factur-X PDF/A-3, its XML) of an issued document, from its frozen data."""
    xml = facturx.build_xml(document)
    pdf_a = render_document(document, pdf_variant="pdf/a-3b")
    return facturx.embed(pdf_a, xml, document), xml


def store_pdf(document: Invoice | CreditNote) -> Invoice | CreditNote:
    """Render and store the PDF once; a document that has one keeps it forever."""
    model = type(document)
    document = model.objects.get(pk=document.pk)
    if document.pdf:
        return document
    # Documents issued before Factur-X (no route frozen) keep the PDF they always had.
    xml = b""
    if document.route:
        data, xml = render_facturx(document)
    else:
        data = render_document(document)
    also = {}
    if xml:
        also = {"facturx_xml": xml.decode(), "xml_sha256": stored.sha256(xml)}
    stored.store_once(document, data, filename="doc.pdf", **also)
    return model.objects.get(pk=document.pk)


def stored_pdf(document: Invoice | CreditNote) -> bytes:
    """The stored PDF, exactly as stored; rendered now if it never was (lazy, e.g. demo)."""
    if not document.pdf:
        document = store_pdf(document)
    return stored.read_checked(document)


def _store_quietly(document) -> None:
    try:
        store_pdf(document)
    except Exception:  # the PDF will be rendered on first download instead
        logger.exception("could not render the PDF of %s", document.number)
