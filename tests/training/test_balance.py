"""R1: production share, gap, status and the allowance, pure and in SQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.training.conftest import TODAY, at, log, make_pupil, session
from training import balance
from training.balance import Balance, production_refusal
from training.models import Attendance

TWO_THIRDS = Fraction(2, 3)


def test_gap_is_production_minus_twice_theory_at_two_thirds():
    assert balance.gap(Fraction(23), Fraction(12), TWO_THIRDS) == Fraction(-1)
    assert balance.gap(Fraction(30), Fraction(10), TWO_THIRDS) == Fraction(10)


def test_gap_follows_another_target_share():
    # 3/4 production: one hour of theory balances three of production.
    assert balance.gap(Fraction(30), Fraction(10), Fraction(3, 4)) == Fraction(0)


def test_share_is_production_over_all_hours_and_none_without_hours():
    assert balance.share(Fraction(24), Fraction(12)) == TWO_THIRDS
    assert balance.share(Fraction(0), Fraction(0)) is None


@pytest.mark.parametrize(
    ("production", "theory", "expected"),
    [
        (24, 12, balance.BALANCED),
        (71.66, 28.34, balance.BALANCED),  # 71.66 %: within 5 points of 66.67
        (72, 28, balance.TOO_MUCH_PRODUCTION),  # 72 %: more than 5 points over
        (61, 39, balance.TOO_MUCH_THEORY),
        (0, 0, balance.NO_DATA),
    ],
)
def test_status_uses_the_band_around_the_target(production, theory, expected):
    value = Balance(Fraction(str(production)), Fraction(str(theory)), TWO_THIRDS, Fraction(5, 100))
    assert value.status == expected


def test_a_balance_shows_decimals_for_pages():
    value = Balance(Fraction(47, 2), Fraction(12))
    assert value.production_hours == Decimal("23.5000")
    assert value.gap_hours == Decimal("-0.5000")
    assert value.share_decimal == Decimal("0.6620")


def test_production_up_to_exactly_the_allowance_is_accepted():
    current = Balance(Fraction(20), Fraction(0))  # gap 20 h
    assert production_refusal(current, Fraction(4), Fraction(24)) is None


def test_one_minute_over_the_allowance_is_refused_with_the_theory_hours_short():
    current = Balance(Fraction(20), Fraction(0))
    refusal = production_refusal(current, Fraction(4) + Fraction(1, 60), Fraction(24))
    assert refusal is not None
    assert refusal.gap_after == Fraction(24) + Fraction(1, 60)
    assert refusal.theory_short == refusal.gap_after / 2
    assert refusal.theory_needed == Fraction(1, 120)  # half a minute of theory
    assert "Léa Martin" in refusal.message("Léa Martin")


@pytest.mark.django_db
def test_balances_count_only_attended_theory_minus_lateness(
    young, older, table_order, woodwork_trainer, teacher, policy
):
    log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    s = session(teacher, at(TODAY, 13, 30), at(TODAY, 15, 30), [young, older])
    Attendance.objects.filter(session=s, student=older).update(status="absent")
    Attendance.objects.filter(session=s, student=young).update(status="late", late_minutes=30)
    values = balance.balances([young.pk, older.pk], TODAY, TODAY, policy=policy)
    assert values[young.pk].production == Fraction(7, 2)
    assert values[young.pk].theory == Fraction(3, 2)
    assert values[older.pk].theory == 0


@pytest.mark.django_db
def test_time_before_the_entry_date_is_not_counted(
    woodwork, table_order, woodwork_trainer, teacher, policy
):
    newcomer = make_pupil(woodwork, "Tom", "Roux", dt.date(2010, 1, 1), entry_date=TODAY)
    yesterday = TODAY - dt.timedelta(days=1)
    log(newcomer, table_order, at(yesterday, 8), at(yesterday, 12), woodwork_trainer)
    log(newcomer, table_order, at(TODAY, 7), at(TODAY, 8), woodwork_trainer)
    session(teacher, at(yesterday, 14), at(yesterday, 16), [newcomer])
    session(teacher, at(TODAY, 7, 30), at(TODAY, 8), [newcomer])
    values = balance.balances([newcomer.pk], dt.date(2026, 9, 1), TODAY, policy=policy)
    # The first hour of the entry day counts (local time, an hour or two after midnight UTC).
    assert values[newcomer.pk].production == 1
    assert values[newcomer.pk].theory == Fraction(1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_balances_of_any_number_of_pupils_take_three_queries(
    size, woodwork, table_order, woodwork_trainer, teacher, policy
):
    pupils = [make_pupil(woodwork, f"P{i}", "Élève", dt.date(2010, 1, 1)) for i in range(size)]
    for pupil in pupils:
        log(pupil, table_order, at(TODAY, 8), at(TODAY, 12), woodwork_trainer)
    session(teacher, at(TODAY, 13, 30), at(TODAY, 15), pupils)
    from students.models import Student

    with CaptureQueriesContext(connection) as queries:
        values = balance.balances(Student.objects.all(), TODAY, TODAY, policy=policy)
    assert len(values) == size
    assert len(queries) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("unixepoch", [True, False], ids=["unixepoch", "strftime"])
def test_the_database_sums_hours_to_the_minute_with_or_without_unixepoch(
    unixepoch, young, table_order, woodwork_trainer, monkeypatch
):
    """SQLite before 3.38 has no unixepoch(): the older spelling gives the same sums."""
    from django.db.models import Sum

    from ecoles import db
    from training.models import DURATION, WorkLog

    if not unixepoch:
        monkeypatch.setattr(db, "UNIXEPOCH", (99,))
    log(young, table_order, at(TODAY, 8, 5), at(TODAY, 11, 50), woodwork_trainer)
    log(young, table_order, at(TODAY, 13, 30), at(TODAY, 14, 1), woodwork_trainer)
    total = WorkLog.objects.aggregate(total=Sum(DURATION))["total"]
    assert total == dt.timedelta(hours=4, minutes=16)
    assert balance.balances([young.pk], TODAY, TODAY)[young.pk].production == Fraction(256, 60)
