"""An issued invoice or credit note never changes, whatever the way in: a save of an object
carrying its primary key, a queryset, raw SQL (SPEC.md R4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from billing import invoicing
from billing.models import CreditNote, CreditNoteLine, ImmutableError, Invoice, InvoiceLine, Payment

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def issued(delivered, office):
    invoice = invoicing.issue_invoice(delivered, office, today=dt.date(2026, 5, 4), render=False)
    note = invoicing.issue_credit_note(
        invoice, office, reason="Remise", amount_excl_vat=D("10"), render=False
    )
    return invoice, note


@pytest.fixture
def paid(issued, office):
    invoice, _note = issued
    return invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=D("50"), method="cheque"
    )


def copy_of(obj, **changes):
    """A new object with `obj`'s fields, its primary key included, and `changes`."""
    fields = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}
    return type(obj)(**{**fields, **changes})


def test_saving_an_object_that_carries_an_issued_invoices_key_is_refused(issued):
    invoice, note = issued
    for forged in (
        copy_of(invoice, total_incl_vat=D("1.00")),
        copy_of(note, total_incl_vat=D("1.00")),
        copy_of(invoice.lines.get(), unit_price=D("1.00")),
        copy_of(note.lines.get(), unit_price=D("1.00")),
    ):
        with pytest.raises(ImmutableError):
            forged.save()
    invoice.refresh_from_db()
    note.refresh_from_db()
    assert (invoice.total_incl_vat, note.total_incl_vat) == (D("360.00"), D("12.00"))
    assert invoice.lines.get().unit_price == D("150.00")


def test_a_forged_object_cannot_slip_in_through_bookkeeping_fields_either(issued):
    invoice, _note = issued
    forged = copy_of(invoice, total_incl_vat=D("1.00"), settled=True)
    with pytest.raises(ImmutableError):
        forged.save(update_fields=["settled"])
    with pytest.raises(ImmutableError):
        Invoice.objects.filter(pk=invoice.pk).update(total_incl_vat=D("1.00"), settled=True)
    with pytest.raises(ImmutableError):
        InvoiceLine.objects.filter(invoice=invoice).update(unit_price=D("1"))
    with pytest.raises(ImmutableError):
        CreditNoteLine.objects.all().delete()


def raw(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("orders_invoice", "total_incl_vat", "1.00"),
        ("orders_invoice", "customer_name", "Autre"),
        ("orders_invoice", "number", "FA-2026-9999"),
        ("orders_invoice", "route", "none"),  # the reform's data (billing/0003)
        ("orders_invoice", "customer_siret", "21690123100011"),
        ("orders_creditnote", "operation_category", "goods"),
        ("orders_creditnote", "total_incl_vat", "1.00"),
        ("orders_invoiceline", "unit_price", "1.00"),
        ("orders_creditnoteline", "description", "Autre"),
        ("orders_payment", "amount", "1.00"),
    ],
)
def test_the_database_refuses_to_change_an_issued_document(issued, paid, table, column, value):
    with pytest.raises(DatabaseError):
        raw(f"UPDATE {table} SET {column} = %s", value)  # noqa: S608 (our own names)
    invoice, note = issued
    assert Invoice.objects.get(pk=invoice.pk).total_incl_vat == D("360.00")
    assert Invoice.objects.get(pk=invoice.pk).customer_name == "Menuiseries Rhône SAS"
    assert CreditNote.objects.get(pk=note.pk).total_incl_vat == D("12.00")
    assert invoice.lines.get().unit_price == D("150.00")
    assert note.lines.get().description == "Remise"
    assert Payment.objects.get().amount == D("50.00")


def test_the_database_lets_the_stored_pdf_and_the_settled_flag_be_written(issued):
    invoice, note = issued
    raw("UPDATE orders_invoice SET pdf = %s, pdf_sha256 = %s, settled = %s", "a.pdf", "ab", True)
    raw("UPDATE orders_creditnote SET pdf = %s, pdf_sha256 = %s", "b.pdf", "cd")
    raw("UPDATE orders_invoice SET facturx_xml = %s, xml_sha256 = %s", "<x/>", "ef")
    invoice.refresh_from_db()
    assert (invoice.pdf.name, invoice.settled) == ("a.pdf", True)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "table",
    [
        "orders_invoice",
        "orders_creditnote",
        "orders_invoiceline",
        "orders_creditnoteline",
        "orders_payment",
    ],
)
def test_postgresql_refuses_to_delete_an_issued_document(issued, paid, table):
    with pytest.raises(DatabaseError):
        raw(f"DELETE FROM {table}")  # noqa: S608 (our own names)
    assert InvoiceLine.objects.count() == CreditNoteLine.objects.count() == 1
    assert Invoice.objects.count() == CreditNote.objects.count() == Payment.objects.count() == 1


def test_a_recorded_payment_is_never_changed_nor_deleted_only_cancelled(paid):
    paid.amount = D("5")
    for attempt in (
        paid.save,
        paid.delete,
        copy_of(Payment.objects.get(), amount=D("5")).save,
        lambda: Payment.objects.update(amount=D("5")),
        lambda: Payment.objects.all().delete(),
    ):
        with pytest.raises(ImmutableError, match="annulez-le"):
            attempt()
    assert Payment.objects.get().amount == D("50.00")
