"""get_<field>_display() of our models (ecoles.db.ChoiceLabels) says what Django's says."""

import pytest
from django.apps import apps
from django.utils import translation

from ecoles.db import ChoiceLabels
from students.models import Student

OUR_APPS = ("ecoles", "students", "orders", "training")


def fields_with_choices():
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical"):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield pytest.param(model, field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(fields_with_choices()))
def test_every_choice_shows_django_s_label_in_each_language(model, field):
    assert issubclass(model, ChoiceLabels), "add ChoiceLabels to the model's bases"
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in field.flatchoices:
                row = model(**{field.attname: value})
                assert getattr(row, f"get_{field.name}_display")() == str(label)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Student(status="mystery").get_status_display() == "mystery"
    assert Student(status=None).get_status_display() is None


def test_the_label_follows_the_language_of_the_request():
    pupil = Student(status=Student.Status.ENROLLED)
    with translation.override("fr"):
        french = pupil.get_status_display()
    with translation.override("en"):
        english = pupil.get_status_display()
    assert (english, french) == ("Enrolled", "Inscrit")
