"""The bank's pages, as the office uses them (issue 29 §1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banking.models import CsvMapping, StatementLine, TransferBatch
from banking.samples import CSV_MAPPING, Movement, camt053, csv_export, ofx
from billing.models import Invoice, Payment, Refund
from tests.banking.conftest import CUSTOMER_IBAN, SCHOOL_IBAN
from tests.test_confirmations import asks_first, text

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 20)


def _movements(invoice):
    return [
        Movement(DAY, D("360.00"), "MENUISERIES RHONE", f"VIR {invoice.number}", "V1",
                 iban=CUSTOMER_IBAN),
        Movement(DAY, D("-8.40"), "BANQUE", "FRAIS TENUE DE COMPTE", "V2"),
    ]  # fmt: skip


def _upload(client, account, data: bytes, fmt: str, name: str, mapping=None):
    post = {"account": account.pk, "format": fmt, "file": SimpleUploadedFile(name, data)}
    if mapping:
        post["mapping"] = mapping.pk
    return client.post(reverse("banking:index"), post)


def test_the_office_imports_a_statement_and_confirms_what_it_pays(
    client_for, office, account, invoice
):
    client = client_for(office)
    response = _upload(client, account, camt053(SCHOOL_IBAN, _movements(invoice)), "camt053",
                       "releve.xml")  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.url)
    body = text(page)
    assert invoice.number in body and "montant exact" in body
    line = StatementLine.objects.get(bank_reference="V1")
    key = page.context["rows"][0].suggestions[0].key
    done = client.post(reverse("banking:line_confirm", args=[line.pk]),
                       {"suggestion": key, "back": response.url})  # fmt: skip
    assert done.status_code == 302 and done.url == response.url
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference) == (D("360.00"), "V1")
    assert Invoice.objects.get(pk=invoice.pk).settled
    # The same file again adds nothing.
    again = _upload(client, account, camt053(SCHOOL_IBAN, _movements(invoice)), "camt053",
                    "releve.xml")  # fmt: skip
    assert again.status_code == 302 and StatementLine.objects.count() == 2
    assert "déjà importées" in text(client.get(again.url))


def test_the_fees_are_explained_and_leave_the_list(client_for, accountant, account, invoice):
    client = client_for(accountant)
    _upload(client, account, ofx(_movements(invoice), version=1), "ofx", "releve.ofx")
    fees = StatementLine.objects.get(amount=D("-8.40"))
    assert "FRAIS TENUE DE COMPTE" in text(client.get(reverse("banking:unmatched")))
    empty = client.post(reverse("banking:line_explain", args=[fees.pk]), {"explanation": " "})
    assert empty.status_code == 302
    assert StatementLine.objects.get(pk=fees.pk).status == "open"
    client.post(reverse("banking:line_explain", args=[fees.pk]), {"explanation": "Frais"})
    assert StatementLine.objects.get(pk=fees.pk).status == "explained"
    body = text(client.get(reverse("banking:unmatched")))
    assert "FRAIS TENUE DE COMPTE" not in body and "MENUISERIES RHONE" in body
    assert "FRAIS" not in text(client.get(reverse("banking:unmatched") + "?sens=out"))


def test_a_csv_is_read_by_the_banks_mapping(client_for, office, account, invoice):
    mapping = CsvMapping.objects.create(account=account, **CSV_MAPPING)
    client = client_for(office)
    without = _upload(client, account, csv_export(_movements(invoice)), "csv", "releve.csv")
    assert without.status_code == 200 and "mapping" in without.context["form"].errors
    response = _upload(client, account, csv_export(_movements(invoice)), "csv", "releve.csv",
                       mapping)  # fmt: skip
    assert response.status_code == 302 and StatementLine.objects.count() == 2


def test_an_unreadable_file_is_a_form_error_and_adds_nothing(client_for, office, account):
    client = client_for(office)
    response = _upload(client, account, b"<not xml", "camt053", "x.xml")
    assert response.status_code == 200
    assert "XML" in str(response.context["form"].errors["file"])
    assert not StatementLine.objects.exists()


def test_a_tampered_suggestion_records_nothing(client_for, office, account, invoice):
    client = client_for(office)
    _upload(client, account, camt053(SCHOOL_IBAN, _movements(invoice)), "camt053", "r.xml")
    line = StatementLine.objects.get(bank_reference="V1")
    client.post(reverse("banking:line_confirm", args=[line.pk]),
                {"suggestion": f"invoice:{invoice.pk}:1.00"})  # fmt: skip
    assert not Payment.objects.exists()
    assert StatementLine.objects.get(pk=line.pk).status == "open"


def test_the_account_form_checks_the_iban(client_for, director):
    client = client_for(director)
    bad = client.post(reverse("banking:account_add"),
                      {"name": "Compte", "iban": "FR76 3000 6000 0112 3456 7890 188"})  # fmt: skip
    assert bad.status_code == 200 and "iban" in bad.context["form"].errors
    good = client.post(reverse("banking:account_add"),
                       {"name": "Compte", "iban": "FR76 3000 6000 0112 3456 7890 189",
                        "bic": "agrifrpp"})  # fmt: skip
    assert good.status_code == 302


def test_a_refund_leaves_as_a_transfer_file_and_is_recorded_when_sent(
    client_for, office, account, credited_after_payment
):
    client = client_for(office)
    page = text(client.get(reverse("banking:transfers")))
    assert credited_after_payment.number in page and "60,00" in page
    response = client.post(reverse("banking:transfers"), {
        "row": [credited_after_payment.pk], "invoice": [credited_after_payment.pk],
        "iban": ["FR76 1010 7001 0112 3456 7890 129"], "execution_date": "2026-03-20",
    })  # fmt: skip
    batch = TransferBatch.objects.get()
    assert response.url == reverse("banking:batch", args=[batch.pk])
    xml = client.get(reverse("banking:batch_xml", args=[batch.pk]))
    assert b"pain.001.001.03" in xml.content and b"<CtrlSum>60.00</CtrlSum>" in xml.content
    asks_first(
        client, reverse("banking:batch_sent", args=[batch.pk]), {},
        lambda: Refund.objects.exists(), says=batch.message_id,
    )  # fmt: skip
    assert TransferBatch.objects.get().sent_at


def test_a_bad_iban_builds_no_file(client_for, office, account, credited_after_payment):
    response = client_for(office).post(reverse("banking:transfers"), {
        "row": [credited_after_payment.pk], "invoice": [credited_after_payment.pk],
        "iban": ["FR00 1234"], "execution_date": "2026-03-20",
    })  # fmt: skip
    assert response.status_code == 200 and not TransferBatch.objects.exists()


@pytest.mark.parametrize("name", ["banking:index", "banking:unmatched", "banking:transfers"])
def test_trainers_and_teachers_get_403(client_for, woodwork_trainer, teacher, name):
    for user in (woodwork_trainer, teacher):
        assert client_for(user).get(reverse(name)).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("banking:index"))
    assert response.status_code == 302 and "login" in response.url or "connexion" in response.url


def test_a_line_no_suggestion_found_is_matched_by_the_invoices_number(
    client_for, office, account, invoice
):
    client = client_for(office)
    unknown = [Movement(DAY, D("100.00"), "M DURAND", "CHEQUES REMIS", "M1")]
    _upload(client, account, camt053(SCHOOL_IBAN, unknown), "camt053", "r.xml")
    line = StatementLine.objects.get()
    url = reverse("banking:line_match", args=[line.pk])
    client.post(url, {"number": "FA-2099-0001"})
    assert not Payment.objects.exists()
    client.post(url, {"number": invoice.number.lower()})
    payment = Payment.objects.get()
    assert (payment.amount, payment.invoice_id, payment.reference) == (
        D("100.00"),
        invoice.pk,
        "M1",
    )
    assert StatementLine.objects.get().status == "matched"


def test_the_way_back_after_a_tap_stays_on_the_site(client_for, office, account):
    client = client_for(office)
    fees = [Movement(DAY, D("-8.40"), "BANQUE", "FRAIS", "W1")]
    _upload(client, account, camt053(SCHOOL_IBAN, fees), "camt053", "r.xml")
    line = StatementLine.objects.get()
    for back in ["//evil.example/", "/\\evil.example/", "https://evil.example/"]:
        response = client.post(reverse("banking:line_reopen", args=[line.pk]), {"back": back})
        assert response.url == reverse("banking:statement", args=[line.statement_id])
