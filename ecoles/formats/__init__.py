"""How the school writes numbers: amounts, hours, shares (issue #16).

One implementation, used by the template filters (`{% load ecoles %}{{ x|money }}`), by
messages and validation errors built in Python, and by the PDFs:

    money(Decimal("1234.5"))   -> "1 234,50 €"  (narrow no-break space, then no-break space)
    hours(Decimal("7.5"))      -> "7 h 30"      hours(dt.timedelta(hours=7)) -> "7 h"
    percent(Decimal("0.6667")) -> "67 %"

The separators follow the active language through Django's format modules, which this
package also holds (`FORMAT_MODULE_PATH = "ecoles.formats"`): `fr/formats.py` groups
thousands with a narrow no-break space (French typography), `en/formats.py` is British
English (day before month, 24-hour clock, "1,234.50"), so that an English page never mixes
"04/12/2026" with "12/4/2026".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

NBSP = "\u00a0"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value) -> str:
    """1234.5 -> '1 234,50 €' in French, '1,234.50 €' in English; '' for nothing."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(amount, 2, use_l10n=True, force_grouping=True) + NBSP + "€"


def hours(value: Decimal | float | int | dt.timedelta | None) -> str:
    """Hours as a number of hours or a timedelta -> '23 h 30' ('-2 h 15' when negative,
    '7 h' on the hour); '' for nothing."""
    if hasattr(value, "total_seconds"):
        minutes = round(value.total_seconds() / 60)
    else:
        number = _decimal(value)
        if number is None:
            return ""
        minutes = int((number * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}{NBSP}h{NBSP}{m:02d}" if m else f"{sign}{h}{NBSP}h"


def minutes(count: int) -> str:
    """A number of minutes, in the same format as hours: 450 -> '7 h 30', 20 -> '0 h 20'."""
    return hours(dt.timedelta(minutes=count))


def percent(value, digits: int = 0) -> str:
    """0.6667 -> '67 %' (a share, not points)."""
    number = _decimal(value)
    if number is None:
        return ""
    shown = (number * 100).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return number_format(shown, int(digits), use_l10n=True) + NBSP + "%"
