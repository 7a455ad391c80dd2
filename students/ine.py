"""The INE (identifiant national élève), the pupil's national identifier.

Eleven characters, in one of the ministry's formats:
- INE-BEA (base élèves académique): 10 digits and a check letter, the 10-digit number
  modulo 23 read in the alphabet without I, O, Q. Its key is checked.
- INE-RNIE (répertoire national des identifiants élèves, since 2018): 9 digits and 2
  letters. Its key algorithm is not published; the format alone is checked.
- INE apprenticeship (SIFA): 4 digits, "A", 5 digits and a letter; format alone.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: I, O and Q left out
BEA = re.compile(r"^[0-9]{10}[A-Z]$")
RNIE = re.compile(r"^[0-9]{9}[A-Z]{2}$")
APPRENTICESHIP = re.compile(r"^[0-9]{4}A[0-9]{5}[A-Z]$")


def normalise(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def bea_key(digits: str) -> str:
    return KEY_LETTERS[int(digits) % 23]


def validate_ine(value: str) -> None:
    ine = normalise(value)
    if BEA.match(ine):
        if ine[10] != bea_key(ine[:10]):
            raise ValidationError(
                _("This INE's check letter is wrong (it should be %(key)s): check the number."),
                code="ine_key",
                params={"key": bea_key(ine[:10])},
            )
        return
    if RNIE.match(ine) or APPRENTICESHIP.match(ine):
        return
    raise ValidationError(
        _(
            "An INE has 11 characters: 10 digits and a letter, 9 digits and 2 letters, or "
            "the apprenticeship format 1234A12345X."
        ),
        code="ine_format",
    )
