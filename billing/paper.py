"""Statements that go by post (issue #29 §2): the customers who owe and have no email
address to write to get their statement of account on paper, printed in one PDF and
recorded as posted, like the reminders' letters (billing.reminders)."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.db.models import Exists, OuterRef
from pypdf import PdfReader, PdfWriter

from billing import documents, sending, statement
from billing.models import DocumentSend, with_money
from orders.models import Contact, Customer


def customers_without_email():
    """The customers who still owe and whom no document can be mailed to (no address of
    their own, no contact ticked with one): sending.recipients() in SQL, one query."""
    ticked = Contact.objects.filter(customer=OuterRef("pk"), receives_documents=True).exclude(
        email=""
    )
    return (
        with_money(Customer.objects.filter(email=""))
        .exclude(Exists(ticked))
        .filter(owed__gt=0)
        .order_by("name", "pk")
    )


def statements_pdf(customers, start: dt.date, end: dt.date) -> bytes:
    """Their statements of the period in one PDF, one after the other, to print at once."""
    writer = PdfWriter()
    for customer in customers:
        drawn = documents.render_statement(statement.build(customer, start, end))
        writer.append(PdfReader(io.BytesIO(drawn)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def record_statements_posted(
    customers, by, *, on: dt.date, start: dt.date, end: dt.date
) -> list[DocumentSend]:
    """Record each customer's statement of the period as posted on `on` (its PDF kept with
    the record). All or nothing."""
    batch = DocumentSend.new_batch()
    with transaction.atomic():
        return [
            sending.dispatch(
                customer,
                by,
                channel=DocumentSend.Channel.POST,
                on=on,
                start=start,
                end=end,
                batch=batch,
            )  # fmt: skip
            for customer in customers
        ]
