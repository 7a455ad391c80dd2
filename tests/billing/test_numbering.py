"""Invoice and credit note numbers: consecutive, yearly, no gap, no duplicate (SPEC.md R4)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing import invoicing
from billing.models import ImmutableError, Invoice, InvoiceLine, NumberSeries
from ecoles.models import School
from orders.models import Customer, Order

pytestmark = pytest.mark.django_db


def issue(order, by, day):
    return invoicing.issue_invoice(order, by, today=day, render=False)


def test_invoice_numbers_are_consecutive_within_a_year(make_order, woodwork, company, office):
    day = dt.date(2026, 3, 2)
    numbers = [
        issue(make_order(woodwork, company, status="delivered"), office, day).number
        for _ in range(3)
    ]
    assert numbers == ["FA-2026-0001", "FA-2026-0002", "FA-2026-0003"]


def test_each_calendar_year_starts_its_own_series(make_order, woodwork, company, office):
    first = issue(make_order(woodwork, company, status="delivered"), office, dt.date(2026, 12, 31))
    second = issue(make_order(woodwork, company, status="delivered"), office, dt.date(2027, 1, 1))
    third = issue(make_order(woodwork, company, status="delivered"), office, dt.date(2026, 12, 31))
    assert (first.number, second.number, third.number) == (
        "FA-2026-0001",
        "FA-2027-0001",
        "FA-2026-0002",
    )


def test_the_prefix_comes_from_the_school(school, delivered, office):
    school.invoice_prefix = "FC"
    school.save()
    assert issue(delivered, office, dt.date(2026, 5, 1)).number == "FC-2026-0001"


def test_credit_notes_have_their_own_series(make_order, woodwork, company, office):
    day = dt.date(2026, 4, 1)
    a = issue(make_order(woodwork, company, status="delivered"), office, day)
    b = issue(make_order(woodwork, company, status="delivered"), office, day)
    note_a = invoicing.issue_credit_note(a, office, reason="Erreur", today=day, render=False)
    note_b = invoicing.issue_credit_note(
        b, office, reason="Geste", amount_excl_vat=Decimal("10"), today=day, render=False
    )
    c = issue(make_order(woodwork, company, status="delivered"), office, day)
    assert [note_a.number, note_b.number] == ["AV-2026-0001", "AV-2026-0002"]
    assert c.number == "FA-2026-0003"


def test_the_database_refuses_a_forced_duplicate_number(delivered, office):
    invoice = issue(delivered, office, dt.date(2026, 5, 1))
    fields = {
        f.name: getattr(invoice, f.name)
        for f in Invoice._meta.concrete_fields
        if f.name not in ("id", "number")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**{**fields, "number": "FA-2026-9999"})


def test_an_issued_invoice_can_never_be_deleted(delivered, office):
    invoice = issue(delivered, office, dt.date(2026, 5, 1))
    with pytest.raises(ImmutableError):
        invoice.delete()
    with pytest.raises(ImmutableError):
        Invoice.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(ImmutableError):
        invoice.lines.first().delete()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_an_issued_invoice_can_never_be_changed(delivered, office):
    invoice = issue(delivered, office, dt.date(2026, 5, 1))
    invoice.total_incl_vat = Decimal("1.00")
    with pytest.raises(ImmutableError):
        invoice.save()
    with pytest.raises(ImmutableError):
        Invoice.objects.filter(pk=invoice.pk).update(customer_name="Autre")
    line = invoice.lines.first()
    line.unit_price = Decimal("0")
    with pytest.raises(ImmutableError):
        line.save()
    invoice.refresh_from_db()
    assert invoice.total_incl_vat == Decimal("360.00")


def test_a_failure_after_taking_the_number_leaves_no_gap(delivered, office, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(InvoiceLine.objects, "bulk_create", broken)
        with pytest.raises(RuntimeError):
            issue(delivered, office, dt.date(2026, 5, 1))
    assert not Invoice.objects.exists()
    assert not NumberSeries.objects.filter(last__gt=0).exists()
    delivered.refresh_from_db()
    assert delivered.status == Order.Status.DELIVERED
    assert issue(delivered, office, dt.date(2026, 5, 1)).number == "FA-2026-0001"


def test_an_order_is_invoiced_only_once(delivered, office):
    issue(delivered, office, dt.date(2026, 5, 1))
    with pytest.raises(invoicing.InvoicingError):
        issue(delivered, office, dt.date(2026, 5, 1))
    assert Invoice.objects.count() == 1


def test_the_invoice_copies_the_customer_so_later_edits_do_not_change_it(
    delivered, office, company
):
    invoice = issue(delivered, office, dt.date(2026, 5, 1))
    company.name = "Nouveau nom"
    company.address = "Ailleurs"
    company.save()
    invoice.refresh_from_db()
    assert invoice.customer_name == "Menuiseries Rhône SAS"
    assert "3 quai Perrache" in invoice.customer_address
    assert invoice.customer_siren == "732829320"


def test_due_date_follows_the_schools_payment_terms(school, delivered, office):
    school.payment_terms_days = 45
    school.save()
    invoice = issue(delivered, office, dt.date(2026, 5, 1))
    assert invoice.due_date == dt.date(2026, 6, 15)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_issuing_at_once_get_1_to_20_without_gap(make_order, woodwork, office):
    # Twenty customers: issuing locks the order with its customer's row, so orders of one
    # customer would queue there and never meet at the counter's lock, the one this tests
    # (without select_for_update in take_number, this test fails).
    customers = [
        Customer.objects.create(kind=Customer.Kind.INDIVIDUAL, name=f"Client {n}")
        for n in range(20)
    ]
    orders = [make_order(woodwork, customer, status="delivered") for customer in customers]
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def work(order):
        try:
            barrier.wait()
            invoice = invoicing.issue_invoice(
                order, office, today=dt.date(2026, 6, 1), render=False
            )
            numbers.append(invoice.sequence)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        f"FA-2026-{n:04d}" for n in range(1, 21)
    ]


def test_nothing_is_issued_dated_before_the_latest_of_its_series(
    make_order, woodwork, company, office
):
    """CGI art. 242 nonies A: the series is chronological as well as continuous."""
    later = issue(make_order(woodwork, company, status="delivered"), office, dt.date(2026, 9, 1))
    earlier = make_order(woodwork, company, status="delivered")
    with pytest.raises(invoicing.InvoicingError, match="FA-2026-0001 a été émis le 01/09/2026"):
        issue(earlier, office, dt.date(2026, 8, 30))
    with pytest.raises(invoicing.InvoicingError, match="FA-2026-0001"):
        invoicing.draft_invoice(earlier, School.load(), today=dt.date(2026, 8, 30))
    note = invoicing.issue_credit_note(
        later, office, reason="Geste", amount_excl_vat=Decimal("5"), today=dt.date(2026, 9, 1)
    )
    with pytest.raises(invoicing.InvoicingError, match=f"{note.number} a été émis le 01/09"):
        invoicing.issue_credit_note(
            later, office, reason="Geste", amount_excl_vat=Decimal("5"),
            today=dt.date(2026, 8, 31),
        )  # fmt: skip
    # The same day, a later day and the next year's series are free; no number was lost.
    assert issue(earlier, office, dt.date(2026, 9, 1)).number == "FA-2026-0002"
    assert NumberSeries.objects.get(kind="credit_note", year=2026).last == 1
