"""What production contributes (SPEC.md R5): revenue computed from invoices, the share."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from billing.models import CreditNote, Invoice, Payment
from budget import figures as budget
from budget.models import BudgetLine, BudgetYear, Donation, Donor, Grant, Instalment
from orders.models import Customer, Material, Order

D = Decimal


@pytest.fixture
def customer(db):
    return Customer.objects.create(kind="company", name="Menuiseries Rhône")


@pytest.fixture
def make_invoice(customer, woodwork):
    counter = iter(range(1, 1000))

    def make(day: dt.date, excl: str, workshop=None) -> Invoice:
        order = Order.objects.create(
            customer=customer, title="Tables", workshop=workshop or woodwork, status="invoiced"
        )
        excl_vat = D(excl)
        return Invoice.objects.create(
            order=order,
            number=f"FA-{day.year}-{next(counter):04d}",
            year=day.year,
            sequence=next(counter),
            issue_date=day,
            due_date=day + dt.timedelta(days=30),
            customer_kind="company",
            customer_name=customer.name,
            order_reference=f"C-{order.pk}",
            late_penalty_rate=D("12"),
            early_payment_discount="Pas d'escompte.",
            total_excl_vat=excl_vat,
            total_vat=excl_vat * D("0.2"),
            total_incl_vat=excl_vat * D("1.2"),
        )

    return make


def credit(invoice: Invoice, day: dt.date, excl: str) -> CreditNote:
    excl_vat = D(excl)
    return CreditNote.objects.create(
        invoice=invoice,
        number=f"AV-{day.year}-{invoice.pk:04d}",
        year=day.year,
        sequence=invoice.pk,
        issue_date=day,
        customer_kind="company",
        customer_name=invoice.customer_name,
        reason="Retour",
        total_excl_vat=excl_vat,
        total_vat=excl_vat * D("0.2"),
        total_incl_vat=excl_vat * D("1.2"),
    )


@pytest.fixture
def september_school(school):
    school.budget_year_start_month = 9
    school.save()
    return school


@pytest.fixture
def known_invoices(make_invoice, september_school):
    """Across the 31 August / 1 September boundary of a September budget year."""
    before = make_invoice(dt.date(2026, 8, 31), "1000.00")  # previous year
    first = make_invoice(dt.date(2026, 9, 1), "2000.00")
    second = make_invoice(dt.date(2027, 3, 15), "500.50")
    make_invoice(dt.date(2027, 9, 1), "9999.00")  # next year
    credit(before, dt.date(2026, 9, 10), "300.00")  # credited in this year: counts in it
    credit(first, dt.date(2027, 8, 31), "200.00")
    credit(second, dt.date(2027, 9, 2), "100.00")  # next year
    return first, second


def test_production_revenue_is_invoices_net_of_credit_notes_issued_in_the_year(known_invoices):
    year = BudgetYear.for_day(dt.date(2026, 11, 26))
    assert (year.start, year.end) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert budget.money_in(year.start, year.end)[0] == D("2000.50")


def test_a_january_year_cuts_the_same_invoices_otherwise(known_invoices):
    assert budget.money_in(dt.date(2026, 1, 1), dt.date(2026, 12, 31))[0] == D("2700.00")
    assert budget.money_in(dt.date(2027, 1, 1), dt.date(2027, 12, 31))[0] == D("10199.50")


def test_monthly_revenue_places_each_invoice_and_credit_in_its_month(known_invoices):
    monthly = dict(budget.monthly_revenue(dt.date(2026, 9, 1), dt.date(2027, 8, 31)))
    assert len(monthly) == 12
    assert monthly[dt.date(2026, 9, 1)] == D("1700.00")
    assert monthly[dt.date(2027, 3, 1)] == D("500.50")
    assert monthly[dt.date(2027, 8, 1)] == D("-200.00")
    assert sum(monthly.values()) == D("2000.50")


def test_revenue_and_margin_by_workshop_count_each_sum_once(make_invoice, woodwork, machining):
    day = dt.date(2026, 10, 1)
    wood = make_invoice(day, "1000.00", woodwork)
    make_invoice(day, "400.00", machining)
    credit(wood, day, "100.00")
    Material.objects.create(
        order=wood.order, description="Chêne", supplier="Scierie", cost=D("250")
    )
    Material.objects.create(order=wood.order, description="Vernis", supplier="Brico", cost=D("50"))
    figures = {
        f.workshop.name: f for f in budget.by_workshop(dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    }
    assert figures["Menuiserie"].revenue == D("900.00")
    assert figures["Menuiserie"].materials == D("300.00")
    assert figures["Menuiserie"].margin == D("600.00")
    assert figures["Usinage"].revenue == D("400.00")


@pytest.fixture
def year_with_lines(known_invoices):
    year = BudgetYear.for_day(dt.date(2026, 11, 26))
    lines = [
        ("resource", "production", "", "Ventes", "2500", None),
        ("resource", "grants", "", "Région", "4000", None),
        ("resource", "donations", "", "Mécénat", "1000", None),
        ("expense", "", "staff", "Salaires", "6000", "2000"),
    ]
    # The grants' and donations' actuals come from their ledgers (SPEC.md R11).
    grant = Grant.objects.create(
        funder="Région", programme="EP", amount_granted=D("4000"),
        agreement_start=year.start, agreement_end=year.end,
    )  # fmt: skip
    Instalment.objects.create(
        grant=grant, expected_on=dt.date(2026, 10, 1), expected_amount=D("3000"),
        received_on=dt.date(2026, 10, 5), received_amount=D("3000"),
    )  # fmt: skip
    donor = Donor.objects.create(name="Jean Dupuis")
    Donation.objects.create(
        donor=donor, date=dt.date(2026, 10, 1), amount=D("1000"), method="cheque",
        received_on=dt.date(2026, 10, 2),
    )  # fmt: skip
    for kind, source, category, label, planned, actual in lines:
        BudgetLine.objects.create(
            year=year,
            kind=kind,
            source=source,
            category=category,
            label=label,
            planned=D(planned),
            actual=D(actual) if actual else None,
        )
    return year


def test_the_share_is_production_revenue_over_actual_resources(year_with_lines):
    summary = budget.summary(year_with_lines)
    assert summary.production_revenue == D("2000.50")
    assert summary.resources_actual == D("6000.50")
    assert summary.share == D("2000.50") / D("6000.50")
    assert summary.planned_share == D("2500") / D("7500")
    assert summary.share_status == "within"  # 33.3 % of resources, inside 25-35 %


def test_the_band_status_follows_the_policy(year_with_lines, policy):
    policy.production_share_min, policy.production_share_max = D("25"), D("35")
    policy.save()
    assert budget.summary(year_with_lines).share_status == "within"
    policy.production_share_min, policy.production_share_max = D("40"), D("50")
    policy.save()
    assert budget.summary(year_with_lines).share_status == "below"
    policy.production_share_min, policy.production_share_max = D("10"), D("20")
    policy.save()
    assert budget.summary(year_with_lines).share_status == "above"


def test_cash_received_counts_payments_of_the_year(known_invoices):
    first, second = known_invoices
    Payment.objects.create(
        invoice=first, date=dt.date(2026, 10, 1), amount=D("1200"), method="transfer"
    )
    Payment.objects.create(
        invoice=second, date=dt.date(2027, 9, 1), amount=D("50"), method="cheque"
    )
    assert budget.money_in(dt.date(2026, 9, 1), dt.date(2027, 8, 31))[1] == D("1200")


class TestBudgetPages:
    @pytest.fixture(autouse=True)
    def on_26_november_2026(self):
        with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0), tick=False):
            yield

    def test_the_director_sees_the_share_and_the_charts(
        self, client_for, director, year_with_lines
    ):
        response = client_for(director).get(reverse("budget:overview"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "2\u202f000,50\u00a0€" in body
        assert body.count("<svg") == 5  # revenue, resources, expenses, workshops, materials
        assert "Charges par catégorie" in body

    def test_the_report_pdf_carries_the_key_figures(self, client_for, accountant, year_with_lines):
        response = client_for(accountant).get(reverse("budget:pdf"))
        assert response["Content-Type"] == "application/pdf"
        pages = PdfReader(io.BytesIO(response.content)).pages
        text = " ".join(" ".join(p.extract_text() for p in pages).split())
        assert "Budget 2026-2027" in text
        assert "Chiffres clés" in text
        assert "2 000,50 €" in text
        assert "33,3 %" in text

    def test_the_report_breaks_expenses_down_by_category(
        self, client_for, accountant, year_with_lines
    ):
        response = client_for(accountant).get(reverse("budget:pdf"))
        pages = PdfReader(io.BytesIO(response.content)).pages
        text = " ".join(" ".join(p.extract_text() for p in pages).split()).replace("\u00a0", " ")
        expenses = text.split("Charges Catégorie")[1]
        assert "Personnel 6 000,00 € 2 000,00 €" in expenses

    def test_csv_exports_give_lines_and_months(self, client_for, accountant, year_with_lines):
        client = client_for(accountant)
        lines = client.get(reverse("budget:lines_csv")).content.decode("utf-8-sig")
        assert "Ventes" in lines and "2000,50" in lines
        months = client.get(reverse("budget:monthly_csv")).content.decode("utf-8-sig")
        assert "2026-09;1700,00;1700,00" in months
        assert months.strip().splitlines()[-1] == "2027-08;-200,00;2000,50"

    def test_a_typed_production_actual_is_refused(self, client_for, director, year_with_lines):
        line = year_with_lines.lines.get(source="production")
        response = client_for(director).post(
            reverse("budget:line_edit", args=[2026, line.pk]),
            {
                "kind": "resource",
                "source": "production",
                "label": "Ventes",
                "planned": "3000",
                "actual": "99999",
            },
        )
        assert response.status_code == 200
        assert "actual" in response.context["form"].errors
        line.refresh_from_db()
        assert (line.planned, line.actual) == (D("2500"), None)

    def test_a_line_without_label_says_what_to_fix(self, client_for, director, year_with_lines):
        before = year_with_lines.lines.count()
        response = client_for(director).post(
            reverse("budget:line_add", args=[2026]), {"kind": "expense", "planned": "-5"}
        )
        assert response.status_code == 200
        assert year_with_lines.lines.count() == before

    def test_opening_the_next_year_copies_the_plan(self, client_for, director, year_with_lines):
        client_for(director).post(reverse("budget:year_add"))
        new = BudgetYear.objects.get(start=dt.date(2027, 9, 1))
        assert new.lines.count() == 4
        assert not new.lines.exclude(actual=None).exists()

    @pytest.mark.parametrize("persona", ["office", "woodwork_trainer", "teacher"])
    def test_other_roles_get_403(self, client_for, personas, persona, year_with_lines):
        client = client_for(personas[persona])
        for name in ["budget:overview", "budget:pdf", "budget:lines_csv", "budget:monthly_csv"]:
            assert client.get(reverse(name)).status_code == 403

    def test_an_unknown_year_is_404(self, client_for, director, year_with_lines):
        assert (
            client_for(director).get(reverse("budget:overview") + "?year=1999").status_code == 404
        )
        assert client_for(director).get(reverse("budget:overview") + "?year=abc").status_code == 404

    def test_the_page_makes_as_many_queries_with_more_invoices(
        self, client_for, director, year_with_lines, make_invoice, django_assert_max_num_queries
    ):
        client = client_for(director)
        with django_assert_max_num_queries(20) as small:
            client.get(reverse("budget:overview"))
        for i in range(30):
            make_invoice(dt.date(2026, 10, 1) + dt.timedelta(days=i), "10")
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(reverse("budget:overview"))
