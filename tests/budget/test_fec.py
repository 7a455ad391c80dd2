"""The FEC of a fiscal year (issue #27 §3; SPEC.md R11; LPF art. A47 A-1): every flow the
software records, numbered continuously per journal in date order, ISO-8859-15, every
entry balanced, each account on its side, customers' invoices lettered, the opening
entries it can know, and the description served beside it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import invoicing, refunds
from billing.models import SupplierInvoice
from budget import fec
from budget.models import (
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    TaxCampaign,
    Transfer,
)
from tests.billing.money import credited_after_payment, invoice  # noqa: F401 (fixtures)
from tests.orders.conftest import company, delivered, individual, make_order  # noqa: F401
from tests.students.conftest import make_student

pytestmark = pytest.mark.django_db
D = Decimal
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
COLUMNS = 18


def parse(data: bytes) -> list[dict]:
    rows = [line.split("\t") for line in data.decode("iso-8859-15").split("\r\n") if line]
    assert all(len(r) == COLUMNS for r in rows)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def entry_sides(rows: list[dict], label: str) -> dict[str, str]:
    found = [r for r in rows if r["EcritureLib"].startswith(label)]
    assert found, label
    return {r["CompteNum"]: "D" if money(r["Debit"]) else "C" for r in found}


@pytest.fixture
def year(db):
    return BudgetYear.objects.create(start=START, end=END)


@pytest.fixture
def whole_year(request, year, woodwork, machining, office):
    """A demo-like year: an invoice of the year before paid in this one, sales with goods
    and services, a credit note refunded, a cash payment cancelled, a supplier invoice and
    a supplier credit note, gifts from a person and a company (and one in kind), a grant
    instalment, an apprenticeship tax transfer and a family's payment in cash."""
    credited = request.getfixturevalue("credited_after_payment")
    make = request.getfixturevalue("make_order")
    person_customer = request.getfixturevalue("individual")
    refunds.record_refund(
        credited, office, date=dt.date(2026, 3, 20), amount=D("60.00"),
        method="cheque", today=dt.date(2026, 3, 20),
    )  # fmt: skip
    old = make(woodwork, person_customer, status="delivered")
    last_year = invoicing.issue_invoice(old, office, today=dt.date(2025, 12, 15), render=False)
    invoicing.record_payment(
        last_year, office, date=dt.date(2026, 1, 20), amount=last_year.total_incl_vat,
        method="transfer",
    )  # fmt: skip
    mixed = make(
        machining, person_customer, status="delivered",
        lines=[("3", "33.33", "20"), ("2", "45.00", "20")],
    )  # fmt: skip
    mixed.lines.filter(position=2).update(unit="h")
    second = invoicing.issue_invoice(mixed, office, today=dt.date(2026, 4, 1), render=False)
    pay = invoicing.record_payment(
        second, office, date=dt.date(2026, 4, 2), amount=second.total_incl_vat, method="cash"
    )
    invoicing.reverse_payment(pay, office, reason="Erreur", today=dt.date(2026, 4, 3))
    for n, (code, day) in enumerate([("380", dt.date(2026, 2, 3)), ("381", dt.date(2026, 2, 9))]):
        SupplierInvoice.objects.create(
            flow_id=f"F{n}", type_code=code, number=f"BOIS-{n}", issue_date=day,
            supplier_name="Scierie du Lyonnais", supplier_siren="552100554",
            total_excl_vat=D("500.00"), total_vat=D("100.00"), total_incl_vat=D("600.00"),
            amount_due=D("600.00"), xml="<x/>",
        )  # fmt: skip
    person = Donor.objects.create(name="Jean Dupuis")
    firm = Donor.objects.create(kind="company", name="Fondation Rhône", siren="732829320")
    Donation.objects.create(
        donor=person, date=dt.date(2026, 5, 2), amount=D("150"), method="cheque",
        received_on=dt.date(2026, 5, 4),
    )  # fmt: skip
    Donation.objects.create(
        donor=firm, date=dt.date(2026, 6, 1), amount=D("5000"), method="transfer",
        received_on=dt.date(2026, 6, 3),
    )  # fmt: skip
    Donation.objects.create(
        donor=person, date=dt.date(2026, 6, 1), amount=D("700"), nature="in_kind",
        description="Bois", received_on=dt.date(2026, 6, 1),
    )  # fmt: skip
    grant = Grant.objects.create(
        funder="Région", programme="EP", amount_granted=D("9000"),
        agreement_start=START, agreement_end=END,
    )  # fmt: skip
    Instalment.objects.create(
        grant=grant, expected_on=dt.date(2026, 7, 1), expected_amount=D("4000"),
        received_on=dt.date(2026, 7, 2), received_amount=D("3900"),
    )  # fmt: skip
    campaign = TaxCampaign.objects.create(year=2026)
    Transfer.objects.create(
        campaign=campaign, date=dt.date(2026, 7, 10), amount=D("1200"), reference="SOLTEA-1",
        kind="unallocated",
    )  # fmt: skip
    due = FamilyContribution.objects.create(
        student=make_student(woodwork), year=year, amount_due=D("330")
    )
    FamilyPayment.objects.create(
        contribution=due, date=dt.date(2026, 9, 5), amount=D("110"), method="cash"
    )
    return year


def test_the_fec_holds_every_flow_the_software_records(whole_year):
    rows = parse(fec.render(whole_year))
    journals = {r["JournalCode"] for r in rows}
    assert journals == {"AN", "VE", "HA", "BQ", "CA"}
    accounts = {r["CompteNum"] for r in rows}
    assert {
        "411000", "701000", "706000", "445712", "512000", "530000", "601000", "445660",
        "401000", "754100", "754300", "740000", "748100", "706300", "890000",
    } <= accounts  # fmt: skip
    # A gift in kind is no money in: not in the file (the description says so).
    assert not any("700,00" in (r["Debit"], r["Credit"]) for r in rows)


def test_every_entry_balances_and_numbers_run_on_per_journal(whole_year):
    rows = parse(fec.render(whole_year))
    entries: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    dates: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        key = (r["JournalCode"], r["EcritureNum"])
        if key not in entries:
            dates[r["JournalCode"]].append((r["EcritureNum"], r["EcritureDate"]))
        entries[key] += money(r["Debit"]) - money(r["Credit"])
    assert all(total == 0 for total in entries.values()), entries
    for code, seen in dates.items():
        assert [n for n, _d in seen] == [f"{code}{i:06d}" for i in range(1, len(seen) + 1)]
        assert [d for _n, d in seen] == sorted(d for _n, d in seen)
    assert [r["ValidDate"] for r in rows] == sorted(r["ValidDate"] for r in rows)
    assert all(START.strftime("%Y%m%d") <= r["EcritureDate"] <= "20261231" for r in rows)


def test_each_flow_is_on_its_side(whole_year):
    rows = parse(fec.render(whole_year))
    assert entry_sides(rows, "Don Jean") == {"512000": "D", "754100": "C"}
    assert entry_sides(rows, "Don Fondation") == {"512000": "D", "754300": "C"}
    assert entry_sides(rows, "Subvention") == {"512000": "D", "740000": "C"}
    assert entry_sides(rows, "Taxe d'apprentissage") == {"512000": "D", "748100": "C"}
    assert entry_sides(rows, "Contribution famille") == {"530000": "D", "706300": "C"}
    assert entry_sides(rows, "Facture fournisseur") == {
        "601000": "D", "445660": "D", "401000": "C"
    }  # fmt: skip
    assert entry_sides(rows, "Avoir fournisseur") == {"601000": "C", "445660": "C", "401000": "D"}
    assert entry_sides(rows, "A nouveau") == {"411000": "D", "890000": "C"}


def test_the_opening_entry_is_lettered_with_the_payment_that_settles_it(whole_year):
    rows = parse(fec.render(whole_year))
    opening = next(r for r in rows if r["JournalCode"] == "AN" and r["CompteNum"] == "411000")
    assert opening["EcritureDate"] == "20260101" and opening["PieceDate"] == "20251215"
    assert opening["EcritureLet"]
    paid = [r for r in rows if r["EcritureLet"] == opening["EcritureLet"]]
    assert {r["JournalCode"] for r in paid} == {"AN", "BQ"}
    assert {r["DateLet"] for r in paid} == {"20260120"}


def test_services_and_goods_of_a_mixed_invoice_are_apart(whole_year):
    rows = parse(fec.render(whole_year))
    sale = [r for r in rows if r["JournalCode"] == "VE" and r["PieceRef"] == "FA-2026-0002"]
    credit = {r["CompteNum"]: money(r["Credit"]) for r in sale}
    assert credit["701000"] == D("99.99") and credit["706000"] == D("90.00")


def test_the_accountant_downloads_the_fec_and_its_description(
    whole_year, accountant, client_for, school
):
    client = client_for(accountant)
    page = client.get(reverse("budget:fec"))
    assert page.status_code == 200
    assert "732829320FEC20261231.txt" in page.content.decode()
    response = client.get(reverse("budget:fec_file", args=[whole_year.pk]))
    assert response.status_code == 200
    assert "732829320FEC20261231.txt" in response["Content-Disposition"]
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    assert parse(response.content)
    notice = client.get(reverse("budget:fec_notice", args=[whole_year.pk]))
    text = notice.content.decode("iso-8859-15")
    assert "ISO 8859-15" in text and "EcritureLet" in text
    assert "salaires" in text  # what the software cannot know
    assert "VE : Journal des ventes" in text


def test_the_fec_pages_are_the_director_and_accountant(client, client_for, office, year):
    url = reverse("budget:fec_file", args=[year.pk])
    assert client.get(url).status_code == 302
    assert client_for(office).get(url).status_code == 403
    assert client_for(office).get(reverse("budget:fec")).status_code == 403
