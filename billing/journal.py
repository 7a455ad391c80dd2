"""The billing side of the accounting entries, in the layout of the Fichier des Écritures
Comptables (FEC, LPF art. L47 A and A47 A-1; SPEC.md R11): the 18 columns in their order,
tab-separated, dates YYYYMMDD, amounts with a decimal comma, one line per account of each
entry, every entry balanced, encoded in ISO-8859-15 (A47 A-1, III: "les caractères
utilisés appartiennent à l'un des jeux de caractères ASCII, norme ISO 8859-15 ou EBCDIC").

This module builds the entries billing knows; the FEC of a fiscal year, which adds the
budget's ledgers (donations, grants, apprenticeship tax, families), is budget.fec. A
period extract of this module's entries is for the accountant and is not named like a FEC.

The accounts come from the school's chart of accounts (billing.ChartOfAccounts):

- an invoice (sales journal): the customer's 411 with its auxiliary account at debit for
  the total incl. VAT; goods at credit to 701 and services to 706, by each line's unit
  (orders.models.SERVICE_UNITS are services; a mixed invoice is split); VAT collected per
  rate (4457x) at credit. A deposit invoice credits the customers' deposits account (4191)
  instead of sales; the final invoice that deducts it debits 4191 back (its negative lines).
- a credit note: the same, the other way round.
- a payment (bank or cash journal, by method): 512 or 530 at debit, 411 at credit; its
  cancellation the other way round.
- a refund: 411 at debit, 512 or 530 at credit.
- a customer's credit used on another of his invoices (miscellaneous operations journal):
  411 at debit against the invoice in credit, 411 at credit against the one it pays.
- a supplier invoice received (purchases journal): purchases (60x) and deductible VAT
  (44566) at debit, the supplier's 401 at credit; a supplier credit note the other way.
- the opening entries (à-nouveaux) of a fiscal year: what each customer still owed on
  its first day, 411 at debit, against the opening balance account.

EcritureNum is continuous and chronological within each journal (numbered once every
entry is known, in date then validation order), and the file lists the entries in that
order. A customer invoice, its credit notes, payments and refunds share a letter
(EcritureLet, DateLet) on 411 once they sum to zero.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import (
    ChartOfAccounts,
    CreditNote,
    CreditUse,
    Invoice,
    Payment,
    Refund,
    SupplierInvoice,
)
from orders.models import SERVICE_UNITS

ZERO = Decimal("0.00")
ENCODING = "iso-8859-15"

COLUMNS = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip

LABELS = {
    "goods": "Ventes de produits finis",
    "services": "Prestations de services",
    "deposits": "Clients - avances et acomptes reçus",
    "customers": "Clients",
    "vat": "TVA collectée",
    "bank": "Banque",
    "cash": "Caisse",
    "purchases": "Achats",
    "deductible_vat": "TVA déductible",
    "suppliers": "Fournisseurs",
    "opening": "Bilan d'ouverture",
}


def ymd(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def clean(text: str) -> str:
    """No tab, line break or other separator inside a field: they are the file's
    separators (A47 A-1, I, 1° and 4°)."""
    return " ".join(str(text).split())


# Characters outside ISO-8859-15 that French text uses, by their nearest inside it.
_NEAREST = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"',
        "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
        "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u00a0": " ", "\u2022": "-",
    }
)  # fmt: skip


def latin9(text: str) -> str:
    """The text in characters ISO-8859-15 holds: typographic quotes and dashes by their
    plain forms, accented letters it lacks by the letter without accent, anything else '?'."""
    out = []
    for char in text.translate(_NEAREST):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            out.append("".join(c for c in plain if not unicodedata.combining(c)) or "?")
    return "".join(out)


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
    letter: str = ""
    letter_date: dt.date | None = None

    def cells(self) -> list[str]:
        return [
            clean(self.journal), clean(self.journal_label), clean(self.number), ymd(self.date),
            clean(self.account), clean(self.account_label), clean(self.aux),
            clean(self.aux_label), clean(self.piece), ymd(self.piece_date), clean(self.label),
            amount(self.debit), amount(self.credit), self.letter, ymd(self.letter_date),
            ymd(self.date), "", "",
        ]  # fmt: skip


def _signed(value: Decimal) -> tuple[Decimal, Decimal]:
    """(debit, credit) of a signed amount, positive at debit: FEC amounts are never negative."""
    return (value, ZERO) if value >= 0 else (ZERO, -value)


@dataclass
class Entry:
    """One accounting entry: its journal, its date, the piece it rests on and its lines.
    `order` places it among the entries of its day (the time it was recorded); its number
    is given by `number_entries` once every entry of the file is known."""

    journal: str
    journal_label: str
    date: dt.date
    piece: str
    piece_date: dt.date
    label: str
    order: tuple = ()
    number: str = ""
    lines: list[Line] = field(default_factory=list)
    matches: list[tuple[Line, object]] = field(default_factory=list)

    def add(self, account, account_label, signed: Decimal, aux="", aux_label="", match=None):
        if not signed:
            return
        debit, credit = _signed(signed)
        line = Line(
            self.journal, self.journal_label, self.number, self.date, account, account_label,
            aux, aux_label, self.piece, self.piece_date, self.label, debit, credit,
        )  # fmt: skip
        self.lines.append(line)
        if match is not None:
            self.matches.append((line, match))

    @property
    def balance(self) -> Decimal:
        return sum((ln.debit - ln.credit for ln in self.lines), ZERO)


def _stamp(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment else float("inf")


def sales_accounts(chart: ChartOfAccounts, workshop_account: str) -> tuple[str, str]:
    """(goods, services) accounts: a workshop's own sales account replaces the chart's
    account of its kind (706... for services, any other 7... for goods)."""
    goods, services = chart.goods_account, chart.sales_account
    if workshop_account.startswith("706"):
        services = workshop_account
    elif workshop_account:
        goods = workshop_account
    return goods, services


def _document_entry(doc, chart: ChartOfAccounts, sign: int, kind_label: str, invoice) -> Entry:
    """An invoice (sign 1) or a credit note (sign -1): debit 411, credit sales and VAT."""
    order = invoice.order
    entry = Entry(
        chart.sales_journal_code, chart.sales_journal_label, doc.issue_date, doc.number,
        doc.issue_date, f"{kind_label} {doc.number} {doc.customer_name}",
        order=(_stamp(doc.issued_at), 0, doc.pk),
    )  # fmt: skip
    aux = chart.customer_aux(order.customer_id)
    entry.add(chart.customers_account, LABELS["customers"], sign * doc.total_incl_vat, aux,
              doc.customer_name, match=invoice.pk)  # fmt: skip
    lines = list(doc.lines.all())
    if invoice.kind == Invoice.Kind.DEPOSIT:
        entry.add(chart.deposits_account, LABELS["deposits"], -sign * doc.total_excl_vat)
    else:
        # A final invoice's negative lines are the deposits it deducts: 4191 comes back (and
        # goes again when a credit note copies those lines).
        deducted = sum((ln.amount_excl_vat for ln in lines if ln.amount_excl_vat < 0), ZERO)
        services = sum(
            (ln.amount_excl_vat for ln in lines
             if ln.amount_excl_vat > 0 and ln.unit in SERVICE_UNITS),
            ZERO,
        )  # fmt: skip
        # Goods are the rest, so that the entry balances to the cent whatever the rounding.
        goods = doc.total_excl_vat - deducted - services
        workshop = order.workshop.sales_account if order.workshop_id else ""
        goods_account, services_account = sales_accounts(chart, workshop)
        entry.add(goods_account, LABELS["goods"], -sign * goods)
        entry.add(services_account, LABELS["services"], -sign * services)
        entry.add(chart.deposits_account, LABELS["deposits"], -sign * deducted)
    for rate, _base, vat in doc.by_rate:
        shown = format(rate.normalize(), "f").replace(".", ",")
        entry.add(chart.vat_account(rate), f"{LABELS['vat']} {shown} %", -sign * vat)
    return entry


def _money_entry(kind: str, row, chart: ChartOfAccounts) -> Entry:
    """A payment (money in: bank at debit) or a refund (money out: bank at credit)."""
    journal, journal_label, account = chart.receipts(row.method)
    invoice = row.invoice
    signed = row.amount if kind == "payment" else -row.amount
    if kind == "payment":
        what = "Règlement" if row.amount > 0 else "Annulation du règlement"
    else:
        what = "Remboursement"
    entry = Entry(
        journal, journal_label, row.date, row.reference or invoice.number, row.date,
        f"{what} {invoice.number} {invoice.customer_name}",
        order=(_stamp(row.recorded_at), 1, row.pk),
    )  # fmt: skip
    bank_label = LABELS["cash"] if account == chart.cash_account else LABELS["bank"]
    entry.add(account, bank_label, signed)
    entry.add(chart.customers_account, LABELS["customers"], -signed,
              chart.customer_aux(invoice.order.customer_id), invoice.customer_name,
              match=invoice.pk)  # fmt: skip
    return entry


def supplier_aux(chart: ChartOfAccounts, invoice: SupplierInvoice) -> str:
    key = invoice.supplier_siren or "".join(c for c in invoice.supplier_name.upper() if c.isalnum())
    return f"{chart.supplier_prefix}{key[:14]}"


def _supplier_entry(invoice: SupplierInvoice, chart: ChartOfAccounts) -> Entry:
    """Purchases and deductible VAT at debit, the supplier at credit (a credit note, type
    code 381, the other way round)."""
    sign = -1 if invoice.type_code == "381" else 1
    what = "Avoir fournisseur" if sign < 0 else "Facture fournisseur"
    entry = Entry(
        chart.purchases_journal_code, chart.purchases_journal_label, invoice.issue_date,
        invoice.number, invoice.issue_date, f"{what} {invoice.number} {invoice.supplier_name}",
        order=(_stamp(invoice.received_at), 2, invoice.pk),
    )  # fmt: skip
    entry.add(chart.purchases_account, LABELS["purchases"], sign * invoice.total_excl_vat)
    # The VAT is what makes the total, so that the entry balances whatever the XML said.
    vat = invoice.total_incl_vat - invoice.total_excl_vat
    entry.add(chart.deductible_vat_account, LABELS["deductible_vat"], sign * vat)
    entry.add(chart.suppliers_account, LABELS["suppliers"], -sign * invoice.total_incl_vat,
              supplier_aux(chart, invoice), invoice.supplier_name)  # fmt: skip
    return entry


def entries(start: dt.date, end: dt.date, chart: ChartOfAccounts | None = None) -> list[Entry]:
    """Every entry billing knows of the period (sales, purchases, bank and cash), not yet
    numbered (five queries)."""
    chart = chart or ChartOfAccounts.load()
    invoices = (
        Invoice.objects.filter(issue_date__range=(start, end))
        .select_related("order__workshop")
        .prefetch_related("lines")
    )
    notes = (
        CreditNote.objects.filter(issue_date__range=(start, end))
        .select_related("invoice__order__workshop")
        .prefetch_related("lines")
    )
    found = [_document_entry(i, chart, 1, "Facture", i) for i in invoices]
    found += [_document_entry(n, chart, -1, "Avoir", n.invoice) for n in notes]
    found += [
        _money_entry("payment", p, chart)
        for p in Payment.objects.filter(date__range=(start, end)).select_related("invoice__order")
    ]
    found += [
        _money_entry("refund", r, chart)
        for r in Refund.objects.filter(date__range=(start, end)).select_related("invoice__order")
    ]
    found += [
        _credit_use_entry(u, chart)
        for u in CreditUse.objects.filter(date__range=(start, end)).select_related(
            "source__order", "target"
        )
    ]
    found += [
        _supplier_entry(s, chart)
        for s in SupplierInvoice.objects.filter(issue_date__range=(start, end))
    ]
    return found


def _credit_use_entry(use: CreditUse, chart: ChartOfAccounts) -> Entry:
    """A customer's credit on one invoice used to pay another (billing.credit): 411 at
    debit against the first, at credit against the second, on the same auxiliary account;
    the money stays on 411 and each invoice is lettered once settled."""
    source, target = use.source, use.target
    entry = Entry(
        chart.misc_journal_code, chart.misc_journal_label, use.date, source.number, use.date,
        f"Imputation avoir/trop-perçu {source.number} sur {target.number} "
        f"{source.customer_name}",
        order=(_stamp(use.recorded_at), 3, use.pk),
    )  # fmt: skip
    aux = chart.customer_aux(source.order.customer_id)
    entry.add(chart.customers_account, LABELS["customers"], use.amount, aux,
              source.customer_name, match=source.pk)  # fmt: skip
    entry.add(chart.customers_account, LABELS["customers"], -use.amount, aux,
              target.customer_name, match=target.pk)  # fmt: skip
    return entry


def _sum_before(model, start: dt.date, date_field: str, amount_field: str, key: str = "invoice"):
    rows = (
        model.objects.filter(**{key: OuterRef("pk"), f"{date_field}__lt": start})
        .order_by()
        .values(key)
        .annotate(s=Sum(amount_field))
        .values("s")
    )
    return Coalesce(Subquery(rows), Value(ZERO), output_field=DecimalField())


def opening_entries(start: dt.date, chart: ChartOfAccounts | None = None) -> list[Entry]:
    """The à-nouveaux billing can know on the first day of a fiscal year: what each
    customer invoice still owed then (411 at debit, or at credit for a customer in
    credit), against the opening balance account (one query)."""
    chart = chart or ChartOfAccounts.load()
    invoices = (
        Invoice.objects.filter(issue_date__lt=start)
        .filter(
            Q(settled=False)
            | Q(payments__date__gte=start)
            | Q(credit_notes__issue_date__gte=start)
            | Q(refunds__date__gte=start)
            | Q(credit_uses__date__gte=start)
            | Q(paid_by_credit__date__gte=start)
        )
        .distinct()
        .select_related("order")
        .annotate(
            paid_before=_sum_before(Payment, start, "date", "amount"),
            credited_before=_sum_before(CreditNote, start, "issue_date", "total_incl_vat"),
            refunded_before=_sum_before(Refund, start, "date", "amount"),
            used_before=_sum_before(CreditUse, start, "date", "amount", key="source"),
            received_before=_sum_before(CreditUse, start, "date", "amount", key="target"),
        )
        .order_by("issue_date", "year", "sequence")
    )
    found = []
    for invoice in invoices:
        owed = (
            invoice.total_incl_vat
            - invoice.credited_before
            - invoice.paid_before
            + invoice.refunded_before
            + invoice.used_before
            - invoice.received_before
        )
        if not owed:
            continue
        entry = Entry(
            chart.opening_journal_code, chart.opening_journal_label, start, invoice.number,
            invoice.issue_date, f"A nouveau {invoice.number} {invoice.customer_name}",
            order=(0, 0, invoice.pk),
        )  # fmt: skip
        entry.add(chart.customers_account, LABELS["customers"], owed,
                  chart.customer_aux(invoice.order.customer_id), invoice.customer_name,
                  match=invoice.pk)  # fmt: skip
        entry.add(chart.opening_account, LABELS["opening"], -owed)
        found.append(entry)
    return found


def number_entries(found: Iterable[Entry]) -> list[Entry]:
    """Number each journal's entries continuously in date then validation order
    (JournalCode + 6 digits) and return every entry in that order, as the file lists them
    (A47 A-1: "organisé par ordre chronologique de validation")."""
    ordered = sorted(found, key=lambda e: (e.date, e.order, e.journal))
    counters: dict[str, int] = defaultdict(int)
    for entry in ordered:
        counters[entry.journal] += 1
        entry.number = f"{entry.journal}{counters[entry.journal]:06d}"
        for line in entry.lines:
            line.number = entry.number
    return ordered


def _letter_code(n: int) -> str:
    """A, B, ... Z, AA, AB, ...: the n-th lettering code (n from 1)."""
    code = ""
    while n:
        n, rest = divmod(n - 1, 26)
        code = chr(ord("A") + rest) + code
    return code


def letter(found: Iterable[Entry]) -> None:
    """Give the 411 lines of each customer invoice (its entry, credit notes, payments,
    refunds, opening entry) one letter once they sum to zero, with the date of the last."""
    groups: dict[object, list[Line]] = defaultdict(list)
    for entry in found:
        for line, key in entry.matches:
            groups[key].append(line)
    settled = [
        (max(ln.date for ln in lines), key, lines)
        for key, lines in groups.items()
        if len(lines) > 1 and sum((ln.debit - ln.credit for ln in lines), ZERO) == 0
    ]
    for n, (day, _key, lines) in enumerate(sorted(settled, key=lambda s: s[:2]), start=1):
        for line in lines:
            line.letter, line.letter_date = _letter_code(n), day


def finish(found: Iterable[Entry]) -> list[Entry]:
    """Numbered, ordered and lettered: ready to write."""
    ordered = number_entries(found)
    letter(ordered)
    return ordered


def lines(ordered: Iterable[Entry]) -> Iterator[Line]:
    for entry in ordered:
        yield from entry.lines


def write(ordered: Iterable[Entry]) -> bytes:
    """The file: the column names, then one record per line, CR LF, in ISO-8859-15."""
    rows = ["\t".join(COLUMNS)]
    rows += ["\t".join(line.cells()) for line in lines(ordered)]
    return latin9("\r\n".join(rows) + "\r\n").encode(ENCODING)


def extract(start: dt.date, end: dt.date) -> bytes:
    """The period extract of billing's entries, for the accountant (not a FEC)."""
    return write(finish(entries(start, end)))


def extract_filename(siren: str, start: dt.date, end: dt.date) -> str:
    """Not the FEC's name (SirenFECAAAAMMJJ.txt, A47 A-1): a period extract is not the
    fiscal year's accounts."""
    return f"{siren or '000000000'}-journal-ventes-{ymd(start)}-{ymd(end)}.txt"


def fec_filename(siren: str, end: dt.date) -> str:
    """The name the administration expects for the FEC of a fiscal year: SIREN, "FEC",
    the closing date."""
    return f"{siren or '000000000'}FEC{ymd(end)}.txt"
