"""R2: each minor's rule at its boundary, for a 15-year-old and a 17-year-old (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoles.models import Policy
from students.models import age_on
from tests.training.conftest import at
from training import timeguard
from training.timeguard import Interval, Limits, check

MONDAY = dt.date(2026, 11, 16)
POLICY = Policy()  # the defaults: French rules for workers under 18


def rules(new, existing, age):
    found = check(new, existing, limits=Limits.for_age(POLICY, age), pupil="Léa", student_id=1)
    return {v.rule for v in found}


def iv(day, h1, m1, h2, m2):
    return Interval(at(day, h1, m1), at(day, h2, m2), "x")


def test_age_is_taken_on_the_day_worked():
    assert age_on(dt.date(2010, 11, 18), dt.date(2026, 11, 17)) == 15
    assert age_on(dt.date(2010, 11, 18), dt.date(2026, 11, 18)) == 16


@pytest.mark.parametrize("age", [15, 17])
def test_eight_hours_a_day_pass_and_one_minute_more_is_refused(age):
    morning = [iv(MONDAY, 8, 0, 12, 0)]
    assert timeguard.DAILY not in rules(iv(MONDAY, 13, 0, 17, 0), morning, age)
    assert timeguard.DAILY in rules(iv(MONDAY, 13, 0, 17, 1), morning, age)


@pytest.mark.parametrize("age", [15, 17])
def test_thirty_five_hours_a_week_pass_and_one_minute_more_is_refused(age):
    week = []
    for offset in range(4):  # Monday to Thursday, 7 h each
        day = MONDAY + dt.timedelta(days=offset)
        week += [iv(day, 8, 30, 12, 0), iv(day, 13, 30, 17, 0)]
    friday = MONDAY + dt.timedelta(days=4)
    week.append(iv(friday, 8, 30, 12, 0))
    assert timeguard.WEEKLY not in rules(iv(friday, 13, 30, 17, 0), week, age)
    found = check(iv(friday, 13, 30, 17, 1), week, limits=Limits.for_age(POLICY, age), pupil="Léa")
    weekly = [v for v in found if v.rule == timeguard.WEEKLY]
    assert weekly and weekly[0].excess == dt.timedelta(minutes=1)
    assert "Léa" in weekly[0].message


@pytest.mark.parametrize("age", [15, 17])
def test_four_and_a_half_hours_without_a_break_pass_and_one_minute_more_is_refused(age):
    assert timeguard.BREAK not in rules(iv(MONDAY, 8, 0, 12, 30), [], age)
    assert timeguard.BREAK in rules(iv(MONDAY, 8, 0, 12, 31), [], age)


@pytest.mark.parametrize("age", [15, 17])
def test_a_break_shorter_than_thirty_minutes_does_not_interrupt_work(age):
    morning = [iv(MONDAY, 8, 0, 11, 0)]
    assert timeguard.BREAK in rules(iv(MONDAY, 11, 29, 13, 0), morning, age)
    assert timeguard.BREAK not in rules(iv(MONDAY, 11, 30, 13, 0), morning, age)


def test_a_fifteen_year_old_stops_at_eight_in_the_evening():
    assert timeguard.NIGHT not in rules(iv(MONDAY, 17, 0, 20, 0), [], 15)
    assert timeguard.NIGHT in rules(iv(MONDAY, 17, 0, 20, 1), [], 15)


def test_a_seventeen_year_old_may_work_until_ten_but_not_after():
    assert timeguard.NIGHT not in rules(iv(MONDAY, 19, 0, 22, 0), [], 17)
    assert timeguard.NIGHT in rules(iv(MONDAY, 19, 0, 22, 1), [], 17)


@pytest.mark.parametrize("age", [15, 17])
def test_nobody_under_eighteen_starts_before_six(age):
    assert timeguard.NIGHT not in rules(iv(MONDAY, 6, 0, 8, 0), [], age)
    assert timeguard.NIGHT in rules(iv(MONDAY, 5, 59, 8, 0), [], age)


def test_a_fifteen_year_old_rests_fourteen_hours_between_two_days():
    tuesday = MONDAY + dt.timedelta(days=1)
    evening = [iv(MONDAY, 14, 0, 18, 0)]
    assert timeguard.REST not in rules(iv(tuesday, 8, 0, 12, 0), evening, 15)
    found = check(iv(tuesday, 7, 59, 12, 0), evening, limits=Limits.for_age(POLICY, 15), pupil="L")
    rest = [v for v in found if v.rule == timeguard.REST]
    assert rest and rest[0].excess == dt.timedelta(minutes=1)


def test_a_seventeen_year_old_rests_twelve_hours_between_two_days():
    tuesday = MONDAY + dt.timedelta(days=1)
    evening = [iv(MONDAY, 16, 0, 20, 0)]
    assert timeguard.REST not in rules(iv(tuesday, 8, 0, 12, 0), evening, 17)
    assert timeguard.REST in rules(iv(tuesday, 7, 59, 12, 0), evening, 17)


def test_the_rest_before_the_next_day_counts_too():
    tuesday = MONDAY + dt.timedelta(days=1)
    assert timeguard.REST in rules(iv(MONDAY, 16, 0, 20, 0), [iv(tuesday, 7, 0, 8, 0)], 17)


@pytest.mark.parametrize("age", [15, 17, 18])
def test_two_activities_that_overlap_are_refused_and_cannot_be_overridden(age):
    found = check(
        iv(MONDAY, 10, 0, 12, 0),
        [iv(MONDAY, 8, 30, 10, 1)],
        limits=Limits.for_age(POLICY, age),
        pupil="Léa",
    )
    assert [v.rule for v in found] == [timeguard.OVERLAP]
    assert not found[0].overridable
    assert timeguard.OVERLAP not in rules(iv(MONDAY, 10, 1, 12, 0), [iv(MONDAY, 8, 30, 10, 1)], age)


def test_adults_are_only_held_to_the_overlap_rule():
    assert rules(iv(MONDAY, 5, 0, 23, 0), [], 18) == set()


def test_the_refusal_agrees_with_the_pupil_and_writes_hours_one_way():
    """Issue #16: "Nina Bernard serait occupée 8 h 01", not "occupé" nor "8:01" or "481 min"."""
    from django.utils import translation

    day = [iv(MONDAY, 8, 0, 12, 0)]
    with translation.override("fr"):
        girl = check(iv(MONDAY, 13, 0, 17, 1), day, limits=Limits.for_age(POLICY, 16),
                     pupil="Nina Bernard", sex="F")  # fmt: skip
        boy = check(iv(MONDAY, 13, 0, 17, 1), day, limits=Limits.for_age(POLICY, 16),
                    pupil="Hugo Martin", sex="M")  # fmt: skip
    assert "Nina Bernard serait occupée 8\u00a0h\u00a001" in girl[0].message
    assert "Hugo Martin serait occupé 8\u00a0h\u00a001" in boy[0].message
    assert "0\u00a0h\u00a001 au-delà de 8\u00a0h par jour" in girl[0].message
