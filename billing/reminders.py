"""The reminder ladder of overdue invoices (SPEC.md R11).

Days after the due date come from the policy: a friendly reminder (7), a firm one (30),
then the formal notice (45), which restates the late-payment penalties and, for a
business customer, the fixed 40 € indemnity for recovery costs (Code de commerce L441-10,
D441-5). Each level is sent once per invoice. When an invoice has passed several steps
without any reminder, only the highest step reached is sent: three letters on the same
morning would say the same thing three times. A payment that covers the invoice takes it
off the list (the ladder looks at unsettled invoices with a balance due only).
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from billing import documents, sending
from billing.models import DocumentSend, Invoice, Reminder
from ecoles.models import Policy

L = Reminder.Level


@dataclass
class Pending:
    invoice: Invoice
    level: int
    days_late: int

    @property
    def level_label(self) -> str:
        return L(self.level).label


def thresholds(policy: Policy) -> list[tuple[int, int]]:
    return [
        (L.FRIENDLY, policy.reminder_friendly_days),
        (L.FIRM, policy.reminder_firm_days),
        (L.FORMAL, policy.reminder_formal_days),
    ]


def level_reached(days_late: int, policy: Policy) -> int | None:
    """The highest step of the ladder `days_late` days after the due date, or None."""
    reached = [level for level, days in thresholds(policy) if days_late >= days]
    return max(reached) if reached else None


def pending(today: dt.date, policy: Policy | None = None) -> list[Pending]:
    """The reminders to send today, oldest due date first (two queries: the overdue
    invoices with the last level sent, and their customers' contacts)."""
    policy = policy or Policy.load()
    last = (
        Reminder.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(m=Max("level"))
        .values("m")
    )
    invoices = (
        Invoice.objects.overdue(today)
        .filter(due_date__lte=today - dt.timedelta(days=policy.reminder_friendly_days))
        .annotate(last_level=Subquery(last))
        .select_related("order__customer")
        .prefetch_related("order__customer__contacts")
        .order_by("due_date", "pk")
    )
    result = []
    for invoice in invoices:
        days_late = (today - invoice.due_date).days
        level = level_reached(days_late, policy)
        if level and level > (invoice.last_level or 0):
            result.append(Pending(invoice, level, days_late))
    return result


def send_all(today: dt.date, by, only: set[int] | None = None) -> tuple[uuid.UUID, int, int]:
    """Record and queue every pending reminder (or those of the invoices in `only`).
    Returns the batch (its progress page), how many were queued and how many were
    skipped because the customer has no address to write to."""
    batch = DocumentSend.new_batch()
    queued = skipped = 0
    for item in pending(today):
        if only is not None and item.invoice.pk not in only:
            continue
        customer = item.invoice.order.customer
        if not sending.recipients(customer):
            skipped += 1
            continue
        if send_one(item.invoice, item.level, by, today=today, batch=batch):
            queued += 1
    return batch, queued, skipped


def send_one(invoice: Invoice, level: int, by, *, today: dt.date, batch=None) -> Reminder | None:
    """Record the reminder of `level` and queue its mail, if the invoice still owes and
    the level was not sent meanwhile (another clerk, a payment typed a minute ago)."""
    with transaction.atomic():
        reminder = _record(invoice, level, by, today=today)
        if reminder is None:
            return None
        number = reminder.invoice.number
        subject = {
            L.FRIENDLY: _("Reminder: invoice %(number)s"),
            L.FIRM: _("Second reminder: invoice %(number)s is unpaid"),
            L.FORMAL: _("Formal notice to pay invoice %(number)s"),
        }[level] % {"number": number}
        sending.queue(
            DocumentSend.Kind.REMINDER,
            reminder.invoice.order.customer,
            by,
            subject=subject,
            invoice=None,
            reminder=reminder,
            batch=batch,
        )
    return reminder


def _record(
    invoice: Invoice, level: int, by, *, today: dt.date, registered: bool = False
) -> Reminder | None:
    """The reminder of `level`, as the invoice stands now, unless it was paid or that
    level recorded meanwhile (the invoice is locked while it is looked at)."""
    with transaction.atomic():
        Invoice.objects.select_for_update().only("pk").get(pk=invoice.pk)
        invoice = (
            Invoice.objects.with_balance().select_related("order__customer").get(pk=invoice.pk)
        )
        if invoice.balance_due <= 0 or invoice.reminders.filter(level__gte=level).exists():
            return None
        return Reminder.objects.create(
            invoice=invoice,
            level=level,
            balance_due=invoice.balance_due,
            days_late=(today - invoice.due_date).days,
            created_by=by,
            registered=registered,
        )


# --- letters that go by post (issue #29) -------------------------------------------------


def prepare_letters(today: dt.date, by, only: set[int], *, registered: bool) -> list[Reminder]:
    """Record the pending reminders of the invoices in `only` as letters to print and
    post (a customer without email, a formal notice sent as a registered letter). They
    wait on the letters' page until recorded as posted."""
    prepared = []
    with transaction.atomic():
        for item in pending(today):
            if item.invoice.pk in only:
                reminder = _record(item.invoice, item.level, by, today=today, registered=registered)
                if reminder is not None:
                    prepared.append(reminder)
    return prepared


def waiting_letters():
    """The reminders prepared on paper and not yet recorded as posted, oldest first."""
    return (
        Reminder.objects.filter(sends__isnull=True)
        .select_related("invoice__order__customer")
        .order_by("created_at", "pk")
    )


def letters_pdf(letters: list[Reminder]) -> bytes:
    """One PDF of every letter, each as stored (what is posted is what was kept), to
    print in one go."""
    writer = PdfWriter()
    for reminder in letters:
        writer.append(PdfReader(io.BytesIO(documents.stored_pdf(reminder))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def record_posted(
    letters: list[Reminder], by, *, on: dt.date, numbers: dict[int, str]
) -> list[DocumentSend]:
    """Record the letters as posted on `on`; a registered letter with its number (from
    `numbers`, by reminder id). All or nothing."""
    batch = DocumentSend.new_batch()
    sends = []
    with transaction.atomic():
        for reminder in letters:
            registered = reminder.registered
            sends.append(
                sending.record_paper(
                    DocumentSend.Kind.REMINDER,
                    reminder.invoice.order.customer,
                    by,
                    channel=DocumentSend.Channel.REGISTERED
                    if registered
                    else DocumentSend.Channel.POST,
                    on=on,
                    number=numbers.get(reminder.pk, "") if registered else "",
                    subject=f"{reminder.get_level_display()} {reminder.invoice.number}",
                    reminder=reminder,
                    batch=batch,
                )
            )
    return sends
