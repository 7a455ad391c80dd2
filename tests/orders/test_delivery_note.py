"""The customer's purchase order number (on the order, copied into the invoice, printed)
and the delivery note to sign at delivery (SPEC.md R11)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from billing import invoicing
from billing.models import Invoice
from orders import documents

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_po_number_is_copied_into_the_invoice_and_printed(delivered, office, school):
    delivered.customer_po_number = "BC-2026-0415"
    delivered.save()
    invoice = invoicing.issue_invoice(delivered, office, today=dt.date(2026, 3, 2), render=False)
    delivered.customer_po_number = "changed later"
    delivered.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.customer_po_number == "BC-2026-0415"
    assert "BC-2026-0415" in text_of(invoicing.render_document(invoice))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_invoice SET customer_po_number = 'x' WHERE id = %s", [invoice.pk]
        )


def test_the_delivery_note_lists_what_is_handed_over_without_prices(delivered, school):
    delivered.customer_po_number = "BC-77"
    delivered.save()
    text = text_of(documents.render_delivery_note(delivered))
    assert "Bon de livraison" in text and "BC-77" in text
    assert "150,00" not in text  # no price on a delivery note
    assert "Reçu par le client" in text


def test_the_delivery_note_is_offered_on_the_order_page(delivered, office, client_for):
    client = client_for(office)
    url = reverse("orders:delivery_note_pdf", args=[delivered.pk])
    assert url in client.get(reverse("orders:detail", args=[delivered.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_delivery_note_access(delivered, client, client_for, machining_trainer, teacher):
    url = reverse("orders:delivery_note_pdf", args=[delivered.pk])
    assert client.get(url).status_code == 302
    assert client_for(teacher).get(url).status_code == 403
    assert client_for(machining_trainer).get(url).status_code == 404  # another workshop's


def test_the_order_form_takes_the_po_number(wood_order, office, client_for):
    client = client_for(office)
    page = client.get(reverse("orders:edit", args=[wood_order.pk])).content.decode()
    assert 'name="customer_po_number"' in page
