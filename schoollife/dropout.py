"""Early signs of dropping out (décrochage, SPEC.md R9): per pupil, over the last four
weeks against the four before, the signals the tutor and the director watch together.
A pupil over the policy's thresholds shows on their homes until something done is
recorded (a follow-up note dated since the signals' window opened)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from ecoles.models import Policy
from schoollife import register
from schoollife.days import school_days
from schoollife.models import HALVES, Mark
from students.models import FollowUpNote
from training.models import Attendance

WINDOW = dt.timedelta(days=28)


@dataclass
class Signals:
    student: object
    unjustified: int = 0
    unjustified_before: int = 0
    late: int = 0
    days_since_present: int = 0
    consecutive: int = 0
    theory_rate: int | None = None
    theory_rate_before: int | None = None
    production_holds: bool = True
    reasons: list[str] = field(default_factory=list)
    handled_on: dt.date | None = None

    @property
    def trend(self) -> int:
        return self.unjustified - self.unjustified_before

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def _theory_rates(ids, start: dt.date, middle: dt.date, end: dt.date) -> dict[int, tuple]:
    attended = Q(status__in=Attendance.ATTENDED)
    taken = ~Q(status=Attendance.Status.PENDING)
    rows = (
        Attendance.objects.filter(student_id__in=ids)
        .between(start, end)
        .values("student_id")
        .annotate(
            before=Count("pk", filter=taken & Q(session__start__date__lt=middle)),
            before_ok=Count("pk", filter=attended & Q(session__start__date__lt=middle)),
            now=Count("pk", filter=taken & Q(session__start__date__gte=middle)),
            now_ok=Count("pk", filter=attended & Q(session__start__date__gte=middle)),
        )
    )
    rate = lambda ok, n: round(100 * ok / n) if n else None  # noqa: E731
    return {
        r["student_id"]: (rate(r["now_ok"], r["now"]), rate(r["before_ok"], r["before"]))
        for r in rows
    }


def window_start(today: dt.date) -> dt.date:
    return today - 2 * WINDOW + dt.timedelta(days=1)


def compute(
    students, today: dt.date, policy: Policy | None = None, cells: dict | None = None
) -> dict[int, Signals]:
    """`cells`: the register already built from `window_start(today)` (a home page shares
    it with the law's threshold)."""
    policy = policy or Policy.load()
    students = list(students)
    ids = [s.pk for s in students]
    middle = today - WINDOW + dt.timedelta(days=1)
    start = window_start(today)
    if cells is None:
        cells = register.build(students, start, today, policy)
    theory = _theory_rates(ids, start, middle, today)
    notes = dict(
        FollowUpNote.objects.filter(student_id__in=ids, date__gte=middle)
        .values("student_id")
        .annotate(last=Max("date"))
        .values_list("student_id", "last")
    )
    days = school_days(start, today)
    result = {}
    for student in students:
        s = Signals(student)
        last_present = None
        streak = 0
        worked_now = worked_before = 0
        for day in days:
            for half in HALVES:
                cell = cells.get((student.pk, day, half))
                if cell is None or cell.state == register.UNKNOWN:
                    continue
                recent = day >= middle
                if cell.unjustified:
                    if recent:
                        s.unjustified += 1
                    else:
                        s.unjustified_before += 1
                if recent and cell.state == Mark.LATE:
                    s.late += 1
                if cell.state == Mark.ABSENT:
                    streak += 1
                else:
                    streak = 0
                if cell.state in (Mark.PRESENT, Mark.LATE, Mark.AWAY):
                    last_present = day
                    if recent:
                        worked_now += 1
                    else:
                        worked_before += 1
        s.consecutive = streak
        if last_present is not None:
            s.days_since_present = len([d for d in days if d > last_present])
        elif worked_now + worked_before == 0 and (s.unjustified or s.unjustified_before):
            # Only absences on record: absent since the window opened (or his entry). A
            # pupil with no roll call at all is unknown, not absent.
            s.days_since_present = len([d for d in days if d >= student.entry_date])
        s.theory_rate, s.theory_rate_before = theory.get(student.pk, (None, None))
        s.production_holds = worked_now >= worked_before * 0.8
        if s.unjustified >= policy.dropout_unjustified_half_days:
            s.reasons.append("unjustified")
        if s.late >= policy.dropout_late_arrivals:
            s.reasons.append("late")
        # Not seen: his absences recorded lately, not merely no roll call taken at all.
        if s.days_since_present >= policy.dropout_days_since_present and s.unjustified:
            s.reasons.append("not_seen")
        if s.consecutive >= policy.dropout_consecutive_half_days:
            s.reasons.append("consecutive")
        if (
            s.theory_rate is not None
            and s.theory_rate_before is not None
            and s.theory_rate_before - s.theory_rate >= policy.dropout_theory_drop_points
            and s.production_holds
        ):
            s.reasons.append("theory")
        s.handled_on = notes.get(student.pk)
        result[student.pk] = s
    return result


REASONS = {
    "unjustified": _("unjustified half-days"),
    "late": _("late arrivals"),
    "not_seen": _("not seen for several school days"),
    "consecutive": _("consecutive absences"),
    "theory": _("theory attendance falling while production holds"),
}
