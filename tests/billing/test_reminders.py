"""The reminder ladder (SPEC.md R11): friendly at D+7, firm at D+30, formal notice at D+45
(policy days), each sent once, a PDF and a mail, recorded on the invoice; a payment that
covers the invoice stops it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from billing import documents, invoicing, reminders
from billing.models import DocumentSend, Reminder
from ecoles.models import Policy
from home import dashboards
from tests.billing.money import D, run_worker

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 4, 1)


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("days", "level"),
    [(0, None), (6, None), (7, 1), (29, 1), (30, 2), (44, 2), (45, 3), (400, 3)],
)
def test_the_ladder_steps_at_the_policy_days(days, level):
    assert reminders.level_reached(days, Policy()) == level


def test_the_policy_days_move_the_ladder(invoice):
    policy = Policy.load()
    policy.reminder_friendly_days = 3
    policy.save()
    assert [p.level for p in reminders.pending(day(3))] == [1]
    assert reminders.pending(day(2)) == []


def test_the_policy_refuses_a_ladder_out_of_order():
    policy = Policy(reminder_friendly_days=30, reminder_firm_days=7, reminder_formal_days=45)
    with pytest.raises(ValidationError) as exc:
        policy.clean()
    assert "reminder_formal_days" in exc.value.message_dict


def test_each_level_is_sent_once_then_the_next_when_its_day_comes(
    invoice, billed_contact, office, django_capture_on_commit_callbacks
):
    assert reminders.pending(day(6)) == []
    with django_capture_on_commit_callbacks(execute=True):
        _batch, queued, skipped = reminders.send_all(day(7), office)
    assert (queued, skipped) == (1, 0)
    assert reminders.pending(day(20)) == []  # the friendly one was sent
    assert [p.level for p in reminders.pending(day(30))] == [2]
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_all(day(30), office)
        reminders.send_all(day(46), office)
    assert list(Reminder.objects.values_list("level", "days_late")) == [(1, 7), (2, 30), (3, 46)]
    assert reminders.pending(day(100)) == []


def test_an_invoice_never_reminded_gets_only_the_highest_step_reached(invoice, billed_contact):
    assert [(p.level, p.days_late) for p in reminders.pending(day(50))] == [(3, 50)]


def test_a_payment_covering_the_invoice_stops_the_ladder(invoice, billed_contact, office):
    invoicing.record_payment(invoice, office, date=day(8), amount=D("100"), method="cheque")
    assert [p.level for p in reminders.pending(day(8))] == [1]  # partly paid: still owed
    invoicing.record_payment(invoice, office, date=day(8), amount=D("260"), method="cheque")
    assert reminders.pending(day(8)) == []
    assert reminders.send_one(invoice, 1, office, today=day(8)) is None


def test_a_customer_without_an_address_is_skipped_and_said(invoice, office):
    _batch, queued, skipped = reminders.send_all(day(7), office)
    assert (queued, skipped) == (0, 1)
    assert not Reminder.objects.exists()


def test_the_reminder_goes_by_mail_with_its_pdf(
    invoice, billed_contact, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_all(day(46), office)
    assert run_worker() == ["sent"]
    message = mail.outbox[0]
    assert message.to == ["compta@menuiseries-rhone.fr"]
    assert invoice.number in message.subject
    assert "mise en demeure" in message.subject.lower()
    name, data, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    send = DocumentSend.objects.get()
    assert send.status == "sent" and send.sent_at and send.reminder.level == 3


def test_the_formal_notice_restates_the_penalties_and_the_40_euros(invoice, office):
    reminder = Reminder.objects.create(
        invoice=invoice, level=3, balance_due=D("360.00"), days_late=46, created_by=office
    )
    text = "".join(p.extract_text() for p in pdf_pages(documents.render_reminder(reminder)))
    assert "Mise en demeure" in text
    assert "40,00" in text  # the fixed indemnity
    assert "L441-10" in text
    # 360 € × 12,15 % a year (the school's default rate) × 46 / 365
    penalties = documents.penalties(invoice, D("360.00"), 46)
    assert penalties == (D("360.00") * invoice.late_penalty_rate / 100 * 46 / 365).quantize(
        D("0.01")
    )
    assert f"{penalties:.2f}".replace(".", ",") in text


def test_the_friendly_reminder_does_not_threaten(invoice, office):
    reminder = Reminder.objects.create(
        invoice=invoice, level=1, balance_due=D("360.00"), days_late=7, created_by=office
    )
    text = "".join(p.extract_text() for p in pdf_pages(documents.render_reminder(reminder)))
    assert "Relance amicale" in text
    assert "40,00" not in text


def pdf_pages(data: bytes):
    return PdfReader(io.BytesIO(data)).pages


def test_the_office_home_lists_the_reminders_to_send(invoice, billed_contact, office):
    context = dashboards.office(office, day(31))
    assert context["reminders_count"] == 1
    assert context["reminders"][0].level == 2


def test_the_office_sends_the_list_in_one_go_and_sees_the_progress(
    invoice, billed_contact, office, client_for, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2026, 4, 10, 9, 0))
    client = client_for(office)
    page = client.get(reverse("billing:reminders")).content.decode()
    assert invoice.number in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:reminders"), {"invoices": [invoice.pk], "confirmed": "yes"}
        )
    assert response.status_code == 302
    progress = client.get(response.url).content.decode()
    assert "0 sur 1" in progress and 'http-equiv="refresh"' in progress
    run_worker()
    progress = client.get(response.url).content.decode()
    assert "1 sur 1" in progress and 'http-equiv="refresh"' not in progress
    detail = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Relance amicale" in detail and "compta@menuiseries-rhone.fr" in detail


def test_sending_nothing_ticked_is_a_form_error(invoice, billed_contact, office, client_for):
    response = client_for(office).post(reverse("billing:reminders"), {})
    assert response.status_code == 200
    assert not Reminder.objects.exists()


def test_reminder_pages_access(client, client_for, woodwork_trainer, teacher, office):
    url = reverse("billing:reminders")
    batch = reverse("billing:send_batch", args=["6d3c1e9e-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 302
    assert client.get(batch).status_code == 302
    assert client_for(woodwork_trainer).get(url).status_code == 403
    assert client_for(teacher).get(batch).status_code == 403
    assert client_for(office).get(batch).status_code == 404


def test_the_reminder_pdf_is_kept_as_sent(invoice, office, client_for, client):
    reminder = Reminder.objects.create(
        invoice=invoice, level=2, balance_due=D("360.00"), days_late=30, created_by=office
    )
    url = reverse("billing:reminder_pdf", args=[reminder.pk])
    assert client.get(url).status_code == 302
    first = client_for(office).get(url)
    assert first["Content-Type"] == "application/pdf"
    reminder.refresh_from_db()
    assert reminder.pdf and reminder.pdf_sha256
    assert client_for(office).get(url).content == first.content
    assert client_for(office).get(reverse("billing:reminder_pdf", args=[9999])).status_code == 404
