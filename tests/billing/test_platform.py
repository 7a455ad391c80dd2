"""The platform connector (SPEC.md R12): issued documents are sent by a task, the local
platform rejects a document whose XML breaks the rules, statuses come back into the
document's history, and supplier invoices come in, stored and read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from billing import exchange, facturx, invoicing
from billing.models import LifecycleEvent, LocalPlatformFlow, PlatformFlow, SupplierInvoice
from billing.platform import get_platform
from billing.platform.local import LocalPlatform

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def invoice(delivered, office, school):
    return invoicing.issue_invoice(delivered, office, today=dt.date(2026, 3, 2), render=False)


def statuses(flow) -> list[str]:
    return list(flow.events.values_list("status", flat=True))


def test_issuing_queues_the_sending_outside_the_request(
    delivered, office, school, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = invoicing.issue_invoice(delivered, office, today=dt.date(2026, 3, 2))
        assert not PlatformFlow.objects.exists()  # nothing sent before the commit
    assert len(callbacks) == 2  # the PDF, then the sending
    flow = PlatformFlow.objects.get(invoice=invoice)
    assert flow.status == "200"
    assert LocalPlatformFlow.objects.get().name == f"{invoice.number}.pdf"


def test_the_round_trip_deposited_received_available_approved(invoice):
    flow = exchange.send(invoice)
    assert exchange.send(invoice) == flow  # sent once
    assert statuses(flow) == ["200"]
    for _ in range(4):
        exchange.sync()
    flow.refresh_from_db()
    assert statuses(flow) == ["200", "202", "203", "205"]
    assert flow.status == "205"


def test_a_refusal_by_the_buyer_comes_back_with_its_reason(invoice):
    flow = exchange.send(invoice)
    exchange.sync()
    LocalPlatform.buyer_answers(flow.flow_id, "210", "Commande inconnue")
    exchange.sync()
    exchange.sync()
    flow.refresh_from_db()
    assert statuses(flow) == ["200", "202", "210"]
    assert flow.status == "210"
    assert flow.events.last().reason == "Commande inconnue"


def test_the_local_platform_rejects_a_document_that_breaks_a_rule(invoice, monkeypatch):
    good = facturx.build_xml
    monkeypatch.setattr(
        facturx, "build_xml",
        lambda doc: good(doc).replace(b"<ram:TypeCode>380", b"<ram:TypeCode>999"),
    )  # fmt: skip
    flow = exchange.send(invoice)
    assert flow.status == "213"
    assert "BR-" in flow.events.get().reason
    exchange.sync()
    assert statuses(flow) == ["213"]  # a rejected flow goes no further


def test_documents_routed_elsewhere_are_not_sent(make_order, woodwork, individual, office, school):
    invoice = invoicing.issue_invoice(
        make_order(woodwork, individual, status="delivered"), office, render=False
    )
    assert invoice.route == "ereporting"
    assert exchange.send(invoice) is None
    assert not LocalPlatformFlow.objects.exists()


def supplier_pdf(invoice) -> bytes:
    """A supplier's Factur-X: one of ours serves, as another school would send it."""
    invoicing.store_pdf(invoice)
    return invoicing.stored_pdf(type(invoice).objects.get(pk=invoice.pk))


def test_a_supplier_invoice_comes_in_stored_and_read(invoice, office, client_for):
    data = supplier_pdf(invoice)
    flow_id = LocalPlatform.deliver_to_school("facture-bois.pdf", data)
    assert exchange.sync() == (0, 1)
    assert exchange.sync() == (0, 0)  # received once
    received = SupplierInvoice.objects.get()
    assert (received.flow_id, received.number, received.type_code) == (
        flow_id, invoice.number, "380",
    )  # fmt: skip
    assert received.supplier_name == "École de Production de Test"
    assert received.total_incl_vat == Decimal("360.00")
    assert received.due_date == invoice.due_date
    assert received.pdf.read() == data
    client = client_for(office)
    page = client.get(reverse("billing:supplier_invoices")).content.decode()
    assert invoice.number in page
    detail = client.get(reverse("billing:supplier_invoice", args=[received.pk]))
    assert "360,00" in detail.content.decode()


def test_a_real_platform_needs_its_adapter(settings):
    settings.EINVOICING_PLATFORM = {"URL": "https://pa.example.fr/api"}
    with pytest.raises(ImproperlyConfigured, match="local"):
        get_platform()


def test_the_statuses_show_on_the_invoice_page(invoice, office, client_for):
    exchange.send(invoice)
    exchange.sync()
    page = client_for(office).get(reverse("billing:invoice_detail", args=[invoice.pk]))
    text = page.content.decode()
    assert "Déposée" in text and "Reçue par la plateforme de l&#x27;acheteur" in text


def test_the_sync_page_is_for_the_office_and_posts_only(invoice, office, teacher, client_for):
    url = reverse("billing:platform_sync")
    assert client_for(teacher).post(url).status_code == 403
    assert client_for(office).get(url).status_code == 405
    exchange.send(invoice)
    response = client_for(office).post(url)
    assert response.status_code == 302
    assert LifecycleEvent.objects.count() == 2


def test_supplier_pages_for_the_money_roles_only(invoice, accountant, woodwork_trainer, client_for):
    from django.test import Client

    LocalPlatform.deliver_to_school("f.pdf", supplier_pdf(invoice))
    exchange.sync()
    received = SupplierInvoice.objects.get()
    urls = [
        reverse("billing:supplier_invoices"),
        reverse("billing:supplier_invoice", args=[received.pk]),
        reverse("billing:supplier_invoice_pdf", args=[received.pk]),
    ]
    for url in urls:
        assert Client().get(url).status_code == 302  # to the login
        assert client_for(woodwork_trainer).get(url).status_code == 403
        assert client_for(accountant).get(url).status_code == 200
    missing = reverse("billing:supplier_invoice", args=[received.pk + 1])
    assert client_for(accountant).get(missing).status_code == 404
    page = client_for(accountant).get(urls[0], {"q": "introuvable"}).content.decode()
    assert received.number not in page
    # The accountant reads; reading the platform is the office's.
    assert "plateforme/relever" not in client_for(accountant).get(urls[0]).content.decode()


def test_a_payment_on_an_e_invoiced_service_is_told_to_the_platform_as_cashed(
    make_order, woodwork, company, office, school, settings, django_capture_on_commit_callbacks
):
    """VAT on services is due when paid: the platform receives "Encaissée" (212) with the
    amount, once the payment commits; goods, or services under the debits option, not."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    hours = make_order(woodwork, company, status="delivered")
    hours.lines.update(unit="h")
    service = invoicing.issue_invoice(hours, office, today=dt.date(2026, 3, 2), render=False)
    goods = invoicing.issue_invoice(
        make_order(woodwork, company, status="delivered"), office, today=dt.date(2026, 3, 2),
        render=False,
    )  # fmt: skip
    assert (service.operation_category, goods.operation_category) == ("services", "goods")
    flows = [exchange.send(service), exchange.send(goods)]
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.record_payment(service, office, date=dt.date(2026, 3, 20), amount=Decimal("50"),
                                 method="transfer")  # fmt: skip
        invoicing.record_payment(goods, office, date=dt.date(2026, 3, 20), amount=Decimal("50"),
                                 method="transfer")  # fmt: skip
    assert statuses(flows[0]) == ["200", "212"]
    assert "50.00" in flows[0].events.get(status="212").reason
    assert statuses(flows[1]) == ["200"]
    exchange.sync()  # the platform does not send the school's own status back
    assert list(flows[0].events.values_list("status", flat=True)).count("212") == 1
    local = LocalPlatformFlow.objects.get(flow_id=flows[0].flow_id)
    assert "212" in [code for code, _at, _reason in local.statuses]
