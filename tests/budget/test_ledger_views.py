"""The ledgers' pages: who may see and do what (SPEC.md §2: office manages donors and
donations, the accountant and the director see every ledger), forms that refuse bad input
and save nothing, the acts they call."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from budget.models import (
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    TaxCampaign,
    TaxReceipt,
    Transfer,
)
from tests.students.conftest import make_student

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def on_26_november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 0), tick=False):
        yield


@pytest.fixture
def world(school, woodwork):
    school.receipt_signatory = "Claire Vasseur"
    school.save()
    year = BudgetYear.for_day(dt.date(2026, 11, 26))
    donor = Donor.objects.create(name="Jean Dupuis", city="Lyon")
    donation = Donation.objects.create(
        donor=donor, date=dt.date(2026, 11, 2), amount=D("100"), method="cheque",
        received_on=dt.date(2026, 11, 3),
    )  # fmt: skip
    campaign = TaxCampaign.objects.create(year=2026)
    pledge = Pledge.objects.create(campaign=campaign, company="ACME", status="promised",
                                   amount=D("500"), contact_name="Mme Colin")  # fmt: skip
    transfer = Transfer.objects.create(campaign=campaign, date=dt.date(2026, 7, 1),
                                       amount=D("500"), reference="S-1", pledge=pledge)  # fmt: skip
    grant = Grant.objects.create(funder="Région", programme="EP", amount_granted=D("9000"),
                                 agreement_start=year.start, agreement_end=year.end,
                                 report_due=dt.date(2026, 12, 10))  # fmt: skip
    instalment = Instalment.objects.create(grant=grant, expected_on=dt.date(2026, 10, 1),
                                           expected_amount=D("4500"))  # fmt: skip
    pupil = make_student(woodwork)
    contribution = FamilyContribution.objects.create(student=pupil, year=year, amount_due=D("330"))
    return {
        "year": year, "donor": donor, "donation": donation, "campaign": campaign,
        "pledge": pledge, "transfer": transfer, "grant": grant, "instalment": instalment,
        "contribution": contribution,
    }  # fmt: skip


def donor_pages(w):
    return [
        reverse("budget:donors"),
        reverse("budget:donor_detail", args=[w["donor"].pk]),
        reverse("budget:receipts"),
        reverse("budget:receipt_statement"),
        reverse("budget:receipt_statement") + "?format=pdf",
    ]


def donor_forms(w):
    return [
        reverse("budget:donor_add"),
        reverse("budget:donor_edit", args=[w["donor"].pk]),
        reverse("budget:donation_add", args=[w["donor"].pk]),
        reverse("budget:donation_edit", args=[w["donation"].pk]),
        reverse("budget:receipt_issue", args=[w["donation"].pk]),
    ]


def funding_pages(w):
    return [
        reverse("budget:campaign"),
        reverse("budget:pledge_add", args=[2026]),
        reverse("budget:pledge_edit", args=[w["pledge"].pk]),
        reverse("budget:transfer_add", args=[2026]),
        reverse("budget:transfer_edit", args=[w["transfer"].pk]),
        reverse("budget:thank_you", args=[w["pledge"].pk]),
        reverse("budget:grants"),
        reverse("budget:grant_add"),
        reverse("budget:grant_detail", args=[w["grant"].pk]),
        reverse("budget:grant_edit", args=[w["grant"].pk]),
        reverse("budget:instalment_add", args=[w["grant"].pk]),
        reverse("budget:instalment_edit", args=[w["instalment"].pk]),
        reverse("budget:families"),
        reverse("budget:contribution_edit", args=[w["contribution"].pk]),
        reverse("budget:family_payment", args=[w["contribution"].pk]),
    ]


def books_pages(w):
    """The budget, the journal and the FEC: the accountant's and the director's."""
    return [
        reverse("budget:overview"),
        reverse("budget:materials_csv"),
        reverse("budget:fec"),
        reverse("billing:journal"),
    ]


def test_the_office_and_the_direction_manage_donors_the_accountant_reads(
    client_for, world, office, director, accountant
):
    for user in (office, director):
        client = client_for(user)
        for url in donor_pages(world) + donor_forms(world):
            assert client.get(url).status_code == 200, url
    client = client_for(accountant)
    for url in donor_pages(world):
        assert client.get(url).status_code == 200, url
    for url in donor_forms(world):
        assert client.get(url).status_code == 403, url


def test_the_office_runs_the_funding_ledgers_as_it_runs_donations(
    client_for, world, director, accountant, office
):
    # Issue 29 §4: the apprenticeship tax, grants' instalments and families'
    # contributions are the office's daily work, as donations are.
    for user in (director, accountant, office):
        client = client_for(user)
        for url in funding_pages(world):
            assert client.get(url).status_code == 200, url
    # ... and is not sent from them to the budget it may not open.
    client = client_for(office)
    for url in funding_pages(world):
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue  # the thank-you letter
        body = response.content.decode()
        assert not re.search(rf'href="{reverse("budget:overview")}["?]', body), url


def test_the_books_stay_with_the_accountant_and_the_director(
    client_for, world, director, accountant, office
):
    for user in (director, accountant):
        client = client_for(user)
        for url in books_pages(world):
            assert client.get(url).status_code == 200, url
    client = client_for(office)
    for url in books_pages(world):
        assert client.get(url).status_code == 403, url


def test_the_office_finds_the_funding_ledgers_from_the_donors_page(client_for, office, world):
    body = client_for(office).get(reverse("budget:donors")).content.decode()
    for name in ("budget:campaign", "budget:grants", "budget:families"):
        assert f'href="{reverse(name)}' in body, name


@pytest.mark.parametrize("persona", ["woodwork_trainer", "teacher"])
def test_others_get_403(client_for, personas, persona, world):
    client = client_for(personas[persona])
    pages = donor_pages(world) + donor_forms(world) + funding_pages(world) + books_pages(world)
    for url in pages:
        assert client.get(url).status_code == 403, url


def test_anonymous_goes_to_the_login(client, world):
    for url in donor_pages(world)[:2] + funding_pages(world)[:1]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_objects_are_404(client_for, director, world):
    client = client_for(director)
    for name in ["budget:donor_detail", "budget:receipt_detail", "budget:grant_detail",
                 "budget:pledge_edit", "budget:contribution_edit"]:  # fmt: skip
        assert client.get(reverse(name, args=[9999])).status_code == 404, name
    assert client.get(reverse("budget:receipts") + "?year=abc").status_code == 404


def test_the_office_issues_then_cancels_a_receipt(client_for, office, world):
    client = client_for(office)
    url = reverse("budget:receipt_issue", args=[world["donation"].pk])
    response = client.post(url, {"confirmed": "yes"})
    receipt = TaxReceipt.objects.get()
    assert response.status_code == 302 and receipt.number == "RF-2026-0001"
    page = client.get(reverse("budget:receipt_detail", args=[receipt.pk])).content.decode()
    assert "cent euros" in page
    pdf = client.get(reverse("budget:receipt_pdf", args=[receipt.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    client.post(reverse("budget:receipt_cancel", args=[receipt.pk]), {"reason": ""})
    receipt.refresh_from_db()
    assert not receipt.is_cancelled
    client.post(
        reverse("budget:receipt_cancel", args=[receipt.pk]),
        {"reason": "Erreur", "confirmed": "yes"},
    )
    receipt.refresh_from_db()
    assert receipt.is_cancelled
    client.post(url, {"confirmed": "yes"})
    assert TaxReceipt.objects.get(replaces=receipt).number == "RF-2026-0002"


def test_the_accountant_cannot_issue_a_receipt(client_for, accountant, world):
    response = client_for(accountant).post(
        reverse("budget:receipt_issue", args=[world["donation"].pk])
    )
    assert response.status_code == 403
    assert not TaxReceipt.objects.exists()


def test_a_bad_donation_says_what_to_fix_and_saves_nothing(client_for, office, world):
    response = client_for(office).post(
        reverse("budget:donation_add", args=[world["donor"].pk]),
        {
            "date": "2026-11-20",
            "amount": "-5",
            "form": "manual_gift",
            "nature": "cash",
            "method": "cheque",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert Donation.objects.count() == 1


def test_a_company_donor_without_siren_is_refused(client_for, office, world):
    response = client_for(office).post(
        reverse("budget:donor_add"), {"kind": "company", "name": "SARL", "siren": ""}
    )
    assert response.status_code == 200
    assert "siren" in response.context["form"].errors
    ok = client_for(office).post(
        reverse("budget:donor_add"), {"kind": "company", "name": "SARL", "siren": "732 829 320"}
    )
    assert ok.status_code == 302
    assert Donor.objects.get(name="SARL").siren == "732829320"


def test_a_transfer_matched_to_a_promise_marks_it_received(client_for, accountant, world):
    pledge = Pledge.objects.create(campaign=world["campaign"], company="Lumière",
                                   status="promised", amount=D("900"))  # fmt: skip
    response = client_for(accountant).post(
        reverse("budget:transfer_add", args=[2026]),
        {
            "date": "2026-11-02",
            "amount": "900",
            "reference": "S-2",
            "kind": "allocated",
            "pledge": pledge.pk,
        },  # fmt: skip
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "received"
    duplicate = client_for(accountant).post(
        reverse("budget:transfer_add", args=[2026]),
        {"date": "2026-11-02", "amount": "900", "reference": "S-2", "kind": "unallocated"},
    )
    assert duplicate.status_code == 200 and "reference" in duplicate.context["form"].errors


def test_calling_the_families_contributions_once_per_pupil(client_for, accountant, world, woodwork):
    make_student(woodwork, first_name="Tom", last_name="Bernard")
    client = client_for(accountant)
    url = reverse("budget:families_call", args=[world["year"].start.year])
    client.post(url, {"amount_due": "330"})
    client.post(url, {"amount_due": "330"})
    assert FamilyContribution.objects.count() == 2
    response = client.post(
        reverse("budget:family_payment", args=[world["contribution"].pk]),
        {"date": "2026-11-20", "amount": "110", "method": "cash"},
    )
    assert response.status_code == 302
    assert FamilyPayment.objects.get().amount == D("110")
    page = client.get(reverse("budget:families")).content.decode()
    assert "220,00\u00a0€" in page  # left to pay


def test_the_thank_you_letter_names_the_company_and_the_amount(client_for, director, world):
    response = client_for(director).get(reverse("budget:thank_you", args=[world["pledge"].pk]))
    text = " ".join(PdfReader(BytesIO(response.content)).pages[0].extract_text().split())
    assert "ACME" in text and "500,00 €" in text and "S-1" in text


def test_the_directors_home_reminds_the_report_due(client_for, director, world):
    body = client_for(director).get(reverse("home")).content.decode()
    assert reverse("budget:grant_detail", args=[world["grant"].pk]) in body
