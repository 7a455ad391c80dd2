"""R2: a minor's working time is the law, not a policy (issue #27 §1).

Night (L3163-1/2), 8 h a day and 35 h a week (L3162-1), 30 minutes of break after
4 h 30 (L3162-3), 12 h / 14 h of daily rest (L3164-1), two consecutive rest days a week
(L3164-2), no work on Sundays (L3132-3) nor public holidays (L3164-6): refused for
everyone, the director included, whatever the reason written and whatever the policy
says; the director's override is left for the school's own rule (R1's allowance).
Boundaries are pure functions; then one test per path (team entry, form, admin, theory).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecoles.models import Policy
from students.models import age_on
from tests.training.conftest import TODAY, at, make_pupil, session
from training import recording, timeguard
from training.models import Attendance, Override, WorkLog
from training.timeguard import Interval, Limits, check

MONDAY = dt.date(2026, 11, 16)
TUESDAY = MONDAY + dt.timedelta(days=1)
SATURDAY = MONDAY + dt.timedelta(days=5)
SUNDAY = MONDAY + dt.timedelta(days=6)
ARMISTICE = dt.date(2026, 11, 11)  # a Wednesday, a public holiday (L3133-1)
LAW = Policy()  # the defaults are the law


def iv(day, h1, m1, h2, m2):
    return Interval(at(day, h1, m1), at(day, h2, m2), "x")


def rules(new, existing=(), age=15, policy=LAW):
    found = check(new, list(existing), limits=Limits.for_age(policy, age), pupil="Léa")
    return {v.rule for v in found}


def workday(day):
    return [iv(day, 8, 30, 12, 0), iv(day, 13, 30, 17, 0)]


# --- pure: each limit at its boundary ---------------------------------------------------


def test_the_day_before_the_sixteenth_birthday_the_night_starts_at_eight():
    born = dt.date(2010, 11, 17)
    eve, birthday = dt.date(2026, 11, 16), dt.date(2026, 11, 17)
    assert age_on(born, eve) == 15 and age_on(born, birthday) == 16
    assert timeguard.NIGHT in rules(iv(eve, 19, 0, 20, 1), age=age_on(born, eve))
    assert timeguard.NIGHT not in rules(iv(birthday, 19, 0, 21, 0), age=age_on(born, birthday))


@pytest.mark.parametrize(("age", "hour"), [(15, 20), (17, 22)])
def test_work_ending_exactly_when_the_night_starts_passes(age, hour):
    day = TUESDAY
    assert timeguard.NIGHT not in rules(iv(day, hour - 2, 0, hour, 0), age=age)
    assert timeguard.NIGHT in rules(iv(day, hour - 2, 0, hour, 1), age=age)
    assert timeguard.NIGHT in rules(iv(day, hour, 0, hour, 30), age=age)


@pytest.mark.parametrize("age", [15, 17])
def test_four_and_a_half_hours_then_a_29_minute_break_is_not_a_break(age):
    morning = [iv(TUESDAY, 7, 30, 12, 0)]  # 4 h 30
    assert timeguard.BREAK in rules(iv(TUESDAY, 12, 29, 13, 0), morning, age)
    assert timeguard.BREAK not in rules(iv(TUESDAY, 12, 30, 13, 0), morning, age)


@pytest.mark.parametrize("age", [15, 17])
def test_the_thirty_fifth_hour_passes_and_the_next_minute_does_not(age):
    week = [i for offset in range(4) for i in workday(MONDAY + dt.timedelta(days=offset))]
    friday = MONDAY + dt.timedelta(days=4)
    week.append(iv(friday, 8, 30, 12, 0))  # 31 h 30
    assert timeguard.WEEKLY not in rules(iv(friday, 13, 30, 17, 0), week, age)
    assert timeguard.WEEKLY in rules(iv(friday, 13, 30, 17, 1), week, age)


@pytest.mark.parametrize("age", [15, 17])
def test_a_minor_never_works_on_a_sunday(age):
    assert timeguard.SUNDAY in rules(iv(SUNDAY, 10, 0, 11, 0), age=age)
    assert timeguard.SUNDAY not in rules(iv(SATURDAY, 10, 0, 11, 0), age=age)


@pytest.mark.parametrize("age", [15, 17])
def test_a_minor_never_works_on_a_public_holiday(age):
    found = check(iv(ARMISTICE, 9, 0, 11, 0), [], limits=Limits.for_age(LAW, age), pupil="Léa")
    holiday = [v for v in found if v.rule == timeguard.PUBLIC_HOLIDAY]
    assert holiday and "11/11/2026" in holiday[0].message
    assert not rules(iv(ARMISTICE + dt.timedelta(days=1), 9, 0, 11, 0), age=age)


@pytest.mark.parametrize("age", [15, 17])
def test_a_saturday_after_a_full_week_leaves_no_two_rest_days(age):
    week = [i for offset in range(5) for i in workday(MONDAY + dt.timedelta(days=offset))]
    assert timeguard.WEEKLY_REST in rules(iv(SATURDAY, 9, 0, 12, 0), week[:-2], age)
    # A week whose Monday and Tuesday were free keeps its two consecutive days.
    short = [i for offset in range(2, 5) for i in workday(MONDAY + dt.timedelta(days=offset))]
    assert timeguard.WEEKLY_REST not in rules(iv(SATURDAY, 9, 0, 12, 0), short, age)


def test_five_days_of_work_keep_saturday_and_sunday_as_rest():
    week = [i for offset in range(4) for i in workday(MONDAY + dt.timedelta(days=offset))]
    friday = MONDAY + dt.timedelta(days=4)
    assert timeguard.WEEKLY_REST not in rules(iv(friday, 8, 30, 12, 0), week)


def test_an_adult_may_work_on_sunday_and_at_night():
    assert not rules(iv(SUNDAY, 20, 0, 23, 0), age=18)


@pytest.mark.parametrize(
    ("field", "looser"),
    [
        ("max_daily_hours", Decimal("12")),
        ("max_weekly_hours", Decimal("40")),
        ("break_after_minutes", 360),
        ("break_minutes", 20),
        ("night_start_under_16", dt.time(23, 30)),
        ("night_end", dt.time(5)),
        ("daily_rest_hours_under_16", 10),
    ],
)
def test_a_looser_policy_never_loosens_the_law(field, looser):
    """A policy saved before the law was enforced, or typed past the form: the law holds."""
    policy = Policy(**{field: looser})
    assert Limits.for_age(policy, 15) == Limits.for_age(LAW, 15)


def test_a_stricter_policy_is_applied():
    policy = Policy(max_daily_hours=Decimal("7"))
    assert timeguard.DAILY in rules(
        iv(TUESDAY, 8, 0, 12, 0), [iv(TUESDAY, 13, 0, 16, 1)], 15, policy
    )


def test_every_legal_limit_is_refused_without_override_and_the_balance_keeps_its_own():
    legal = [
        timeguard.DAILY,
        timeguard.WEEKLY,
        timeguard.BREAK,
        timeguard.NIGHT,
        timeguard.REST,
        timeguard.WEEKLY_REST,
        timeguard.SUNDAY,
        timeguard.PUBLIC_HOLIDAY,
    ]
    assert not any(timeguard.Violation(rule, 1, "").overridable for rule in legal)
    assert timeguard.Violation(timeguard.BALANCE, 1, "").overridable


# --- every path: the director is refused ------------------------------------------------


def test_the_director_cannot_log_a_fifteen_year_old_at_night_for_an_urgent_order(
    young, table_order, director
):
    """Reproduced: 20:30-23:59 with the reason "commande urgente" was saved with overrides
    for night, weekly and rest limits."""
    yesterday = TODAY - dt.timedelta(days=1)
    with pytest.raises(recording.Refused) as refused:
        recording.save_team_entry(
            order=table_order,
            day=yesterday,
            start=dt.time(20, 30),
            end=dt.time(23, 59),
            students=[young],
            task="Débit",
            by=director,
            override_reason="commande urgente",
        )
    assert timeguard.NIGHT in {v.rule for v in refused.value.violations}
    assert not refused.value.overridable
    assert not WorkLog.objects.exists() and not Override.objects.exists()


def test_the_director_cannot_log_a_minor_on_a_sunday_the_calendar_opened(
    young, older, table_order, director, woodwork
):
    from ecoles.models import OpenedDay

    sunday = dt.date(2026, 11, 15)
    OpenedDay.objects.create(day=sunday, reason="Marché de Noël", opened_by=director)
    adult = make_pupil(woodwork, "Marc", "Petit", dt.date(2007, 1, 5))
    with pytest.raises(recording.Refused) as refused:
        recording.save_team_entry(
            order=table_order,
            day=sunday,
            start=dt.time(9),
            end=dt.time(12),
            students=[young, older, adult],
            task="Stand",
            by=director,
            override_reason="Marché",
        )
    refused_pupils = {v.student_id for v in refused.value.violations if v.rule == timeguard.SUNDAY}
    assert refused_pupils == {young.pk, older.pk}
    assert recording.save_team_entry(
        order=table_order,
        day=sunday,
        start=dt.time(9),
        end=dt.time(12),
        students=[adult],
        task="Stand",
        by=director,
    )


def test_the_director_cannot_correct_a_log_past_the_law_with_a_reason(young, table_order, director):
    yesterday = TODAY - dt.timedelta(days=1)
    entry = WorkLog(
        order=table_order,
        student=young,
        start=at(yesterday, 13, 30),
        end=at(yesterday, 22, 0),
        task="Finitions",
    )
    with pytest.raises(recording.Refused) as refused:
        recording.save_work_log(entry, by=director, override_reason="Livraison")
    assert {timeguard.NIGHT, timeguard.DAILY, timeguard.BREAK} <= {
        v.rule for v in refused.value.violations
    }
    assert not WorkLog.objects.exists() and not Override.objects.exists()


def test_the_work_log_form_refuses_the_director_and_offers_no_override(
    client_for, young, table_order, director
):
    from django.urls import reverse

    yesterday = TODAY - dt.timedelta(days=1)
    response = client_for(director).post(
        reverse("training:worklog_add"),
        {
            "order": table_order.pk,
            "student": young.pk,
            "date": yesterday.isoformat(),
            "start_time": "20:30",
            "end_time": "23:59",
            "task": "Débit",
            "override_reason": "commande urgente",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "20:00" in page
    assert "vous pouvez" not in page.lower()
    assert not WorkLog.objects.exists()


def test_the_roll_call_refuses_the_director_a_night_lesson(young, teacher, director):
    yesterday = TODAY - dt.timedelta(days=1)
    lesson = session(teacher, at(yesterday, 19), at(yesterday, 21), [young], status="pending")
    row = lesson.attendances.get()
    with pytest.raises(recording.Refused) as refused:
        recording.record_attendance(
            lesson, [recording.Call(row, "present")], by=director, override_reason="Rattrapage"
        )
    assert not refused.value.overridable
    row.refresh_from_db()
    assert row.status == Attendance.Status.PENDING and not Override.objects.exists()


def test_a_lesson_is_not_planned_at_night_for_a_minor(young, teacher, director):
    with pytest.raises(recording.Refused) as refused:
        recording.plan_session(
            subject="general",
            title="Maths",
            teacher=teacher,
            start=at(TODAY + dt.timedelta(days=1), 19),
            end=at(TODAY + dt.timedelta(days=1), 21),
            audience="picked",
            cohort=None,
            workshop=None,
            students=[young],
            by=director,
        )
    assert {v.rule for v in refused.value.violations} == {timeguard.NIGHT}
