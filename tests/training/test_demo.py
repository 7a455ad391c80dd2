"""The demo's time: logs on the orders in production that day, half-days in two pieces,
and a progress bar while ten years are built."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecoles.calendar import Calendar
from ecoles.models import Closure, OpenedDay
from training.models import TheorySession, WorkLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_school):
    return demo_school


def test_work_is_logged_on_orders_already_started(demo):
    logs = WorkLog.objects.select_related("order")
    assert logs.count() > 1000
    early = [
        log
        for log in logs
        if log.order.start_date and timezone.localtime(log.start).date() < log.order.start_date
    ]
    assert early == []


def test_a_half_day_is_two_pieces_and_no_pupil_is_in_two_places(demo):
    morning = {(timezone.localtime(s.start).time(), timezone.localtime(s.end).time())
               for s in TheorySession.objects.all()}  # fmt: skip
    starts = {start.strftime("%H:%M") for start, _ in morning}
    assert {"08:30", "10:15"} <= starts  # Français, then histoire-géographie
    by_pupil: dict[int, list] = {}
    for log in WorkLog.objects.order_by("student", "start"):
        previous = by_pupil.get(log.student_id)
        assert previous is None or previous.end <= log.start, (previous, log)
        by_pupil[log.student_id] = log


def test_the_long_part_shows_a_progress_bar(demo):
    lines = [line for line in demo.splitlines() if line.startswith("training: weeks [")]
    assert 2 <= len(lines) <= 12  # a line every tenth in a log file, not one a week
    done, total = lines[-1].split("] ")[1].split("/")
    assert done == total and "[" + "#" * 30 + "]" in lines[-1]


def test_the_demo_has_a_calendar_and_nothing_happens_on_a_closed_day(demo):
    days = {timezone.localtime(s).date() for s in WorkLog.objects.values_list("start", flat=True)}
    days |= {
        timezone.localtime(s).date() for s in TheorySession.objects.values_list("start", flat=True)
    }
    assert Closure.objects.filter(kind=Closure.Kind.HOLIDAY).exists()
    assert OpenedDay.objects.exists()
    school_days = Calendar.load(min(days), max(days))
    closed = sorted(day for day in days if not school_days.is_open(day))
    assert closed == []
    assert dt.date(2025, 11, 11) not in days and dt.date(2026, 11, 11) not in days


def test_no_minors_activity_in_the_demo_breaks_a_legal_limit(demo):
    """R2 (issue #27): every minor's log, checked against his other activities of the
    week by the rule the pages use, breaks none of the law's limits."""
    from collections import defaultdict

    from ecoles.models import Policy
    from students.models import Student
    from training import timeguard

    legal = {
        timeguard.DAILY, timeguard.WEEKLY, timeguard.BREAK, timeguard.NIGHT, timeguard.REST,
        timeguard.WEEKLY_REST, timeguard.SUNDAY, timeguard.PUBLIC_HOLIDAY,
    }  # fmt: skip
    policy = Policy.load()
    pupils = {s.pk: s for s in Student.objects.all()}
    logs = list(WorkLog.objects.values_list("pk", "student", "start", "end"))
    first = min(timezone.localtime(s).date() for _pk, _st, s, _e in logs)
    last = max(timezone.localtime(e).date() for _pk, _st, _s, e in logs)
    busy = timeguard.activities(list(pupils), first - dt.timedelta(days=7), last)
    by_week = defaultdict(list)
    for pk, items in busy.items():
        for item in items:
            monday = item.day - dt.timedelta(days=item.day.weekday())
            by_week[(pk, monday)].append(item)
    broken = []
    for pk, student, start, end in logs:
        day = timezone.localtime(start).date()
        age = pupils[student].age_on(day)
        if age >= 18:
            continue
        monday = day - dt.timedelta(days=day.weekday())
        around = [
            i
            for week in (monday - dt.timedelta(days=7), monday, monday + dt.timedelta(days=7))
            for i in by_week[(student, week)]
            if i.ref != ("log", pk) and abs((i.day - day).days) <= 7
        ]
        found = timeguard.check(
            timeguard.Interval(start, end, "", ("log", pk)),
            around,
            limits=timeguard.Limits.for_age(policy, age),
            pupil=str(pupils[student]),
        )
        broken += [(pk, v.message) for v in found if v.rule in legal]
    assert broken == []
