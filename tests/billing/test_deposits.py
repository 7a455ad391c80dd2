"""Deposits, final invoices and credit notes keep an order's billed total whole: what is
invoiced less what is credited is the order's total, unless the final invoice itself is
credited (SPEC.md R4)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import invoicing
from billing.models import CreditNote, Invoice

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def accepted(make_order, woodwork, company):
    """120 € excl. VAT at 20 %: 144 € incl. VAT."""
    return make_order(woodwork, company, status="accepted", lines=[("1", "120", "20")])


def deposit(order, by, percent="30"):
    return invoicing.issue_invoice(order, by, deposit_percent=D(percent), render=False)


def final(order, by):
    order.refresh_from_db()
    if order.status == "accepted":
        order.start_production(by=by)
    order.deliver(by=by, verdict="conforms")
    return invoicing.issue_invoice(order, by, render=False)


def credit(invoice, by, amount=None):
    extra = {} if amount is None else {"amount_excl_vat": D(amount)}
    return invoicing.issue_credit_note(invoice, by, reason="Annulation", render=False, **extra)


def billed(order) -> Decimal:
    invoiced = sum((i.total_incl_vat for i in Invoice.objects.filter(order=order)), D("0"))
    credited = sum(
        (n.total_incl_vat for n in CreditNote.objects.filter(invoice__order=order)), D("0")
    )
    return invoiced - credited


def test_a_deposit_deducted_by_the_final_invoice_cannot_be_credited(accepted, office):
    first = deposit(accepted, office)
    last = final(accepted, office)
    assert (first.total_incl_vat, last.total_incl_vat) == (D("43.20"), D("100.80"))
    for amount in (None, "10"):
        with pytest.raises(invoicing.InvoicingError, match=last.number):
            credit(first, office, amount)
    assert not CreditNote.objects.exists()
    assert billed(accepted) == D("144.00")


def test_the_credit_note_page_refuses_it_in_french(accepted, office, client_for):
    first = deposit(accepted, office)
    last = final(accepted, office)
    response = client_for(office).post(
        reverse("billing:credit_note_add", args=[first.pk]),
        {"extent": "full", "reason": "Erreur", "confirmed": "yes"},
    )
    body = html.unescape(response.content.decode())
    assert f"Cet acompte est déduit de la facture {last.number}" in body
    assert not CreditNote.objects.exists()


def test_a_deposit_credited_before_delivery_is_not_deducted_from_the_final_invoice(
    accepted, office
):
    credit(deposit(accepted, office), office)
    last = final(accepted, office)
    assert last.total_incl_vat == D("144.00")
    assert billed(accepted) == D("144.00")


def test_a_deposit_credited_in_part_is_deducted_for_what_remains(accepted, office):
    first = deposit(accepted, office)
    credit(first, office, "10")  # 12 € incl. VAT of the 43,20 €
    last = final(accepted, office)
    assert last.total_excl_vat == D("94.00")
    assert billed(accepted) == D("144.00")


def test_the_final_invoice_can_be_credited_and_then_its_deposit(accepted, office):
    first = deposit(accepted, office)
    last = final(accepted, office)
    credit(last, office)
    assert billed(accepted) == D("43.20")
    credit(first, office)
    assert billed(accepted) == D("0.00")


def test_deposits_above_the_orders_total_are_refused(accepted, office):
    with pytest.raises(invoicing.InvoicingError, match="entre 0 et 100"):
        deposit(accepted, office, "100.01")
    deposit(accepted, office, "60")
    with pytest.raises(invoicing.InvoicingError, match="dépasser le total de la commande"):
        deposit(accepted, office, "41")
    deposit(accepted, office, "40")
    with pytest.raises(invoicing.InvoicingError, match="dépasser le total de la commande"):
        deposit(accepted, office, "0.01")
    assert sum(i.total_incl_vat for i in Invoice.objects.all()) == D("144.00")


def test_a_credited_deposit_makes_room_for_another(accepted, office):
    credit(deposit(accepted, office, "80"), office)
    assert deposit(accepted, office, "80").total_incl_vat == D("115.20")


def pay(invoice, by):
    invoice = Invoice.objects.with_balance().get(pk=invoice.pk)
    return invoicing.record_payment(
        invoice, by, date=invoice.issue_date, amount=invoice.balance_due, method="transfer"
    )


def test_an_order_is_paid_once_its_deposit_and_its_final_invoice_are(accepted, office):
    first = deposit(accepted, office)
    last = final(accepted, office)
    pay(last, office)
    accepted.refresh_from_db()
    assert accepted.status == "invoiced"  # the deposit is still owed
    payment = pay(first, office)
    accepted.refresh_from_db()
    assert accepted.status == "paid"
    invoicing.reverse_payment(payment, office, reason="Chèque revenu impayé")
    accepted.refresh_from_db()
    assert accepted.status == "invoiced"


def test_a_deposit_of_the_whole_order_leaves_a_final_invoice_of_nothing_and_a_paid_order(
    accepted, office
):
    pay(deposit(accepted, office, "100"), office)
    last = final(accepted, office)
    assert (last.total_incl_vat, last.lines.count()) == (D("0.00"), 2)
    accepted.refresh_from_db()
    assert accepted.status == "paid"
    assert billed(accepted) == D("144.00")


def test_the_deposit_and_the_final_invoice_add_up_to_the_order_to_the_cent(
    make_order, woodwork, company, office
):
    """100,03 € at 20 %: 120,04 € incl. VAT. Half of it, 50,02 €, carries 10,00 € of VAT
    and so would the 50,01 € left: the final invoice's VAT is the order's less the
    deposit's, not a cent lost between them."""
    order = make_order(woodwork, company, status="accepted", lines=[("1", "100.03", "20")])
    first = deposit(order, office, "50")
    last = final(order, office)
    assert first.total_incl_vat + last.total_incl_vat == D("120.04")
    assert last.total_vat == last.by_rate[0][2] == D("10.01")
    assert billed(order) == D("120.04")
