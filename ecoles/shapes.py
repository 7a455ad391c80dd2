"""The shapes of French values a form takes: a postal code, a phone number.

- A French postal code is five digits, its first two a département (01 to 95, 97 and 98
  overseas; Corsica's are 20xxx). A foreign address keeps its own country's format:
  `validate_postal_code(value, country)` checks only that it looks like a postal code
  (letters, digits, a space or a dash) when the country is not France.
- A French phone number is ten digits starting with 0 (06 12 34 56 78), or +33 and the
  nine digits after the 0; an international number starts with + and its country code
  (E.164: at most 15 digits). Spaces, dots, dashes and brackets are the writer's own.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FRANCE = "FR"
FRENCH_POSTAL_CODE = re.compile(r"(0[1-9]|[1-8][0-9]|9[0-578])[0-9]{3}")
FOREIGN_POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,9}")
SEPARATORS = re.compile(r"[\s.\-()/]")
FRENCH_PHONE = re.compile(r"0[1-9][0-9]{8}|\+33(0)?[1-9][0-9]{8}")
INTERNATIONAL_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")


def validate_postal_code(value: str, country: str = FRANCE) -> None:
    """A postal code of `country` (ISO 3166 alpha-2; France by default)."""
    value = (value or "").strip()
    if not value:
        return
    if (country or FRANCE).upper() == FRANCE:
        if not FRENCH_POSTAL_CODE.fullmatch(value):
            raise ValidationError(
                _("A French postal code is five digits, for example 69007."),
                code="postal_code",
            )
    elif not FOREIGN_POSTAL_CODE.fullmatch(value):
        raise ValidationError(
            _("A postal code is letters and digits, at most ten."), code="postal_code"
        )


def validate_french_postal_code(value: str) -> None:
    validate_postal_code(value, FRANCE)


def validate_phone(value: str) -> None:
    """A French number (ten digits, or +33) or an international one (+ and its code)."""
    value = (value or "").strip()
    if not value:
        return
    bare = SEPARATORS.sub("", value)
    if bare.startswith("+33") or not bare.startswith("+"):
        if not FRENCH_PHONE.fullmatch(bare):
            raise ValidationError(
                _(
                    "A French phone number has ten digits (06 12 34 56 78) or starts with "
                    "+33; another country's starts with + and its code."
                ),
                code="phone",
            )
    elif not INTERNATIONAL_PHONE.fullmatch(bare):
        raise ValidationError(
            _("An international phone number is + and at most 15 digits."), code="phone"
        )
