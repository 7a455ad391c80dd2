"""A tax receipt leaves in one step (issue #29 §2): mailed to the donor with its stored PDF
on the school's one mail path, or recorded as posted, registered (with its number) or
handed over; the receipt's page shows how and when."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from budget import receipts
from budget.models import ReceiptSend
from ecoles import mail
from ecoles.models import Mail
from tests.budget.test_receipts import gift, issue, person, signed_school  # noqa: F401

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def receipt(signed_school, person, office):  # noqa: F811
    return issue(gift(person), office)


def test_a_receipt_is_mailed_with_its_pdf(
    receipt,
    person,  # noqa: F811
    office,
    client_for,
    django_capture_on_commit_callbacks,
):
    person.email = "jean.dupuis@example.fr"
    person.save()
    url = reverse("budget:receipt_send", args=[receipt.pk])
    client = client_for(office)
    asked = page(client.post(url, {"how": "email"}))
    assert "Envoyer le reçu fiscal" in asked and "jean.dupuis@example.fr" in asked
    assert not ReceiptSend.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"how": "email", "confirmed": "yes"})
    send = ReceiptSend.objects.get()
    assert send.channel == "email" and send.mail.status == "queued"
    assert mail.deliver.call(send.mail.pk) == "sent"
    sent = django_mail.outbox[-1]
    assert sent.to == ["jean.dupuis@example.fr"] and receipt.number in sent.subject
    assert sent.attachments[0][0] == f"{receipt.number}.pdf"
    detail = page(client.get(reverse("budget:receipt_detail", args=[receipt.pk])))
    assert "Par courriel" in detail and Mail.objects.get().status == "sent"


def test_a_receipt_without_email_is_recorded_as_handed_over(
    receipt, office, client_for, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.UTC))
    url = reverse("budget:receipt_send", args=[receipt.pk])
    client = client_for(office)
    form = page(client.get(url))
    assert 'value="email"' not in form and "pas d'adresse" in form
    refused = client.post(url, {"how": "registered", "on": "2026-06-02", "confirmed": "yes"})
    assert refused.status_code == 200 and not ReceiptSend.objects.exists()
    client.post(url, {"how": "hand", "on": "2026-06-01", "confirmed": "yes"})
    send = ReceiptSend.objects.get()
    assert (send.channel, send.posted_on, send.mail) == ("hand", dt.date(2026, 6, 1), None)
    detail = page(client.get(reverse("budget:receipt_detail", args=[receipt.pk])))
    assert "Remis en main propre" in detail and "01/06/2026" in detail


def test_a_cancelled_receipt_is_not_sent(receipt, office):
    receipts.cancel_receipt(receipt, office, reason="Erreur de montant")
    with pytest.raises(receipts.ReceiptError):
        receipts.send_receipt(receipt, office, channel="hand", on=dt.date(2026, 6, 1))


def test_receipt_send_access(receipt, client, client_for, accountant, woodwork_trainer):
    url = reverse("budget:receipt_send", args=[receipt.pk])
    assert client.get(url).status_code == 302
    assert client_for(accountant).get(url).status_code == 403
    assert client_for(woodwork_trainer).get(url).status_code == 403
