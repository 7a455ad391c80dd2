"""Importing a statement and confirming what its lines pay (issue 29 §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from banking import parsers, reconcile
from banking.models import KnownIban, Match, StatementImport, StatementLine
from banking.samples import Movement, camt053
from billing import invoicing
from billing.models import Invoice, Payment
from budget.models import (
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Transfer,
)
from orders.models import Order
from students.models import Student
from tests.banking.conftest import CUSTOMER_IBAN, SCHOOL_IBAN
from tests.billing.money import ISSUED

pytestmark = pytest.mark.django_db
D = Decimal
PAID_ON = dt.date(2026, 3, 20)


def _import(account, movements, office, **kw):
    data = camt053(SCHOOL_IBAN, movements, **kw)
    return reconcile.import_statement(
        account, data, filename="releve.xml", fmt="camt053", mapping=None, by=office
    )


def _line(ref: str) -> StatementLine:
    return StatementLine.objects.get(bank_reference=ref)


@pytest.fixture
def second(make_order, woodwork, company, office):
    order = make_order(woodwork, company, lines=(("1", "100.00", "20"),), status="delivered")
    return invoicing.issue_invoice(order, office, today=ISSUED, render=False)


def test_importing_the_same_statement_twice_adds_nothing(account, office, invoice):
    movements = [
        Movement(PAID_ON, D("360.00"), "Menuiseries Rhône", invoice.number, "B1"),
        Movement(PAID_ON, D("-12.00"), "Banque", "Frais tenue de compte", "B2"),
    ]
    first = _import(account, movements, office)
    assert (first.read, first.added) == (2, 2)
    again = _import(account, movements, office)
    assert (again.read, again.added, again.statement) == (2, 0, None)
    # A later statement that overlaps adds only what is new.
    more = _import(account, [*movements, Movement(PAID_ON, D("5.00"), "X", "Y", "B3")], office)
    assert more.added == 1
    assert StatementLine.objects.count() == 3
    assert StatementImport.objects.count() == 2


def test_a_statement_of_another_account_is_refused(account, office):
    data = camt053("FR7610107001011234567890129", [Movement(PAID_ON, D("1"), "X", "Y", "B")])
    with pytest.raises(parsers.StatementError, match="compte"):
        reconcile.import_statement(
            account, data, filename="x.xml", fmt="camt053", mapping=None, by=office
        )
    assert not StatementLine.objects.exists()


def test_confirming_records_the_payment_with_the_bank_reference_and_settles(
    account, office, invoice
):
    _import(account, [Movement(PAID_ON, D("360.00"), "MENUISERIES RHONE", f"VIR {invoice.number}",
                               "BQ-77", iban=CUSTOMER_IBAN)], office)  # fmt: skip
    line = _line("BQ-77")
    (suggestion, *_) = reconcile.suggestions_for([line])[line.pk]
    assert f"« {invoice.number} » dans le libellé" in suggestion.reasons
    (match,) = reconcile.confirm(line, suggestion.key, office)
    payment = Payment.objects.get()
    assert (payment.amount, payment.date, payment.reference) == (D("360.00"), PAID_ON, "BQ-77")
    assert payment.method == Payment.Method.TRANSFER
    assert match.payment == payment and match.invoice_id == invoice.pk
    assert Invoice.objects.get(pk=invoice.pk).settled
    assert Order.objects.get(pk=invoice.order_id).status == Order.Status.PAID
    line.refresh_from_db()
    assert line.status == StatementLine.Status.MATCHED
    # The IBAN is remembered for the customer: the next transfer from it is known.
    assert KnownIban.objects.filter(iban=CUSTOMER_IBAN, customer=invoice.order.customer).exists()
    with pytest.raises(reconcile.ReconcileError):
        reconcile.confirm(line, suggestion.key, office)
    assert Payment.objects.count() == 1


def test_two_invoices_in_one_transfer_and_one_invoice_in_two(account, office, invoice, second):
    _import(account, [
        Movement(PAID_ON, D("200.00"), "Menuiseries Rhône", f"ACOMPTE {invoice.number}", "P1"),
        Movement(PAID_ON, D("280.00"), "Menuiseries Rhône",
                 f"SOLDE {invoice.number} ET {second.number}", "P2"),
    ], office)  # fmt: skip
    part = _line("P1")
    (suggestion, *_) = reconcile.suggestions_for([part])[part.pk]
    assert any(r.startswith("paiement partiel") for r in suggestion.reasons)
    reconcile.confirm(part, suggestion.key, office)
    assert not Invoice.objects.get(pk=invoice.pk).settled
    both = _line("P2")
    (suggestion, *_) = reconcile.suggestions_for([both])[both.pk]
    assert [t.amount for t in suggestion.targets] == [D("160.00"), D("120.00")]
    reconcile.confirm(both, suggestion.key, office)
    assert Invoice.objects.filter(settled=True).count() == 2
    assert Match.objects.filter(line=both).count() == 2


def test_a_suggestion_that_no_longer_holds_is_refused_and_nothing_is_recorded(
    account, office, invoice
):
    _import(account, [Movement(PAID_ON, D("360.00"), "X", invoice.number, "Q1")], office)
    line = _line("Q1")
    (suggestion, *_) = reconcile.suggestions_for([line])[line.pk]
    invoicing.record_payment(invoice, office, date=PAID_ON, amount=D("10.00"), method="cheque")
    with pytest.raises(reconcile.ReconcileError, match="ne tient plus"):
        reconcile.confirm(line, suggestion.key, office)
    assert Payment.objects.count() == 1
    assert StatementLine.objects.get(pk=line.pk).status == StatementLine.Status.OPEN


def test_a_donors_transfer_becomes_a_received_gift(account, office):
    donor = Donor.objects.create(name="Élise Fabre")
    _import(account, [Movement(PAID_ON, D("50.00"), "MME ELISE FABRE", "DON", "G1",
                               iban=CUSTOMER_IBAN)], office)  # fmt: skip
    line = _line("G1")
    (suggestion, *_) = reconcile.suggestions_for([line])[line.pk]
    reconcile.confirm(line, suggestion.key, office)
    gift = Donation.objects.get()
    assert (gift.donor, gift.amount, gift.received_on, gift.method) == (
        donor,
        D("50.00"),
        PAID_ON,
        Donation.Method.TRANSFER,
    )
    assert KnownIban.objects.filter(donor=donor).exists()


def test_a_line_that_pays_nothing_is_explained_and_leaves_the_list(account, office):
    _import(account, [Movement(PAID_ON, D("-12.00"), "Banque", "Frais", "F1")], office)
    line = _line("F1")
    with pytest.raises(reconcile.ReconcileError):
        reconcile.explain(line, "   ", office)
    reconcile.explain(line, "Frais bancaires", office)
    assert not StatementLine.objects.open().exists()
    reconcile.reopen(line, office)
    assert StatementLine.objects.open().get().explanation == ""


def test_a_grant_instalment_a_familys_part_and_the_apprenticeship_tax(account, office, woodwork):
    year = BudgetYear.objects.create(start=dt.date(2025, 9, 1), end=dt.date(2026, 8, 31))
    grant = Grant.objects.create(
        funder="Région Auvergne-Rhône-Alpes", programme="Écoles de production",
        amount_granted=D("20000"), agreement_start=dt.date(2025, 9, 1),
        agreement_end=dt.date(2026, 8, 31),
    )  # fmt: skip
    instalment = Instalment.objects.create(
        grant=grant, expected_on=dt.date(2026, 3, 1), expected_amount=D("5000.00")
    )
    pupil = Student.objects.create(
        first_name="Léa", last_name="Morel", birth_date=dt.date(2009, 3, 1), workshop=woodwork,
        entry_date=dt.date(2025, 9, 1), cohort=2025, status="enrolled",
    )  # fmt: skip
    contribution = FamilyContribution.objects.create(
        student=pupil, year=year, amount_due=D("300.00")
    )
    _import(account, [
        Movement(PAID_ON, D("5000.00"), "REGION AUVERGNE RHONE ALPES", "SUBVENTION", "S1"),
        Movement(PAID_ON, D("100.00"), "M OU MME MOREL", "CONTRIBUTION LEA", "S2",
                 iban=CUSTOMER_IBAN),
        Movement(PAID_ON, D("1234.56"), "CAISSE DES DEPOTS", "SOLTEA TAXE D'APPRENTISSAGE", "S3"),
    ], office)  # fmt: skip
    pool = reconcile.candidates(PAID_ON)
    for ref in ("S1", "S2", "S3"):
        line = _line(ref)
        (best, *_) = reconcile.suggestions_for([line], pool)[line.pk]
        reconcile.confirm(line, best.key, office, today=PAID_ON)
    instalment.refresh_from_db()
    assert (instalment.received_on, instalment.received_amount) == (PAID_ON, D("5000.00"))
    payment = FamilyPayment.objects.get()
    assert (payment.contribution, payment.amount) == (contribution, D("100.00"))
    assert KnownIban.objects.filter(student=pupil, iban=CUSTOMER_IBAN).exists()
    transfer = Transfer.objects.get()
    assert (transfer.amount, transfer.reference, transfer.campaign.year) == (
        D("1234.56"),
        "S3",
        2026,
    )
    assert not StatementLine.objects.open().exists()
