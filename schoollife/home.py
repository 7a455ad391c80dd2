"""What school life adds to the role home pages: a fixed number of queries each."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from ecoles.models import Policy, Workshop
from schoollife import declarations, dropout, families, register, threshold
from schoollife.days import is_school_day
from schoollife.models import HALVES, Absence, HalfDay, RollCall
from schoollife.register import half_span
from students.models import Student
from training.models import Attendance, local_bounds

SHOWN = 6


def missing_roll_calls(workshops, today: dt.date, policy: Policy) -> list[tuple]:
    """Today's half-days already begun whose workshop roll call is not taken; a half-day
    spent in theory by the whole workshop is the teacher's roll call, not his."""
    if not is_school_day(today):
        return []
    workshops = list(workshops)
    now = timezone.now()
    begun = [h for h in HALVES if half_span(today, h, policy)[0] <= now]
    taken = set(
        RollCall.objects.filter(workshop__in=workshops, day=today).values_list(
            "workshop_id", "half"
        )
    )
    lo, hi = local_bounds(today, today)
    in_theory: dict[tuple[int, str], set] = {}
    # A cancelled session frees its pupils (R8): they are back in the workshop.
    for a in Attendance.objects.filter(
        student__workshop__in=workshops,
        session__start__gte=lo,
        session__start__lt=hi,
        session__cancelled_at__isnull=True,
    ).values("student_id", "student__workshop_id", "session__start"):
        local = timezone.localtime(a["session__start"]).time()
        half = HalfDay.MORNING if local < policy.afternoon_start else HalfDay.AFTERNOON
        in_theory.setdefault((a["student__workshop_id"], half), set()).add(a["student_id"])
    sizes = dict(
        Student.objects.enrolled()
        .filter(workshop__in=workshops)
        .values_list("workshop")
        .annotate(n=Count("pk"))
        .values_list("workshop", "n")
    )
    missing = []
    for w in workshops:
        for half in begun:
            if (w.pk, half) in taken:
                continue
            if sizes.get(w.pk) and len(in_theory.get((w.pk, half), ())) >= sizes[w.pk]:
                continue
            missing.append((w, half, HalfDay(half).label))
    return missing


def _flagged(pupils, today, policy, cells=None) -> list:
    signals = dropout.compute(pupils, today, policy, cells)
    return [s for s in signals.values() if s.flagged and not s.handled_on]


def for_role(key: str, user, today: dt.date) -> dict:
    return {"role": key, **_for_role(key, user, today)}


def _for_role(key: str, user, today: dt.date) -> dict:
    if key == "trainer":
        policy = Policy.load()
        workshops = Workshop.objects.active().led_by(user)
        tutees = Student.objects.enrolled().current().filter(tutor=user).select_related("workshop")
        return {
            "missing_roll_calls": missing_roll_calls(workshops, today, policy),
            "signals": _flagged(tutees, today, policy)[:SHOWN],
        }
    if key == "director":
        policy = Policy.load()
        # One register for both: the month's threshold and the signals' eight weeks.
        first = min(today.replace(day=1), dropout.window_start(today))
        everyone = list(
            Student.objects.current().present_during(first, today).select_related("workshop")
        )
        cells = register.build(everyone, first, today, policy)
        alerts = [a for a in threshold.alerts(today, everyone, policy, cells) if a.to_do]
        enrolled = [p for p in everyone if p.status == Student.Status.ENROLLED]
        flagged = _flagged(enrolled, today, policy, cells)
        declaration = declarations.year_declaration(today, policy)
        return {
            "alerts": alerts[:SHOWN],
            "alerts_count": len(alerts),
            "signals": flagged[:SHOWN],
            "signals_count": len(flagged),
            "to_decide": Absence.objects.to_decide().count(),
            "calls": families.calls_to_make().count(),
            "declaration": declaration if declaration.due else None,
        }
    if key == "office":
        return {
            "to_decide": Absence.objects.to_decide().count(),
            "unreported_today": Absence.objects.filter(day=today, reported_how="").count(),
            "calls": families.calls_to_make().count(),
        }
    return {}
