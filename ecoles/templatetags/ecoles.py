"""Formatting filters used by pages and PDFs: French amounts, hours, percentages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value) -> str:
    """1234.5 -> '1 234,50 €' in French (no-break spaces), '1,234.50 €' in English."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(amount, 2, use_l10n=True, force_grouping=True) + "\u00a0€"


@register.filter
def hours(value) -> str:
    """Hours as a Decimal, float, or timedelta -> '23 h 30' ('-2 h 15' when negative)."""
    if hasattr(value, "total_seconds"):
        minutes = round(value.total_seconds() / 60)
    else:
        number = _decimal(value)
        if number is None:
            return ""
        minutes = int((number * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}\u00a0h\u00a0{m:02d}" if m else f"{sign}{h}\u00a0h"


@register.filter
def percent(value, digits: int = 0) -> str:
    """0.6667 -> '67 %' (a share, not points)."""
    number = _decimal(value)
    if number is None:
        return ""
    shown = (number * 100).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return number_format(shown, int(digits), use_l10n=True) + "\u00a0%"
