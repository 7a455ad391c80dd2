"""What cannot go by mail (issue #29 §2): reminders prepared as letters, printed in one
PDF, recorded as posted (a registered letter with its number); and sending in one step for
quotes, invoices, credit notes and statements: mailed, or recorded as posted or handed
over, in the document's history."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing import documents, invoicing, paper, reminders, sending
from billing.models import DocumentSend, Reminder
from orders.models import Order
from tests.billing.money import ISSUED, D

pytestmark = pytest.mark.django_db
FORMAL_DAY = dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC)  # 49 days after the due date
REGISTERED_LINE = "Lettre recommandée avec accusé de réception"


def text_of(data: bytes) -> list[str]:
    return [
        p.extract_text().replace("\u202f", " ").replace("\u00a0", " ")
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def two_invoices(invoice, make_order, woodwork, individual, office):
    """Two overdue invoices of customers without an email address."""
    other = make_order(woodwork, individual, status="delivered")
    second = invoicing.issue_invoice(other, office, today=ISSUED, render=False)
    assert not sending.recipients(invoice.order.customer)
    assert not sending.recipients(individual)
    return [invoice, second]


def prepare(client, invoices, *, registered: bool):
    data = {"invoices": [i.pk for i in invoices], "action": "print", "confirmed": "yes"}
    if registered:
        data["registered"] = "on"
    return client.post(reverse("billing:reminders"), data)


def test_formal_notices_of_customers_without_email_print_in_one_pdf_as_registered_letters(
    two_invoices, office, client_for, time_machine
):
    time_machine.move_to(FORMAL_DAY)
    client = client_for(office)
    listing = page(client.get(reverse("billing:reminders")))
    assert "pas d'adresse" in listing and "Préparer les relances cochées" in listing
    response = prepare(client, two_invoices, registered=True)
    assert response.status_code == 302 and response.url == reverse("billing:letters")
    assert reminders.pending(FORMAL_DAY.date()) == []  # the ladder moved on
    letters_page = page(client.get(response.url))
    assert all(i.number in letters_page for i in two_invoices)
    pdf = client.get(reverse("billing:letters_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    pages = text_of(pdf.content)
    single = [text_of(documents.stored_pdf(r)) for r in Reminder.objects.order_by("pk")]
    assert len(pages) == sum(len(p) for p in single) >= 2
    whole = "\n".join(pages)
    assert all(i.number in whole for i in two_invoices)
    assert whole.count(REGISTERED_LINE) == 2
    assert whole.count("Mise en demeure") >= 2


def test_a_letter_says_registered_only_when_it_is_one(invoice, office):
    plain = Reminder.objects.create(
        invoice=invoice, level=3, balance_due=D("360.00"), days_late=46, created_by=office
    )
    assert REGISTERED_LINE not in "".join(text_of(documents.render_reminder(plain)))
    plain.registered = True
    assert REGISTERED_LINE in "".join(text_of(documents.render_reminder(plain)))


def test_the_letters_are_recorded_as_posted_with_the_registered_number(
    two_invoices, office, client_for, time_machine
):
    time_machine.move_to(FORMAL_DAY)
    client = client_for(office)
    prepare(client, two_invoices, registered=True)
    first, second = Reminder.objects.order_by("pk")
    url = reverse("billing:letters")
    data = {"letters": [first.pk, second.pk], "on": "2026-05-20", "confirmed": "yes"}
    # A registered letter without its number: said, nothing recorded.
    refused = client.post(url, {**data, f"number_{first.pk}": "1A 234 567 8901 2"})
    assert refused.status_code == 200 and "donnez son numéro" in page(refused)
    assert not DocumentSend.objects.exists()
    # The first POST asks; the confirmed one records.
    asked = client.post(url, {k: v for k, v in data.items() if k != "confirmed"} | {
        f"number_{first.pk}": "1A 234 567 8901 2", f"number_{second.pk}": "1A 234 567 8902 3",
    })  # fmt: skip
    assert "Enregistrer 2 courriers comme postés" in page(asked)
    assert not DocumentSend.objects.exists()
    response = client.post(url, data | {
        f"number_{first.pk}": "1A 234 567 8901 2", f"number_{second.pk}": "1A 234 567 8902 3",
    })  # fmt: skip
    assert response.status_code == 302
    sends = list(DocumentSend.objects.order_by("reminder_id"))
    assert [s.channel for s in sends] == ["registered", "registered"]
    assert [s.tracking_number for s in sends] == ["1A 234 567 8901 2", "1A 234 567 8902 3"]
    assert all(s.posted_on == dt.date(2026, 5, 20) and s.status == "sent" for s in sends)
    assert not reminders.waiting_letters().exists()
    assert "Aucun courrier" in page(client.get(url))
    assert client.get(reverse("billing:letters_pdf")).url == url  # nothing left to print
    detail = page(client.get(reverse("billing:invoice_detail", args=[first.invoice_id])))
    assert "Lettre recommandée avec accusé de réception" in detail
    assert "1A 234 567 8901 2" in detail and "20/05/2026" in detail


def test_a_plain_letter_needs_no_number_and_the_date_cannot_be_ahead(
    invoice, office, client_for, time_machine
):
    time_machine.move_to(FORMAL_DAY)
    client = client_for(office)
    prepare(client, [invoice], registered=False)
    letter = Reminder.objects.get()
    assert not letter.registered
    url = reverse("billing:letters")
    ahead = client.post(url, {"letters": [letter.pk], "on": "2026-05-21", "confirmed": "yes"})
    assert ahead.status_code == 200 and not DocumentSend.objects.exists()
    client.post(url, {"letters": [letter.pk], "on": "2026-05-19", "confirmed": "yes"})
    send = DocumentSend.objects.get()
    assert (send.channel, send.tracking_number) == ("post", "")
    assert "69007" in send.recipients or send.recipients  # the address it went to


def test_the_statements_of_customers_without_email_print_in_one_pdf_and_are_recorded(
    two_invoices, company, individual, billed_contact, office, client_for, time_machine
):
    time_machine.move_to(FORMAL_DAY)
    second = two_invoices[1]
    invoicing.record_payment(
        second, office, date=dt.date(2026, 5, 1), amount=D("100.00"), method="cheque"
    )
    assert list(paper.customers_without_email()) == [individual]  # the company has a contact
    company.contacts.update(receives_documents=False)
    assert set(paper.customers_without_email()) == {individual, company}
    client = client_for(office)
    url = reverse("billing:letters")
    listing = page(client.get(url))
    assert individual.name in listing and company.name in listing
    pdf = client.get(reverse("billing:statements_pdf") + "?start=2026-01-01&end=2026-05-20")
    pages = text_of(pdf.content)
    whole = "\n".join(pages)
    assert len(pages) >= 2 and whole.count("Relevé de\ncompte") >= 2
    assert two_invoices[0].number in whole and second.number in whole
    assert "100,00" in whole  # the cheque on the second one
    data = {
        "customers": [individual.pk], "on": "2026-05-20", "start": "2026-01-01",
        "end": "2026-05-20",
    }  # fmt: skip
    asked = client.post(reverse("billing:statements_posted"), data)
    assert "Enregistrer 1 relevé comme posté" in page(asked)
    assert not DocumentSend.objects.exists()
    client.post(reverse("billing:statements_posted"), data | {"confirmed": "yes"})
    send = DocumentSend.objects.get()
    assert (send.kind, send.customer, send.channel) == ("statement", individual, "post")
    assert send.posted_on == dt.date(2026, 5, 20) and send.pdf
    statement_page = page(client.get(reverse("billing:statement", args=[individual.pk])))
    assert "Par la poste" in statement_page and "20/05/2026" in statement_page


def test_letters_pages_access(client, client_for, woodwork_trainer, office):
    urls = [
        reverse(n) for n in ("billing:letters", "billing:letters_pdf", "billing:statements_pdf")
    ]
    assert all(client.get(url).status_code == 302 for url in urls)
    trainer = client_for(woodwork_trainer)
    assert all(trainer.get(url).status_code == 403 for url in urls)
    assert client_for(office).get(reverse("billing:letters")).status_code == 200


# --- one step: mail it, or record how it left ------------------------------------------------


def test_sending_a_draft_quote_by_hand_marks_it_sent_and_records_it(
    wood_order, office, client_for, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC))
    client = client_for(office)
    detail = page(client.get(reverse("orders:detail", args=[wood_order.pk])))
    url = reverse("billing:quote_send", args=[wood_order.pk])
    assert url in detail  # "Envoyer le devis" opens the one form
    form = page(client.get(url))
    assert 'value="hand"' in form and 'value="email"' not in form  # no address
    response = client.post(url, {"how": "hand", "on": "2026-03-02", "confirmed": "yes"})
    assert response.status_code == 302
    wood_order.refresh_from_db()
    assert wood_order.status == Order.Status.SENT and wood_order.quote_date == dt.date(2026, 3, 2)
    send = DocumentSend.objects.get()
    assert (send.kind, send.channel, send.posted_on) == ("quote", "hand", dt.date(2026, 3, 2))
    assert send.pdf  # the quote as printed is kept
    detail = page(client.get(reverse("orders:detail", args=[wood_order.pk])))
    assert "Remis en main propre" in detail and "02/03/2026" in detail


def test_mailing_a_draft_quote_is_one_step_too(
    wood_order, office, client_for, company, django_capture_on_commit_callbacks
):
    company.email = "achats@menuiseries-rhone.fr"
    company.save()
    url = reverse("billing:quote_send", args=[wood_order.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(office).post(url, {"how": "email", "confirmed": "yes"})
    wood_order.refresh_from_db()
    assert wood_order.status == Order.Status.SENT
    send = DocumentSend.objects.get()
    assert (send.channel, send.status, send.recipients) == (
        "email", "queued", "achats@menuiseries-rhone.fr",
    )  # fmt: skip


def test_a_quote_without_lines_is_refused_on_the_form(
    make_order, woodwork, company, office, client_for
):
    empty = make_order(woodwork, company, lines=())
    response = client_for(office).post(
        reverse("billing:quote_send", args=[empty.pk]),
        {"how": "hand", "on": "2026-03-02", "confirmed": "yes"},
    )
    assert response.status_code == 200 and "au moins une ligne" in page(response)
    assert not DocumentSend.objects.exists()
    empty.refresh_from_db()
    assert empty.status == Order.Status.DRAFT


def test_an_invoice_posted_as_a_registered_letter_needs_its_number(
    invoice, office, client_for, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))
    client = client_for(office)
    url = reverse("billing:invoice_send", args=[invoice.pk])
    refused = client.post(url, {"how": "registered", "on": "2026-03-03", "confirmed": "yes"})
    assert refused.status_code == 200 and not DocumentSend.objects.exists()
    asked = client.post(url, {"how": "registered", "on": "2026-03-03", "number": "1A 9"})
    assert "Lettre recommandée avec accusé de réception" in page(asked)
    assert not DocumentSend.objects.exists()
    client.post(
        url, {"how": "registered", "on": "2026-03-03", "number": "1A 9", "confirmed": "yes"}
    )
    send = DocumentSend.objects.get()
    assert (send.kind, send.invoice, send.tracking_number) == ("invoice", invoice, "1A 9")


def test_a_statement_posted_as_registered_keeps_the_letter_that_says_so(
    invoice, company, office, client_for, time_machine
):
    time_machine.move_to(dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC))
    url = reverse("billing:statement_send", args=[company.pk])
    form = page(client_for(office).get(url + "?start=2026-01-01&end=2026-05-20"))
    assert 'value="2026-01-01"' in form
    client_for(office).post(url, {
        "start": "2026-01-01", "end": "2026-05-20", "how": "registered", "on": "2026-05-20",
        "number": "1A 77", "confirmed": "yes",
    })  # fmt: skip
    send = DocumentSend.objects.get()
    assert (send.kind, send.statement_start, send.channel) == (
        "statement", dt.date(2026, 1, 1), "registered",
    )  # fmt: skip
    with send.pdf.open("rb") as fh:
        kept = "".join(text_of(fh.read()))
    assert REGISTERED_LINE in kept and invoice.number in kept
