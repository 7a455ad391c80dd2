"""Query-count guards (issue #8): every page a role reaches from its home page makes at
most its number of queries, the same bound with one school year of history and with two;
and every link on those pages opens for that role (no link to a 403 or a 404).

The pages are found by following links, as a user would (tests/urlwalk.crawl), so a new
page fails here until it is given its bound. Downloads (PDF, CSV, archives) are left to
bench/run.py: they are files, their cost is rendering. A page above its bound is a query
in a loop, or a new one: fix the page, or raise the bound and say why in the commit.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from ecoles.models import User
from tests.urlwalk import crawl

SKIP = re.compile(
    r"^/(admin|static|media)/|logout|/langue/|\.csv|\.zip|\.pdf|/pdf/|export|/compte/"
)

# (role, page) -> most queries. Three of them are the session, the user and his roles. A
# page showing follow-up notes also records who read them (ReadLog: a select of the
# readers, one insert for all the notes, and on SQLite the transaction's BEGIN).
BOUNDS = {
    ("director", "budget:overview"): 11,
    ("director", "budget:overview?year"): 11,
    ("director", "budget:line_add"): 4,
    ("director", "budget:line_edit"): 5,
    ("director", "home"): 15,
    ("director", "orders:add"): 6,
    ("director", "orders:add?customer"): 6,
    ("director", "billing:credit_note_add"): 4,
    ("director", "billing:payment_reverse"): 4,
    ("director", "orders:customer_add"): 3,
    ("director", "billing:customer_detail"): 8,
    ("director", "orders:customer_edit"): 5,
    ("director", "billing:customers"): 5,
    ("director", "orders:deliver"): 4,
    ("director", "orders:verdict"): 5,
    ("director", "orders:detail"): 13,
    ("director", "orders:edit"): 7,
    ("director", "billing:invoice_detail"): 9,  # + its e-invoicing history (#20)
    ("director", "billing:invoices"): 6,
    ("director", "billing:ereporting"): 7,
    ("director", "billing:supplier_invoices"): 5,
    ("director", "billing:supplier_invoice"): 4,
    ("director", "billing:invoices?overdue"): 6,
    ("director", "orders:list"): 7,
    ("director", "orders:list?late"): 7,
    ("director", "orders:list?status"): 7,
    ("director", "policy"): 4,
    ("director", "school"): 4,
    ("director", "students:add"): 5,
    ("director", "students:anonymise"): 6,
    ("director", "students:detail"): 7,
    ("director", "students:edit"): 7,
    ("director", "students:import"): 3,
    ("director", "students:indicators"): 6,
    ("director", "students:indicators?year"): 6,
    ("director", "students:leaving"): 4,
    ("director", "students:list"): 6,
    ("director", "students:notes"): 8,
    ("director", "students:note_edit"): 8,
    ("director", "training:balances"): 5,
    ("director", "training:closed_periods"): 4,
    ("director", "training:cohort_balance"): 11,
    ("director", "training:order_hours"): 5,
    ("director", "training:out_of_balance"): 6,
    ("director", "training:overrides"): 5,
    ("director", "training:session"): 6,
    ("director", "training:session_add"): 7,
    ("director", "training:sessions"): 6,
    ("director", "training:student_time"): 14,
    ("director", "training:team_entry"): 6,
    ("director", "training:worklog_add"): 6,
    ("director", "training:worklog_edit"): 7,
    ("director", "training:worklogs"): 10,
    ("director", "training:workshop_balance"): 11,
    ("director", "workshop_add"): 4,
    ("director", "workshop_edit"): 6,
    ("director", "workshops"): 5,
    ("office", "home"): 14,
    ("office", "orders:add"): 6,
    ("office", "orders:add?customer"): 6,
    ("office", "billing:credit_note_add"): 4,
    ("office", "billing:payment_reverse"): 4,
    ("office", "orders:customer_add"): 3,
    ("office", "billing:customer_detail"): 8,
    ("office", "orders:customer_edit"): 5,
    ("office", "billing:customers"): 5,
    ("office", "orders:detail"): 12,
    ("office", "orders:edit"): 7,
    ("office", "billing:invoice_detail"): 8,  # + its e-invoicing history (#20)
    ("office", "billing:invoices"): 6,
    ("office", "billing:ereporting"): 7,
    ("office", "billing:supplier_invoices"): 5,
    ("office", "billing:supplier_invoice"): 4,
    ("office", "billing:invoices?overdue"): 6,
    ("office", "orders:lines"): 5,
    ("office", "orders:list"): 7,
    ("office", "orders:list?status"): 7,
    ("office", "students:add"): 5,
    ("office", "students:detail"): 5,
    ("office", "students:edit"): 7,
    ("office", "students:import"): 3,
    ("office", "students:indicators"): 6,
    ("office", "students:leaving"): 4,
    ("office", "students:list"): 6,
    ("office", "training:balances"): 5,
    ("office", "training:cohort_balance"): 11,
    ("office", "training:order_hours"): 5,
    ("office", "training:session"): 6,
    ("office", "training:sessions"): 6,
    ("office", "training:student_time"): 14,
    ("office", "training:workshop_balance"): 11,
    ("trainer", "home"): 10,
    ("trainer", "orders:add"): 6,
    ("trainer", "orders:deliver"): 4,
    ("trainer", "orders:detail"): 12,
    ("trainer", "orders:edit"): 7,
    ("trainer", "orders:list"): 7,
    ("trainer", "students:detail"): 6,
    ("trainer", "students:list"): 6,
    ("trainer", "students:notes"): 8,
    ("trainer", "students:note_edit"): 8,
    ("trainer", "training:balances"): 5,
    ("trainer", "training:cohort_balance"): 11,
    ("trainer", "training:order_hours"): 5,
    ("trainer", "training:student_time"): 14,
    ("trainer", "training:team_entry"): 6,
    ("trainer", "training:worklog_add"): 6,
    ("trainer", "training:worklog_edit"): 7,
    ("trainer", "training:worklogs"): 10,
    ("trainer", "training:workshop_balance"): 11,
    ("teacher", "home"): 8,
    ("teacher", "students:detail"): 4,
    ("teacher", "students:list"): 6,
    ("teacher", "training:session"): 6,
    ("teacher", "training:session_add"): 7,
    ("teacher", "training:sessions"): 6,
    ("accountant", "budget:overview"): 11,
    ("accountant", "budget:overview?year"): 11,
    ("accountant", "budget:line_add"): 4,
    ("accountant", "budget:line_edit"): 5,
    ("accountant", "home"): 10,
    ("accountant", "billing:credit_note_add"): 4,
    ("accountant", "billing:payment_reverse"): 4,
    ("accountant", "billing:customer_detail"): 8,
    ("accountant", "billing:customers"): 5,
    ("accountant", "orders:detail"): 12,
    ("accountant", "billing:invoice_detail"): 8,  # + its e-invoicing history (#20)
    ("accountant", "billing:invoices"): 6,
    ("accountant", "billing:ereporting"): 7,
    ("accountant", "billing:supplier_invoices"): 5,
    ("accountant", "billing:supplier_invoice"): 4,
    ("accountant", "billing:invoices?overdue"): 6,
    ("accountant", "orders:list"): 7,
}


@pytest.mark.parametrize("scale", [1, 2])
def test_each_page_keeps_its_query_count_as_history_grows(
    db, settings, scale, django_assert_max_num_queries
):
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("seed_demo", scale=scale, stdout=io.StringIO())
    seen, problems = [], []
    for role in ["director", "office", "trainer", "teacher", "accountant"]:
        client = Client()
        client.force_login(User.objects.get(username=role))
        broken: list[tuple[str, int]] = []
        pages = crawl(client, 200, SKIP, broken)
        problems += [f"{role}: a link leads to {url}, which answers {code}" for url, code in broken]
        for page, url in sorted(pages.items()):
            seen.append(f"    ({role!r}, {page!r}),")
            bound = BOUNDS.get((role, page))
            if bound is None:
                problems.append(f"{role} {page} ({url}): no bound in BOUNDS")
                continue
            try:
                with django_assert_max_num_queries(bound) as captured:
                    assert client.get(url).status_code == 200
            except pytest.fail.Exception:
                count = len(captured.captured_queries)
                problems.append(f"{role} {page} ({url}): {count} queries, bound {bound}")
    missing = any("no bound" in p for p in problems)
    assert not problems, "\n".join(problems + (["pages seen:", *seen] if missing else []))
