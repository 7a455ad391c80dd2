"""Documents sent by mail (SPEC.md R11): to the customer's billing addresses, with the
stored PDF, outside the request, logged with their result and retried on failure."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core import mail as django_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from billing import invoicing, sending
from billing.models import CreditNote, DocumentSend
from ecoles import mail
from ecoles.models import Mail
from orders.models import Contact, Order
from tests.billing.money import run_worker

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_documents_go_to_the_contacts_ticked_else_to_the_customer(company):
    assert sending.recipients(company) == []
    company.email = "contact@menuiseries-rhone.fr"
    company.save()
    assert sending.recipients(company) == ["contact@menuiseries-rhone.fr"]
    Contact.objects.create(customer=company, name="A", email="a@x.fr", receives_documents=True)
    Contact.objects.create(customer=company, name="B", email="b@x.fr", receives_documents=True)
    Contact.objects.create(customer=company, name="C", email="c@x.fr")
    assert sending.recipients(company) == ["a@x.fr", "b@x.fr"]


def test_the_invoice_is_sent_with_its_stored_pdf_outside_the_request(
    invoice, billed_contact, office, client_for, django_capture_on_commit_callbacks
):
    client = client_for(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:invoice_send", args=[invoice.pk]), {"confirmed": "yes"}
        )
    assert response.status_code == 302
    assert django_mail.outbox == []  # queued, not sent by the page
    send = DocumentSend.objects.get()
    assert send.status == "queued" and send.recipient_list == ["compta@menuiseries-rhone.fr"]
    assert run_worker() == ["sent"]
    message = django_mail.outbox[0]
    assert message.subject == f"Facture {invoice.number}"
    name, data, _mime = message.attachments[0]
    invoice.refresh_from_db()
    assert name == f"{invoice.number}.pdf"
    assert data == invoicing.stored_pdf(invoice)  # the stored PDF, as stored
    page = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "compta@menuiseries-rhone.fr" in page and "envoyé" in page


def test_a_failed_send_is_logged_retried_then_marked_failed(
    invoice, billed_contact, office, settings, client_for, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.billing.test_sending.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send = sending.send_invoice(invoice, office)
    assert run_worker() == ["retry"]
    send.refresh_from_db()
    assert send.status == "queued" and send.attempts == 1
    assert "SMTP server unreachable" in send.last_error
    for _ in range(sending.MAX_ATTEMPTS - 1):
        run_worker()
    send.refresh_from_db()
    assert send.status == "failed" and send.attempts == sending.MAX_ATTEMPTS
    assert run_worker() == []  # given up: nothing left queued
    page = client_for(office).get(reverse("billing:invoice_detail", args=[invoice.pk]))
    assert "échec" in page.content.decode()
    # The server is back: sent again by hand, it goes.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(office).post(reverse("billing:send_retry", args=[send.pk]), {"confirmed": "yes"})
    assert run_worker() == ["sent"]
    assert len(django_mail.outbox) == 1


def test_the_retry_is_scheduled_later_on_the_database_queue(
    invoice, billed_contact, office, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "tests.billing.test_sending.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send = sending.send_invoice(invoice, office)
    assert DBTaskResult.objects.count() == 1
    mail.deliver.call(Mail.objects.get(about_id=send.pk).pk)
    later = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == 2 and later.run_after is not None


def test_a_customer_without_an_address_cannot_be_mailed_but_the_page_offers_paper(
    invoice, office, client_for
):
    client = client_for(office)
    url = reverse("billing:invoice_send", args=[invoice.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert not DocumentSend.objects.exists()
    page = html.unescape(response.content.decode())
    assert "pas d'adresse" in page
    response = client.post(url, {"how": "email", "confirmed": "yes"})
    assert not DocumentSend.objects.exists()
    page = html.unescape(client.get(url).content.decode())
    assert 'value="email"' not in page and 'value="registered"' in page


def test_credit_notes_quotes_and_statements_are_sent_too(
    credited_after_payment, billed_contact, office, django_capture_on_commit_callbacks
):
    note = CreditNote.objects.get()
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_credit_note(note, office)
        sending.send_quote(order, office)
        sending.send_statement(order.customer, office, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert run_worker() == ["sent", "sent", "sent"]
    subjects = [m.subject for m in django_mail.outbox]
    assert subjects[0] == f"Avoir {note.number}"
    assert subjects[1].startswith(f"Devis {order.reference}")
    assert subjects[2] == "Relevé de compte au 31/03/2026"
    assert all(m.attachments[0][2] == "application/pdf" for m in django_mail.outbox)
    # The drawn PDFs are kept with the send: a retry attaches the same document.
    assert DocumentSend.objects.exclude(pdf="").count() == 2


def test_sending_pages_access(invoice, client, client_for, woodwork_trainer, office):
    url = reverse("billing:invoice_send", args=[invoice.pk])
    assert client.post(url).status_code == 302 and "login" in client.post(url).url
    assert client_for(woodwork_trainer).post(url).status_code == 403
    assert client_for(office).get(url).status_code == 200  # the one-step form
    assert client_for(office).post(reverse("billing:invoice_send", args=[9999])).status_code == 404
