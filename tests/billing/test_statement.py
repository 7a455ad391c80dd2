"""The customer's statement of account (SPEC.md R11): invoices, credit notes, payments,
refunds and the balance, as a page and a PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing import documents, refunds, statement
from billing.models import DocumentSend
from tests.billing.money import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def refunded(credited_after_payment, office):
    refunds.record_refund(
        credited_after_payment, office, date=dt.date(2026, 3, 20), amount=D("60.00"),
        method="transfer", today=dt.date(2026, 3, 20),
    )  # fmt: skip
    return credited_after_payment


def test_the_statement_lists_everything_in_date_order_with_the_running_balance(refunded, company):
    drawn = statement.build(company, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [(r.kind, r.debit, r.credit, r.balance) for r in drawn.rows] == [
        ("invoice", D("360.00"), 0, D("360.00")),
        ("payment", 0, D("360.00"), D("0.00")),
        ("credit_note", 0, D("60.00"), D("-60.00")),
        ("refund", D("60.00"), 0, D("0.00")),
    ]
    assert drawn.opening == 0 and drawn.closing == 0


def test_what_came_before_the_period_is_brought_forward(refunded, company):
    drawn = statement.build(company, dt.date(2026, 3, 11), dt.date(2026, 3, 31))
    assert drawn.opening == D("0.00")  # invoiced 360, paid 360 before the 11th
    drawn = statement.build(company, dt.date(2026, 3, 5), dt.date(2026, 3, 31))
    assert drawn.opening == D("360.00")
    assert drawn.closing == D("0.00")


def test_the_statement_page_and_pdf(refunded, company, accountant, client_for):
    client = client_for(accountant)
    url = reverse("billing:statement", args=[company.pk])
    page = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert refunded.number in page and "Remboursement" in page
    response = client.get(
        reverse("billing:statement_pdf", args=[company.pk]),
        {"start": "2026-01-01", "end": "2026-12-31"},
    )
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Relevé de\ncompte" in text and refunded.number in text and "soldé" in text


def test_a_wrong_period_says_so(company, accountant, client_for):
    url = reverse("billing:statement", args=[company.pk])
    response = client_for(accountant).get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "finir après" in response.content.decode()


def test_statement_access(company, client, client_for, woodwork_trainer):
    url = reverse("billing:statement", args=[company.pk])
    assert client.get(url).status_code == 302
    assert client.get(reverse("billing:statement_pdf", args=[company.pk])).status_code == 302
    assert client_for(woodwork_trainer).get(url).status_code == 403


def test_statement_of_an_unknown_customer_is_404(accountant, client_for):
    assert client_for(accountant).get(reverse("billing:statement", args=[99999])).status_code == 404


def test_the_statement_pdf_renders_for_a_customer_without_history(company):
    drawn = statement.build(company, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert documents.render_statement(drawn).startswith(b"%PDF")


def test_the_statement_is_sent_by_mail_from_its_page(
    refunded, company, billed_contact, office, client_for, django_capture_on_commit_callbacks
):
    client = client_for(office)
    url = reverse("billing:statement_send", args=[company.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"start": "2026-01-01", "end": "2026-03-31", "confirmed": "yes"}
        )
    assert response.status_code == 302
    send = DocumentSend.objects.get()
    assert (send.kind, send.statement_start, send.statement_date) == (
        "statement", dt.date(2026, 1, 1), dt.date(2026, 3, 31),
    )  # fmt: skip
    page = client.get(reverse("billing:statement", args=[company.pk])).content.decode()
    assert "compta@menuiseries-rhone.fr" in page


def test_a_statement_sent_for_a_wrong_period_is_refused(
    company, billed_contact, office, client_for
):
    url = reverse("billing:statement_send", args=[company.pk])
    response = client_for(office).post(url, {"start": "2026-05-01", "end": "x", "how": "email"})
    assert response.status_code == 200  # the one-step form, with the error
    assert 'class="error"' in response.content.decode()
    assert not DocumentSend.objects.exists()
