"""Totals and VAT: Decimal, each line to the cent, VAT per rate half-up (SPEC.md R3, R4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing import credit, invoicing
from billing.models import Invoice, Payment
from orders.models import Material, Order, cents, compute_totals

pytestmark = pytest.mark.django_db


def test_rounding_is_half_up_to_the_cent():
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("2.675")) == D("2.68")
    assert cents(D("-0.005")) == D("-0.01")


def test_vat_is_computed_per_rate_on_that_rates_total_not_per_line():
    # Three lines of 0.15 at 20 %: per line 0.03 × 3 = 0.09; on the total 0.45 → 0.09.
    # Three lines of 0.05 at 10 %: per line 0.01 × 3 = 0.03; on the total 0.15 → 0.02 (0.015 up).
    totals = compute_totals([(D("0.15"), D("20"))] * 3 + [(D("0.05"), D("10"))] * 3)
    assert totals.by_rate == [
        (D("20"), D("0.45"), D("0.09")),
        (D("10"), D("0.15"), D("0.02")),
    ]
    assert (totals.excl_vat, totals.vat, totals.incl_vat) == (D("0.60"), D("0.11"), D("0.71"))


def test_known_example_with_three_rates():
    totals = compute_totals(
        [
            (D("1234.56"), D("20")),
            (D("99.99"), D("5.5")),
            (D("10.01"), D("10")),
            (D("0.01"), D("20")),
        ]
    )
    assert totals.by_rate == [
        (D("20"), D("1234.57"), D("246.91")),
        (D("10"), D("10.01"), D("1.00")),
        (D("5.5"), D("99.99"), D("5.50")),
    ]
    assert totals.incl_vat == D("1344.57") + D("253.41")


def test_an_exempt_school_charges_no_vat_and_shows_no_vat_line():
    totals = compute_totals([(D("100"), D("20")), (D("50"), D("5.5"))], charges_vat=False)
    assert (totals.excl_vat, totals.vat, totals.incl_vat, totals.by_rate) == (
        D("150"), D("0"), D("150"), []
    )  # fmt: skip


def test_each_order_line_is_rounded_to_the_cent(make_order, woodwork, company):
    # 0.5 × 10.33 = 5.165 → 5.17 (half up); 0.25 × 0.10 = 0.025 → 0.03
    order = make_order(woodwork, company, lines=[("0.5", "10.33", "20"), ("0.25", "0.10", "20")])
    assert [line.amount_excl_vat for line in order.lines.all()] == [D("5.17"), D("0.03")]
    # VAT on the rate's total 5.20 → 1.04
    assert order.totals().incl_vat == D("6.24")


def test_figures_count_lines_and_materials_once_each(make_order, woodwork, company):

    order = make_order(woodwork, company, lines=[("1", "100", "20"), ("2", "50", "20")])
    Material.objects.create(order=order, description="Chêne", cost=D("30"))
    Material.objects.create(order=order, description="Vis", cost=D("5"))
    figures = Order.objects.with_figures().get(pk=order.pk)
    assert (figures.revenue, figures.materials_cost, figures.margin) == (
        D("200"),
        D("35"),
        D("165"),
    )


def test_the_invoice_carries_the_orders_totals(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        D("300.00"), D("60.00"), D("360.00")
    )  # fmt: skip


def test_a_credit_beyond_the_invoice_total_is_refused(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    invoicing.issue_credit_note(
        invoice, office, reason="Remise", amount_excl_vat=D("200"), render=False
    )
    with pytest.raises(invoicing.InvoicingError, match="au-delà|beyond"):
        invoicing.issue_credit_note(
            invoice, office, reason="Encore", amount_excl_vat=D("100.01"), render=False
        )
    with pytest.raises(invoicing.InvoicingError):
        invoicing.issue_credit_note(invoice, office, reason="Tout", render=False)
    invoicing.issue_credit_note(
        invoice, office, reason="Le reste", amount_excl_vat=D("100"), render=False
    )
    assert Invoice.objects.with_balance().get(pk=invoice.pk).balance_due == D("0")


def test_a_full_credit_note_copies_the_invoice(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    note = invoicing.issue_credit_note(invoice, office, reason="Annulation", render=False)
    assert note.total_incl_vat == invoice.total_incl_vat
    assert note.lines.count() == invoice.lines.count()


def test_a_deposit_is_deducted_from_the_final_invoice(make_order, woodwork, company, office):
    order = make_order(
        woodwork, company, status="accepted", lines=[("1", "1000", "20"), ("1", "100", "10")]
    )
    deposit = invoicing.issue_invoice(order, office, deposit_percent=D("30"), render=False)
    assert deposit.total_excl_vat == D("330.00")
    assert deposit.total_incl_vat == D("393.00")
    order.start_production(by=office)
    order.deliver(by=office, verdict="conforms")
    final = invoicing.issue_invoice(order, office, render=False)
    assert final.total_excl_vat == D("770.00")
    assert final.total_incl_vat + deposit.total_incl_vat == D("1310.00")


def test_payments_make_the_order_paid_only_when_they_cover_the_invoice(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("100"), method="cheque"
    )
    delivered.refresh_from_db()
    assert delivered.status == "invoiced"
    invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("259.99"), method="transfer"
    )
    delivered.refresh_from_db()
    assert delivered.status == "invoiced"  # a cent short
    # More than is due is recorded as it came (issue #29): paid, the cent over is credit.
    invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("0.02"), method="cash"
    )
    delivered.refresh_from_db()
    assert delivered.status == "paid"
    assert credit.available(Invoice.objects.with_balance().get(pk=invoice.pk)) == D("0.01")


def test_an_invoice_is_overdue_after_its_due_date_while_not_covered(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, today=dt.date(2026, 1, 10), render=False)
    assert invoice.due_date == dt.date(2026, 2, 9)
    assert not Invoice.objects.overdue(dt.date(2026, 2, 9)).exists()
    assert Invoice.objects.overdue(dt.date(2026, 2, 10)).get() == invoice
    invoicing.record_payment(
        invoice, office, date=dt.date(2026, 2, 12), amount=D("360"), method="card"
    )
    assert not Invoice.objects.overdue(dt.date(2026, 2, 13)).exists()


def test_an_invoice_covered_by_a_credit_note_and_a_payment_is_settled(
    make_order, woodwork, company, office
):
    """1 486,25 + 165,14 is 1 651,39 exactly: not a hair under, as floating point (SQLite)
    would have it, which left such invoices owed and overdue at 0,00 €."""
    order = make_order(woodwork, company, status="delivered", lines=[("1", "1376.16", "20")])
    invoice = invoicing.issue_invoice(order, office, render=False)
    assert invoice.total_incl_vat == D("1651.39")
    invoicing.issue_credit_note(
        invoice, office, reason="Remise", amount_excl_vat=D("137.62"), render=False
    )
    later = invoice.due_date + dt.timedelta(days=30)
    assert list(Invoice.objects.overdue(later)) == [invoice]
    invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("1486.25"), method="transfer"
    )
    invoice.refresh_from_db()
    assert invoice.settled
    assert not Invoice.objects.owed().exists()
    assert not Invoice.objects.overdue(later).exists()
    assert list(Invoice.objects.paid()) == [invoice]
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_partly_paid_invoice_stays_owed(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("100"), method="transfer"
    )
    invoice.refresh_from_db()
    assert not invoice.settled
    assert Invoice.objects.owed().get().balance_due == D("260.00")


def test_a_cancelled_payment_makes_the_invoice_and_the_order_owed_again(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    paid = invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("360"), method="cheque"
    )
    delivered.refresh_from_db()
    assert delivered.status == "paid"
    assert Invoice.objects.get(pk=invoice.pk).settled

    reversal = invoicing.reverse_payment(paid, office, reason="Chèque revenu impayé")
    assert (reversal.amount, reversal.reverses, reversal.method) == (D("-360"), paid, "cheque")
    again = Invoice.objects.with_balance().get(pk=invoice.pk)
    assert (again.balance_due, again.settled) == (D("360"), False)
    assert again in Invoice.objects.owed()
    delivered.refresh_from_db()
    assert delivered.status == "invoiced"
    event = delivered.events.last()
    assert (event.action, event.note, event.by) == ("unpay", "Chèque revenu impayé", office)

    invoicing.record_payment(
        invoice, office, date=reversal.date, amount=D("360"), method="transfer"
    )
    delivered.refresh_from_db()
    assert delivered.status == "paid"


def test_a_payment_is_cancelled_once_with_a_reason_and_a_cancellation_never(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, render=False)
    paid = invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("100"), method="cash"
    )
    with pytest.raises(invoicing.InvoicingError, match="pourquoi"):
        invoicing.reverse_payment(paid, office, reason=" ")
    reversal = invoicing.reverse_payment(paid, office, reason="Saisi deux fois")
    with pytest.raises(invoicing.InvoicingError, match="déjà annulé"):
        invoicing.reverse_payment(paid, office, reason="Encore")
    with pytest.raises(invoicing.InvoicingError, match="ne s.annule pas"):
        invoicing.reverse_payment(reversal, office, reason="Annuler l'annulation")
    assert Payment.objects.count() == 2


def test_the_database_refuses_a_negative_payment_that_cancels_nothing(delivered, office):
    from django.db import IntegrityError, transaction

    invoice = invoicing.issue_invoice(delivered, office, render=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            invoice=invoice, date=invoice.issue_date, amount=D("-5"), method="cash"
        )
    paid = invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("5"), method="cash"
    )
    with pytest.raises(IntegrityError), transaction.atomic():  # a cancellation says why
        Payment.objects.create(
            invoice=invoice, date=invoice.issue_date, amount=D("-5"), method="cash", reverses=paid
        )
