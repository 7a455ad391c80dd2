"""The three statement formats give the same lines (issue 29 §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from banking import parsers
from banking.models import CsvMapping
from banking.samples import CSV_MAPPING, Movement, camt053, csv_export, ofx

D = Decimal
IBAN = "FR7630006000011234567890189"
MOVEMENTS = [
    Movement(dt.date(2026, 11, 3), D("1200.00"), "Menuiserie Dupont SARL", "VIR FA-2026-0012",
             "BQ-0001", iban="FR7610107001011234567890129", end_to_end="E2E-ABC"),
    Movement(dt.date(2026, 11, 4), D("-35.90"), "Quincaillerie Lyonnaise", "PRLV facture 881",
             "BQ-0002"),
    Movement(dt.date(2026, 11, 5), D("50.00"), "Élise Fabre", "Don à l'école", "BQ-0003",
             structured="RF18539007547034"),
]  # fmt: skip


def _check(parsed: parsers.Parsed, references: bool = True) -> None:
    lines = parsed.lines
    assert [line.amount for line in lines] == [D("1200.00"), D("-35.90"), D("50.00")]
    assert [line.booking_date.day for line in lines] == [3, 4, 5]
    assert lines[0].counterparty_name == "Menuiserie Dupont SARL"
    assert "FA-2026-0012" in lines[0].remittance
    assert lines[2].counterparty_name == "Élise Fabre"
    if references:
        assert [line.bank_reference for line in lines] == ["BQ-0001", "BQ-0002", "BQ-0003"]


@pytest.mark.parametrize("version", [2, 4, 8])
def test_camt053_of_each_version_reads_the_same_lines(version):
    parsed = parsers.parse(camt053(IBAN, MOVEMENTS, version=version), "camt053")
    _check(parsed)
    assert parsed.account_iban == IBAN
    assert parsed.lines[0].counterparty_iban == "FR7610107001011234567890129"
    assert parsed.lines[2].structured_reference == "RF18539007547034"


def test_camt053_skips_entries_not_booked():
    data = camt053(IBAN, MOVEMENTS[:1]).decode()
    batch = data.replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
    assert parsers.parse(batch.encode(), "camt053").lines == []


def test_a_file_with_an_entity_is_refused_not_expanded():
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>"""
    with pytest.raises(parsers.StatementError):
        parsers.parse(evil, "camt053")


def test_another_xml_is_not_a_camt053():
    with pytest.raises(parsers.StatementError, match="CAMT.053"):
        parsers.parse(b'<Document xmlns="urn:x"/>', "camt053")


@pytest.mark.parametrize("version", [1, 2])
def test_ofx_1_sgml_and_ofx_2_xml_read_the_same_lines(version):
    _check(parsers.parse(ofx(MOVEMENTS, version=version), "ofx"))


def test_garbage_is_not_an_ofx():
    with pytest.raises(parsers.StatementError):
        parsers.parse(b"hello", "ofx")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_csv_by_its_mapping_with_debit_and_credit_columns(encoding):
    mapping = CsvMapping(**{**CSV_MAPPING, "encoding": encoding})
    parsed = parsers.parse(csv_export(MOVEMENTS, encoding=encoding), "csv", mapping)
    _check(parsed, references=False)
    # No reference in this bank's CSV: a fingerprint, the same on a second reading.
    again = parsers.parse(csv_export(MOVEMENTS, encoding=encoding), "csv", mapping)
    assert [line.bank_reference for line in parsed.lines] == [
        line.bank_reference for line in again.lines
    ]
    assert len({line.bank_reference for line in parsed.lines}) == 3


def test_csv_with_one_signed_amount_column_and_thousands():
    mapping = CsvMapping(delimiter=";", encoding="utf-8-sig", decimal_comma=True,
                         date_format="%Y-%m-%d", header_rows=1, date_column=1, label_column=2,
                         amount_column=3, reference_column=4)  # fmt: skip
    data = "date;libellé;montant;ref\n2026-11-02;VIR X;1 234,50;R1\n2026-11-02;CB;-1.000,00;R2\n"
    lines = parsers.parse(data.encode(), "csv", mapping).lines
    assert [line.amount for line in lines] == [D("1234.50"), D("-1000.00")]
    assert [line.bank_reference for line in lines] == ["R1", "R2"]


def test_two_identical_csv_rows_stay_two_lines():
    mapping = CsvMapping(**CSV_MAPPING)
    twice = [MOVEMENTS[1], MOVEMENTS[1]]
    lines = parsers.parse(csv_export(twice), "csv", mapping).lines
    assert len({line.bank_reference for line in lines}) == 2


def test_a_csv_row_that_cannot_be_read_says_which():
    mapping = CsvMapping(**CSV_MAPPING)
    data = csv_export(MOVEMENTS).decode("cp1252").replace("04/11/2026", "4 nov", 1)
    with pytest.raises(parsers.StatementError, match="Ligne 3"):
        parsers.parse(data.encode("cp1252"), "csv", mapping)


def test_a_latin1_file_read_as_utf8_is_refused():
    mapping = CsvMapping(**{**CSV_MAPPING, "encoding": "utf-8-sig"})
    with pytest.raises(parsers.StatementError, match="encodage"):
        parsers.parse(csv_export(MOVEMENTS, encoding="cp1252"), "csv", mapping)
