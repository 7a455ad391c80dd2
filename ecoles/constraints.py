"""A database constraint speaks to the user on the field it concerns.

Django 5.2 reports a failed `CheckConstraint` (and a `UniqueConstraint` with its own
message) as an error of the whole form (`Model.validate_constraints` puts it under
NON_FIELD_ERRORS); only a one-field unique constraint with the code "unique" lands on its
field. The house's convention: a constraint's `violation_error_code` is the name of the
field the user corrects, and a model that declares such constraints takes
`ConstraintErrorsOnFields` first among its bases, which moves the message onto that field.
Model forms, the admin and `full_clean` then show it beside the input (a field the form
does not show keeps the message at the top, where Django puts it).

Every constraint has a `violation_error_message` (English source, French in the
catalogue): `tests/test_constraint_messages.py` walks them all.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError


def field_named_by(model, error: ValidationError) -> str | None:
    """The model's field an error's code names, if it names one."""
    code = getattr(error, "code", None)
    if not code:
        return None
    try:
        return model._meta.get_field(code).name
    except FieldDoesNotExist:
        return None


class ConstraintErrorsOnFields:
    """Mixin for a model: its constraints' errors go to the field their code names."""

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as raised:
            exclude = set(exclude or ())
            errors: dict[str, list[ValidationError]] = {}
            for field, found in raised.error_dict.items():
                for error in found:
                    target = field
                    if field == NON_FIELD_ERRORS:
                        named = field_named_by(self, error)
                        if named and named not in exclude:
                            target = named
                    errors.setdefault(target, []).append(error)
            raise ValidationError(errors) from None
