"""Reading the bank's statements (issue 29 §1): CAMT.053 (ISO 20022, versions .02 to .08),
OFX (1 in SGML, 2 in XML, through ofxtools) and CSV by a saved column mapping. Each gives
the same lines: dates, signed amount, counterparty, label, structured reference and the
bank's own reference of the movement, which makes a second import of the same file add
nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.utils.translation import gettext as _
from ofxtools.Parser import OFXTree

from banking.models import CsvMapping, Format, compact_iban

CENT = Decimal("0.01")
# CAMT.053 of ISO 20022, the versions French banks give (02 the most common, 08 the latest).
CAMT_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]$")
NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF"}


class StatementError(ValueError):
    """The file cannot be read as the format said; the message is for the user."""


@dataclass
class ParsedLine:
    booking_date: dt.date
    amount: Decimal
    bank_reference: str = ""
    value_date: dt.date | None = None
    currency: str = "EUR"
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    structured_reference: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Parsed:
    lines: list[ParsedLine]
    account_iban: str = ""


def parse(data: bytes, fmt: str, mapping: CsvMapping | None = None) -> Parsed:
    if fmt == Format.CAMT053:
        parsed = parse_camt053(data)
    elif fmt == Format.OFX:
        parsed = parse_ofx(data)
    elif fmt == Format.CSV:
        if mapping is None:
            raise StatementError(_("Pick the CSV mapping of this bank."))
        parsed = parse_csv(data, mapping)
    else:
        raise StatementError(_("Unknown format."))
    _fill_references(parsed.lines)
    return parsed


def _fill_references(lines: list[ParsedLine]) -> None:
    """A line the bank gave no reference gets a fingerprint of what it says, counted
    among its identical twins of the same file (two equal transfers the same day stay
    two lines, and the same file imported again gives the same fingerprints)."""
    seen: Counter = Counter()
    for line in lines:
        if line.bank_reference:
            continue
        key = "|".join(
            [line.booking_date.isoformat(), str(line.amount), line.remittance,
             line.counterparty_name, line.structured_reference]
        )  # fmt: skip
        seen[key] += 1
        digest = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()[:32]
        line.bank_reference = f"H:{digest}"


def _clip(text: str | None, size: int) -> str:
    return " ".join((text or "").split())[:size]


# --- CAMT.053 ------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: Element | None, *path: str) -> Element | None:
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _children(node: Element | None, name: str) -> list[Element]:
    return [] if node is None else [c for c in node if _local(c.tag) == name]


def _text(node: Element | None, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _date(node: Element | None) -> dt.date | None:
    text = _text(node, "Dt") or _text(node, "DtTm")[:10]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise StatementError(_("A date of the statement cannot be read: %s") % text) from exc


def _amount(node: Element | None) -> tuple[Decimal, str] | None:
    if node is None or not (node.text or "").strip():
        return None
    try:
        return Decimal(node.text.strip()).quantize(CENT), node.get("Ccy", "EUR")
    except InvalidOperation as exc:
        message = _("An amount of the statement cannot be read: %s") % node.text
        raise StatementError(message) from exc


def _party_name(node: Element | None) -> str:
    # Up to .07 the name sits under Dbtr/Nm; from .08 under Dbtr/Pty/Nm.
    return _text(node, "Nm") or _text(node, "Pty", "Nm")


def parse_camt053(data: bytes) -> Parsed:
    try:
        root = safe_fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise StatementError(_("This file is not a readable XML statement.")) from exc
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if _local(root.tag) != "Document" or not CAMT_NAMESPACE.match(namespace):
        raise StatementError(_("This file is not a CAMT.053 statement (camt.053.001.02 to .08)."))
    lines: list[ParsedLine] = []
    account_iban = ""
    for statement in _children(_child(root, "BkToCstmrStmt"), "Stmt"):
        account_iban = account_iban or _text(statement, "Acct", "Id", "IBAN")
        for entry in _children(statement, "Ntry"):
            status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
            if status and status != "BOOK":
                continue  # pending or informational: not on the account yet
            lines.extend(_camt_entry(entry))
    return Parsed(lines=lines, account_iban=compact_iban(account_iban))


def _camt_entry(entry: Element) -> list[ParsedLine]:
    found = _amount(_child(entry, "Amt"))
    if found is None:
        raise StatementError(_("An entry of the statement has no amount."))
    amount, currency = found
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    booking = _date(_child(entry, "BookgDt"))
    if booking is None:
        raise StatementError(_("An entry of the statement has no booking date."))
    value = _date(_child(entry, "ValDt"))
    entry_ref = _text(entry, "AcctSvcrRef")
    entry_info = _text(entry, "AddtlNtryInf")
    details = [tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")]
    if not details:
        return [
            ParsedLine(
                booking_date=booking, value_date=value, currency=currency,
                amount=amount if credit else -amount, bank_reference=_clip(entry_ref, 140),
                remittance=_clip(entry_info, 500),
            )
        ]  # fmt: skip
    lines = []
    for n, tx in enumerate(details, start=1):
        tx_amount = (
            _amount(_child(tx, "Amt"))
            or _amount(_child(tx, "AmtDtls", "TxAmt", "Amt"))
            or (_amount(_child(entry, "Amt")) if len(details) == 1 else None)
        )
        if tx_amount is None:
            raise StatementError(_("A transaction of a batched entry has no amount."))
        tx_credit = (_text(tx, "CdtDbtInd") or _text(entry, "CdtDbtInd")) == "CRDT"
        refs = _child(tx, "Refs")
        reference = _text(refs, "AcctSvcrRef")
        end_to_end = _text(refs, "EndToEndId")
        if not reference:
            reference = entry_ref if len(details) == 1 else (entry_ref and f"{entry_ref}/{n}")
        if not reference and end_to_end.upper() not in NOT_PROVIDED:
            reference = f"E2E:{end_to_end}"
        parties = _child(tx, "RltdPties")
        # The other side: who paid us on a credit, whom we paid on a debit.
        side, account = ("Dbtr", "DbtrAcct") if tx_credit else ("Cdtr", "CdtrAcct")
        remittance = _child(tx, "RmtInf")
        unstructured = " ".join(u.text or "" for u in _children(remittance, "Ustrd"))
        structured = " ".join(
            _text(s, "CdtrRefInf", "Ref") for s in _children(remittance, "Strd")
        ).strip()
        label = unstructured or _text(tx, "AddtlTxInf") or entry_info
        if end_to_end.upper() not in NOT_PROVIDED and end_to_end not in label:
            label = f"{label} {end_to_end}".strip()
        lines.append(
            ParsedLine(
                booking_date=booking, value_date=value, currency=tx_amount[1],
                amount=tx_amount[0] if tx_credit else -tx_amount[0],
                bank_reference=_clip(reference, 140),
                counterparty_name=_clip(_party_name(_child(parties, side)), 200),
                counterparty_iban=compact_iban(_text(parties, account, "Id", "IBAN"))[:34],
                remittance=_clip(label, 500), structured_reference=_clip(structured, 140),
            )
        )  # fmt: skip
    return lines


# --- OFX -----------------------------------------------------------------------------------


def parse_ofx(data: bytes) -> Parsed:
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
        statements = ofx.statements
    except Exception as exc:  # ofxtools raises many kinds on a malformed file
        raise StatementError(_("This file is not a readable OFX statement.")) from exc
    lines = []
    for statement in statements:
        currency = getattr(statement, "curdef", None) or "EUR"
        for tx in statement.transactions:
            amount = Decimal(tx.trnamt).quantize(CENT)
            label = " ".join(filter(None, [tx.name, tx.memo]))
            lines.append(
                ParsedLine(
                    booking_date=tx.dtposted.date(),
                    value_date=tx.dtavail.date() if getattr(tx, "dtavail", None) else None,
                    amount=amount, currency=currency, bank_reference=_clip(tx.fitid, 140),
                    counterparty_name=_clip(tx.name, 200), remittance=_clip(label, 500),
                    structured_reference=_clip(getattr(tx, "refnum", "") or "", 140),
                )
            )  # fmt: skip
    return Parsed(lines=lines)


# --- CSV -----------------------------------------------------------------------------------


def _money(text: str, decimal_comma: bool) -> Decimal | None:
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if not text:
        return None
    text = text.replace(".", "").replace(",", ".") if decimal_comma else text.replace(",", "")
    try:
        return Decimal(text).quantize(CENT)
    except InvalidOperation:
        raise StatementError(_("This amount cannot be read: %s") % text) from None


def _cell(row: list[str], column: int) -> str:
    return row[column - 1].strip() if column and column <= len(row) else ""


def parse_csv(data: bytes, mapping: CsvMapping) -> Parsed:
    try:
        text = data.decode(mapping.encoding)
    except UnicodeDecodeError as exc:
        raise StatementError(
            _("This file is not in the mapping's encoding (%s).") % mapping.get_encoding_display()
        ) from exc
    rows = list(csv.reader(io.StringIO(text), delimiter=mapping.delimiter))
    lines = []
    for number, row in enumerate(rows[mapping.header_rows :], start=mapping.header_rows + 1):
        if not any(cell.strip() for cell in row):
            continue
        try:
            lines.append(_csv_line(row, mapping))
        except StatementError as exc:
            message = _("Row %(row)d: %(error)s") % {"row": number, "error": exc}
            raise StatementError(message) from exc
    return Parsed(lines=lines)


def _csv_date(text: str, mapping: CsvMapping) -> dt.date:
    try:
        return dt.datetime.strptime(text, mapping.date_format).date()
    except ValueError:
        raise StatementError(_("this date cannot be read: %s") % text) from None


def _csv_line(row: list[str], mapping: CsvMapping) -> ParsedLine:
    booking = _csv_date(_cell(row, mapping.date_column), mapping)
    value_text = _cell(row, mapping.value_date_column)
    if mapping.amount_column:
        amount = _money(_cell(row, mapping.amount_column), mapping.decimal_comma)
    else:
        debit = _money(_cell(row, mapping.debit_column), mapping.decimal_comma)
        credit = _money(_cell(row, mapping.credit_column), mapping.decimal_comma)
        amount = (credit or Decimal(0)) - abs(debit or Decimal(0))
    if not amount:
        raise StatementError(_("no amount"))
    return ParsedLine(
        booking_date=booking,
        value_date=_csv_date(value_text, mapping) if value_text else None,
        amount=amount,
        counterparty_name=_clip(_cell(row, mapping.name_column), 200),
        counterparty_iban=compact_iban(_cell(row, mapping.iban_column))[:34],
        remittance=_clip(_cell(row, mapping.label_column), 500),
        bank_reference=_clip(_cell(row, mapping.reference_column), 140),
    )
