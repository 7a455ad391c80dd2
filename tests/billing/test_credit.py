"""Money that does not fit the invoice (issue #29 §3): a payment larger than what is due
is recorded as it came; the invoice is paid and the excess is the customer's credit, shown
on his statement, refunded or used on another of his invoices. The books agree: the credit
stays on 411 and moves between invoices in the miscellaneous operations journal."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import credit, invoicing, journal, refunds, statement
from billing.models import CreditUse, Invoice
from orders.models import Order
from tests.billing.money import D

pytestmark = pytest.mark.django_db
PAID_ON = dt.date(2026, 3, 10)


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def overpaid(invoice, office):
    """360 € due, 400 € received: 40 € of credit."""
    invoicing.record_payment(invoice, office, date=PAID_ON, amount=D("400.00"), method="transfer")
    return Invoice.objects.with_balance().get(pk=invoice.pk)


@pytest.fixture
def second(make_order, woodwork, company, office):
    """Another invoice of the same customer, 360 € due."""
    order = make_order(woodwork, company, status="delivered")
    return invoicing.issue_invoice(order, office, today=dt.date(2026, 3, 5), render=False)


def balances(entries) -> dict[str, D]:
    """Debit minus credit per (account, auxiliary account)."""
    totals: dict[str, D] = defaultdict(lambda: D("0.00"))
    for entry in entries:
        for line in entry.lines:
            totals[(line.account, line.aux)] += line.debit - line.credit
    return totals


def test_a_payment_larger_than_due_is_recorded_and_the_excess_is_the_customers_credit(
    overpaid, office
):
    assert overpaid.balance_due == D("-40.00") and overpaid.settled
    assert credit.available(overpaid) == D("40.00")
    assert overpaid.order.status == Order.Status.PAID
    drawn = statement.build(overpaid.order.customer, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert drawn.closing == D("-40.00") and drawn.in_customers_favour == D("40.00")
    assert drawn.opening + drawn.total_debit - drawn.total_credit == drawn.closing


def test_the_books_keep_the_credit_on_the_customers_account(overpaid):
    entries = journal.entries(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert all(e.balance == 0 for e in entries)
    chart = journal.ChartOfAccounts.load()
    aux = chart.customer_aux(overpaid.order.customer_id)
    assert balances(entries)[(chart.customers_account, aux)] == D("-40.00")
    assert balances(entries)[(chart.bank_account, "")] == D("400.00")


def test_the_credit_is_refunded(overpaid, office):
    refunds.record_refund(
        overpaid, office, date=dt.date(2026, 3, 12), amount=D("40.00"), method="transfer",
        today=dt.date(2026, 3, 12),
    )  # fmt: skip
    assert Invoice.objects.with_balance().get(pk=overpaid.pk).balance_due == D("0.00")
    ordered = journal.finish(journal.entries(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    on_411 = [ln for e in ordered for ln in e.lines if ln.account == "411000"]
    assert len(on_411) == 3 and {ln.letter for ln in on_411} == {"A"}  # lettered: settled


def test_the_credit_pays_another_invoice_of_the_customer(overpaid, second, office):
    assert list(credit.targets(overpaid)) == [second]
    use = credit.use_credit(
        overpaid, second, office, amount=D("40.00"), date=dt.date(2026, 3, 12),
        today=dt.date(2026, 3, 12),
    )  # fmt: skip
    first = Invoice.objects.with_balance().get(pk=overpaid.pk)
    other = Invoice.objects.with_balance().get(pk=second.pk)
    assert first.balance_due == D("0.00") and other.balance_due == D("320.00")
    assert other.credit_received == D("40.00") and first.credit_used == D("40.00")
    assert other.balance == D("320.00")  # the property without the annotation agrees
    # The statement shows it on both sides and still balances.
    drawn = statement.build(first.order.customer, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    moved = [r for r in drawn.rows if r.kind == "credit_use"]
    assert [(r.debit, r.credit) for r in moved] == [(D("40.00"), 0), (0, D("40.00"))]
    assert drawn.closing == D("320.00")
    assert drawn.opening + drawn.total_debit - drawn.total_credit == drawn.closing
    # The journal: an OD entry, 411 to 411 on the customer's account; the first invoice
    # is lettered, the second still owes 320 €.
    ordered = journal.finish(journal.entries(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    misc = [e for e in ordered if e.journal == "OD"]
    assert len(misc) == 1 and misc[0].balance == 0 and str(use.source.number) in misc[0].label
    assert {ln.account for ln in misc[0].lines} == {"411000"}
    chart = journal.ChartOfAccounts.load()
    aux = chart.customer_aux(first.order.customer_id)
    assert balances(ordered)[("411000", aux)] == D("320.00")
    lettered = [ln for e in ordered for ln in e.lines if ln.account == "411000" and ln.letter]
    assert sum(ln.debit - ln.credit for ln in lettered) == 0 and len(lettered) == 3


def test_the_opening_entries_count_a_credit_used_before_the_year(overpaid, second, office):
    credit.use_credit(
        overpaid, second, office, amount=D("40.00"), date=dt.date(2026, 3, 12),
        today=dt.date(2026, 3, 12),
    )  # fmt: skip
    opening = journal.opening_entries(dt.date(2027, 1, 1))
    owed = {e.piece: e.lines[0].debit - e.lines[0].credit for e in opening}
    assert owed == {second.number: D("320.00")}  # the first is square


@pytest.mark.parametrize(
    ("amount", "day", "says"),
    [
        (D("40.01"), dt.date(2026, 3, 12), "crédit du client"),
        (D("0.00"), dt.date(2026, 3, 12), "positif"),
        (D("10.00"), dt.date(2026, 3, 13), "futur"),
        (D("10.00"), dt.date(2026, 3, 4), "avant"),
    ],
)
def test_a_use_of_credit_stays_within_what_there_is(overpaid, second, office, amount, day, says):
    with pytest.raises(ValidationError) as exc:
        credit.use_credit(overpaid, second, office, amount=amount, date=day,
                          today=dt.date(2026, 3, 12))  # fmt: skip
    assert says in " ".join(exc.value.messages)
    assert not CreditUse.objects.exists()


def test_a_credit_pays_neither_more_than_owed_nor_another_customers_invoice(
    overpaid, make_order, woodwork, individual, office
):
    other = invoicing.issue_invoice(
        make_order(woodwork, individual, lines=(("1", "10.00", "20"),), status="delivered"),
        office, today=dt.date(2026, 3, 5), render=False,
    )  # fmt: skip
    assert list(credit.targets(overpaid)) == []
    with pytest.raises(ValidationError, match="même client"):
        credit.use_credit(overpaid, other, office, amount=D("5.00"), date=dt.date(2026, 3, 12),
                          today=dt.date(2026, 3, 12))  # fmt: skip


def test_a_credit_pays_no_more_than_the_other_invoice_owes(
    overpaid, make_order, woodwork, company, office
):
    small = invoicing.issue_invoice(
        make_order(woodwork, company, lines=(("1", "10.00", "20"),), status="delivered"),
        office, today=dt.date(2026, 3, 5), render=False,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="encore"):
        credit.use_credit(overpaid, small, office, amount=D("20.00"), date=dt.date(2026, 3, 12),
                          today=dt.date(2026, 3, 12))  # fmt: skip
    credit.use_credit(overpaid, small, office, amount=D("12.00"), date=dt.date(2026, 3, 12),
                      today=dt.date(2026, 3, 12))  # fmt: skip
    small.refresh_from_db()
    assert small.settled and small.order.status == Order.Status.PAID  # paid by the credit


def test_the_office_records_an_overpayment_and_uses_the_credit_from_the_pages(
    invoice, second, office, client_for, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC))
    client = client_for(office)
    url = reverse("billing:payment_add", args=[invoice.pk])
    data = {"date": "2026-03-10", "amount": "400.00", "method": "transfer", "reference": "VIR"}
    asked = page(client.post(url, data))
    assert "40,00 €" in asked and "crédit du client" in asked
    client.post(url, data | {"confirmed": "yes"})
    detail = page(client.get(reverse("billing:invoice_detail", args=[invoice.pk])))
    assert "-40,00 €" in detail and reverse("billing:credit_use", args=[invoice.pk]) in detail
    statement_page = page(
        client.get(reverse("billing:statement", args=[invoice.order.customer_id]))
    )
    # 360 € + 360 € invoiced, 400 € paid: the credit already counts against what is owed.
    assert "400,00 €" in statement_page and "320,00 €" in statement_page
    use_url = reverse("billing:credit_use", args=[invoice.pk])
    form = page(client.get(use_url))
    assert second.number in form
    use = {"target": second.pk, "amount": "40.00", "date": "2026-03-12"}
    asked = page(client.post(use_url, use))
    assert f"sur la facture {second.number}" in asked and not CreditUse.objects.exists()
    too_much = page(client.post(use_url, use | {"amount": "50.00"}))
    assert "crédit du client" in too_much and not CreditUse.objects.exists()
    response = client.post(use_url, use | {"confirmed": "yes"})
    assert response.status_code == 302
    assert CreditUse.objects.get().amount == D("40.00")
    other = page(client.get(reverse("billing:invoice_detail", args=[second.pk])))
    assert "Payé par le crédit du client" in other and "320,00 €" in other


def test_credit_page_access(overpaid, client, client_for, woodwork_trainer, office):
    url = reverse("billing:credit_use", args=[overpaid.pk])
    assert client.get(url).status_code == 302
    assert client_for(woodwork_trainer).get(url).status_code == 403
    assert client_for(office).get(reverse("billing:credit_use", args=[9999])).status_code == 404
