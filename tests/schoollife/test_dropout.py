"""Early signs of dropping out (schoollife/dropout.py), and the follow-up that answers."""

from __future__ import annotations

import datetime as dt

from schoollife import dropout
from schoollife.days import school_days
from students.models import FollowUpNote
from tests.schoollife.conftest import TODAY, absent, call
from tests.training.conftest import session


def signals(pupil):
    return dropout.compute([pupil], TODAY)[pupil.pk]


def test_a_regular_pupil_shows_no_signal(tom, woodwork, woodwork_trainer):
    for day in school_days(TODAY - dt.timedelta(days=50), TODAY):
        call(woodwork, day, "am", woodwork_trainer)
    s = signals(tom)
    assert not s.flagged and s.days_since_present == 0


def test_absences_in_a_row_raise_the_signals_with_their_reasons(
    tom, woodwork, woodwork_trainer, policy
):
    days = school_days(TODAY - dt.timedelta(days=50), TODAY)
    for day in days[:-2]:
        call(woodwork, day, "am", woodwork_trainer)
    absent(woodwork, tom, days[-2:], woodwork_trainer)
    s = signals(tom)
    assert (s.unjustified, s.consecutive, s.days_since_present) == (2, 2, 2)
    assert not s.flagged
    policy.dropout_unjustified_half_days = 2
    policy.dropout_consecutive_half_days = 2
    policy.dropout_days_since_present = 2
    policy.save()
    assert set(signals(tom).reasons) == {"unjustified", "consecutive", "not_seen"}


def test_theory_falling_while_production_holds_is_a_signal(
    tom, woodwork, woodwork_trainer, teacher
):
    days = school_days(TODAY - dt.timedelta(days=55), TODAY)
    for day in days:
        call(woodwork, day, "pm", woodwork_trainer)
    middle = TODAY - dt.timedelta(days=27)
    for day in days:
        # Mondays only: the workshop half-days hold (a public holiday, 11 November, is not
        # a school day and has no session).
        status = "absent" if day >= middle and day.weekday() == 0 else "present"
        start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        session(teacher, start, start + dt.timedelta(hours=1), [tom], status=status)
    s = signals(tom)
    assert s.theory_rate_before == 100 and s.theory_rate <= 80
    assert "theory" in s.reasons


def test_a_follow_up_note_written_since_shows_something_was_done(
    tom, woodwork, woodwork_trainer, policy
):
    policy.dropout_unjustified_half_days = 1
    policy.save()
    absent(woodwork, tom, [TODAY - dt.timedelta(days=1)], woodwork_trainer)
    assert signals(tom).flagged and signals(tom).handled_on is None
    FollowUpNote.objects.create(
        student=tom, date=TODAY - dt.timedelta(days=40), category="family", text="old",
        author=woodwork_trainer,
    )  # fmt: skip
    assert signals(tom).handled_on is None  # before the window: it answers nothing
    FollowUpNote.objects.create(
        student=tom, date=TODAY, category="family", text="Rencontre avec la mère",
        author=woodwork_trainer,
    )  # fmt: skip
    assert signals(tom).handled_on == TODAY
