"""Statement files written from a list of movements, as a bank would give them: the demo's
sample statements (banking.demo) and the tests' files are made here, in the three formats
the import reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree as ET

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.{:02d}"


@dataclass(frozen=True)
class Movement:
    date: dt.date
    amount: Decimal  # signed: a credit is positive
    name: str
    label: str
    reference: str  # the bank's own (AcctSvcrRef, FITID)
    iban: str = ""
    end_to_end: str = ""
    structured: str = ""


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def camt053(
    account_iban: str, movements: list[Movement], *, version: int = 2, statement_id: str = "1"
) -> bytes:
    """A CAMT.053 statement of the account (versions 2 to 8: from 8, a party's name sits
    under Pty)."""
    ET.register_namespace("", CAMT.format(version))
    ns = "{" + CAMT.format(version) + "}"
    doc = ET.Element(f"{ns}Document")
    stmt_root = _sub(doc, f"{ns}BkToCstmrStmt")
    header = _sub(stmt_root, f"{ns}GrpHdr")
    _sub(header, f"{ns}MsgId", f"STMT-{statement_id}")
    _sub(header, f"{ns}CreDtTm", "2026-01-01T00:00:00")
    stmt = _sub(stmt_root, f"{ns}Stmt")
    _sub(stmt, f"{ns}Id", statement_id)
    _sub(stmt, f"{ns}CreDtTm", "2026-01-01T00:00:00")
    _sub(_sub(_sub(stmt, f"{ns}Acct"), f"{ns}Id"), f"{ns}IBAN", account_iban)
    for m in movements:
        credit = m.amount > 0
        entry = _sub(stmt, f"{ns}Ntry")
        _sub(entry, f"{ns}Amt", f"{abs(m.amount):.2f}", Ccy="EUR")
        _sub(entry, f"{ns}CdtDbtInd", "CRDT" if credit else "DBIT")
        status = _sub(entry, f"{ns}Sts")
        if version >= 8:
            _sub(status, f"{ns}Cd", "BOOK")
        else:
            status.text = "BOOK"
        _sub(_sub(entry, f"{ns}BookgDt"), f"{ns}Dt", m.date.isoformat())
        _sub(_sub(entry, f"{ns}ValDt"), f"{ns}Dt", m.date.isoformat())
        _sub(entry, f"{ns}AcctSvcrRef", m.reference)
        tx = _sub(_sub(entry, f"{ns}NtryDtls"), f"{ns}TxDtls")
        refs = _sub(tx, f"{ns}Refs")
        _sub(refs, f"{ns}EndToEndId", m.end_to_end or "NOTPROVIDED")
        parties = _sub(tx, f"{ns}RltdPties")
        side, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        party = _sub(parties, f"{ns}{side}")
        _sub(_sub(party, f"{ns}Pty") if version >= 8 else party, f"{ns}Nm", m.name)
        if m.iban:
            _sub(_sub(_sub(parties, f"{ns}{account}"), f"{ns}Id"), f"{ns}IBAN", m.iban)
        remittance = _sub(tx, f"{ns}RmtInf")
        _sub(remittance, f"{ns}Ustrd", m.label)
        if m.structured:
            ref = _sub(_sub(remittance, f"{ns}Strd"), f"{ns}CdtrRefInf")
            _sub(ref, f"{ns}Ref", m.structured)
    ET.indent(doc)
    return ET.tostring(doc, encoding="utf-8", xml_declaration=True)


def _ofx_body(movements: list[Movement], close: bool) -> str:
    def tag(name: str, value: str) -> str:
        return f"<{name}>{value}</{name}>" if close else f"<{name}>{value}"

    start = min(m.date for m in movements).strftime("%Y%m%d")
    end = max(m.date for m in movements).strftime("%Y%m%d")
    rows = []
    for m in movements:
        rows.append(
            "<STMTTRN>"
            + tag("TRNTYPE", "CREDIT" if m.amount > 0 else "DEBIT")
            + tag("DTPOSTED", m.date.strftime("%Y%m%d"))
            + tag("TRNAMT", f"{m.amount:.2f}")
            + tag("FITID", m.reference)
            + tag("NAME", _ofx_text(m.name[:32]))
            + tag("MEMO", _ofx_text(f"{m.label} {m.structured}".strip()[:255]))
            + "</STMTTRN>"
        )
    status = "<STATUS>" + tag("CODE", "0") + tag("SEVERITY", "INFO") + "</STATUS>"
    return (
        "<OFX><SIGNONMSGSRSV1><SONRS>" + status + tag("DTSERVER", end) + tag("LANGUAGE", "FRA")
        + "</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS>" + tag("TRNUID", "1") + status
        + "<STMTRS>" + tag("CURDEF", "EUR") + "<BANKACCTFROM>" + tag("BANKID", "30006")
        + tag("BRANCHID", "00001") + tag("ACCTID", "12345678901") + tag("ACCTTYPE", "CHECKING")
        + "</BANKACCTFROM><BANKTRANLIST>" + tag("DTSTART", start) + tag("DTEND", end)
        + "\n".join(rows) + "</BANKTRANLIST><LEDGERBAL>" + tag("BALAMT", "0.00")
        + tag("DTASOF", end) + "</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )  # fmt: skip


def _ofx_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ofx(movements: list[Movement], *, version: int = 1) -> bytes:
    """OFX 1 (SGML, Latin-1, unclosed elements) or OFX 2 (XML)."""
    if version == 1:
        header = (
            "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\n"
            "ENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\n"
            "NEWFILEUID:NONE\r\n\r\n"
        )
        return (header + _ofx_body(movements, close=False)).encode("cp1252", "replace")
    header = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" '
        'NEWFILEUID="NONE"?>\n'
    )
    return (header + _ofx_body(movements, close=True)).encode("utf-8")


# The demo bank's CSV export: what its saved mapping (banking.demo) reads.
CSV_HEADER = ["Date", "Date de valeur", "Libellé", "Tiers", "IBAN du tiers", "Débit", "Crédit"]


def csv_export(movements: list[Movement], *, encoding: str = "cp1252") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for m in movements:
        amount = f"{abs(m.amount):.2f}".replace(".", ",")
        writer.writerow([
            m.date.strftime("%d/%m/%Y"), m.date.strftime("%d/%m/%Y"),
            f"{m.label} {m.structured}".strip(), m.name, m.iban,
            amount if m.amount < 0 else "", amount if m.amount > 0 else "",
        ])  # fmt: skip
    return out.getvalue().encode(encoding, "replace")


CSV_MAPPING = {
    "name": "Export CSV de la banque",
    "encoding": "cp1252",
    "delimiter": ";",
    "decimal_comma": True,
    "date_format": "%d/%m/%Y",
    "header_rows": 1,
    "date_column": 1,
    "value_date_column": 2,
    "label_column": 3,
    "name_column": 4,
    "iban_column": 5,
    "debit_column": 6,
    "credit_column": 7,
}
