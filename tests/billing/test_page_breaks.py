"""Blocks that belong together never split across two pages (issue #29 §5): the quote's
"bon pour accord" box, an invoice's totals and its payment terms. Each test renders the
document with more and more lines, so that the block meets the bottom of the page at
some length, and reads (pypdf) on which page each end of the block is."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from billing import invoicing
from orders import documents

pytestmark = pytest.mark.django_db
# Line counts that bring the end of the first page onto the blocks below (one A4 page
# holds about ten lines with the header, the addresses and the terms): without the rule,
# the quote's box split at 9 to 13 lines and the invoice's terms at 12 to 14.
QUOTE_LENGTHS = range(8, 15)
INVOICE_LENGTHS = range(11, 16)


def pages_of(data: bytes) -> list[str]:
    return [
        " ".join(p.extract_text().split()).replace("\u202f", " ")
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def page_with(pages: list[str], words: str) -> int:
    found = [i for i, text in enumerate(pages) if words in text]
    assert len(found) == 1, (words, found)
    return found[0]


def test_the_quotes_agreement_box_is_never_split(make_order, woodwork, company):
    split = []
    for n in QUOTE_LENGTHS:
        order = make_order(woodwork, company, lines=[("1", "10.00", "20")] * n)
        pages = pages_of(documents.render_quote(order))
        if page_with(pages, "Bon pour accord") != page_with(pages, "mention manuscrite"):
            split.append(n)
    assert not split, f"the box splits with {split} lines"


def test_an_invoices_totals_and_payment_terms_are_never_split(
    make_order, woodwork, company, office
):
    split = []
    for n in INVOICE_LENGTHS:
        lines = [("1", "10.00", "20")] * n
        order = make_order(woodwork, company, lines=lines, status="delivered")
        invoice = invoicing.issue_invoice(order, office, render=False)
        pages = pages_of(invoicing.render_document(invoice))
        if page_with(pages, "Total HT") != page_with(pages, "Total TTC"):
            split.append(("totals", n))
        if page_with(pages, "Paiement à l'échéance") != page_with(pages, "D441-5"):
            split.append(("terms", n))
    assert not split, f"blocks split: {split}"
