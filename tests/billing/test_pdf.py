"""Quote, invoice and credit note PDFs carry what the law asks (SPEC.md R4); issued PDFs
are stored once and served as stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing import invoicing
from billing.models import Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def issued(delivered, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.issue_invoice(delivered, office, today=dt.date(2026, 3, 2))
    return Invoice.objects.get(pk=invoice.pk)


def test_the_invoice_pdf_is_stored_after_commit_with_its_fingerprint(issued):
    assert issued.pdf
    data = issued.pdf.read()
    assert hashlib.sha256(data).hexdigest() == issued.pdf_sha256


def test_the_invoice_pdf_carries_every_mandatory_mention(issued, office, client_for):
    response = client_for(office).get(reverse("billing:invoice_pdf", args=[issued.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for mention in [
        "Facture",
        "FA-2026-0001",
        "02/03/2026",  # issue date
        "Date de la vente / livraison",
        "École de Production de Test",
        "Association loi 1901",
        "1 rue du Test",
        "SIRET 73282932000074",
        "FR44732829320",
        "Menuiseries Rhône SAS",
        "3 quai Perrache",
        "SIREN 732829320",
        issued.order_reference,
        "Prix unitaire HT",
        "150,00 €",
        "20 %",
        "Total HT 300,00 €",
        "TVA 20 % sur 300,00 €",
        "Total TTC 360,00 €",
        "01/04/2026",  # due date, 30 days
        "pénalités au taux annuel de 12",
        "40 €",
        "Escompte",
    ]:
        assert mention in text, mention


def test_an_issued_pdf_is_served_exactly_as_stored_even_if_the_school_changes(
    issued, school, office, client_for
):
    stored = issued.pdf.read()
    school.name = "Autre nom"
    school.save()
    served = client_for(office).get(reverse("billing:invoice_pdf", args=[issued.pk])).content
    assert served == stored


def test_an_individual_gets_no_late_penalty_clause(
    make_order, woodwork, individual, office, client_for
):
    order = make_order(woodwork, individual, status="delivered")
    invoice = invoicing.issue_invoice(order, office, render=False)
    text = text_of(
        client_for(office).get(reverse("billing:invoice_pdf", args=[invoice.pk])).content
    )
    assert "Mme Jeanne Dupuis" in text
    assert "40 €" not in text
    assert "SIREN" not in text


def test_an_exempt_school_prints_the_mention_and_no_vat_line(school, delivered, office, client_for):
    school.vat_regime = school.VatRegime.EXEMPT_293B
    school.save()
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    text = text_of(
        client_for(office).get(reverse("billing:invoice_pdf", args=[invoice.pk])).content
    )
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "TVA 20 %" not in text
    assert "Total TTC 300,00 €" in text


def test_the_credit_note_pdf_refers_to_its_invoice(issued, office, client_for):
    note = invoicing.issue_credit_note(
        issued, office, reason="Remise qualité", amount_excl_vat=Decimal("50"), render=False
    )
    response = client_for(office).get(reverse("billing:credit_note_pdf", args=[note.pk]))
    text = text_of(response.content)
    for mention in ["Avoir", "AV-", "FA-2026-0001", "Remise qualité", "Total TTC 60,00 €"]:
        assert mention in text, mention


def test_the_quote_pdf_carries_every_mandatory_mention(
    make_order, woodwork, company, office, client_for
):
    order = make_order(
        woodwork, company, status="sent", start_date=dt.date(2026, 5, 4), duration_days=10
    )
    text = text_of(client_for(office).get(reverse("orders:quote_pdf", args=[order.pk])).content)
    for mention in [
        "Devis",
        order.reference,
        order.quote_date.strftime("%d/%m/%Y"),
        "Valable jusqu'au",
        order.valid_until.strftime("%d/%m/%Y"),
        "École de Production de Test",
        "Menuiseries Rhône SAS",
        "Total HT 300,00 €",
        "TVA 20 % sur 300,00 €",
        "Total TTC 360,00 €",
        "04/05/2026",
        "10 jours ouvrés",
        "Conditions de paiement : 30 jours",
        "Bon pour accord",
    ]:
        assert mention in text, mention
