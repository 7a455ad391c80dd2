"""A roll call not taken shows on its taker's home (SPEC.md R9): the trainer's workshop
roll call for each half-day begun, unless the whole workshop is at a theory session (the
teacher's roll call then), which a cancelled session is not."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from ecoles.models import Policy
from schoollife.home import missing_roll_calls
from tests.schoollife.conftest import TODAY, call
from tests.training.conftest import at, session
from training.models import TheorySession


def missing(workshop):
    return [(w, half) for w, half, _label in missing_roll_calls([workshop], TODAY, Policy.load())]


def test_the_mornings_roll_call_not_taken_shows_and_the_afternoon_not_begun_does_not(
    woodwork, tom, client_for, woodwork_trainer
):
    assert missing(woodwork) == [(woodwork, "am")]
    page = client_for(woodwork_trainer).get(reverse("home")).content.decode()
    assert f'?workshop={woodwork.pk}&half=am">Menuiserie · Matin</a>' in page


def test_taken_it_shows_no_more(woodwork, tom, woodwork_trainer):
    call(woodwork, TODAY, "am", woodwork_trainer)
    assert missing(woodwork) == []


def test_the_whole_workshop_at_theory_is_the_teachers_roll_call(woodwork, tom, zoe, teacher):
    session(teacher, at(TODAY, 8, 30), at(TODAY, 10), [tom, zoe], status="pending")
    assert missing(woodwork) == []


def test_a_cancelled_session_sends_the_pupils_back_to_the_workshops_roll_call(
    woodwork, tom, zoe, teacher
):
    s = session(teacher, at(TODAY, 8, 30), at(TODAY, 10), [tom, zoe], status="pending")
    TheorySession.objects.filter(pk=s.pk).update(
        cancelled_at=at(TODAY, 7), cancel_reason="Professeur absent"
    )
    assert missing(woodwork) == [(woodwork, "am")]


def test_in_the_afternoon_both_half_days_not_taken_show(woodwork, tom):
    with time_machine.travel(at(TODAY, 14), tick=False):
        assert missing(woodwork) == [(woodwork, "am"), (woodwork, "pm")]


def test_nothing_on_a_day_the_school_is_closed(woodwork, tom):
    saturday = TODAY.replace(day=21)
    with time_machine.travel(at(saturday, 10), tick=False):
        assert missing_roll_calls([woodwork], saturday, Policy.load()) == []
