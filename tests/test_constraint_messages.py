"""A database constraint never reaches a user as its raw name (issue 28, §3).

Django's default message is « La contrainte « guardian_called_has_a_phone » n'est pas
respectée »: every constraint of ours says what is wrong in words, in French, and where one
field is concerned the message stands beside that field (`ecoles/constraints.py`).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import translation

from ecoles.constraints import ConstraintErrorsOnFields, field_named_by
from students.forms import GuardianForm
from students.models import Guardian
from tests.test_layers import LAYERS


def referenced_fields(expression, found: set[str]) -> set[str]:
    """The model fields a constraint's condition reads."""
    if isinstance(expression, Q):
        for child in expression.children:
            if isinstance(child, tuple):
                found.add(child[0].split("__")[0])
                referenced_fields(child[1], found)
            else:
                referenced_fields(child, found)
    elif isinstance(expression, F):
        found.add(expression.name.split("__")[0])
    elif hasattr(expression, "get_source_expressions"):
        for source in expression.get_source_expressions():
            referenced_fields(source, found)
    return found


def concerned_fields(constraint) -> set[str]:
    fields: set[str] = set()
    if isinstance(constraint, models.UniqueConstraint):
        fields |= set(constraint.fields)
        for expression in constraint.expressions:
            referenced_fields(expression, fields)
    if getattr(constraint, "condition", None) is not None:
        referenced_fields(constraint.condition, fields)
    return fields


def our_constraints():
    for model in apps.get_models():
        if model._meta.app_label in LAYERS:
            for constraint in model._meta.constraints:
                yield model, constraint


CONSTRAINTS = list(our_constraints())


def label(item) -> str:
    return f"{item[0]._meta.label}.{item[1].name}"


def test_the_walk_finds_the_constraints():
    assert len(CONSTRAINTS) > 100


@pytest.mark.parametrize("item", CONSTRAINTS, ids=label)
def test_every_constraint_says_what_is_wrong_in_french(item):
    model, constraint = item
    message = constraint.violation_error_message
    assert message and message != constraint.default_violation_error_message, (
        f"{label(item)} has no violation_error_message: the user would read its name"
    )
    assert constraint.name not in str(message)
    with translation.override("fr"):
        french = str(message)
    with translation.override("en"):
        english = str(message)
    assert french != english, f"{label(item)}: no French for {english!r}"


@pytest.mark.parametrize("item", CONSTRAINTS, ids=label)
def test_a_constraint_on_one_field_reports_on_that_field(item):
    model, constraint = item
    fields = concerned_fields(constraint)
    code = constraint.violation_error_code
    if code:
        named = field_named_by(model, ValidationError("", code=code))
        assert named, f"{label(item)}: its code {code!r} names no field of the model"
        assert issubclass(model, ConstraintErrorsOnFields), (
            f"{model._meta.label} does not take ConstraintErrorsOnFields: "
            f"{constraint.name} would not reach its field"
        )
    if len(fields) == 1:
        assert code == next(iter(fields)), (
            f"{label(item)} concerns {fields} only: its violation_error_code names it"
        )


def test_a_called_guardian_without_a_phone_is_told_so_on_the_phone_field(db):
    guardian = Guardian(
        last_name="Martin", first_name="Anne", notices_by="phone", email="a@example.org"
    )
    with pytest.raises(ValidationError) as raised:
        guardian.validate_constraints(exclude={"student"})
    assert "phone" in raised.value.message_dict
    with translation.override("fr"):
        said = raised.value.message_dict["phone"]
        assert "guardian_called_has_a_phone" not in " ".join(said)


def test_the_guardian_form_says_it_on_the_phone_field(db):
    form = GuardianForm(
        data={
            "relationship": "mother",
            "last_name": "Martin",
            "first_name": "Anne",
            "email": "a@example.org",
            "notices_by": "phone",
        }
    )
    with translation.override("fr"):
        assert not form.is_valid()
        assert form.errors["phone"]
        assert not form.non_field_errors()
        assert "guardian_called_has_a_phone" not in form.errors.as_text()
