"""E-reporting (SPEC.md R12): per period, following the VAT regime, the sales not
e-invoiced and, for services, the payments received; a page and a file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from billing import ereporting, invoicing
from ecoles.models import School
from orders.models import Customer, Order, OrderLine
from tests.orders.conftest import walk_to

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(
    ("regime", "filing", "day", "period"),
    [
        ("subject", "normal_monthly", "2026-03-15", ("2026-03-11", "2026-03-20")),
        ("subject", "normal_monthly", "2026-02-25", ("2026-02-21", "2026-02-28")),
        ("subject", "normal_monthly", "2026-03-10", ("2026-03-01", "2026-03-10")),
        ("subject", "normal_quarterly", "2026-03-15", ("2026-03-01", "2026-03-31")),
        ("sectorised", "simplified", "2026-03-31", ("2026-03-01", "2026-03-31")),
        ("exempt_293b", "simplified", "2026-04-30", ("2026-03-01", "2026-04-30")),
        ("exempt_293b", "normal_monthly", "2026-12-01", ("2026-11-01", "2026-12-31")),
    ],
)
def test_the_period_follows_the_vat_regime(regime, filing, day, period, db):
    school = School(vat_regime=regime, vat_filing=filing)
    got = ereporting.period_of(school, dt.date.fromisoformat(day))
    assert got == tuple(dt.date.fromisoformat(d) for d in period)


def test_a_years_periods_cover_it_without_gap(db):
    school = School(vat_filing="normal_monthly")
    periods = ereporting.periods(school, 2026)
    assert len(periods) == 36
    assert periods[0][0] == dt.date(2026, 1, 1) and periods[-1][1] == dt.date(2026, 12, 31)
    for (_s, end), (start, _e) in zip(periods, periods[1:], strict=False):
        assert start == end + dt.timedelta(days=1)


def sale(customer, workshop, office, lines, day):
    order = Order.objects.create(customer=customer, title="Vente", workshop=workshop)
    for i, (qty, price, rate, unit) in enumerate(lines, start=1):
        OrderLine.objects.create(order=order, position=i, description=f"L{i}",
                                 quantity=D(qty), unit_price=D(price), vat_rate=D(rate),
                                 unit=unit)  # fmt: skip
    walk_to(order, "delivered", office)
    return invoicing.issue_invoice(order, office, today=day, render=False)


@pytest.fixture
def sales(company, individual, woodwork, office, school):
    day = dt.date(2026, 3, 5)
    to_person = sale(
        individual, woodwork, office, [("2", "50", "20", "h"), ("1", "10", "10", "h")], day
    )
    sale(company, woodwork, office, [("1", "999", "20", "u")], day)  # e-invoiced: not here
    invoicing.issue_credit_note(to_person, office, reason="Geste", amount_excl_vat=D("5"),
                                vat_rate=D("20"), today=day, render=False)  # fmt: skip
    invoicing.record_payment(to_person, office, date=dt.date(2026, 3, 20), amount=D("50"),
                             method="transfer")  # fmt: skip
    return to_person


def test_the_report_holds_the_sales_not_e_invoiced_and_the_payments_for_services(sales):
    report = ereporting.build(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    rows = {(r.category, r.rate): (r.base, r.vat) for r in report.transactions}
    # 100 € at 20 % less the 5 € credit note, 10 € at 10 %; the company's sale is absent.
    assert rows == {("TPS1", D("20.00")): (D("95.00"), D("19.00")),
                    ("TPS1", D("10.00")): (D("10.00"), D("1.00"))}  # fmt: skip
    assert report.payments == [(dt.date(2026, 3, 20), D("50.00"))]
    assert ereporting.build(dt.date(2026, 4, 1), dt.date(2026, 4, 30)).transactions == []


def test_the_page_and_the_file(sales, office, teacher, client_for, django_assert_max_num_queries):
    url = reverse("billing:ereporting")
    assert client_for(teacher).get(url).status_code == 403
    client = client_for(office)
    page = client.get(url, {"period": "2026-03-12"})
    text = page.content.decode()
    assert "01/03/2026" in text and "TPS1" in text and "95,00" in text
    response = client.get(url, {"period": "2026-03-12", "format": "xml"})
    assert response["Content-Type"] == "application/xml"
    tree = etree.fromstring(response.content)
    assert tree.findtext("ReportDocument/PeriodStart") == "20260301"
    amounts = [t.text for t in tree.iterfind("TransactionsReport/Transactions/TaxExclusiveAmount")]
    assert sorted(amounts) == ["10.00", "95.00"]
    assert tree.findtext("PaymentsReport/Payment/Amount") == "50.00"
    assert client.get(url, {"period": "pas-une-date"}).status_code == 200


def test_a_mixed_sale_is_reported_as_goods_and_services_never_as_the_margin_scheme(
    individual, woodwork, office, school
):
    """TMA1 is the margin scheme's (art. 297 A): a mixed invoice's goods are TLB1, its
    services TPS1."""
    day = dt.date(2026, 3, 5)
    sale(individual, woodwork, office, [("1", "100", "20", "u"), ("2", "30", "20", "h")], day)
    report = ereporting.build(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    rows = {(r.category, r.rate): (r.base, r.vat) for r in report.transactions}
    assert rows == {("TLB1", D("20.00")): (D("100.00"), D("20.00")),
                    ("TPS1", D("20.00")): (D("60.00"), D("12.00"))}  # fmt: skip


def test_business_invoices_abroad_are_reported_one_by_one_not_in_the_totals(
    sales, woodwork, office, school
):
    german = Customer.objects.create(
        kind="company", tax_status="eu", country_code="DE", name="Holzbau GmbH",
        vat_number="DE136695976", address="Hauptstraße 1", postal_code="10115", city="Berlin",
    )  # fmt: skip
    swiss = Customer.objects.create(
        kind="company", tax_status="non_eu", country_code="CH", name="Atelier SA",
        registration_number="CHE-123.456.789", address="Rue du Lac 4", postal_code="1201",
        city="Genève",
    )  # fmt: skip
    day = dt.date(2026, 3, 6)
    to_germany = sale(german, woodwork, office, [("1", "200", "20", "u")], day)
    sale(swiss, woodwork, office, [("3", "40", "20", "h")], day)
    invoicing.record_payment(to_germany, office, date=day, amount=D("200"), method="transfer")
    report = ereporting.build(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert {r.category for r in report.transactions} == {"TPS1"}  # the person's only
    assert [(d.number, d.country, d.vat_number, d.parts) for d in report.international] == [
        (to_germany.number, "DE", "DE136695976", [("TNT1", D("0"), D("200.00"), D("0"))]),
        ("FA-2026-0004", "CH", "", [("TNT1", D("0"), D("120.00"), D("0"))]),
    ]
    assert report.payments == [(dt.date(2026, 3, 20), D("50.00"))]  # not the German's
    tree = etree.fromstring(ereporting.to_xml(report, school))
    ids = [e.text for e in tree.iterfind("InvoicesReport/Invoice/Id")]
    assert ids == [to_germany.number, "FA-2026-0004"]
    assert tree.findtext("InvoicesReport/Invoice/Buyer/VatId") == "DE136695976"
