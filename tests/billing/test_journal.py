"""The accountant's sales and receipts journal in the FEC layout (SPEC.md R11, LPF art.
A47 A-1), the invoices export with VAT per rate, and the payments export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import invoicing, journal, refunds
from billing.models import ChartOfAccounts
from tests.billing.money import D

pytestmark = pytest.mark.django_db

FEC_COLUMNS = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def parse(data: bytes) -> list[dict]:
    rows = [line.split("\t") for line in data.decode("iso-8859-15").split("\r\n") if line]
    assert rows[0] == FEC_COLUMNS
    assert all(len(r) == 18 for r in rows)
    return [dict(zip(FEC_COLUMNS, r, strict=True)) for r in rows[1:]]


def money(text: str) -> Decimal:
    assert "." not in text
    return Decimal(text.replace(",", "."))


@pytest.fixture
def busy_year(credited_after_payment, make_order, woodwork, machining, individual, office):
    """Every kind of entry: an invoice paid then credited and refunded (by cheque), an
    invoice at two VAT rates paid in cash with a payment cancelled, a deposit invoice
    deducted from its order's final invoice."""
    refunds.record_refund(
        credited_after_payment, office, date=dt.date(2026, 3, 20), amount=D("60.00"),
        method="cheque", today=dt.date(2026, 3, 20),
    )  # fmt: skip
    machining.sales_account = "701500"
    machining.save()
    two_rates = make_order(
        machining, individual, status="delivered",
        lines=[("3", "33.33", "20"), ("1", "10.01", "5.5")],
    )  # fmt: skip
    two_rates.lines.filter(position=2).update(unit="h")  # an hour of service: a mixed invoice
    second = invoicing.issue_invoice(two_rates, office, today=dt.date(2026, 4, 1), render=False)
    pay = invoicing.record_payment(
        second, office, date=dt.date(2026, 4, 2), amount=second.total_incl_vat, method="cash"
    )
    invoicing.reverse_payment(pay, office, reason="Erreur", today=dt.date(2026, 4, 3))
    order = make_order(woodwork, individual, status="accepted", lines=[("1", "1000", "20")])
    invoicing.issue_invoice(
        order, office, deposit_percent=D("30"), today=dt.date(2026, 5, 1), render=False
    )
    order.start_production(by=office)
    order.deliver(by=office, verdict="conforms", on=dt.date(2026, 5, 20))
    invoicing.issue_invoice(order, office, today=dt.date(2026, 6, 1), render=False)
    return credited_after_payment


def test_every_entry_balances_to_exactly_zero(busy_year):
    rows = parse(journal.extract(*YEAR))
    entries = defaultdict(Decimal)
    for row in rows:
        entries[(row["JournalCode"], row["EcritureNum"])] += money(row["Debit"]) - money(
            row["Credit"]
        )
    assert len(entries) == 9  # 4 invoices, 1 credit note, 2 payments, 1 cancellation, 1 refund
    assert all(total == 0 for total in entries.values()), entries


def test_the_columns_say_what_the_accountant_expects(busy_year, company):
    rows = parse(journal.extract(*YEAR))
    for row in rows:
        assert len(row["EcritureDate"]) == 8 and row["EcritureDate"].isdigit()
        assert row["PieceDate"].isdigit() and row["ValidDate"] == row["EcritureDate"]
        assert money(row["Debit"]) >= 0 and money(row["Credit"]) >= 0
        assert (money(row["Debit"]) == 0) != (money(row["Credit"]) == 0)
        assert (row["CompteNum"] == "411000") == bool(row["CompAuxNum"])
    first = [r for r in rows if r["PieceRef"] == busy_year.number and r["JournalCode"] == "VE"]
    assert [(r["CompteNum"], r["Debit"], r["Credit"]) for r in first] == [
        ("411000", "360,00", "0,00"),
        ("701000", "0,00", "300,00"),
        ("445712", "0,00", "60,00"),
    ]
    assert first[0]["CompAuxNum"] == f"C{company.pk:06d}"
    assert first[0]["CompAuxLib"] == company.name
    assert first[0]["JournalCode"] == "VE" and first[0]["EcritureDate"] == "20260302"
    assert first[2]["CompteLib"] == "TVA collectée 20 %"


def test_workshop_accounts_vat_rates_cash_and_deposits(busy_year):
    rows = parse(journal.extract(*YEAR))
    accounts = {r["CompteNum"] for r in rows}
    assert {"701000", "701500", "706000", "445712", "445715", "419100", "512000", "530000"} <= (
        accounts
    )
    cash = [r for r in rows if r["CompteNum"] == "530000"]
    assert {r["JournalCode"] for r in cash} == {"CA"}
    assert len(cash) == 2  # the payment and its cancellation, the other way round
    deposits = [r for r in rows if r["CompteNum"] == "419100"]
    assert sum(money(r["Credit"]) for r in deposits) == D("300.00")
    assert sum(money(r["Debit"]) for r in deposits) == D("300.00")


def test_the_chart_of_accounts_is_the_schools(busy_year):
    chart = ChartOfAccounts.load()
    chart.customers_account = "411100"
    chart.sales_journal_code = "VT"
    chart.save()
    rows = parse(journal.extract(*YEAR))
    assert "411100" in {r["CompteNum"] for r in rows}
    assert "VT" in {r["JournalCode"] for r in rows}


def test_the_period_bounds_the_entries(busy_year):
    rows = parse(journal.extract(dt.date(2026, 3, 1), dt.date(2026, 3, 2)))
    assert {r["PieceRef"] for r in rows} == {busy_year.number}


def test_the_accountant_downloads_the_fec_file(busy_year, accountant, client_for, school):
    client = client_for(accountant)
    assert client.get(reverse("billing:journal")).status_code == 200
    response = client.get(
        reverse("billing:journal_fec"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    assert response.status_code == 200
    # A period extract of billing's entries is not the fiscal year's FEC: not its name.
    assert "FEC" not in response["Content-Disposition"]
    assert "732829320-journal-ventes-20260101-20261231.txt" in response["Content-Disposition"]
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    assert parse(response.content)


def test_journal_access(client, client_for, office, woodwork_trainer):
    url = reverse("billing:journal")
    assert client.get(url).status_code == 302
    assert client_for(office).get(url).status_code == 403
    assert client_for(woodwork_trainer).get(reverse("billing:chart")).status_code == 403


def test_a_wrong_period_is_refused(accountant, client_for):
    response = client_for(accountant).get(
        reverse("billing:journal_fec"), {"start": "2026-12-31", "end": "2026-01-01"}
    )
    assert response.status_code == 400


def test_the_chart_form_refuses_a_bad_account(accountant, client_for):
    data = {f.name: getattr(ChartOfAccounts.load(), f.name) for f in ChartOfAccounts._meta.fields}
    data.pop("id")
    data["bank_account"] = "banque"
    response = client_for(accountant).post(reverse("billing:chart"), data)
    assert response.status_code == 200
    assert ChartOfAccounts.load().bank_account == "512000"
    data["bank_account"] = "512100"
    assert client_for(accountant).post(reverse("billing:chart"), data).status_code == 302
    assert ChartOfAccounts.load().bank_account == "512100"


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))


def test_the_invoices_export_has_the_vat_of_each_rate(busy_year, accountant, client_for):
    rows = read_csv(client_for(accountant).get(reverse("billing:invoice_export")))
    header = rows[0]
    assert "TVA 20 %" in header and "Base 5,5 %" in header
    first = next(r for r in rows if r[1] == busy_year.number)
    assert first[header.index("Base 20 %")] == "300,00"
    assert first[header.index("TVA 20 %")] == "60,00"
    assert first[header.index("TVA 5,5 %")] == ""
    note = next(r for r in rows if r[0] == "Avoir")
    assert note[header.index("TVA 20 %")] == "-10,00"


def test_the_payments_export_for_bank_reconciliation(busy_year, accountant, client_for):
    response = client_for(accountant).get(
        reverse("billing:payment_export"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    rows = read_csv(response)
    kinds = [r[1] for r in rows[1:]]
    assert kinds == ["Paiement", "Remboursement", "Paiement", "Annulation"]
    assert rows[2][6] == "-60,00"
    assert rows[4][6].startswith("-")


# --- The FEC's format (issue #27 §3; LPF art. A47 A-1) -------------------------------------


def by_entry(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        found[(row["JournalCode"], row["EcritureNum"])].append(row)
    return found


def sides(rows: list[dict], piece_label: str) -> dict[str, str]:
    """{account: "D" or "C"} of the entry whose label starts with `piece_label`."""
    return {
        r["CompteNum"]: "D" if money(r["Debit"]) else "C"
        for r in rows
        if r["EcritureLib"].startswith(piece_label)
    }


def test_each_journal_is_numbered_continuously_in_date_order(busy_year):
    rows = parse(journal.extract(*YEAR))
    per_journal: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (code, number), lines in by_entry(rows).items():
        per_journal[code].append((lines[0]["EcritureDate"], number))
    assert set(per_journal) == {"VE", "BQ", "CA"}
    for code, seen in per_journal.items():
        assert [n for _d, n in seen] == [f"{code}{i:06d}" for i in range(1, len(seen) + 1)]
        assert [d for d, _n in seen] == sorted(d for d, _n in seen), code
    # The file lists the entries in the order they were validated (date first).
    dates = [r["ValidDate"] for r in rows]
    assert dates == sorted(dates)


def test_each_account_is_on_its_side(busy_year):
    """A payment debits the bank and credits the customer; a sale the other way, with the
    sales and VAT at credit; a credit note and a refund the reverse of what they undo."""
    rows = parse(journal.extract(*YEAR))
    bank = [r for r in rows if r["JournalCode"] == "BQ"]
    assert sides(bank, "Règlement") == {"512000": "D", "411000": "C"}
    assert sides(bank, "Remboursement") == {"512000": "C", "411000": "D"}
    cash = [r for r in rows if r["JournalCode"] == "CA"]
    assert sides(cash, "Annulation du règlement") == {"530000": "C", "411000": "D"}
    sale = [r for r in rows if r["PieceRef"] == busy_year.number and r["JournalCode"] == "VE"]
    assert sides(sale, "Facture") == {"411000": "D", "701000": "C", "445712": "C"}
    assert sides(rows, "Avoir") == {"411000": "C", "701000": "D", "445712": "D"}


def test_goods_go_to_701_and_services_to_706_a_mixed_invoice_split(busy_year):
    rows = parse(journal.extract(*YEAR))
    mixed = next(
        lines for lines in by_entry(rows).values()
        if {"701500", "706000"} <= {r["CompteNum"] for r in lines}
    )  # fmt: skip
    credit = {r["CompteNum"]: money(r["Credit"]) for r in mixed}
    assert credit["701500"] == D("99.99")  # 3 pieces × 33,33 at the workshop's goods account
    assert credit["706000"] == D("10.01")  # one hour: a service


def test_a_settled_invoice_shares_a_letter_with_its_payments_and_credit_notes(busy_year):
    rows = parse(journal.extract(*YEAR))
    customer = [r for r in rows if r["CompteNum"] == "411000"]
    sale = next(r for r in customer if r["PieceRef"] == busy_year.number)
    # Invoiced 360, paid 360, credited 60, refunded 60: settled on the refund's day.
    assert sale["EcritureLet"] == "A"
    first = [r for r in customer if r["EcritureLet"] == "A"]
    assert sorted(r["EcritureLib"].split()[0] for r in first) == [
        "Avoir", "Facture", "Remboursement", "Règlement"
    ]  # fmt: skip
    assert {r["DateLet"] for r in first} == {"20260320"}
    # The invoice whose payment was cancelled is owed: no letter.
    owed = [r for r in customer if "Annulation" in r["EcritureLib"]]
    assert owed and all(r["EcritureLet"] == "" and r["DateLet"] == "" for r in owed)
    lettered = [r for r in customer if r["EcritureLet"]]
    for code in {r["EcritureLet"] for r in lettered}:
        group = [r for r in lettered if r["EcritureLet"] == code]
        assert sum(money(r["Debit"]) - money(r["Credit"]) for r in group) == 0


def test_the_file_is_iso_8859_15_with_other_characters_transliterated(
    company, make_order, woodwork, office
):
    company.name = "L’Atelier “Œuvre” — Ştefan\tet fils"
    company.save()
    order = make_order(woodwork, company, status="delivered")
    invoicing.issue_invoice(order, office, today=dt.date(2026, 6, 1), render=False)
    data = journal.extract(*YEAR)
    text = data.decode("iso-8859-15")
    assert text.encode("iso-8859-15") == data
    assert 'L\'Atelier "Œuvre" - Stefan et fils' in text
    assert all(len(r) == 18 for r in (line.split("\t") for line in text.split("\r\n") if line))


def test_a_tab_in_a_journal_label_is_cleaned_from_every_cell(busy_year):
    chart = ChartOfAccounts.load()
    ChartOfAccounts.objects.filter(pk=chart.pk).update(sales_journal_label="Ventes\tatelier\n")
    rows = parse(journal.extract(*YEAR))
    assert {r["JournalLib"] for r in rows if r["JournalCode"] == "VE"} == {"Ventes atelier"}


def test_the_chart_form_refuses_tabs_and_line_breaks(accountant, client_for):
    data = {f.name: getattr(ChartOfAccounts.load(), f.name) for f in ChartOfAccounts._meta.fields}
    data.pop("id")
    for bad in ("Ventes\tatelier", "Ventes\natelier", "Ventes|atelier"):
        data["sales_journal_label"] = bad
        response = client_for(accountant).post(reverse("billing:chart"), data)
        assert response.status_code == 200
        assert "ligne" in response.content.decode() or "tab" in response.content.decode()
        assert ChartOfAccounts.load().sales_journal_label == "Journal des ventes"
