"""The INE's formats and the INE-BEA check letter (students/ine.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from students.ine import bea_key, validate_ine


def test_the_bea_key_is_the_number_modulo_23_in_the_letters_without_i_o_q():
    assert bea_key("0000000000") == "A"
    assert bea_key("0000000008") == "J"  # I is skipped
    assert bea_key("0000000022") == "Z"
    assert bea_key("0000000023") == "A"


def test_a_bea_ine_with_its_right_key_passes_and_a_wrong_key_is_refused():
    digits = "1234567890"
    validate_ine(digits + bea_key(digits))
    wrong = "B" if bea_key(digits) != "B" else "C"
    with pytest.raises(ValidationError) as exc:
        validate_ine(digits + wrong)
    assert exc.value.code == "ine_key"


@pytest.mark.parametrize(
    "value", ["123456789AB", "2019A12345K", "1234 567 890 " + bea_key("1234567890").lower()]
)
def test_the_rnie_and_apprenticeship_formats_pass_and_spaces_and_case_are_forgiven(value):
    validate_ine(value)


@pytest.mark.parametrize("value", ["12345", "ABCDEFGHIJK", "12345678901", "123456789012"])
def test_other_shapes_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_ine(value)
    assert exc.value.code == "ine_format"
