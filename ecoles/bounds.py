"""The domain's ranges: what a date, a year, an id or an amount may be in this school.

Every value a user sends (a form field, a URL parameter) is checked against these before
it reaches a query or a computation, so that out-of-range input (9999-12-31, a year past
what a date holds, an id past 64 bits, a quantity × price past what a column stores) is a
form error, an ignored filter or a 404, never a server error.

- A school date (a work log, a session, an order's dates, a payment, a note, a pupil's
  entry or leaving...) is within SCHOOL_YEARS_BEFORE years before today and
  SCHOOL_YEARS_AFTER years after: records are kept ten years at most (Policy's retention),
  and nothing is planned more than two years ahead.
- A birth date makes a person between MIN_AGE and MAX_AGE years old.
- A year in a filter is between FIRST_YEAR and LAST_YEAR.
- An id is a positive 64-bit integer (the database's bigint).
- Money: one amount (a price, a cost, a payment, a budget line) is at most MAX_AMOUNT; a
  quantity at most MAX_QUANTITY; a line's quantity × unit price at most MAX_AMOUNT too, and
  an order's lines at most MAX_ORDER_TOTAL, so that an order's total, its VAT and its
  invoices fit the 12-digit money columns with room to spare.
- No value holds a NUL character: PostgreSQL refuses one in a query's text (a search box
  given %00 was a server error), and no person types it (RefuseNullCharacters).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

SCHOOL_YEARS_BEFORE = 10
SCHOOL_YEARS_AFTER = 2
MIN_AGE, MAX_AGE = 10, 80
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_ID = 2**63 - 1
MAX_AMOUNT = Decimal("9999999.99")  # under ten million euros
MAX_QUANTITY = Decimal("99999.99")
MAX_ORDER_TOTAL = Decimal("99999999.99")  # an order's lines, excl. VAT
INTEGER = re.compile(r"[0-9]{1,19}")


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def school_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last school date a user may give today."""
    today = today or timezone.localdate()
    return _years_from(today, -SCHOOL_YEARS_BEFORE), _years_from(today, SCHOOL_YEARS_AFTER)


def is_school_date(day: dt.date | None) -> bool:
    first, last = school_dates()
    return day is not None and first <= day <= last


def _refuse_outside(day: dt.date, first: dt.date, last: dt.date, message) -> None:
    if not first <= day <= last:
        raise ValidationError(
            message,
            code="out_of_range",
            params={"first": date_format(first, "SHORT_DATE_FORMAT"),
                    "last": date_format(last, "SHORT_DATE_FORMAT")},
        )  # fmt: skip


def validate_school_date(day: dt.date) -> None:
    _refuse_outside(day, *school_dates(), _("Give a date between %(first)s and %(last)s."))


def validate_birth_date(day: dt.date) -> None:
    today = timezone.localdate()
    first, last = _years_from(today, -MAX_AGE), _years_from(today, -MIN_AGE)
    _refuse_outside(day, first, last, _("Give a birth date between %(first)s and %(last)s."))


class SchoolDateField(forms.DateField):
    """A form's date field for a school date (see the module's docstring)."""

    default_validators = [validate_school_date]


class BirthDateField(forms.DateField):
    default_validators = [validate_birth_date]


def _integer(value, lowest: int, highest: int) -> int | None:
    value = str(value or "")
    if not INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if lowest <= number <= highest else None


def parse_id(value) -> int | None:
    """A positive 64-bit id from a URL parameter or a form's raw data, else None."""
    return _integer(value, 1, MAX_ID)


def parse_year(value) -> int | None:
    return _integer(value, FIRST_YEAR, LAST_YEAR)


def parse_school_date(value) -> dt.date | None:
    """An ISO date from a URL parameter if it is a school date, else None."""
    try:
        day = dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return day if is_school_date(day) else None


def _refuse_above(value: Decimal | None, most: Decimal, message) -> None:
    if value is not None and abs(value) > most:
        raise ValidationError(
            message, code="max_value", params={"max": number_format(most, 2, force_grouping=True)}
        )


def validate_amount(value: Decimal) -> None:
    _refuse_above(value, MAX_AMOUNT, _("An amount is at most %(max)s."))


def validate_quantity(value: Decimal) -> None:
    _refuse_above(value, MAX_QUANTITY, _("A quantity is at most %(max)s."))


def validate_line_amount(quantity: Decimal, unit_price: Decimal) -> None:
    """A line's quantity × unit price fits the money columns (see the module's docstring)."""
    if quantity is not None and unit_price is not None:
        _refuse_above(
            quantity * unit_price, MAX_AMOUNT, _("Quantity × unit price is at most %(max)s.")
        )


class RefuseNullCharacters:
    """Answers 400 to a request whose URL parameters or form fields hold a NUL character,
    before any view hands one to a query (see the module's docstring). Uploaded files are
    not form fields: their bytes are the file's own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        data = [request.GET, *([request.POST] if request.method == "POST" else [])]
        for key, values in (item for query in data for item in query.lists()):
            if any("\x00" in text for text in [key, *values]):
                raise BadRequest("NUL character in a parameter")
        return self.get_response(request)
