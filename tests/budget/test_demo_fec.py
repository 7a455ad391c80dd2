"""The demo obeys the FEC's rules (issue #27 §3): over each of its fiscal years, every
journal numbered continuously in date order, every entry balanced, the file in
ISO-8859-15, and its tax receipts as the law has them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from budget import fec, receipts
from budget.models import BudgetYear, Donation, TaxReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_school):
    return demo_school


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_the_demo_years_fec_balances_and_runs_on_per_journal(seeded):
    years = list(BudgetYear.objects.order_by("start"))
    assert years
    journals_seen: set[str] = set()
    for year in years:
        data = fec.render(year)
        text = data.decode("iso-8859-15")
        rows = [line.split("\t") for line in text.split("\r\n") if line]
        assert all(len(r) == 18 for r in rows)
        rows = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        numbers: dict[str, list[str]] = defaultdict(list)
        for r in rows:
            key = (r["JournalCode"], r["EcritureNum"])
            if key not in totals:
                numbers[r["JournalCode"]].append(r["EcritureNum"])
            totals[key] += money(r["Debit"]) - money(r["Credit"])
            assert year.start.strftime("%Y%m%d") <= r["EcritureDate"] <= year.end.strftime("%Y%m%d")
        assert all(t == 0 for t in totals.values()), year
        for code, seen in numbers.items():
            assert seen == [f"{code}{i:06d}" for i in range(1, len(seen) + 1)], (year, code)
        assert [r["ValidDate"] for r in rows] == sorted(r["ValidDate"] for r in rows)
        journals_seen |= set(numbers)
    # Over the demo's years, every journal the software writes has entries.
    assert {"VE", "BQ", "CA"} <= journals_seen


def test_the_demo_receipts_obey(seeded):
    cancelled = TaxReceipt.objects.exclude(cancelled_at=None)
    assert cancelled.exists()
    sponsorship = Donation.objects.get(counterpart=True)
    assert not sponsorship.counterpart_tolerated and not sponsorship.receipt_lines.exists()
    assert all(
        line.donation.counterpart_tolerated
        for line in receipts.ReceiptLine.objects.select_related("donation__donor")
    )
