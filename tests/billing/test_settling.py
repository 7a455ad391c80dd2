"""When an invoice is settled: payments and credit notes together cover its total, counted
in exact cents on SQLite (which sums decimals as floating point) as on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import invoicing
from billing.models import BalanceNotAnnotated, Invoice, Payment, with_money
from budget import figures as budget
from home import dashboards
from orders.models import Customer, Order

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def settled_by_a_credit_note(make_order, woodwork, company, office):
    """The issue's invoice: 1 005,84 €, a credit note of 54,00 €, then 500 € + 451,84 €."""
    order = make_order(woodwork, company, status="delivered", lines=[("1", "838.20", "20")])
    invoice = invoicing.issue_invoice(order, office, today=dt.date(2026, 3, 2), render=False)
    assert invoice.total_incl_vat == D("1005.84")
    invoicing.issue_credit_note(
        invoice, office, reason="Remise", amount_excl_vat=D("45.00"), today=dt.date(2026, 3, 5),
        render=False,
    )  # fmt: skip
    for amount in ("500", "451.84"):
        invoicing.record_payment(
            invoice, office, date=dt.date(2026, 3, 20), amount=D(amount), method="transfer"
        )
    return invoice


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_invoice_settled_partly_by_a_credit_note_is_paid_and_its_order_too(
    settled_by_a_credit_note, office, client_for
):
    invoice = Invoice.objects.with_balance().get(pk=settled_by_a_credit_note.pk)
    assert invoice.settled
    assert invoice.is_paid
    assert invoice.order.status == Order.Status.PAID

    client = client_for(office)
    detail = page(client, reverse("billing:invoice_detail", args=[invoice.pk]))
    assert '<span class="status status-ok">payée</span>' in detail
    assert "en attente de paiement" not in detail
    assert "Enregistrer un paiement" not in detail

    listed = page(client, reverse("billing:invoices"))
    assert f">{invoice.number}</a>" in listed
    assert '<span class="status status-ok">payée</span>' in listed
    assert invoice.number in page(client, reverse("billing:invoices") + "?state=paid")
    assert invoice.number not in page(client, reverse("billing:invoices") + "?state=owed")
    later = (invoice.due_date + dt.timedelta(days=1)).isoformat()
    assert invoice.number not in page(client, reverse("billing:invoices") + "?state=overdue")
    assert not Invoice.objects.overdue(dt.date.fromisoformat(later)).exists()

    order_page = page(client, reverse("orders:detail", args=[invoice.order_id]))
    assert "Payée" in order_page
    owing = page(client, reverse("billing:customers") + "?owing=on")
    assert invoice.customer_name not in owing


def test_an_order_credited_in_full_is_settled_but_not_paid(
    make_order, woodwork, company, office, client_for
):
    """Nothing is owed on it, yet no money came in: the order stays "invoiced" (a credit
    note is no payment), and its page does not say paid."""
    order = make_order(woodwork, company, status="delivered", lines=[("1", "100.00", "20")])
    invoice = invoicing.issue_invoice(order, office, today=dt.date(2026, 3, 2), render=False)
    invoicing.issue_credit_note(
        invoice, office, reason="Commande annulée", today=dt.date(2026, 3, 5), render=False
    )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.settled and not Invoice.objects.owed().exists()
    assert order.status == Order.Status.INVOICED
    order_page = page(client_for(office), reverse("orders:detail", args=[order.pk]))
    assert "Payée" not in order_page


def test_money_sums_are_exact_cents_on_every_database(settled_by_a_credit_note, company):
    invoice = Invoice.objects.with_balance().get(pk=settled_by_a_credit_note.pk)
    assert (invoice.amount_paid, invoice.amount_credited) == (D("951.84"), D("54.00"))
    assert str(invoice.balance_due) == "0.00"
    assert str(invoice.balance) == "0.00"
    plain = Invoice.objects.get(pk=invoice.pk)
    assert list(Invoice.objects.paid()) == [plain]
    assert not Invoice.objects.owed().exists()

    customer = with_money(Customer.objects.all()).get(pk=company.pk)
    assert (str(customer.invoiced), str(customer.owed)) == ("1005.84", "0.00")
    order = Order.objects.with_figures().get(pk=invoice.order_id)
    assert (str(order.revenue), str(order.margin)) == ("838.20", "838.20")

    revenue, cash = budget.money_in(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert (str(revenue), str(cash)) == ("793.20", "951.84")
    months = dict(budget.monthly_revenue(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert str(months[dt.date(2026, 3, 1)]) == "793.20"
    assert dashboards._overdue(dt.date(2027, 1, 1))["overdue_amount"] == D("0.00")


def test_a_payment_and_its_cancellation_pass_their_own_validation(delivered, office):
    from django.core.exceptions import ValidationError

    invoice = invoicing.issue_invoice(delivered, office, render=False)
    paid = invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("100"), method="cheque"
    )
    reversal = invoicing.reverse_payment(paid, office, reason="Chèque revenu impayé")
    paid.full_clean()
    reversal.full_clean()
    # What the rule forbids is still refused by validation, with a message for the page.
    for amount, reverses, reason in ((D("-5"), None, ""), (D("0"), None, ""), (D("5"), paid, "x")):
        wrong = Payment(
            invoice=invoice, date=invoice.issue_date, amount=amount, method="cash",
            reverses=reverses, reason=reason, recorded_by=office,
        )  # fmt: skip
        with pytest.raises(ValidationError):
            wrong.full_clean(validate_unique=False, validate_constraints=False)


def test_a_negative_payment_typed_on_the_invoice_page_is_refused_in_french(
    delivered, office, client_for
):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    response = client_for(office).post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": invoice.issue_date.isoformat(), "amount": "-5", "method": "cash"},
    )
    assert response.status_code == 200
    assert "Le montant d'un paiement doit être positif." in html.unescape(response.content.decode())
    assert not Payment.objects.exists()


def test_an_invoices_balance_has_one_definition_in_sql(settled_by_a_credit_note):
    """Issue 28, §4: no property quietly runs its own query (and its own sum) when the
    annotation is missing; reading the money of an invoice fetched without
    with_balance() is a programming error, said at once."""
    plain = Invoice.objects.get(pk=settled_by_a_credit_note.pk)
    for name in ("balance", "paid_amount", "credited_incl_vat", "refunded_amount", "is_paid"):
        with pytest.raises(BalanceNotAnnotated):
            getattr(plain, name)
