"""Saving time: the same checks on team entry, single edits and the roll call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from orders.models import Order
from tests.training.conftest import TODAY, at, log, session
from training import recording, timeguard
from training.models import Attendance, ClosedPeriod, Override, WorkLog

pytestmark = pytest.mark.django_db
MORNING = (dt.time(8, 30), dt.time(12))


def team(order, students, by, start=MORNING[0], end=MORNING[1], day=TODAY, reason=""):
    return recording.save_team_entry(
        order=order,
        day=day,
        start=start,
        end=end,
        students=students,
        task="Débit",
        by=by,
        override_reason=reason,
    )


def test_a_team_entry_logs_every_ticked_pupil(young, older, table_order, woodwork_trainer):
    logs = team(table_order, [young, older], woodwork_trainer)
    assert {log.student for log in logs} == {young, older}
    assert all(log.duration == dt.timedelta(hours=3, minutes=30) for log in logs)
    assert WorkLog.objects.get(student=young).logged_by == woodwork_trainer


def test_the_first_log_moves_an_accepted_order_into_production(
    young, accepted_order, woodwork_trainer
):
    team(accepted_order, [young], woodwork_trainer)
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.IN_PRODUCTION


def test_no_work_is_logged_on_a_delivered_order(young, table_order, woodwork_trainer):
    table_order.status, table_order.verdict = Order.Status.DELIVERED, Order.Verdict.CONFORMS
    table_order.save()
    with pytest.raises(ValidationError):
        team(table_order, [young], woodwork_trainer)
    assert not WorkLog.objects.exists()


def test_work_is_logged_again_on_an_order_in_rework(young, table_order, woodwork_trainer):
    table_order.deliver(by=woodwork_trainer, verdict="does_not_conform", rework="Pied bancal")
    team(table_order, [young], woodwork_trainer)
    table_order.refresh_from_db()
    assert WorkLog.objects.filter(order=table_order).count() == 1
    assert table_order.status == Order.Status.REWORK


def test_a_team_entry_with_one_invalid_pupil_saves_nothing(
    young, older, table_order, woodwork_trainer, teacher
):
    session(teacher, at(TODAY, 10), at(TODAY, 11), [older])  # Hugo is in class at 10:00
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young, older], woodwork_trainer)
    assert [v.rule for v in refused.value.violations] == [timeguard.OVERLAP]
    assert "Hugo Bernard" in refused.value.messages[0]
    assert not WorkLog.objects.exists()


def test_a_log_overlapping_a_theory_session_is_refused_even_for_the_director(
    young, table_order, director, teacher
):
    session(teacher, at(TODAY, 11), at(TODAY, 12), [young])
    with pytest.raises(recording.Refused):
        team(table_order, [young], director, reason="Commande urgente")
    assert not WorkLog.objects.exists() and not Override.objects.exists()


def test_a_pupil_absent_from_his_session_is_not_logged_in_that_half_day_even_by_the_director(
    young, table_order, woodwork_trainer, director, teacher
):
    """R9 (issue #26): the theory roll call's absence is recorded (school life listens)
    and no production is logged inside it, with no override; the afternoon is free."""
    session(teacher, at(TODAY, 11), at(TODAY, 12), [young], status=Attendance.Status.ABSENT)
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], woodwork_trainer)
    assert [v.rule for v in refused.value.violations] == [timeguard.ABSENCE]
    assert not refused.value.overridable
    with pytest.raises(recording.Refused):
        team(table_order, [young], director, reason="Commande urgente")
    assert not WorkLog.objects.exists() and not Override.objects.exists()
    assert team(table_order, [young], woodwork_trainer, start=dt.time(14), end=dt.time(16))


def test_marking_a_pupil_present_during_his_work_log_is_refused(
    young, table_order, woodwork_trainer, teacher
):
    log(young, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    s = session(teacher, at(TODAY, 11), at(TODAY, 12), [young], status="absent")
    row = s.attendances.get()
    with pytest.raises(recording.Refused) as refused:
        recording.record_attendance(s, [recording.Call(row, "present")], by=teacher)
    assert refused.value.violations[0].rule == timeguard.OVERLAP
    row.refresh_from_db()
    assert row.status == "absent"


def _fill_gap(pupil, order, by, hours_by_day):
    """Past production without theory: gap = the hours logged (bypasses the checks)."""
    for day, hours in hours_by_day:
        WorkLog.objects.create(
            order=order,
            student=pupil,
            start=at(day, 8),
            end=at(day, 8) + dt.timedelta(hours=hours),
            logged_by=by,
        )


def _twenty_hours_ahead(pupil, order, by):
    days = [TODAY - dt.timedelta(days=n) for n in (7, 8, 9, 10, 13)]  # a past week
    _fill_gap(pupil, order, by, [(d, 4) for d in days])


def test_production_up_to_exactly_the_allowance_is_saved(young, table_order, woodwork_trainer):
    _twenty_hours_ahead(young, table_order, woodwork_trainer)
    team(table_order, [young], woodwork_trainer, start=dt.time(8), end=dt.time(12))
    assert WorkLog.objects.filter(student=young).count() == 6


def test_one_minute_over_the_allowance_is_refused_saying_the_theory_hours_short(
    young, table_order, woodwork_trainer
):
    _twenty_hours_ahead(young, table_order, woodwork_trainer)
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], woodwork_trainer, start=dt.time(8), end=dt.time(12, 1))
    violation = refused.value.violations[0]
    assert violation.rule == timeguard.BALANCE
    assert violation.excess == dt.timedelta(minutes=1)
    assert "Léa Martin" in violation.message
    assert WorkLog.objects.filter(student=young).count() == 5


def test_a_director_overrides_the_balance_with_a_reason_that_is_kept(
    young, table_order, director, woodwork_trainer
):
    _twenty_hours_ahead(young, table_order, woodwork_trainer)
    with pytest.raises(recording.Refused) as refused:
        team(table_order, [young], director, start=dt.time(8), end=dt.time(12, 30))
    assert refused.value.overridable
    [saved] = team(
        table_order, [young], director, start=dt.time(8), end=dt.time(12, 30), reason="Livraison"
    )
    override = Override.objects.get()
    assert (override.student, override.rule, override.reason) == (young, "balance", "Livraison")
    assert override.work_log == saved and override.granted_by == director


def test_a_trainer_cannot_override_even_with_a_reason(young, table_order, woodwork_trainer):
    _twenty_hours_ahead(young, table_order, woodwork_trainer)
    with pytest.raises(recording.Refused):
        team(table_order, [young], woodwork_trainer, end=dt.time(13), reason="Urgent")
    assert not Override.objects.exists()


def test_a_director_cannot_override_a_minors_limit(young, table_order, director):
    """R2 is the law: the director's reason lets nothing through (issue #27)."""
    yesterday = TODAY - dt.timedelta(days=1)
    with pytest.raises(recording.Refused) as refused:
        team(
            table_order,
            [young],
            director,
            day=yesterday,
            start=dt.time(14),
            end=dt.time(20, 30),
            reason="Salon des métiers",
        )
    assert {v.rule for v in refused.value.violations} == {"night", "break"}
    assert not refused.value.overridable
    assert not WorkLog.objects.exists() and not Override.objects.exists()


def test_correcting_a_log_does_not_count_it_twice(young, table_order, woodwork_trainer):
    [saved] = team(table_order, [young], woodwork_trainer, start=dt.time(8), end=dt.time(12))
    saved.end = at(TODAY, 12, 30)
    recording.save_work_log(saved, by=woodwork_trainer)
    saved.refresh_from_db()
    assert saved.duration == dt.timedelta(hours=4, minutes=30)


def test_a_closed_month_refuses_every_change(
    young, table_order, woodwork_trainer, director, teacher
):
    old_day = dt.date(2026, 10, 14)
    existing = log(young, table_order, at(old_day, 8, 30), at(old_day, 12), woodwork_trainer)
    s = session(teacher, at(old_day, 13, 30), at(old_day, 15), [young], status="pending")
    ClosedPeriod.objects.create(month=dt.date(2026, 10, 1), closed_by=director)

    with pytest.raises(ValidationError):
        team(table_order, [young], director, day=old_day, start=dt.time(15, 30), end=dt.time(16))
    existing.task = "changed"
    with pytest.raises(ValidationError):
        recording.save_work_log(existing, by=director)
    with pytest.raises(ValidationError):
        existing.delete()
    moved = WorkLog.objects.get(pk=existing.pk)
    moved.start, moved.end = at(TODAY, 8, 30), at(TODAY, 12)  # out of the closed month
    with pytest.raises(ValidationError):
        recording.save_work_log(moved, by=director)
    with pytest.raises(ValidationError):
        recording.record_attendance(s, [recording.Call(s.attendances.get(), "present")], by=teacher)
    assert WorkLog.objects.get(pk=existing.pk).task == ""
    assert s.attendances.get().status == "pending"
    assert WorkLog.objects.count() == 1
