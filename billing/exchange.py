"""Documents to and from the approved platform (SPEC.md R12, billing.platform).

Issued documents whose route is the platform or Chorus Pro are sent once, by a task
(django-tasks) queued when the issue commits: never inside the request. Statuses the
platform reports become the document's e-invoicing history (LifecycleEvent), its last one
the flow's status; the invoices suppliers sent the school are stored as they came, their
data read from their Factur-X XML.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task
from facturx import get_xml_from_pdf
from lxml import etree

from billing import facturx, invoicing  # invoicing schedules this module's task
from billing.models import (
    CreditNote,
    Invoice,
    LifecycleEvent,
    LifecycleStatus,
    Payment,
    PlatformFlow,
    Route,
    SupplierInvoice,
)
from billing.platform import get_platform
from orders.models import OperationCategory

SENT = (Route.PLATFORM, Route.CHORUS)
PROCESSING_RULE = {Route.PLATFORM: "B2B", Route.CHORUS: "B2G"}
MODELS = {"invoice": Invoice, "credit_note": CreditNote}


def schedule(document: Invoice | CreditNote) -> None:
    """Queue the sending of `document` once the issue commits (if its route sends it)."""
    if document.route in SENT:
        kind = "invoice" if isinstance(document, Invoice) else "credit_note"
        transaction.on_commit(lambda: send_task.enqueue(kind, document.pk))


@task()
def send_task(kind: str, pk: int) -> str:
    flow = send(MODELS[kind].objects.get(pk=pk))
    return flow.flow_id if flow else ""


def send(document: Invoice | CreditNote) -> PlatformFlow | None:
    """Submit the stored Factur-X PDF to the platform, once; None when its route does not
    go through the platform or the document predates Factur-X."""
    document = type(document).objects.get(pk=document.pk)
    if document.route not in SENT:
        return None
    link = {"invoice": document} if isinstance(document, Invoice) else {"credit_note": document}
    existing = PlatformFlow.objects.filter(**link).first()
    if existing:
        return existing
    pdf = invoicing.stored_pdf(document)
    document = type(document).objects.get(pk=document.pk)
    if not document.facturx_xml:
        return None
    answer = get_platform().submit(
        f"{document.number}.pdf", pdf, processing_rule=PROCESSING_RULE[document.route]
    )
    with transaction.atomic():
        flow = PlatformFlow.objects.create(flow_id=answer.flow_id, status=answer.status, **link)
        LifecycleEvent.objects.create(
            flow=flow, status=answer.status, at=flow.submitted_at,
            reason="; ".join(answer.reasons)[:500],
        )  # fmt: skip
    return flow


# Services whose VAT is due when paid (CGI art. 269-2-c, unless the option for debits):
# the payment received is told to the platform as the status "Encaissée" (212), which
# is how the administration learns it for an e-invoice (the e-reporting of payments is for
# the documents not e-invoiced).
CASHED_CATEGORIES = (OperationCategory.SERVICES, OperationCategory.MIXED)


def must_report_cashed(invoice: Invoice) -> bool:
    return (
        invoice.route == Route.PLATFORM
        and invoice.operation_category in CASHED_CATEGORIES
        and not invoice.vat_on_debits
        and not invoice.vat_mention
    )


def schedule_cashed(payment: Payment) -> None:
    """Queue the "Encaissée" status of `payment` once it commits, when its invoice needs it."""
    if payment.amount > 0 and must_report_cashed(payment.invoice):
        transaction.on_commit(lambda: cashed_task.enqueue(payment.pk))


@task()
def cashed_task(pk: int) -> str:
    event = report_cashed(Payment.objects.select_related("invoice").get(pk=pk))
    return event.status if event else ""


def report_cashed(payment: Payment) -> LifecycleEvent | None:
    """Tell the platform the payment received on an e-invoiced service (status 212, the
    amount in its reason), once; None when the invoice has no flow yet."""
    invoice = payment.invoice
    flow = PlatformFlow.objects.filter(invoice=invoice).first()
    if flow is None or not must_report_cashed(invoice):
        return None
    at = timezone.now()
    reason = f"Encaissement de {payment.amount:.2f} EUR le {payment.date:%d/%m/%Y}"
    get_platform().report_status(flow.flow_id, LifecycleStatus.PAID, at, reason)
    with transaction.atomic():
        event = LifecycleEvent.objects.create(
            flow=flow, status=LifecycleStatus.PAID, at=at, reason=reason
        )
        if at >= flow.status_at:
            PlatformFlow.objects.filter(pk=flow.pk).update(status=event.status, status_at=at)
    return event


def sync() -> tuple[int, int]:
    """Read back the statuses of the school's flows and receive its supplier invoices;
    (statuses recorded, invoices received)."""
    platform = get_platform()
    since = LifecycleEvent.objects.aggregate(at=Max("at"))["at"]
    flows = {f.flow_id: f for f in PlatformFlow.objects.all()}
    recorded = 0
    for report in platform.statuses(since):
        flow = flows.get(report.flow_id)
        if flow is None:
            continue
        try:
            with transaction.atomic():
                LifecycleEvent.objects.create(
                    flow=flow, status=report.status, at=report.at, reason=report.reason[:500]
                )
        except IntegrityError:  # reported twice
            continue
        recorded += 1
        if report.at >= flow.status_at or flow.status_at == flow.submitted_at:
            PlatformFlow.objects.filter(pk=flow.pk).update(
                status=report.status, status_at=report.at
            )
    received = 0
    known = set(SupplierInvoice.objects.values_list("flow_id", flat=True))
    latest = SupplierInvoice.objects.aggregate(at=Max("received_at"))["at"]
    for inbound in platform.inbound(latest - dt.timedelta(days=1) if latest else None):
        if inbound.flow_id in known:
            continue
        receive(inbound.flow_id, platform.fetch(inbound.flow_id), inbound.at)
        received += 1
    return recorded, received


def _text(tree, path: str) -> str:
    return (tree.findtext(path, namespaces=facturx.NSMAP) or "").strip()


def _date(tree, path: str) -> dt.date | None:
    text = _text(tree, path)
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


def _money(tree, path: str) -> Decimal:
    return Decimal(_text(tree, path) or "0")


def read_invoice(xml: bytes) -> dict:
    """The main data of a CII invoice (any Factur-X profile from BASIC up)."""
    tree = etree.fromstring(xml)
    seller = ".//ram:SellerTradeParty"
    totals = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    lines = [
        {
            "description": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            "quantity": _text(item, ".//ram:BilledQuantity"),
            "amount": _text(item, ".//ram:LineTotalAmount"),
            "vat_rate": _text(item, ".//ram:RateApplicablePercent"),
        }
        for item in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem", facturx.NSMAP)
    ]
    return {
        "type_code": _text(tree, "rsm:ExchangedDocument/ram:TypeCode"),
        "number": _text(tree, "rsm:ExchangedDocument/ram:ID"),
        "issue_date": _date(tree, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"),
        "due_date": _date(tree, ".//ram:DueDateDateTime/udt:DateTimeString"),
        "supplier_name": _text(tree, f"{seller}/ram:Name"),
        "supplier_siren": _text(tree, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID"),
        "supplier_vat_number": _text(tree, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID"),
        "total_excl_vat": _money(tree, f"{totals}/ram:TaxBasisTotalAmount"),
        "total_vat": _money(tree, f"{totals}/ram:TaxTotalAmount"),
        "total_incl_vat": _money(tree, f"{totals}/ram:GrandTotalAmount"),
        "amount_due": _money(tree, f"{totals}/ram:DuePayableAmount"),
        "lines": lines,
    }


def receive(flow_id: str, data: bytes, at: dt.datetime) -> SupplierInvoice:
    """Store a supplier's document as it came (a Factur-X PDF, or a bare CII XML)."""
    if data.startswith(b"%PDF"):
        _name, xml = get_xml_from_pdf(data, check_xsd=False)
    else:
        xml, data = data, b""
    invoice = SupplierInvoice(flow_id=flow_id, received_at=at, xml=xml.decode(),
                              **read_invoice(xml))  # fmt: skip
    if data:
        invoice.pdf.save(f"{flow_id}.pdf", ContentFile(data), save=False)
    invoice.save()
    return invoice
