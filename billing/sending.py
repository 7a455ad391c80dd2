"""Documents mailed to customers (SPEC.md R11): quotes, invoices, credit notes, reminders
and statements, with their PDF attached, sent through EMAIL_URL by the task worker
(django-tasks), never inside the request, on the school's one mail path (ecoles.mail:
the task carries an id, the worker builds the mail, one retry policy). Each send is a
DocumentSend row, kept in step with its Mail: queued by the page, then sent, or retried
after a failure (a mail server down for the night), then marked failed after
MAX_ATTEMPTS; the document's page shows the log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing import documents, invoicing, statement
from billing.models import CreditNote, DocumentSend, Invoice, Reminder
from ecoles import mail as outgoing
from ecoles.models import Mail, School
from orders import documents as order_documents
from orders.models import Customer, Order

MAX_ATTEMPTS = outgoing.MAX_ATTEMPTS
K = DocumentSend.Kind
C = DocumentSend.Channel
MAIL_KIND = "billing.document"


class SendingError(ValidationError):
    """A document that cannot be sent; the message says why."""


def recipients(customer: Customer) -> list[str]:
    """The contacts ticked to receive documents, else the customer's own address."""
    ticked = [c.email for c in customer.contacts.all() if c.receives_documents and c.email]
    if ticked:
        return sorted(set(ticked))
    return [customer.email] if customer.email else []


def queue(
    kind: str,
    customer: Customer,
    by,
    *,
    subject: str,
    order: Order | None = None,
    invoice: Invoice | None = None,
    credit_note: CreditNote | None = None,
    reminder: Reminder | None = None,
    statement_start: dt.date | None = None,
    statement_date: dt.date | None = None,
    batch=None,
) -> DocumentSend:
    """Log the send and queue it once the transaction commits (none if it rolls back)."""
    to = recipients(customer)
    if not to:
        raise SendingError(
            _(
                "This customer has no email address: add one, or tick a contact who "
                "receives documents."
            )
        )
    send = DocumentSend.objects.create(
        kind=kind, customer=customer, order=order, invoice=invoice, credit_note=credit_note,
        reminder=reminder, statement_start=statement_start, statement_date=statement_date,
        recipients=",".join(to), subject=subject, created_by=by, batch=batch,
    )  # fmt: skip
    outgoing.queue(MAIL_KIND, send.pk, to_kind="customer", to_id=customer.pk)
    return send


def record_paper(
    kind: str,
    customer: Customer,
    by,
    *,
    channel: str,
    on: dt.date,
    number: str = "",
    subject: str,
    order: Order | None = None,
    invoice: Invoice | None = None,
    credit_note: CreditNote | None = None,
    reminder: Reminder | None = None,
    statement_start: dt.date | None = None,
    statement_date: dt.date | None = None,
    batch=None,
) -> DocumentSend:
    """Record that a document left on paper (issue #29): posted, as a registered letter
    with its number, or handed over, on `on`. It is in the document's history beside the
    mails; a drawn document (a quote, a statement) keeps the PDF that was printed."""
    if channel not in (C.POST, C.REGISTERED, C.HAND):
        raise SendingError(_("Choose how the document left."))
    number = number.strip()
    if channel == C.REGISTERED and not number:
        raise SendingError(_("A registered letter is recorded with its number."))
    if on > timezone.localdate():
        raise SendingError(_("A document cannot have left in the future."))
    send = DocumentSend.objects.create(
        kind=kind, customer=customer, order=order, invoice=invoice, credit_note=credit_note,
        reminder=reminder, statement_start=statement_start, statement_date=statement_date,
        recipients=customer.billing_address.replace("\n", ", ") if channel != C.HAND else "",
        subject=subject, created_by=by, batch=batch, channel=channel, posted_on=on,
        tracking_number=number if channel == C.REGISTERED else "",
        status=DocumentSend.Status.SENT, sent_at=timezone.now(),
    )  # fmt: skip
    if kind in (K.QUOTE, K.STATEMENT):
        attachment(send)  # draws and keeps what was printed
    return send


def _subject_invoice(invoice: Invoice) -> str:
    return _("Invoice %(number)s") % {"number": invoice.number}


def _subject_quote(order: Order) -> str:
    return _("Quote %(reference)s: %(title)s") % {
        "reference": order.reference,
        "title": order.title,
    }


def _subject_statement(end: dt.date) -> str:
    return _("Statement of account at %(date)s") % {"date": end.strftime("%d/%m/%Y")}


def dispatch(document, by, *, channel: str, on: dt.date | None = None, number: str = "", **extra):
    """One step (issue #29): mail `document` (an invoice, a credit note, an order's quote,
    a customer's statement with `start` and `end`), or record that it left on paper. A
    draft quote is marked sent first, in the same transaction."""
    with transaction.atomic():
        if isinstance(document, Order) and document.status == Order.Status.DRAFT:
            document.send(by)
        if channel == C.EMAIL:
            if isinstance(document, Invoice):
                return send_invoice(document, by)
            if isinstance(document, CreditNote):
                return send_credit_note(document, by)
            if isinstance(document, Order):
                return send_quote(document, by)
            return send_statement(document, by, extra["start"], extra["end"])
        paper = {"channel": channel, "on": on or timezone.localdate(), "number": number}
        if isinstance(document, Invoice):
            customer = Customer.objects.get(pk=document.order.customer_id)
            return record_paper(
                K.INVOICE, customer, by, subject=_subject_invoice(document), invoice=document,
                **paper,
            )  # fmt: skip
        if isinstance(document, CreditNote):
            customer = Customer.objects.get(pk=document.invoice.order.customer_id)
            subject = _("Credit note %(number)s") % {"number": document.number}
            return record_paper(
                K.CREDIT_NOTE, customer, by, subject=subject, credit_note=document, **paper
            )
        if isinstance(document, Order):
            return record_paper(
                K.QUOTE, document.customer, by, subject=_subject_quote(document),
                order=document, **paper,
            )  # fmt: skip
        return record_paper(
            K.STATEMENT, document, by, subject=_subject_statement(extra["end"]),
            statement_start=extra["start"], statement_date=extra["end"],
            batch=extra.get("batch"), **paper,
        )  # fmt: skip


def send_invoice(invoice: Invoice, by) -> DocumentSend:
    customer = Customer.objects.get(pk=invoice.order.customer_id)
    return queue(K.INVOICE, customer, by, subject=_subject_invoice(invoice), invoice=invoice)


def send_credit_note(note: CreditNote, by) -> DocumentSend:
    customer = Customer.objects.get(pk=note.invoice.order.customer_id)
    subject = _("Credit note %(number)s") % {"number": note.number}
    return queue(K.CREDIT_NOTE, customer, by, subject=subject, credit_note=note)


def send_quote(order: Order, by) -> DocumentSend:
    if not order.quote_date:
        raise SendingError(_("Mark the quote as sent first: it then has its number and date."))
    return queue(K.QUOTE, order.customer, by, subject=_subject_quote(order), order=order)


def send_statement(customer: Customer, by, start: dt.date, end: dt.date) -> DocumentSend:
    return queue(
        K.STATEMENT, customer, by, subject=_subject_statement(end), statement_start=start,
        statement_date=end,
    )  # fmt: skip


def retry(send: DocumentSend, by) -> DocumentSend:
    """Send again a mail that failed for good (the address was corrected since)."""
    if send.status != DocumentSend.Status.FAILED:
        raise SendingError(_("Only a failed send can be tried again."))
    mail = Mail.objects.filter(kind=MAIL_KIND, about_id=send.pk).order_by("-pk").first()
    if mail is None:  # a send logged before the one mail path
        outgoing.queue(MAIL_KIND, send.pk, to_kind="customer", to_id=send.customer_id)
    elif not outgoing.retry(mail):
        raise SendingError(_("Only a failed send can be tried again."))
    to = ",".join(recipients(send.customer)) or send.recipients
    DocumentSend.objects.filter(pk=send.pk).update(
        status=DocumentSend.Status.QUEUED, attempts=0, recipients=to
    )
    send.refresh_from_db()
    return send


def _keep(send: DocumentSend, data: bytes) -> bytes:
    """A PDF drawn for this send (a quote, a statement) is kept, so a retry attaches the
    same document and the log shows what was sent."""
    if not send.pdf:
        send.pdf.save("doc.pdf", ContentFile(data), save=False)
        DocumentSend.objects.filter(pk=send.pk).update(pdf=send.pdf.name)
    return data


def attachment(send: DocumentSend) -> tuple[str, bytes]:
    if send.pdf:
        with send.pdf.open("rb") as fh:
            data = fh.read()
    else:
        data = None
    if send.kind == K.INVOICE:
        return f"{send.invoice.number}.pdf", invoicing.stored_pdf(send.invoice)
    if send.kind == K.CREDIT_NOTE:
        return f"{send.credit_note.number}.pdf", invoicing.stored_pdf(send.credit_note)
    if send.kind == K.REMINDER:
        reminder = send.reminder
        return f"relance-{reminder.invoice.number}-{reminder.level}.pdf", documents.stored_pdf(
            reminder
        )
    if send.kind == K.QUOTE:
        order = Order.objects.select_related("customer").get(pk=send.order_id)
        data = data or _keep(send, order_documents.render_quote(order))
        return f"devis-{order.reference}.pdf", data
    drawn = statement.build(send.customer, send.statement_start, send.statement_date)
    registered = send.channel == C.REGISTERED
    data = data or _keep(send, documents.render_statement(drawn, registered=registered))
    return f"releve-{send.statement_date:%Y%m%d}.pdf", data


def _body(send: DocumentSend) -> str:
    context = {"send": send, "school": School.load(), "customer": send.customer}
    with translation.override("fr"):
        return render_to_string(f"billing/mail/{send.kind}.txt", context)


def build(mail: Mail) -> EmailMessage:
    """The worker's part: the logged document's mail, its PDF attached."""
    send = DocumentSend.objects.select_related(
        "customer", "invoice", "credit_note__invoice", "reminder__invoice", "order"
    ).get(pk=mail.about_id)
    filename, data = attachment(send)
    message = EmailMessage(
        send.subject, _body(send), settings.DEFAULT_FROM_EMAIL, send.recipient_list
    )
    message.attach(filename, data, "application/pdf")
    return message


def follow(mail: Mail) -> None:
    """The send's log follows its mail."""
    status = {
        Mail.Status.SENT: DocumentSend.Status.SENT,
        Mail.Status.FAILED: DocumentSend.Status.FAILED,
    }.get(mail.status, DocumentSend.Status.QUEUED)
    DocumentSend.objects.filter(pk=mail.about_id).update(
        status=status, attempts=mail.attempts, last_error=mail.last_error, sent_at=mail.sent_at
    )


def register_mails() -> None:
    outgoing.register(MAIL_KIND, build=build, on_change=follow)
