"""The order's PDFs drawn on demand: the quote, and the delivery note (bon de livraison)
the customer signs at delivery (SPEC.md R11)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ecoles.models import School
from ecoles.pdf import render_pdf
from orders.models import Order


def render_quote(order: Order) -> bytes:
    school = School.load()
    return render_pdf(
        "pdf/quote.html",
        {
            "order": order,
            "lines": order.placed_lines(school.charges_vat),
            "totals": order.totals(school.charges_vat),
            "school": school,
            "quote_date": order.quote_date or timezone.localdate(),
            "valid_until": order.valid_until
            or timezone.localdate() + dt.timedelta(days=school.quote_validity_days),
        },
    )


def render_delivery_note(order: Order) -> bytes:
    """What is handed over, without prices: the lines and their quantities, the customer's
    purchase order number, and the boxes the customer fills in and signs."""
    customer = order.customer
    return render_pdf(
        "pdf/delivery_note.html",
        {
            "order": order,
            "customer": customer,
            "lines": list(order.lines.all()),
            "delivery_address": customer.delivery_address or customer.billing_address,
            "delivered_on": order.delivered_on,
        },
    )
