from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from ecoles.formats import hours, money, percent


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.56"), "1\u202f234,56\u00a0€"),
        (Decimal("0.005"), "0,01\u00a0€"),
        (Decimal("1000000"), "1\u202f000\u202f000,00\u00a0€"),
        (None, ""),
    ],
)
def test_amounts_are_written_the_french_way(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("23.5"), "23\u00a0h\u00a030"),
        (Decimal("8"), "8\u00a0h"),
        (Decimal("-2.25"), "-2\u00a0h\u00a015"),
        (dt.timedelta(hours=3, minutes=5), "3\u00a0h\u00a005"),
    ],
)
def test_hours_read_as_hours_and_minutes(value, shown):
    assert hours(value) == shown


def test_a_share_is_a_percentage():
    assert percent(Decimal("0.6667")) == "67\u00a0%"
    assert percent(Decimal("0.3125"), 1) == "31,3\u00a0%"


def test_pdfs_find_the_collected_stylesheet_of_a_production_server(settings, tmp_path):
    """Without DEBUG, {% static %} gives hashed names that only exist in STATIC_ROOT."""
    from ecoles.pdf import local_path

    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0123abcd.css").write_text("body {}")
    assert (
        local_path("file:///static/css/pdf.0123abcd.css") == tmp_path / "css" / "pdf.0123abcd.css"
    )
    assert local_path("/static/css/pdf.css").name == "pdf.css"  # the source, via the finders
    assert local_path("/static/../../etc/passwd") is None
    assert local_path("https://example.org/x.css") is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+33 6 12", "'+33 6 12"),
        ("-200,00", "-200,00"),
        ("-12.5", "-12.5"),
        ("Dupont", "Dupont"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula_but_numbers_stay_numbers(value, shown):
    from ecoles.exports import cell

    assert cell(value) == shown


def test_english_amounts_and_dates_follow_one_british_convention():
    """Issue #16: an English page does not mix 04/12/2026 (templates' d/m/Y) with the
    American 12/04/2026, nor 1 234,56 € with 1,234.56 €."""
    from django.utils.formats import date_format

    with translation.override("en"):
        assert money(Decimal("1234.56")) == "1,234.56\u00a0€"
        assert date_format(dt.date(2026, 12, 4), "SHORT_DATE_FORMAT") == "04/12/2026"
        assert date_format(dt.date(2026, 12, 4)) == "4 Dec 2026"
        assert hours(Decimal("3.5")) == "3\u00a0h\u00a030"


@pytest.mark.django_db
def test_an_invoice_page_in_english_writes_numbers_and_dates_one_way(
    client_for, office, school, woodwork
):
    from django.urls import reverse

    from billing import invoicing
    from orders.models import Customer, Order
    from tests.orders.conftest import add_lines, walk_to

    customer = Customer.objects.create(kind="company", name="Menuiseries Rhône SAS")
    order = Order.objects.create(customer=customer, title="Escalier", workshop=woodwork)
    add_lines(order, [("1", "1254.87", "20")])
    walk_to(order, "delivered", office)
    invoice = invoicing.issue_invoice(order, office, today=dt.date(2026, 3, 2), render=False)
    client = client_for(office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'lang="en"' in body
    assert "1,505.84\u00a0€" in body and "1\u202f505,84" not in body
    assert "02/03/2026" in body and "03/02/2026" not in body  # issued 2 March, day first
