"""The school's numbered series: one counter per series and year, declared here with its
prefix (SPEC.md R4, R11).

A series is chronological and continuous (CGI art. 242 nonies A, annexe II, I 1°, for
invoices and credit notes): its number is taken inside the transaction that creates the
document, from the year's counter row locked with SELECT ... FOR UPDATE, so that a
failure rolls the counter back and two people issuing at once queue on the lock. The
donations' tax receipts (budget) number the same way under their own series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from billing.models import NumberSeries
from ecoles.models import School

Kind = NumberSeries.Kind

# Each declared series and its prefix (the invoices' and credit notes' are the school's
# settings; the receipts' is fixed).
SERIES: dict[str, Callable[[School], str]] = {
    Kind.INVOICE: lambda school: school.invoice_prefix,
    Kind.CREDIT_NOTE: lambda school: school.credit_note_prefix,
    Kind.TAX_RECEIPT: lambda school: "RF",
}


def prefix(kind: str, school: School) -> str:
    return SERIES[kind](school)


def take_number(kind: str, year: int) -> int:
    """The next number of `kind`'s series for `year`; call inside a transaction."""
    if kind not in SERIES:
        raise ValueError(f"no series {kind!r} is declared in billing.numbering")
    # Create the year's row if missing without failing when another issuer does it at the
    # same moment, then lock it: everyone else waits here until we commit or roll back.
    NumberSeries.objects.bulk_create(
        [NumberSeries(kind=kind, year=year, last=0)], ignore_conflicts=True
    )
    series = NumberSeries.objects.select_for_update().get(kind=kind, year=year)
    series.last += 1
    series.save(update_fields=["last"])
    return series.last


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:04d}"


def next_number(kind: str, day: dt.date, school: School | None = None) -> tuple[int, str]:
    """(sequence, number) of the next document of `kind` dated `day`; call inside a
    transaction."""
    sequence = take_number(kind, day.year)
    return sequence, format_number(prefix(kind, school or School.load()), day.year, sequence)
