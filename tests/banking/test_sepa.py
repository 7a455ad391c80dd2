"""Refunds leave as a pain.001.001.03 file, recorded when sent (issue 29 §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring
from stdnum import iban as stdnum_iban

from banking import reconcile, sepa
from banking.models import KnownIban, Match, StatementLine, TransferBatch
from banking.samples import Movement, camt053
from billing.invoicing import InvoicingError
from billing.models import Invoice, Refund
from tests.banking.conftest import CUSTOMER_IBAN, SCHOOL_IBAN

pytestmark = pytest.mark.django_db
D = Decimal
NS = {"p": sepa.PAIN}
SIXTY = D("60.00")


def _batch(account, office, invoice, amount=SIXTY):
    return sepa.create_batch(
        account, [sepa.RefundOrder(invoice=invoice, iban=CUSTOMER_IBAN, amount=amount)], office,
        execution=dt.date(2026, 3, 20), debtor="École de Production de Lyon",
    )  # fmt: skip


def test_the_file_says_what_it_pays_and_sums_up(account, office, credited_after_payment):
    batch = _batch(account, office, credited_after_payment)
    root = fromstring(batch.xml)
    assert root.tag == f"{{{sepa.PAIN}}}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    txs = info.findall("p:CdtTrfTxInf", NS)
    amounts = [D(tx.find("p:Amt/p:InstdAmt", NS).text) for tx in txs]
    assert header.find("p:NbOfTxs", NS).text == info.find("p:NbOfTxs", NS).text == str(len(txs))
    assert (
        D(header.find("p:CtrlSum", NS).text) == D(info.find("p:CtrlSum", NS).text) == sum(amounts)
    )
    assert amounts == [D("60.00")]
    assert info.find("p:DbtrAcct/p:Id/p:IBAN", NS).text == SCHOOL_IBAN
    assert info.find("p:DbtrAgt/p:FinInstnId/p:BIC", NS).text == "AGRIFRPP"
    assert info.find("p:Dbtr/p:Nm", NS).text == "Ecole de Production de Lyon"  # SEPA letters
    assert info.find("p:ReqdExctnDt", NS).text == "2026-03-20"
    (tx,) = txs
    assert stdnum_iban.is_valid(tx.find("p:CdtrAcct/p:Id/p:IBAN", NS).text)
    end_to_end = tx.find("p:PmtId/p:EndToEndId", NS).text
    assert end_to_end == batch.items.get().end_to_end_id and len(end_to_end) <= 35
    assert credited_after_payment.number in tx.find("p:RmtInf/p:Ustrd", NS).text
    # Nothing is recorded before the file is sent; the invoice waits in it.
    assert not Refund.objects.exists()
    assert not sepa.owed_back().exists()
    assert KnownIban.objects.filter(iban=CUSTOMER_IBAN).exists()


def test_more_than_owed_back_is_refused(account, office, credited_after_payment):
    with pytest.raises(InvoicingError):
        _batch(account, office, credited_after_payment, amount=D("60.01"))
    assert not TransferBatch.objects.exists()


def test_sent_records_the_refunds_and_the_statement_debit_matches_them(
    account, office, credited_after_payment
):
    batch = _batch(account, office, credited_after_payment)
    sepa.mark_sent(batch, office, today=dt.date(2026, 3, 20))
    refund = Refund.objects.get()
    item = batch.items.get()
    assert (refund.amount, refund.reference, item.refund) == (
        D("60.00"),
        item.end_to_end_id,
        refund,
    )
    assert Invoice.objects.with_balance().get(pk=credited_after_payment.pk).balance_due == 0
    with pytest.raises(InvoicingError):
        sepa.mark_sent(batch, office)
    # The debit comes back on the statement with the EndToEndId: the refund is suggested.
    debit = Movement(dt.date(2026, 3, 21), D("-60.00"), "Menuiseries Rhone", "", "D1",
                     end_to_end=item.end_to_end_id)  # fmt: skip
    reconcile.import_statement(
        account, camt053(SCHOOL_IBAN, [debit]), filename="r.xml", fmt="camt053", mapping=None,
        by=office,
    )  # fmt: skip
    line = StatementLine.objects.get()
    (best, *_) = reconcile.suggestions_for([line], reconcile.candidates(dt.date(2026, 3, 22)))[
        line.pk
    ]
    assert [(t.kind, t.pk) for t in best.targets] == [("refund", refund.pk)]
    reconcile.confirm(line, best.key, office, today=dt.date(2026, 3, 22))
    assert Match.objects.get().refund == refund


def test_sepa_text_keeps_only_the_sepa_letters():
    assert sepa.sepa_text("Société Générale & Fils «SARL»", 70) == "Societe Generale Fils SARL"
