"""Issue #16: an invoice or a credit note (numbered legal documents) is issued only from a
page that shows what will be issued; the first tap shows it, the second issues it."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from billing import invoicing
from billing.models import CreditNote, Invoice

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u00a0", " ").replace("\u202f", " ")


def test_the_invoice_link_shows_what_will_be_issued_and_issues_nothing(
    client_for, office, delivered
):
    response = client_for(office).get(reverse("billing:invoice_issue", args=[delivered.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "Émettre cette facture ?" in body
    assert "Menuiseries Rhône SAS" in body
    assert "360,00 €" in body  # 2 × 150 € + 20 % VAT, the total to be issued
    assert "ne pourra plus être ni modifiée ni supprimée" in body
    assert 'name="confirmed" value="yes"' in body
    assert not Invoice.objects.exists()


def test_a_post_without_the_confirmation_only_shows_the_preview(client_for, office, delivered):
    response = client_for(office).post(reverse("billing:invoice_issue", args=[delivered.pk]))
    assert "Émettre cette facture ?" in text(response)
    assert not Invoice.objects.exists()
    delivered.refresh_from_db()
    assert delivered.status == "delivered"


def test_the_confirmed_post_issues_the_invoice(client_for, office, delivered):
    response = client_for(office).post(
        reverse("billing:invoice_issue", args=[delivered.pk]), {"confirmed": "yes"}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:invoice_detail", args=[invoice.pk])
    assert invoice.total_incl_vat == 360


def test_the_deposit_preview_carries_its_percentage_to_the_confirmation(
    client_for, office, make_order, woodwork, company
):
    order = make_order(woodwork, company, status="accepted", lines=[("1", "120", "20")])
    url = reverse("billing:invoice_issue", args=[order.pk])
    body = text(client_for(office).get(url, {"kind": "deposit", "percent": "30"}))
    assert "Émettre cette facture d'acompte ?" in body
    assert "43,20 €" in body  # 30 % of 144 €
    assert 'name="percent"' in body and 'value="30"' in body
    assert not Invoice.objects.exists()
    client_for(office).post(url, {"kind": "deposit", "percent": "30", "confirmed": "yes"})
    assert str(Invoice.objects.get().total_incl_vat) == "43.20"


def test_a_wrong_deposit_percentage_is_a_form_error_not_a_preview(
    client_for, office, make_order, woodwork, company
):
    order = make_order(woodwork, company, status="accepted")
    url = reverse("billing:invoice_issue", args=[order.pk])
    body = text(client_for(office).get(url, {"kind": "deposit", "percent": "0"}))
    assert "Émettre cette facture d'acompte ?" not in body
    assert 'class="field has-error"' in body
    assert not Invoice.objects.exists()


def test_an_order_that_cannot_be_invoiced_gets_the_reason_not_a_preview(
    client_for, office, make_order, woodwork, company
):
    order = make_order(woodwork, company, status="in_production")
    response = client_for(office).get(
        reverse("billing:invoice_issue", args=[order.pk]), follow=True
    )
    assert "Seule une commande livrée peut être facturée" in text(response)


def test_the_teacher_may_not_see_an_invoice_preview(client_for, teacher, delivered):
    response = client_for(teacher).get(reverse("billing:invoice_issue", args=[delivered.pk]))
    assert response.status_code == 403


def test_the_order_page_links_to_the_preview_instead_of_issuing(client_for, office, delivered):
    body = text(client_for(office).get(reverse("orders:detail", args=[delivered.pk])))
    url = reverse("billing:invoice_issue", args=[delivered.pk])
    assert f'href="{url}"' in body
    assert f'<form method="post" action="{url}"' not in body


def test_a_credit_note_is_confirmed_before_it_is_issued(client_for, office, delivered):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    url = reverse("billing:credit_note_add", args=[invoice.pk])
    data = {"extent": "partial", "reason": "Rayure", "amount_excl_vat": "50", "vat_rate": "20.00"}
    body = text(client_for(office).post(url, data))
    assert f"Émettre un avoir sur la facture {invoice.number} ?" in body
    assert "50,00 € HT" in body
    assert "Rayure" in body
    assert not CreditNote.objects.exists()
    response = client_for(office).post(url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    assert CreditNote.objects.get().total_excl_vat == 50


def test_a_credit_note_with_errors_shows_them_not_the_confirmation(client_for, office, delivered):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    url = reverse("billing:credit_note_add", args=[invoice.pk])
    body = text(client_for(office).post(url, {"extent": "partial", "reason": "Rayure"}))
    assert "Indiquez le montant de l'avoir." in body
    assert 'name="confirmed"' not in body
    assert not CreditNote.objects.exists()


def test_a_payment_above_the_balance_says_the_customers_credit_the_french_way(
    client_for, office, make_order, woodwork, company
):
    # Recorded as it came (issue #29 §3): the confirmation says what becomes his credit.
    order = make_order(woodwork, company, status="delivered", lines=[("1", "1254.87", "20")])
    invoice = invoicing.issue_invoice(order, office, render=False)
    response = client_for(office).post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": invoice.issue_date.isoformat(), "amount": "9999", "method": "cheque"},
    )
    body = text(response)
    assert "1 505,84 €" in body and "8 493,16 €" in body  # due, and the customer's credit
    assert 'name="confirmed"' in body


def test_a_credit_note_beyond_the_total_says_what_is_left_the_french_way(
    client_for, office, make_order, woodwork, company
):
    order = make_order(woodwork, company, status="delivered", lines=[("1", "1254.87", "20")])
    invoice = invoicing.issue_invoice(order, office, render=False)
    url = reverse("billing:credit_note_add", args=[invoice.pk])
    data = {"extent": "partial", "reason": "Rayure", "amount_excl_vat": "5000",
            "vat_rate": "20.00", "confirmed": "yes"}  # fmt: skip
    assert "1 505,84 € TTC" in text(client_for(office).post(url, data))
