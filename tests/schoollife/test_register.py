"""The register's half-day state, derived in one place (schoollife/register.py)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecoles.models import Closure, OpenedDay
from schoollife import register, rollcall
from schoollife.models import Absence
from tests.schoollife.conftest import TODAY, absent, call
from tests.training.conftest import at, log, make_pupil, session

MONDAY = TODAY - dt.timedelta(days=2)


def cell(pupil, day=MONDAY, half="am"):
    return register.build([pupil], day, day)[(pupil.pk, day, half)]


def test_a_pupil_is_present_when_the_workshop_roll_call_was_taken_without_him_as_exception(
    tom, woodwork, woodwork_trainer
):
    call(woodwork, MONDAY, "am", woodwork_trainer)
    assert cell(tom).state == "present"
    assert cell(tom, half="pm").state == register.UNKNOWN  # no roll call, no work


def test_the_exceptions_of_the_roll_call_are_absent_late_and_away(
    tom, zoe, woodwork, woodwork_trainer
):
    call(woodwork, MONDAY, "am", woodwork_trainer, [(tom, "late", 15), (zoe, "away", "exam")])
    assert (cell(tom).state, cell(tom).late_minutes) == ("late", 15)
    assert (cell(zoe).state, cell(zoe).activity) == ("away", "exam")


def test_work_logged_never_takes_back_a_recorded_absence(tom, woodwork, woodwork_trainer, table):
    """R9: the absence recorded for the half-day comes first; work found in it (written
    before the rule, or by hand in the database) does not turn him present."""
    absent(woodwork, tom, [MONDAY], woodwork_trainer)
    assert cell(tom).unjustified
    log(tom, table, at(MONDAY, 9), at(MONDAY, 11), woodwork_trainer)
    assert cell(tom).state == "absent" and cell(tom).unjustified
    assert not cell(tom).from_work


def test_work_in_the_afternoon_says_nothing_of_the_morning(tom, woodwork_trainer, table):
    log(tom, table, at(MONDAY, 14), at(MONDAY, 16), woodwork_trainer)
    assert cell(tom, half="pm").state == "present"
    assert cell(tom, half="am").state == register.UNKNOWN


def test_the_theory_roll_call_counts_for_its_half_day(tom, zoe, teacher):
    session(teacher, at(MONDAY, 8, 30), at(MONDAY, 10), [tom], status="absent")
    session(teacher, at(MONDAY, 13, 30), at(MONDAY, 15), [zoe], status="late")
    assert cell(tom).state == "absent"
    assert cell(zoe, half="pm").state == "late"


def test_the_workshops_all_present_does_not_cover_a_pupil_absent_from_his_theory_session(
    tom, zoe, woodwork, woodwork_trainer, teacher
):
    """The trainer's "tous présents" speaks for those at the workshop: a pupil the
    timetable sent to a theory session that half-day is told by its roll call."""
    session(teacher, at(MONDAY, 8, 30), at(MONDAY, 10), [tom], status="absent")
    rc = call(woodwork, MONDAY, "am", woodwork_trainer)
    assert cell(tom).state == "absent"
    assert cell(zoe).state == "present"
    # What the trainer marks himself, explicitly, counts: Tom came late to the workshop
    # after, and the theory's absence nobody had worked on is taken back.
    rollcall.take(woodwork, MONDAY, "am", {tom.pk: rollcall.Exception_("late", 90)},
                  woodwork_trainer, [tom, zoe])  # fmt: skip
    assert rc.marks.get().status == "late"
    assert cell(tom).state == "late" and cell(tom).late_minutes == 90


def test_a_theory_roll_call_not_taken_yet_says_nothing(tom, teacher):
    session(teacher, at(MONDAY, 8, 30), at(MONDAY, 10), [tom], status="pending")
    assert cell(tom).state == register.UNKNOWN


def test_an_accepted_absence_is_justified_and_one_not_accepted_is_not(
    tom, woodwork, woodwork_trainer, illness
):
    absent(woodwork, tom, [MONDAY], woodwork_trainer, reason=illness)
    assert cell(tom).unjustified
    Absence.objects.filter(student=tom).update(accepted=True)
    assert cell(tom).justified and not cell(tom).unjustified


def test_no_cell_before_entry_after_leaving_or_on_a_weekend(woodwork, woodwork_trainer):
    late_comer = make_pupil(woodwork, "Ana", "Neuve", dt.date(2010, 1, 1), entry_date=TODAY)
    cells = register.build([late_comer], MONDAY, TODAY)
    assert {k[1] for k in cells} == {TODAY}
    saturday = dt.date(2026, 11, 14)
    assert register.build([late_comer], saturday, saturday + dt.timedelta(days=1)) == {}


def test_the_register_costs_the_same_queries_for_a_day_and_a_month(
    tom, zoe, woodwork, woodwork_trainer, table, teacher
):
    def count(days):
        with CaptureQueriesContext(connection) as ctx:
            register.build([tom, zoe], TODAY - dt.timedelta(days=days), TODAY)
        return len(ctx)

    count(0)  # the policy is created on first use
    small = count(0)
    for d in range(1, 20):
        day = TODAY - dt.timedelta(days=d)
        call(woodwork, day, "am", woodwork_trainer, [(zoe, "absent")])
        log(tom, table, at(day, 14), at(day, 16), woodwork_trainer)
        session(teacher, at(day, 8, 30), at(day, 9, 30), [tom, zoe])
    assert count(30) == small


def test_a_cancelled_sessions_roll_call_counts_nothing(tom, teacher):
    absent_at_theory = session(teacher, at(MONDAY, 8, 30), at(MONDAY, 10), [tom], status="absent")
    assert cell(tom).state == "absent"
    absent_at_theory.cancelled_at = at(MONDAY, 7)
    absent_at_theory.cancel_reason = "Professeur malade"
    absent_at_theory.save()
    assert cell(tom).state == register.UNKNOWN


def test_a_public_holiday_and_the_holidays_have_no_half_days(woodwork, woodwork_trainer, tom):
    armistice = dt.date(2026, 11, 11)
    assert register.build([tom], armistice, armistice) == {}
    Closure.objects.create(
        kind=Closure.Kind.HOLIDAY,
        name="Vacances d'automne",
        first_day=MONDAY,
        last_day=MONDAY,
    )
    assert register.build([tom], MONDAY, MONDAY) == {}
    OpenedDay.objects.create(day=MONDAY, reason="Marché de Noël", opened_by=woodwork_trainer)
    assert (tom.pk, MONDAY, "am") in register.build([tom], MONDAY, MONDAY)
