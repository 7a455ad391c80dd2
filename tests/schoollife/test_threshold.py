"""Code de l'éducation L131-8: under 16 on the days concerned, 4 unjustified half-days in
a calendar month; 16-18: the policy's number for the obligation of training."""

from __future__ import annotations

import datetime as dt

from schoollife import threshold
from schoollife.models import Absence
from tests.schoollife.conftest import TODAY, absent
from tests.training.conftest import make_pupil

NOV = [dt.date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9)]  # weekdays


def kinds(month=TODAY):
    return {(a.student.first_name, a.kind, a.count) for a in threshold.alerts(month)}


def test_three_unjustified_half_days_raise_nothing_and_four_raise_the_law_alert(
    tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV[:3], woodwork_trainer)
    assert kinds() == set()
    absent(woodwork, tom, NOV[3:4], woodwork_trainer)
    assert kinds() == {("Tom", "law", 4)}


def test_accepted_absences_do_not_count(tom, woodwork, woodwork_trainer, illness):
    absent(woodwork, tom, NOV[:4], woodwork_trainer, reason=illness)
    Absence.objects.filter(day=NOV[0]).update(accepted=True)
    assert kinds() == set()


def test_the_month_is_a_calendar_month(tom, woodwork, woodwork_trainer):
    absent(woodwork, tom, [dt.date(2026, 10, 29), dt.date(2026, 10, 30)], woodwork_trainer)
    absent(woodwork, tom, NOV[:2], woodwork_trainer)
    assert kinds() == set()
    assert kinds(dt.date(2026, 10, 1)) == set()


def test_a_16th_birthday_within_the_month_counts_only_the_half_days_before_it(
    woodwork, woodwork_trainer, policy
):
    # 16 on Thursday 5 November: the 2nd, 3rd and 4th count under the law, the 5th and 6th
    # under the obligation of training.
    ines = make_pupil(woodwork, "Inès", "Roux", dt.date(2010, 11, 5))
    absent(woodwork, ines, NOV[:5], woodwork_trainer)
    assert kinds() == set()
    policy.training_obligation_half_days = 2
    policy.save()
    assert kinds() == {("Inès", "obligation", 2)}
    born_a_day_later = make_pupil(woodwork, "Jade", "Roux", dt.date(2010, 11, 6))
    absent(woodwork, born_a_day_later, NOV[:5], woodwork_trainer)
    assert ("Jade", "law", 4) in kinds()


def test_the_obligation_alert_follows_the_policy(woodwork, woodwork_trainer, policy):
    older = make_pupil(woodwork, "Léo", "Blanc", dt.date(2009, 1, 1))
    absent(woodwork, older, NOV[:4], woodwork_trainer)
    assert kinds() == {("Léo", "obligation", 4)}
    policy.training_obligation_half_days = 5
    policy.save()
    assert kinds() == set()
