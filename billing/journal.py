"""The sales and receipts journal in the layout of the Fichier des Écritures Comptables
(FEC, LPF art. L47 A and A47 A-1; SPEC.md R11), for the school's accountant to import as
it is: the 18 columns in their order, tab-separated, dates YYYYMMDD, amounts with a
decimal comma, one line per account of each entry, and every entry balanced.

The accounts come from the school's chart of accounts (billing.ChartOfAccounts):

- an invoice (sales journal): the customer's 411 with its auxiliary account at debit for
  the total incl. VAT; the sales account (the workshop's 701/706, or the default) at
  credit for the goods and services; VAT collected per rate (4457x) at credit. A deposit
  invoice credits the customers' deposits account (4191) instead of sales; the final
  invoice that deducts it debits 4191 back (its negative lines).
- a credit note: the same, the other way round.
- a payment (bank or cash journal, by method): 512 or 530 at debit, 411 at credit; its
  cancellation the other way round.
- a refund: 411 at debit, 512 or 530 at credit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from billing.models import ChartOfAccounts, CreditNote, Invoice, Payment, Refund

ZERO = Decimal("0.00")

COLUMNS = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip

LABELS = {
    "sales": "Ventes",
    "deposits": "Clients - avances et acomptes reçus",
    "customers": "Clients",
    "vat": "TVA collectée",
    "bank": "Banque",
    "cash": "Caisse",
}


@dataclass
class Line:
    journal: str
    journal_label: str
    number: str
    date: dt.date
    account: str
    account_label: str
    aux: str
    aux_label: str
    piece: str
    piece_date: dt.date
    label: str
    debit: Decimal
    credit: Decimal

    def cells(self) -> list[str]:
        return [
            self.journal, self.journal_label, self.number, ymd(self.date), self.account,
            self.account_label, self.aux, self.aux_label, self.piece, ymd(self.piece_date),
            self.label, amount(self.debit), amount(self.credit), "", "", ymd(self.date), "", "",
        ]  # fmt: skip


def ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _clean(text: str) -> str:
    """No tab or line break inside a field: they are the file's separators."""
    return " ".join(str(text).split())


def _signed(value: Decimal) -> tuple[Decimal, Decimal]:
    """(debit, credit) of a signed amount, positive at debit: FEC amounts are never negative."""
    return (value, ZERO) if value >= 0 else (ZERO, -value)


class _Entry:
    def __init__(self, journal, journal_label, number, date, piece, piece_date, label):
        self.head = (journal, journal_label, number, date)
        self.piece = (piece, piece_date)
        self.label = _clean(label)
        self.lines: list[Line] = []

    def add(self, account, account_label, signed: Decimal, aux="", aux_label="") -> None:
        if not signed:
            return
        debit, credit = _signed(signed)
        self.lines.append(
            Line(*self.head, account, account_label, aux, _clean(aux_label), *self.piece,
                 self.label, debit, credit)
        )  # fmt: skip


def _document_entry(doc, chart: ChartOfAccounts, sign: int, kind_label: str, invoice) -> _Entry:
    """An invoice (sign 1) or a credit note (sign -1): debit 411, credit sales and VAT."""
    order = invoice.order
    entry = _Entry(
        chart.sales_journal_code, chart.sales_journal_label, doc.number, doc.issue_date,
        doc.number, doc.issue_date, f"{kind_label} {doc.number} {doc.customer_name}",
    )  # fmt: skip
    aux = chart.customer_aux(order.customer_id)
    entry.add(chart.customers_account, LABELS["customers"], sign * doc.total_incl_vat, aux,
              doc.customer_name)  # fmt: skip
    deposit = invoice.kind == Invoice.Kind.DEPOSIT
    sales = (order.workshop.sales_account if order.workshop_id else "") or chart.sales_account
    # A final invoice's negative lines are the deposits it deducts: 4191 comes back (and
    # goes again when a credit note copies those lines).
    deducted = ZERO
    if not deposit:
        deducted = sum(
            (ln.amount_excl_vat for ln in doc.lines.all() if ln.amount_excl_vat < 0), ZERO
        )
    goods = doc.total_excl_vat - deducted
    if deposit:
        entry.add(chart.deposits_account, LABELS["deposits"], -sign * goods)
    else:
        entry.add(sales, LABELS["sales"], -sign * goods)
        entry.add(chart.deposits_account, LABELS["deposits"], -sign * deducted)
    for rate, _base, vat in doc.by_rate:
        shown = format(rate.normalize(), "f").replace(".", ",")
        label = f"{LABELS['vat']} {shown} %"
        entry.add(chart.vat_account(rate), label, -sign * vat)
    return entry


def _money_entry(kind: str, row, chart: ChartOfAccounts) -> _Entry:
    """A payment (money in: bank at debit) or a refund (money out: bank at credit)."""
    journal, journal_label, account = chart.receipts(row.method)
    invoice = row.invoice
    signed = row.amount if kind == "payment" else -row.amount
    if kind == "payment":
        what = "Règlement" if row.amount > 0 else "Annulation du règlement"
        number = f"RG{row.pk:06d}"
    else:
        what, number = "Remboursement", f"RB{row.pk:06d}"
    entry = _Entry(
        journal, journal_label, number, row.date, row.reference or invoice.number,
        row.date, f"{what} {invoice.number} {invoice.customer_name}",
    )  # fmt: skip
    bank_label = LABELS["cash"] if account == chart.cash_account else LABELS["bank"]
    entry.add(account, bank_label, signed)
    entry.add(chart.customers_account, LABELS["customers"], -signed,
              chart.customer_aux(invoice.order.customer_id), invoice.customer_name)  # fmt: skip
    return entry


def entries(start: dt.date, end: dt.date, chart: ChartOfAccounts | None = None) -> Iterator[_Entry]:
    """Every entry of the period, journal by journal, in date order (six queries)."""
    chart = chart or ChartOfAccounts.load()
    invoices = (
        Invoice.objects.filter(issue_date__range=(start, end))
        .select_related("order__workshop")
        .prefetch_related("lines")
        .order_by("issue_date", "year", "sequence")
    )
    notes = (
        CreditNote.objects.filter(issue_date__range=(start, end))
        .select_related("invoice__order__workshop")
        .prefetch_related("lines")
        .order_by("issue_date", "year", "sequence")
    )
    docs = [(i.issue_date, 0, i.sequence, i, 1, "Facture", i) for i in invoices]
    docs += [(n.issue_date, 1, n.sequence, n, -1, "Avoir", n.invoice) for n in notes]
    docs.sort(key=lambda d: d[:3])
    for _d, _k, _s, doc, sign, label, invoice in docs:
        yield _document_entry(doc, chart, sign, label, invoice)
    moves = [
        ("payment", p) for p in Payment.objects.filter(date__range=(start, end))
        .select_related("invoice__order")
    ] + [
        ("refund", r) for r in Refund.objects.filter(date__range=(start, end))
        .select_related("invoice__order")
    ]  # fmt: skip
    moves.sort(key=lambda m: (chart.receipts(m[1].method)[0], m[1].date, m[0], m[1].pk))
    for kind, row in moves:
        yield _money_entry(kind, row, chart)


def lines(start: dt.date, end: dt.date) -> Iterator[Line]:
    for entry in entries(start, end):
        yield from entry.lines


def filename(siren: str, end: dt.date) -> str:
    """The name the administration expects: SIREN, "FEC", the closing date."""
    return f"{siren or '000000000'}FEC{ymd(end)}.txt"


def render(start: dt.date, end: dt.date) -> str:
    rows = ["\t".join(COLUMNS)]
    rows += ["\t".join(line.cells()) for line in lines(start, end)]
    return "\r\n".join(rows) + "\r\n"
