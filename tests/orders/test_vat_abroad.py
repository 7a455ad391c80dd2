"""A quote and an order for a business abroad total the VAT the invoice will charge
(issue #27 §2, SPEC.md R12): one rule (orders.models.Order.line_vat) decides a line's VAT
category and rate for the quote, its PDF, the order page and the invoice."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing import invoicing
from orders import documents
from orders.models import Customer, Order, OrderLine

D = Decimal


@pytest.fixture
def german(db):
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY, tax_status=Customer.TaxStatus.EU, country_code="DE",
        name="Holzbau GmbH", vat_number="DE136695976", address="Hauptstraße 1",
        postal_code="10115", city="Berlin", country="Allemagne",
    )  # fmt: skip


@pytest.fixture
def swiss(db):
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY, tax_status=Customer.TaxStatus.NON_EU, country_code="CH",
        name="Atelier Léman SA", address="Rue du Lac 4", postal_code="1201", city="Genève",
        country="Suisse",
    )  # fmt: skip


def order_with(customer, workshop, lines) -> Order:
    order = Order.objects.create(customer=customer, title="Commande", workshop=workshop)
    for i, (qty, price, unit) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order, position=i, description=f"Ligne {i}", quantity=D(qty),
            unit_price=D(price), vat_rate=D("20"), unit=unit,
        )  # fmt: skip
    return order


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


CASES = [
    # customer, lines (qty, price, unit), the categories, the article each mention cites
    ("german", [("2", "100", "u")], {"K"}, ["262 ter I"]),
    (
        "german",
        [("2", "100", "u"), ("4", "25", "h")],
        {"K", "AE"},
        ["262 ter I", "Autoliquidation"],
    ),
    ("swiss", [("2", "100", "u")], {"G"}, ["262 I du CGI"]),
    ("swiss", [("4", "50", "h")], {"O"}, ["259-1°"]),
]


@pytest.mark.parametrize(("who", "lines", "codes", "articles"), CASES)
def test_a_quote_abroad_totals_no_french_vat_and_says_why(
    request, who, lines, codes, articles, school, woodwork
):
    order = order_with(request.getfixturevalue(who), woodwork, lines)
    totals = order.totals(True)
    assert totals.vat == 0 and totals.incl_vat == totals.excl_vat > 0
    assert set(totals.categories) == codes
    for article in articles:
        assert any(article in mention for mention in totals.mentions), totals.mentions
    text = pdf_text(documents.render_quote(order))
    assert "TVA 20" not in text and "20 %" not in text
    for article in articles:
        assert article in text


def test_the_order_page_shows_the_vat_the_invoice_will_charge(
    client, office, german, school, woodwork
):
    order = order_with(german, woodwork, [("2", "100", "u")])
    client.force_login(office)
    page = client.get(f"/commandes/{order.pk}/").content.decode()
    assert "TVA 20" not in page and "20 %" not in page
    assert "262 ter I" in page
    assert "200,00" in page


def test_the_quote_and_the_invoice_agree_to_the_cent(office, german, school, woodwork):
    from tests.orders.conftest import walk_to

    order = order_with(german, woodwork, [("2", "100", "u"), ("4", "25", "h")])
    walk_to(order, "delivered", office)
    order.refresh_from_db()
    invoice = invoicing.issue_invoice(order, office, render=False)
    quoted = order.totals(True)
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        quoted.excl_vat, quoted.vat, quoted.incl_vat,
    )  # fmt: skip
    assert {ln.vat_category for ln in invoice.lines.all()} == set(quoted.categories)


def test_a_private_person_abroad_and_a_french_company_keep_french_vat(company, school, woodwork):
    person = Customer.objects.create(
        kind=Customer.Kind.INDIVIDUAL, tax_status=Customer.TaxStatus.PERSON, country_code="DE",
        name="Hans Müller", address="Hauptstraße 2", postal_code="10115", city="Berlin",
        country="Allemagne",
    )  # fmt: skip
    for customer in (person, company):
        totals = order_with(customer, woodwork, [("1", "100", "u")]).totals(True)
        assert (totals.vat, totals.categories, totals.mentions) == (D("20.00"), [], [])


def test_a_school_exempt_from_vat_keeps_its_own_mention_abroad(german, school, woodwork):
    school.vat_regime = "exempt_261"
    school.save()
    totals = order_with(german, woodwork, [("1", "100", "u")]).totals(False)
    assert (totals.vat, totals.categories, totals.mentions) == (D("0.00"), [], [])
