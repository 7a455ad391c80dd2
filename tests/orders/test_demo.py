"""The demo seeder gives the office something real to look at, and runs twice safely."""

from __future__ import annotations

import pytest
from django.utils import timezone
from stdnum.fr import siret

from billing import demo as billing_demo
from billing.models import CreditNote, Invoice, Payment
from ecoles import demo as school_demo
from orders import demo
from orders.models import Customer, Order

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_real_numbers_and_overdue_invoices_and_runs_twice(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ctx = school_demo.DemoContext(progress=lambda _m: None)
    school_demo.seed(ctx)
    demo.seed(ctx)
    billing_demo.seed(ctx)  # the invoices of the orders planned as invoiced or paid
    counts = (Customer.objects.count(), Order.objects.count(), Invoice.objects.count())
    demo.seed(ctx)
    billing_demo.seed(ctx)
    assert (Customer.objects.count(), Order.objects.count(), Invoice.objects.count()) == counts
    today = timezone.localdate()
    shown = {o.shown_status(today) for o in Order.objects.all()}
    assert shown == set(Order.Status.values)
    # Every French company has a valid SIRET (a foreign one has none: issue #20's demo).
    french = Customer.objects.filter(kind="company", country_code="FR")
    assert all(siret.is_valid(c.siret) for c in french)
    for year in Invoice.objects.values_list("year", flat=True).distinct():
        sequences = sorted(Invoice.objects.filter(year=year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
    assert Invoice.objects.overdue(today).exists()
    assert CreditNote.objects.exists() and Payment.objects.exists()


def test_the_demos_numbers_follow_their_dates(settings, tmp_path):
    """CGI art. 242 nonies A: in each series, a later number is never dated earlier (the
    demo had AV-2026-0002 on 30/08 after AV-2026-0001 on 01/09)."""
    settings.MEDIA_ROOT = tmp_path
    ctx = school_demo.DemoContext(progress=lambda _m: None)
    school_demo.seed(ctx)
    demo.seed(ctx)
    billing_demo.seed(ctx)
    for model in (Invoice, CreditNote):
        rows = list(model.objects.order_by("year", "sequence").values_list("year", "issue_date"))
        for (year, day), (next_year, next_day) in zip(rows, rows[1:], strict=False):
            assert year != next_year or day <= next_day, model.objects.filter(year=year)
    # The demo's invoices to a German and a Swiss company charge no French VAT (R12).
    abroad = Invoice.objects.filter(customer_tax_status__in=["eu", "non_eu"])
    assert {i.customer_country_code: i.total_vat for i in abroad} == {"DE": 0, "CH": 0}
    categories = {
        i.customer_country_code: {ln.vat_category for ln in i.lines.all()} for i in abroad
    }
    assert categories == {"DE": {"K"}, "CH": {"G"}}
    # Its customers abroad are valid as the form would take them (issue #27 §2).
    for customer in Customer.objects.exclude(country_code="FR"):
        customer.full_clean()
