"""Refunds (SPEC.md R11): a credit note on a paid invoice leaves money owed to the customer;
its refund brings the balance back to zero, exactly, and is never changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from billing import refunds
from billing.invoicing import InvoicingError
from billing.models import ImmutableError, Invoice, Refund, with_money
from orders.models import Customer
from tests.billing.money import D

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 20)


def test_a_credit_note_on_a_paid_invoice_leaves_money_owed_to_the_customer(credited_after_payment):
    invoice = Invoice.objects.with_balance().get(pk=credited_after_payment.pk)
    assert invoice.balance_due == D("-60.00")
    assert refunds.owed_back(invoice) == D("60.00")


def test_the_refund_brings_the_balance_back_to_zero(credited_after_payment, office, company):
    refunds.record_refund(
        credited_after_payment, office, date=TODAY, amount=D("60.00"), method="transfer",
        reference="VIR-123", today=TODAY,
    )  # fmt: skip
    invoice = Invoice.objects.with_balance().get(pk=credited_after_payment.pk)
    assert invoice.amount_refunded == D("60.00")
    assert invoice.balance_due == D("0.00")
    assert invoice.settled
    assert with_money(Customer.objects.filter(pk=company.pk)).get().owed == D("0.00")


def test_a_refund_in_two_parts_is_exact_to_the_cent(credited_after_payment, office):
    for amount in ("20.01", "39.99"):
        refunds.record_refund(
            credited_after_payment, office, date=TODAY, amount=D(amount), method="cheque",
            today=TODAY,
        )  # fmt: skip
    assert Invoice.objects.with_balance().get(pk=credited_after_payment.pk).balance_due == 0


@pytest.mark.parametrize(
    ("amount", "date", "message"),
    [
        ("60.01", TODAY, "plus que ce qui est dû"),
        ("0", TODAY, "positif"),
        ("10", dt.date(2026, 3, 1), "avant sa facture"),
        ("10", dt.date(2026, 3, 21), "futur"),
    ],
)
def test_it_refuses_a_refund_beyond_what_is_owed_back_or_misdated(
    credited_after_payment, office, amount, date, message
):
    with pytest.raises(InvoicingError) as exc:
        refunds.record_refund(
            credited_after_payment, office, date=date, amount=D(amount), method="transfer",
            today=TODAY,
        )  # fmt: skip
    assert message in " ".join(exc.value.messages)
    assert not Refund.objects.exists()


def test_it_refuses_a_refund_when_nothing_is_owed_back(invoice, office):
    with pytest.raises(InvoicingError, match="Rien n'est dû"):
        refunds.record_refund(
            invoice, office, date=TODAY, amount=D("1"), method="transfer", today=TODAY
        )


def test_a_refund_is_never_changed_nor_deleted(credited_after_payment, office):
    refund = refunds.record_refund(
        credited_after_payment, office, date=TODAY, amount=D("60"), method="cash", today=TODAY
    )
    refund.amount = D("1")
    with pytest.raises(ImmutableError):
        refund.save()
    with pytest.raises(ImmutableError):
        refund.delete()
    with pytest.raises(ImmutableError):
        Refund.objects.filter(pk=refund.pk).update(amount=D("1"))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_refund SET amount = 1 WHERE id = %s", [refund.pk])


def test_the_office_records_a_refund_from_the_invoice_page(
    credited_after_payment, office, client_for
):
    client = client_for(office)
    url = reverse("billing:refund_add", args=[credited_after_payment.pk])
    page = client.get(reverse("billing:invoice_detail", args=[credited_after_payment.pk]))
    assert url in page.content.decode()
    response = client.post(
        url, {"date": dt.date.today().isoformat(), "amount": "60.00", "method": "transfer",
              "reference": "", "confirmed": "yes"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Refund.objects.get().amount == D("60.00")


def test_the_refund_form_shows_errors_and_saves_nothing(credited_after_payment, office, client_for):
    url = reverse("billing:refund_add", args=[credited_after_payment.pk])
    response = client_for(office).post(
        url, {"date": dt.date.today().isoformat(), "amount": "61", "method": "transfer"}
    )
    assert response.status_code == 200
    assert "plus que ce qui est dû" in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_page_access(credited_after_payment, client, woodwork_trainer, office, client_for):
    url = reverse("billing:refund_add", args=[credited_after_payment.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client_for(woodwork_trainer).get(url).status_code == 403
    assert client_for(office).get(reverse("billing:refund_add", args=[99999])).status_code == 404
