"""R2: the policy may be stricter than the law on a minor's working time, never looser
(Code du travail L3162-1, L3162-3, L3163-1, L3164-1; ecoles/law.py): its form, its
clean() and the database refuse a looser number (issue #27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ecoles.forms import PolicyForm
from ecoles.models import Policy

pytestmark = pytest.mark.django_db

LOOSER = [
    ("max_daily_hours", Decimal("12"), Decimal("8")),
    ("max_weekly_hours", Decimal("35.5"), Decimal("35")),
    ("break_after_minutes", 271, 270),
    ("break_minutes", 29, 30),
    ("night_start", dt.time(22, 1), dt.time(22)),
    ("night_start_under_16", dt.time(23, 30), dt.time(20)),
    ("night_end", dt.time(5, 59), dt.time(6)),
    ("daily_rest_hours", 11, 12),
    ("daily_rest_hours_under_16", 13, 14),
]
STRICTER = [
    ("max_daily_hours", Decimal("7")),
    ("max_weekly_hours", Decimal("32")),
    ("break_after_minutes", 240),
    ("break_minutes", 45),
    ("night_start", dt.time(21)),
    ("night_start_under_16", dt.time(19, 30)),
    ("night_end", dt.time(7)),
    ("daily_rest_hours", 13),
    ("daily_rest_hours_under_16", 15),
]


def form_data(policy, **changes) -> dict:
    data = {k: v for k, v in PolicyForm(instance=policy).initial.items() if v is not None}
    data.update(changes)
    data = {k: (v.strftime("%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}
    data.pop("id", None)
    return data


@pytest.mark.parametrize(("field", "looser", "law"), LOOSER)
def test_the_policy_refuses_a_number_looser_than_the_law(policy, field, looser, law):
    setattr(policy, field, law)
    policy.full_clean()  # the law itself passes
    setattr(policy, field, looser)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(("field", "stricter"), STRICTER)
def test_the_policy_accepts_a_stricter_number(policy, field, stricter):
    setattr(policy, field, stricter)
    policy.full_clean()


@pytest.mark.parametrize(("field", "looser", "law"), LOOSER)
def test_the_database_refuses_a_number_looser_than_the_law(policy, field, looser, law):
    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.filter(pk=policy.pk).update(**{field: looser})


def test_the_directors_form_says_twelve_hours_a_day_is_against_the_law(
    client_for, director, policy
):
    data = form_data(policy, max_daily_hours="12", night_start_under_16=dt.time(23, 30))
    response = client_for(director).post(reverse("policy"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "L3162-1" in page and "L3163-1" in page
    policy = Policy.load()
    assert policy.max_daily_hours == 8 and policy.night_start_under_16 == dt.time(20)
