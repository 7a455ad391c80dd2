"""The e-invoicing reform's rules (SPEC.md R12): each document's route from the customer's
status and the school's VAT status, and no domestic B2B invoice without the customer's
SIREN once the school's e-invoicing date has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from billing import invoicing, reform
from billing.invoicing import InvoicingError
from billing.models import Invoice
from ecoles.models import School
from orders.models import Customer, Order

S = Customer.TaxStatus
R = School.VatRegime

ROUTES = {
    # customer status: (subject, franchise 293 B, exempt 261-7-1°, sectorised)
    S.FR_VAT: ("platform", "platform", "none", "platform"),
    S.FR_NOT_SUBJECT: ("ereporting", "ereporting", "none", "ereporting"),
    S.PERSON: ("ereporting", "ereporting", "none", "ereporting"),
    S.PUBLIC: ("chorus", "chorus", "chorus", "chorus"),
    S.EU: ("ereporting", "ereporting", "none", "ereporting"),
    S.NON_EU: ("ereporting", "ereporting", "none", "ereporting"),
}
REGIMES = (R.SUBJECT, R.EXEMPT_293B, R.EXEMPT_261, R.SECTORISED)


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("regime", REGIMES)
def test_the_route_of_every_customer_status_under_every_vat_status(status, regime):
    assert reform.route(status, regime) == ROUTES[status][REGIMES.index(regime)]


def test_every_status_and_regime_is_covered():
    assert set(ROUTES) == set(S) and set(REGIMES) == set(R)


@pytest.fixture
def no_siren(db, company):
    """A French business recorded before its SIREN was asked (the rule of issue time)."""
    Customer.objects.filter(pk=company.pk).update(siret="", vat_number="")
    company.refresh_from_db()
    return company


def test_after_the_issuing_date_no_b2b_invoice_without_the_customers_siren(
    make_order, woodwork, no_siren, office, school
):
    order = make_order(woodwork, no_siren, status="delivered")
    with pytest.raises(InvoicingError, match="SIREN"):
        invoicing.issue_invoice(order, office, today=dt.date(2027, 9, 1), render=False)
    assert not Invoice.objects.exists()
    assert Order.objects.get(pk=order.pk).status == "delivered"
    # The day before, it still could be issued.
    invoice = invoicing.issue_invoice(order, office, today=dt.date(2027, 8, 31), render=False)
    assert invoice.number == "FA-2027-0001"


def test_the_issuing_date_is_the_schools_setting(make_order, woodwork, no_siren, office, school):
    school.einvoicing_date = dt.date(2026, 1, 1)
    school.save()
    order = make_order(woodwork, no_siren, status="delivered")
    with pytest.raises(InvoicingError, match="01/01/2026"):
        invoicing.issue_invoice(order, office, today=dt.date(2026, 3, 2), render=False)


def test_a_person_or_a_foreign_customer_needs_no_siren(
    make_order, woodwork, individual, office, school
):
    order = make_order(woodwork, individual, status="delivered")
    invoice = invoicing.issue_invoice(order, office, today=dt.date(2028, 1, 5), render=False)
    assert (invoice.route, invoice.customer_tax_status) == ("ereporting", "person")


def test_the_route_is_frozen_on_the_invoice_and_its_credit_note(
    make_order, woodwork, company, office, school
):
    invoice = invoicing.issue_invoice(
        make_order(woodwork, company, status="delivered"), office, render=False
    )
    school.vat_regime = R.EXEMPT_261
    school.save()
    note = invoicing.issue_credit_note(invoice, office, reason="Annulation", render=False)
    assert (invoice.route, note.route) == ("platform", "platform")


def test_a_public_body_is_recorded_with_its_siret(db):
    customer = Customer(kind="company", tax_status=S.PUBLIC, name="Mairie", siret="216901231")
    with pytest.raises(Exception, match="SIRET"):
        customer.full_clean()
    foreign = Customer(kind="company", tax_status=S.EU, name="GmbH", country_code="FR")
    with pytest.raises(Exception, match="pays"):
        foreign.full_clean()
    foreign.country_code = "DE"
    # An EU company needs its VAT number (issue #27: its goods are exempt only so)...
    with pytest.raises(Exception, match="numéro de TVA"):
        foreign.full_clean()
    foreign.vat_number = "DE136695976"
    foreign.full_clean()  # ...and no SIRET


def test_after_the_issuing_date_an_e_invoice_needs_both_electronic_addresses(
    make_order, woodwork, company, office, school
):
    """BT-34 and BT-49: the platform delivers to the parties' electronic addresses."""
    after = dt.date(2027, 9, 1)
    order = make_order(woodwork, company, status="delivered")
    with pytest.raises(InvoicingError, match="adresse électronique de l'école"):
        invoicing.issue_invoice(order, office, today=after, render=False)
    school.electronic_address = "732829320"
    school.save()
    with pytest.raises(InvoicingError, match="adresse électronique du client"):
        invoicing.issue_invoice(order, office, today=after, render=False)
    company.electronic_address = "552081317_FACTURES"
    company.save()
    invoice = invoicing.issue_invoice(order, office, today=after, render=False)
    assert invoice.customer_electronic_address == "552081317_FACTURES"
    assert invoice.route == "platform"
