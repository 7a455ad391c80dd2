"""Donations' tax receipts (SPEC.md R11): issued only for money received without
counterpart, in a gapless yearly series, frozen, never edited nor deleted, cancelled and
replaced; the annual summary; the yearly statement by regime; the amount in words."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from pypdf import PdfReader

from billing.models import NumberSeries
from budget import receipts
from budget.models import Donation, Donor, ReceiptImmutableError, ReceiptLine, TaxReceipt
from budget.words import amount_in_words

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 5, 4)


@pytest.fixture
def signed_school(school):
    school.receipt_signatory = "Claire Vasseur"
    school.receipt_signatory_title = "Directrice"
    school.save()
    return school


@pytest.fixture
def person(db):
    return Donor.objects.create(
        name="Jean Dupuis", address="8 rue Mercière", postal_code="69002", city="Lyon"
    )


@pytest.fixture
def company(db):
    return Donor.objects.create(kind="company", name="Fondation Rhône", siren="732829320")


def gift(donor, amount="100", day=DAY, received=True, **extra):
    return Donation.objects.create(
        donor=donor, date=day, amount=D(amount), method=extra.pop("method", "cheque"),
        received_on=day if received else None, **extra,
    )  # fmt: skip


def issue(donation, by, day=DAY):
    return receipts.issue_receipt(donation, by, today=day, render=False)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1", "un euro"),
        ("21", "vingt et un euros"),
        ("71", "soixante et onze euros"),
        ("80", "quatre-vingts euros"),
        ("81", "quatre-vingt-un euros"),
        ("99", "quatre-vingt-dix-neuf euros"),
        ("200", "deux cents euros"),
        ("201", "deux cent un euros"),
        ("1000", "mille euros"),
        ("80000", "quatre-vingt mille euros"),
        ("200000", "deux cent mille euros"),
        ("1000000", "un million d'euros"),
        ("2000021", "deux millions vingt et un euros"),
        ("1234.50", "mille deux cent trente-quatre euros et cinquante centimes"),
        ("0.01", "zéro euro et un centime"),
    ],
)
def test_amounts_in_french_words(amount, words):
    assert amount_in_words(D(amount)) == words


def test_receipts_are_numbered_in_a_gapless_yearly_series(signed_school, person, office):
    numbers = [issue(gift(person), office).number for _ in range(3)]
    assert numbers == ["RF-2026-0001", "RF-2026-0002", "RF-2026-0003"]
    next_year = gift(person, day=dt.date(2027, 1, 2))
    assert issue(next_year, office, dt.date(2027, 1, 2)).number == "RF-2027-0001"
    assert issue(gift(person), office).number == "RF-2026-0004"


def test_the_receipts_series_is_its_own_beside_invoices(signed_school, person, office):
    issue(gift(person), office)
    assert NumberSeries.objects.get(kind="tax_receipt", year=2026).last == 1
    assert not NumberSeries.objects.filter(kind="invoice").exists()


def test_a_receipt_carries_every_mention_frozen_at_issue(signed_school, person, office):
    receipt = issue(gift(person, "1234.50", form="private_deed", method="transfer"), office)
    assert receipt.amount == D("1234.50")
    assert receipt.amount_in_words == "mille deux cent trente-quatre euros et cinquante centimes"
    assert receipt.article == "article 200 du code général des impôts"
    assert (receipt.signatory, receipt.signatory_title) == ("Claire Vasseur", "Directrice")
    assert receipt.issuer["name"] == "École de Production de Test"
    assert receipt.issuer["object"]
    assert receipt.donor_address == "8 rue Mercière\n69002 Lyon"
    line = receipt.lines.get()
    assert (line.form, line.nature, line.method) == ("private_deed", "cash", "transfer")
    person.name = "Autre nom"
    person.save()
    receipt.refresh_from_db()
    assert receipt.donor_name == "Jean Dupuis"


def test_a_company_gets_article_238_bis_and_its_siren(signed_school, company, office):
    receipt = issue(gift(company, "5000"), office)
    assert receipt.article == "article 238 bis du code général des impôts"
    assert receipt.donor_siren == "732829320"


def test_no_receipt_before_the_money_is_received(signed_school, person, office):
    with pytest.raises(receipts.ReceiptError):
        issue(gift(person, received=False), office)
    assert not TaxReceipt.objects.exists()


def test_no_receipt_for_a_gift_with_a_counterpart(signed_school, person, office):
    with pytest.raises(receipts.ReceiptError):
        issue(gift(person, counterpart=True), office)
    assert not TaxReceipt.objects.exists()
    assert not NumberSeries.objects.filter(last__gt=0).exists()


def test_a_counterpart_within_the_tolerance_does_not_block_the_receipt(
    signed_school, person, company, office
):
    """BOI-IR-RICI-250-20 (an individual's counterparts up to a quarter of the gift and
    the "cadeaux de faible valeur" limit, CGI annexe IV art. 23 N: 73 € since 2021);
    BOI-BIC-RICI-20-30-10-20: a company's up to a quarter of the gift, no cap."""
    dinner = gift(person, "400", counterpart=True, counterpart_value=D("73"))
    assert issue(dinner, office).amount == D("400.00")  # the whole gift is receipted
    over_cap = gift(person, "400", counterpart=True, counterpart_value=D("73.01"))
    over_share = gift(person, "100", counterpart=True, counterpart_value=D("25.01"))
    unknown = gift(person, "100", counterpart=True)
    for refused in (over_cap, over_share, unknown):
        with pytest.raises(receipts.ReceiptError):
            issue(refused, office)
    sponsor = gift(company, "10000", counterpart=True, counterpart_value=D("2500"))
    assert issue(sponsor, office).amount == D("10000.00")  # no cap for a company
    too_much = gift(company, "10000", counterpart=True, counterpart_value=D("2500.01"))
    with pytest.raises(receipts.ReceiptError):
        issue(too_much, office)
    # The same rule in SQL picks what the annual summary may take.
    assert not Donation.objects.receiptable().exists()  # the refused ones wait for nothing
    tolerated = gift(person, "300", counterpart=True, counterpart_value=D("73"))
    assert set(Donation.objects.receiptable()) == {tolerated}


@pytest.mark.parametrize(
    ("day", "cap"),
    [
        (dt.date(2015, 12, 31), "65"),
        (dt.date(2016, 1, 1), "69"),
        (dt.date(2020, 12, 31), "69"),
        (dt.date(2021, 1, 1), "73"),
    ],
)
def test_an_individuals_cap_is_the_one_in_force_on_the_gifts_day(person, day, cap):
    """The limit is revalued every five years (arrêté du 12 octobre 2005, art. 3): 65 €
    until 2015, 69 € from 2016, 73 € from 2021; a gift is weighed by its own day's."""
    cap = D(cap)
    within = gift(person, "1000", day, counterpart=True, counterpart_value=cap)
    over = gift(person, "1000", day, counterpart=True, counterpart_value=cap + D("0.01"))
    assert within.counterpart_tolerated and not over.counterpart_tolerated
    assert set(Donation.objects.receiptable()) == {within}


def test_a_donation_gets_one_receipt_only(signed_school, person, office):
    donation = gift(person)
    issue(donation, office)
    with pytest.raises(receipts.ReceiptError):
        issue(donation, office)
    assert TaxReceipt.objects.count() == 1


def test_no_receipt_without_the_signatory(school, person, office):
    with pytest.raises(receipts.ReceiptError):
        issue(gift(person), office)


def test_a_failure_after_taking_the_number_leaves_no_gap(
    signed_school, person, office, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    donation = gift(person)
    with monkeypatch.context() as patch:
        patch.setattr(ReceiptLine.objects, "bulk_create", broken)
        with pytest.raises(RuntimeError):
            issue(donation, office)
    assert not TaxReceipt.objects.exists()
    assert issue(donation, office).number == "RF-2026-0001"


def test_an_issued_receipt_never_changes_nor_goes(signed_school, person, office):
    receipt = issue(gift(person), office)
    receipt.amount = D("1")
    with pytest.raises(ReceiptImmutableError):
        receipt.save()
    with pytest.raises(ReceiptImmutableError):
        TaxReceipt.objects.filter(pk=receipt.pk).update(donor_name="Autre")
    with pytest.raises(ReceiptImmutableError):
        receipt.delete()
    with pytest.raises(ReceiptImmutableError):
        TaxReceipt.objects.filter(pk=receipt.pk).delete()
    line = receipt.lines.get()
    line.amount = D("1")
    with pytest.raises(ReceiptImmutableError):
        line.save()
    with pytest.raises(ReceiptImmutableError):
        line.delete()
    receipt.refresh_from_db()
    assert receipt.amount == D("100.00")


def test_the_database_refuses_to_change_a_receipt(signed_school, person, office):
    receipt = issue(gift(person), office)
    statements = [
        "UPDATE budget_taxreceipt SET amount = 1 WHERE id = %s",
        "UPDATE budget_receiptline SET amount = 1 WHERE receipt_id = %s",
    ]
    for sql in statements:
        with (
            pytest.raises((IntegrityError, DatabaseError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [receipt.pk])
    receipt.refresh_from_db()
    assert receipt.amount == D("100.00")


def test_the_database_lets_bookkeeping_through(signed_school, person, office):
    receipt = issue(gift(person), office)
    TaxReceipt.objects.filter(pk=receipt.pk).update(pdf_sha256="ab" * 32)
    receipts.cancel_receipt(receipt, office, reason="Erreur de nom")
    receipt.refresh_from_db()
    assert receipt.is_cancelled and receipt.pdf_sha256 == "ab" * 32


def test_a_wrong_receipt_is_cancelled_and_replaced(signed_school, person, office):
    donation = gift(person)
    wrong = issue(donation, office)
    donation.amount = D("150")
    with pytest.raises(ValidationError):
        donation.full_clean()  # a receipted donation is not edited
    with pytest.raises(receipts.ReceiptError):
        receipts.cancel_receipt(wrong, office, reason="  ")
    receipts.cancel_receipt(wrong, office, reason="Montant erroné")
    donation.full_clean()
    donation.save()
    replacement = issue(donation, office)
    assert replacement.number == "RF-2026-0002"
    assert replacement.replaces == wrong
    assert replacement.amount == D("150.00")
    wrong.refresh_from_db()
    assert wrong.is_cancelled and wrong.cancel_reason == "Montant erroné"
    with pytest.raises(receipts.ReceiptError):
        receipts.cancel_receipt(wrong, office, reason="Encore")


def test_the_annual_summary_sums_the_years_donations_not_yet_receipted(
    signed_school, person, office
):
    for month in (3, 6, 9):
        gift(person, "30", day=dt.date(2026, month, 5))
    receipted = gift(person, "500", day=dt.date(2026, 10, 1))
    issue(receipted, office, dt.date(2026, 10, 1))
    gift(person, "40", day=dt.date(2027, 1, 5))  # next year's
    gift(person, "70", day=dt.date(2026, 11, 5), received=False)
    summary = receipts.issue_annual_receipt(
        person, 2026, office, today=dt.date(2027, 1, 15), render=False
    )
    assert summary.kind == "annual"
    assert summary.number == "RF-2027-0001"
    assert summary.amount == D("90.00")
    assert summary.lines.count() == 3
    with pytest.raises(receipts.ReceiptError):
        receipts.issue_annual_receipt(
            person, 2026, office, today=dt.date(2027, 1, 16), render=False
        )


def test_the_yearly_statement_counts_gifts_by_the_year_they_were_received(
    signed_school, person, office
):
    """CGI art. 222 bis: the gifts received (perçus) in the year, whatever year their
    receipt was issued in."""
    december = gift(person, "80", day=dt.date(2026, 12, 28))
    issue(december, office, dt.date(2027, 1, 5))
    assert (receipts.statement(2026).count, receipts.statement(2026).amount) == (1, D("80.00"))
    assert (receipts.statement(2027).count, receipts.statement(2027).amount) == (0, D("0.00"))


def test_a_cancelled_receipt_is_stamped_wherever_it_is_served_and_the_donor_told(
    signed_school, company, office, mailoutbox, django_capture_on_commit_callbacks
):
    company.email = "dons@fondation-rhone.fr"
    company.save()
    receipt = issue(gift(company, "500", method="transfer"), office)
    stored = receipts.stored_pdf(receipt)
    assert "ANNULÉ" not in pdf_text(receipts.served_pdf(receipt))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receipts.cancel_receipt(receipt, office, reason="Montant erroné")
    assert len(callbacks) == 1
    receipt.refresh_from_db()
    served = receipts.served_pdf(receipt)
    text = pdf_text(served)
    assert "ANNULÉ" in text and "RF-2026-0001" in text and "Fondation Rhône" in text
    # The stored original is untouched: the stamp is laid on a copy.
    assert receipts.stored_pdf(receipt) == stored
    assert "ANNULÉ" not in pdf_text(stored)
    # The task takes the mail's id only; the worker writes the mail when it runs.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    (mail,) = mailoutbox
    assert mail.to == ["dons@fondation-rhone.fr"]
    assert "RF-2026-0001" in mail.subject and "Montant erroné" in mail.body


def test_a_donor_without_an_address_is_not_mailed(signed_school, person, office):
    receipt = issue(gift(person), office)
    assert receipts.tell_donor_of_cancellation(receipt) is False


def test_the_yearly_statement_counts_by_regime_without_the_cancelled(
    signed_school, person, company, office
):
    issue(gift(person, "100"), office)
    wrong = issue(gift(person, "50"), office)
    issue(gift(company, "5000"), office)
    receipts.cancel_receipt(wrong, office, reason="Doublon")
    issue(gift(person, "20", day=dt.date(2027, 1, 3)), office, dt.date(2027, 1, 3))
    statement = receipts.statement(2026)
    persons, companies = statement.regimes
    assert (persons.count, persons.amount) == (1, D("100.00"))
    assert (companies.count, companies.amount) == (1, D("5000.00"))
    assert (statement.count, statement.amount, statement.cancelled) == (2, D("5100.00"), 1)


def test_the_stored_pdf_says_every_mention(signed_school, company, office):
    receipt = issue(gift(company, "1234.50", method="transfer"), office)
    data = receipts.stored_pdf(receipt)
    receipt.refresh_from_db()
    assert receipt.pdf and len(receipt.pdf_sha256) == 64
    assert receipts.stored_pdf(receipt) == data  # stored once, served as stored
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    for mention in [
        "RF-2026-0001", "Fondation Rhône", "732829320", "1 234,50 €",
        "mille deux cent trente-quatre euros et cinquante centimes",
        "article 238 bis du code général des impôts", "Claire Vasseur", "04/05/2026",
        "École de Production de Test", "16216", "238 bis",
    ]:  # fmt: skip
        assert mention in text, mention


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_issuing_receipts_at_once_get_1_to_20_without_gap(signed_school, office):
    # Twenty donors, so that only the counter's lock is shared (without select_for_update
    # in billing.numbering.take_number, this test fails: checked).
    donations = [gift(Donor.objects.create(name=f"Donateur {n}"), "10") for n in range(20)]
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def work(donation):
        try:
            barrier.wait()
            numbers.append(issue(donation, office, dt.date(2026, 6, 1)).sequence)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(d,)) for d in donations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
    assert sorted(TaxReceipt.objects.values_list("number", flat=True)) == [
        f"RF-2026-{n:04d}" for n in range(1, 21)
    ]
