"""Numbering is one service with declared series (issue 28, §4): invoices, credit notes and
the donations' tax receipts each have their kind and their prefix in billing.numbering,
and nothing takes a number from a series nobody declared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from billing import invoicing, numbering
from billing.models import NumberSeries
from ecoles.models import School

pytestmark = pytest.mark.django_db


def test_every_series_is_declared_with_its_prefix(school):
    assert set(numbering.SERIES) == set(NumberSeries.Kind)
    assert numbering.prefix(NumberSeries.Kind.INVOICE, school) == school.invoice_prefix
    assert numbering.prefix(NumberSeries.Kind.CREDIT_NOTE, school) == school.credit_note_prefix
    assert numbering.prefix(NumberSeries.Kind.TAX_RECEIPT, school) == "RF"


def test_a_number_from_an_undeclared_series_is_refused(school):
    with transaction.atomic(), pytest.raises(ValueError):
        numbering.take_number("made_up", 2026)
    assert not NumberSeries.objects.filter(kind="made_up").exists()


def test_the_tax_receipts_take_their_numbers_from_their_declared_series(school):
    with transaction.atomic():
        first = numbering.next_number(NumberSeries.Kind.TAX_RECEIPT, dt.date(2026, 5, 1))
        second = numbering.next_number(NumberSeries.Kind.TAX_RECEIPT, dt.date(2026, 5, 2))
    assert (first, second) == ((1, "RF-2026-0001"), (2, "RF-2026-0002"))
    assert School.load().invoice_prefix != "RF"


def test_settling_is_public_and_the_private_name_is_gone():
    assert callable(invoicing.settle)
    assert not hasattr(invoicing, "_settle")
