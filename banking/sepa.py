"""Refunds leave as a SEPA credit transfer file (issue 29 §1): pain.001.001.03, the
version every French bank accepts for SEPA transfers (EPC SCT customer-to-bank
implementation guidelines). Built from the chosen refunds, recorded as refunds when the
office says the file went to the bank."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banking.models import BankAccount, KnownIban, TransferBatch, TransferItem
from billing import refunds
from billing.invoicing import InvoicingError
from billing.models import Invoice, Payment

PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
# The EPC's character set for SEPA: Latin letters, digits and / - ? : ( ) . , ' + space.
ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


def sepa_text(text: str, size: int) -> str:
    """`text` in the SEPA character set: accents dropped, anything else a space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c in ALLOWED else " " for c in text)
    return " ".join(text.split())[:size]


@dataclass(frozen=True)
class RefundOrder:
    """One refund to send: what the invoice owes back to its customer, to that IBAN."""

    invoice: Invoice
    iban: str
    amount: Decimal


def build_xml(
    *, message_id: str, created: dt.datetime, execution: dt.date, debtor: str,
    account: BankAccount, items: list[TransferItem],
) -> str:  # fmt: skip
    ET.register_namespace("", PAIN)
    ns = "{" + PAIN + "}"

    def sub(parent, tag, text=None, **attrs):
        node = ET.SubElement(parent, ns + tag, attrs)
        if text is not None:
            node.text = text
        return node

    total = sum((i.amount for i in items), Decimal("0.00"))
    doc = ET.Element(ns + "Document")
    root = sub(doc, "CstmrCdtTrfInitn")
    header = sub(root, "GrpHdr")
    sub(header, "MsgId", message_id)
    sub(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    sub(header, "NbOfTxs", str(len(items)))
    sub(header, "CtrlSum", f"{total:.2f}")
    sub(sub(header, "InitgPty"), "Nm", sepa_text(debtor, 70))
    info = sub(root, "PmtInf")
    sub(info, "PmtInfId", message_id)
    sub(info, "PmtMtd", "TRF")
    sub(info, "BtchBookg", "true")
    sub(info, "NbOfTxs", str(len(items)))
    sub(info, "CtrlSum", f"{total:.2f}")
    sub(sub(sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    sub(info, "ReqdExctnDt", execution.isoformat())
    sub(sub(info, "Dbtr"), "Nm", sepa_text(debtor, 70))
    sub(sub(sub(info, "DbtrAcct"), "Id"), "IBAN", account.iban)
    agent = sub(sub(info, "DbtrAgt"), "FinInstnId")
    if account.bic:
        sub(agent, "BIC", account.bic)
    else:
        sub(sub(agent, "Othr"), "Id", "NOTPROVIDED")
    sub(info, "ChrgBr", "SLEV")
    for item in items:
        tx = sub(info, "CdtTrfTxInf")
        sub(sub(tx, "PmtId"), "EndToEndId", item.end_to_end_id)
        sub(sub(tx, "Amt"), "InstdAmt", f"{item.amount:.2f}", Ccy="EUR")
        sub(sub(tx, "Cdtr"), "Nm", sepa_text(item.name, 70))
        sub(sub(sub(tx, "CdtrAcct"), "Id"), "IBAN", item.iban)
        sub(sub(tx, "RmtInf"), "Ustrd", sepa_text(_remittance(item), 140))
    ET.indent(doc)
    return ET.tostring(doc, encoding="unicode", xml_declaration=True)


def _remittance(item: TransferItem) -> str:
    # Read by the customer on his own statement: in the school's language, French.
    return f"Remboursement {item.invoice.number}"


def owed_back():
    """The invoices on which the school owes its customer money (a credit note after a
    payment), with what is owed, not yet in a transfer file waiting to be sent."""
    waiting = TransferItem.objects.filter(batch__sent_at=None).values("invoice")
    return (
        Invoice.objects.with_balance()
        .filter(balance_due__lt=0)
        .exclude(pk__in=waiting)
        .select_related("order__customer")
        .order_by("issue_date", "pk")
    )


def create_batch(
    account: BankAccount, orders: list[RefundOrder], by, *, execution: dt.date, debtor: str
) -> TransferBatch:
    """The transfer file of `orders`: checked against what each invoice owes back, the
    IBANs remembered for their customers. No refund is recorded yet (mark_sent does)."""
    if not orders:
        raise InvoicingError(_("Choose at least one refund."))
    with transaction.atomic():
        now = timezone.now()
        message_id = f"ECOLES-{now:%Y%m%d%H%M%S}-{secrets.token_hex(4).upper()}"
        items = []
        for n, order in enumerate(orders, start=1):
            invoice = (
                Invoice.objects.with_balance()
                .select_related("order__customer")
                .get(pk=order.invoice.pk)
            )
            if TransferItem.objects.filter(invoice=invoice, batch__sent_at=None).exists():
                raise InvoicingError(
                    _("%(invoice)s is already in a transfer file not yet sent.")
                    % {"invoice": invoice.number}
                )
            due = refunds.owed_back(invoice)
            if order.amount <= 0 or order.amount > due:
                raise InvoicingError(
                    _("%(invoice)s owes back %(due)s, not %(amount)s.")
                    % {"invoice": invoice.number, "due": due, "amount": order.amount}
                )
            customer = invoice.order.customer
            KnownIban.objects.get_or_create(iban=order.iban, customer=customer)
            items.append(TransferItem(
                invoice=invoice, name=sepa_text(customer.name, 70) or "?", iban=order.iban,
                amount=order.amount, end_to_end_id=f"{message_id[-20:]}-{n:03d}"[:35],
            ))  # fmt: skip
        total = sum((i.amount for i in items), Decimal("0.00"))
        batch = TransferBatch.objects.create(
            account=account, message_id=message_id, created_by=by, execution_date=execution,
            total=total, count=len(items), xml="",
        )  # fmt: skip
        for item in items:
            item.batch = batch
        TransferItem.objects.bulk_create(items)
        batch.xml = build_xml(
            message_id=message_id, created=now, execution=execution, debtor=debtor,
            account=account, items=items,
        )  # fmt: skip
        batch.save(update_fields=["xml"])
    return batch


def mark_sent(batch: TransferBatch, by, *, today: dt.date | None = None) -> TransferBatch:
    """The file went to the bank: each transfer is recorded as the invoice's refund (by
    billing.refunds.record_refund, with the EndToEndId as its reference, which the
    statement's debit will carry back), all or none."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = TransferBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.sent_at:
            raise InvoicingError(_("This transfer file is already recorded as sent."))
        for item in batch.items.select_related("invoice"):
            item.refund = refunds.record_refund(
                item.invoice, by, date=today, amount=item.amount,
                method=Payment.Method.TRANSFER, reference=item.end_to_end_id, today=today,
            )  # fmt: skip
            item.save(update_fields=["refund"])
        batch.sent_at, batch.sent_by = timezone.now(), by
        batch.save(update_fields=["sent_at", "sent_by"])
    return batch
