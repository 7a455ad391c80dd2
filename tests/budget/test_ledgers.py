"""Every budget resource from its own ledger (SPEC.md R11): the actuals of donations, the
apprenticeship tax, grants, families and the materials expense are computed, never typed;
the ledgers' own rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from budget import figures
from budget.admin import BudgetLineAdmin
from budget.home import grant_reports
from budget.models import (
    BudgetLine,
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    TaxCampaign,
    Transfer,
)
from budget.views import BudgetLineForm
from orders.models import Customer, Material, Order
from tests.students.conftest import make_student

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 9, 1), dt.date(2027, 8, 31)


@pytest.fixture
def year(db):
    return BudgetYear.objects.create(start=START, end=END)


@pytest.fixture
def ledgers(year, woodwork, machining):
    """One entry of each ledger on the year's first day, one on its last, one outside."""
    donor = Donor.objects.create(name="Jean Dupuis")
    for day, amount in [(START, "100"), (END, "50"), (END + dt.timedelta(days=1), "999")]:
        Donation.objects.create(
            donor=donor, date=day, amount=D(amount), method="cheque", received_on=day
        )
    Donation.objects.create(  # a gift in kind is no money in
        donor=donor, date=START, amount=D("700"), nature="in_kind", description="Bois",
        received_on=START,
    )  # fmt: skip
    Donation.objects.create(  # not received yet
        donor=donor, date=END, amount=D("300"), method="cheque"
    )
    campaign = TaxCampaign.objects.create(year=2026)
    for n, (day, amount) in enumerate(
        [(START, "1000"), (END, "500"), (START - dt.timedelta(days=1), "999")]
    ):
        Transfer.objects.create(
            campaign=campaign, date=day, amount=D(amount), reference=f"T{n}", kind="unallocated"
        )
    grant = Grant.objects.create(
        funder="Région", programme="EP", amount_granted=D("9000"),
        agreement_start=START, agreement_end=END,
    )  # fmt: skip
    Instalment.objects.create(
        grant=grant, expected_on=START, expected_amount=D("4000"), received_on=START,
        received_amount=D("3900"),
    )  # fmt: skip
    Instalment.objects.create(grant=grant, expected_on=END, expected_amount=D("5000"))
    pupil = make_student(woodwork)
    due = FamilyContribution.objects.create(student=pupil, year=year, amount_due=D("330"))
    FamilyPayment.objects.create(contribution=due, date=START, amount=D("110"), method="cash")
    FamilyPayment.objects.create(
        contribution=due, date=END + dt.timedelta(days=1), amount=D("110"), method="cash"
    )
    company = Customer.objects.create(kind="individual", name="Marie Curie")
    wood = Order.objects.create(customer=company, title="Table", workshop=woodwork)
    metal = Order.objects.create(customer=company, title="Pièce", workshop=machining)
    for order, day, cost in [
        (wood, dt.date(2026, 9, 3), "120.10"), (wood, dt.date(2026, 9, 20), "30"),
        (metal, dt.date(2026, 10, 1), "80"), (metal, END + dt.timedelta(days=1), "999"),
    ]:  # fmt: skip
        Material.objects.create(order=order, description="Matière", cost=D(cost), bought_on=day)
    return {"wood": woodwork, "metal": machining}


def test_each_actual_comes_from_its_ledger_within_the_year(ledgers):
    computed = figures.ledgers(START, END)
    assert computed.donations == D("150.00")
    assert computed.apprenticeship_tax == D("1500.00")
    assert computed.grants == D("3900.00")
    assert computed.families == D("110.00")
    assert computed.materials == D("230.10")


def test_the_summary_takes_the_ledgers_not_the_lines(year, ledgers):
    for source in ["donations", "apprenticeship_tax", "grants", "families"]:
        BudgetLine.objects.create(
            year=year, kind="resource", source=source, label=source, planned=D("1000")
        )
    BudgetLine.objects.create(year=year, kind="resource", source="other", label="Autre",
                              planned=D("10"), actual=D("7"))  # fmt: skip
    BudgetLine.objects.create(year=year, kind="expense", category="materials", label="M",
                              planned=D("500"))  # fmt: skip
    BudgetLine.objects.create(year=year, kind="expense", category="staff", label="S",
                              planned=D("500"), actual=D("400"))  # fmt: skip
    summary = figures.summary(year)
    actual = {r.source: r.actual for r in summary.resources}
    assert actual == {
        "production": D("0.00"), "donations": D("150.00"), "apprenticeship_tax": D("1500.00"),
        "grants": D("3900.00"), "families": D("110.00"), "other": D("7"),
    }  # fmt: skip
    assert summary.materials_actual == D("230.10")
    assert summary.expenses_actual == D("630.10")
    lines = {line.label: line for line in summary.lines}
    assert lines["grants"].computed == D("3900.00")
    assert lines["M"].computed == D("230.10")


def test_a_source_with_several_lines_shows_its_total_once(year, ledgers):
    for label in ["Région", "État"]:
        BudgetLine.objects.create(year=year, kind="resource", source="grants", label=label)
    summary = figures.summary(year)
    assert [line.computed for line in summary.lines] == [None, None]
    assert next(r for r in summary.resources if r.source == "grants").actual == D("3900.00")


def test_materials_are_summed_by_month_and_workshop(ledgers):
    months = dict(figures.monthly_materials(START, END))
    assert len(months) == 12
    assert months[dt.date(2026, 9, 1)] == {ledgers["wood"].pk: D("150.10")}
    assert months[dt.date(2026, 10, 1)] == {ledgers["metal"].pk: D("80.00")}
    assert months[dt.date(2026, 11, 1)] == {}


def test_the_ledgers_are_summed_in_one_query(ledgers, django_assert_num_queries):
    # One query for every sum, and the policy's row that holds it up (read once per request
    # on a page, here outside one), whatever the number of rows.
    figures.ledgers(START, END)  # the policy's row is created
    with django_assert_num_queries(2):
        figures.ledgers(START, END)


COMPUTED = [
    {"kind": "resource", "source": "production"},
    {"kind": "resource", "source": "donations"},
    {"kind": "resource", "source": "apprenticeship_tax"},
    {"kind": "resource", "source": "grants"},
    {"kind": "resource", "source": "families"},
    {"kind": "expense", "category": "materials"},
]


@pytest.mark.parametrize("fields", COMPUTED, ids=lambda f: f.get("source") or f["category"])
def test_no_line_of_a_ledger_accepts_a_typed_actual(year, fields, admin_user):
    line = BudgetLine(year=year, label="Ligne", planned=D("10"), actual=D("5"), **fields)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "actual" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    data = {"label": "Ligne", "planned": "10", "actual": "5", "funder": "", "source": "",
            "category": "", **fields}  # fmt: skip
    form = BudgetLineForm(data, instance=BudgetLine(year=year))
    assert not form.is_valid() and "actual" in form.errors
    request = RequestFactory().get("/")
    request.user = admin_user
    admin_form = BudgetLineAdmin(BudgetLine, site).get_form(request)({**data, "year": year.pk})
    assert not admin_form.is_valid() and "actual" in admin_form.errors
    assert not BudgetLine.objects.exists()


def test_a_line_of_no_ledger_keeps_its_typed_actual(year):
    line = BudgetLine(year=year, kind="resource", source="other", label="Loyers", actual=D("5"))
    line.full_clean()
    line.save()
    assert BudgetLine.objects.get().actual == D("5")


def test_a_company_donor_needs_a_valid_siren(db):
    with pytest.raises(ValidationError) as error:
        Donor(kind="company", name="SARL").full_clean()
    assert "siren" in error.value.message_dict
    with pytest.raises(ValidationError):
        Donor(kind="company", name="SARL", siren="732829321").full_clean()
    Donor(kind="company", name="SARL", siren="732829320").full_clean()
    person = Donor(kind="person", name="Jean", siren="732829320")
    person.full_clean()
    assert person.siren == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        Donor.objects.create(kind="company", name="Sans SIREN")


def test_a_donation_says_how_and_what(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 12), tick=False)
    donor = Donor.objects.create(name="Jean")
    cases = [
        ({"method": ""}, "method"),
        ({"nature": "in_kind", "method": ""}, "description"),
        ({"received_on": dt.date(2026, 10, 31)}, "received_on"),
        ({"date": dt.date(2026, 11, 27)}, "date"),
    ]
    for changes, field in cases:
        values = {"donor": donor, "date": dt.date(2026, 11, 1), "amount": D("10"),
                  "method": "cheque", **changes}  # fmt: skip
        with pytest.raises(ValidationError) as error:
            Donation(**values).full_clean()
        assert field in error.value.message_dict, changes
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.create(donor=donor, date=dt.date(2026, 11, 1), amount=D("10"))


def test_a_transfer_matches_a_promise_of_its_campaign_only(db):
    campaign = TaxCampaign.objects.create(year=2026)
    other = TaxCampaign.objects.create(year=2025)
    pledge = Pledge.objects.create(campaign=other, company="ACME", status="promised",
                                   amount=D("100"))  # fmt: skip
    transfer = Transfer(campaign=campaign, date=dt.date(2026, 7, 1), amount=D("100"),
                        reference="X", pledge=pledge)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        transfer.full_clean()
    assert "pledge" in error.value.message_dict
    transfer.campaign, transfer.kind = other, "unallocated"
    with pytest.raises(ValidationError):
        transfer.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        transfer.save()


def test_a_promise_has_an_amount(db):
    campaign = TaxCampaign.objects.create(year=2026)
    with pytest.raises(ValidationError):
        Pledge(campaign=campaign, company="ACME", status="promised").full_clean()
    Pledge(campaign=campaign, company="ACME", status="approached").full_clean()


def test_an_instalment_received_says_when_and_how_much(db):
    grant = Grant.objects.create(funder="R", programme="P", amount_granted=D("10"),
                                 agreement_start=START, agreement_end=END)  # fmt: skip
    for changes in [{"received_on": START}, {"received_amount": D("5")}]:
        with pytest.raises(ValidationError):
            Instalment(
                grant=grant, expected_on=START, expected_amount=D("5"), **changes
            ).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Instalment.objects.create(grant=grant, expected_on=START, expected_amount=D("5"),
                                  received_on=START)  # fmt: skip


def test_the_director_is_reminded_of_reports_due_within_a_month(db):
    today = dt.date(2026, 11, 26)

    def grant(due, sent=None):
        return Grant.objects.create(funder="R", programme=str(due), amount_granted=D("10"),
                                    agreement_start=START, agreement_end=END, report_due=due,
                                    report_sent_on=sent)  # fmt: skip

    late = grant(dt.date(2026, 11, 1))
    soon = grant(today + dt.timedelta(days=30))
    grant(today + dt.timedelta(days=31))  # later
    grant(dt.date(2026, 11, 20), sent=dt.date(2026, 11, 19))  # sent
    grant(None)
    assert grant_reports(today)["grant_reports"] == [late, soon]
