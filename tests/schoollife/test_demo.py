"""The demo school's school life, as issue #17 asks it to be when done: a calendar, a
timetable, a roll call on every school half-day of its history, absences with reasons and
without, a pupil over the law's 4 half-days this month, one showing early signs of
dropping out, and the year's declaration sent."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from ecoles.models import Closure, Policy
from safety.models import Declaration
from schoollife import declarations, dropout, families, register, threshold
from schoollife.models import Absence, DeclarationSent, FamilyNotice, RollCall
from students.models import Guardian, Student
from tests.training.conftest import at
from training.models import Attendance, SessionPattern, WorkLog, WorkshopSlot

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)  # a Wednesday, in the middle of a month


DEMO_TODAY = TODAY  # the module's demo school is seeded, and its tests run, that day


@pytest.fixture
def demo(demo_school):
    return demo_school


def test_the_demo_school_life_is_what_the_issue_asks_for(demo):
    policy = Policy.load()
    start = policy.school_year_start(TODAY)
    assert Closure.objects.filter(last_day__gte=start).exists()  # the calendar
    assert SessionPattern.objects.exists() and WorkshopSlot.objects.exists()  # the timetable

    # Every school half-day of the history has its state: a roll call or work logged.
    pupils = list(Student.objects.present_during(start, TODAY).select_related("workshop"))
    cells = register.build(pupils, start, TODAY - dt.timedelta(days=1), policy)
    assert len(cells) > 1000
    holes = sorted({(day, half) for (_s, day, half), c in cells.items() if c.state == "unknown"})
    assert holes == []
    assert RollCall.objects.count() > 100

    assert Absence.objects.filter(reason__isnull=False, accepted=True).exists()
    assert Absence.objects.filter(reason__isnull=True).exists()

    law = [a for a in threshold.alerts(TODAY, policy=policy) if a.kind == threshold.LAW]
    assert law and all(a.count >= 4 for a in law)
    assert all(h[0].month == TODAY.month for a in law for h in a.half_days)

    enrolled = Student.objects.enrolled().current().select_related("workshop", "tutor")
    assert any(s.flagged for s in dropout.compute(enrolled, TODAY, policy).values())

    # The families of unreported absences were told: mailed, or called by the office,
    # which still has calls to make.
    told = FamilyNotice.objects.filter(status="sent")
    assert told.filter(channel="email").exists() and told.filter(channel="phone").exists()
    assert list(families.calls_to_make())

    # R131-3: the declarations' place of birth and guardians' profession are filled.
    current = Student.objects.enrolled().current()
    assert current.exists() and not current.filter(birth_place="").exists()
    assert not Guardian.objects.filter(student__in=current, profession="").exists()

    # R4153-40 1°: each declaration of derogation gives its risk assessment's date.
    assert Declaration.objects.exists()
    assert not Declaration.objects.filter(risk_assessed_on__isnull=True).exists()

    year = declarations.year_declaration(TODAY, policy)
    assert year.on_time and not year.due
    assert DeclarationSent.objects.filter(kind="month", period=dt.date(2026, 10, 1)).exists()

    # Seeding again adds nothing.
    counts = (RollCall.objects.count(), Absence.objects.count(), DeclarationSent.objects.count())
    with time_machine.travel(at(TODAY, 10), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        RollCall.objects.count(),
        Absence.objects.count(),
        DeclarationSent.objects.count(),
    )


def test_the_demo_obeys_one_truth_of_presence(demo):
    """Issue #26: no pupil of the demo has work logged inside a half-day he is recorded
    absent in, nor works or is expected at a lesson before his entry or after leaving
    (Zoé Legrand left on 20/10/2025 and had hours to this day); found by query, not by
    name."""
    policy = Policy.load()
    after_leaving = WorkLog.objects.filter(
        student__left_on__isnull=False, start__date__gt=F("student__left_on")
    ) | WorkLog.objects.filter(start__date__lt=F("student__entry_date"))
    assert list(after_leaving.values_list("student__last_name", "start")) == []
    lessons = Attendance.objects.filter(
        student__left_on__isnull=False, session__start__date__gt=F("student__left_on")
    )
    assert list(lessons.values_list("student__last_name", "session__start")) == []

    absences = list(Absence.objects.values_list("student_id", "day", "half"))
    assert absences
    spans = defaultdict(list)
    for student_id, day, half in absences:
        spans[(student_id, day)].append(register.half_span(day, half, policy))
    logs = WorkLog.objects.filter(
        student_id__in={a[0] for a in absences}, start__date__in={a[1] for a in absences}
    ).values_list("student_id", "start", "end")
    inside = [
        (student_id, start)
        for student_id, start, end in logs
        for a, b in spans.get((student_id, timezone.localtime(start).date()), [])
        if start < b and a < end
    ]
    assert inside == []
