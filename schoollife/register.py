"""The attendance register (registre d'appel, SPEC.md R9): each pupil's state in each
school half-day, derived here and nowhere else.

Sources, for a half-day: the workshop roll call (`RollCall`, exceptions only), the theory
roll calls of sessions starting in it (training.Attendance) and the work logged over it
(logged work means present). A fixed number of queries for any group and range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from ecoles.models import Policy
from schoollife.days import school_days
from schoollife.models import HALVES, Absence, HalfDay, Mark, RollCall, RollCallMark
from training.models import Attendance, WorkLog, local_bounds

UNKNOWN = "unknown"  # no roll call and no work logged: the register has a hole

# Which state wins when several sources speak about one half-day.
PRECEDENCE = [Mark.AWAY, Mark.LATE, Mark.PRESENT, Mark.ABSENT]


@dataclass
class Cell:
    state: str = UNKNOWN
    late_minutes: int = 0
    activity: str = ""
    absence_id: int | None = None
    justified: bool = False
    marks: set = field(default_factory=set)

    @property
    def unjustified(self) -> bool:
        return self.state == Mark.ABSENT and not self.justified

    @property
    def letter(self) -> str:
        """The register's grid: P present, R late (retard), A absent, S school activity."""
        return {Mark.PRESENT: "P", Mark.LATE: "R", Mark.ABSENT: "A", Mark.AWAY: "S"}.get(
            self.state, "?"
        )


def half_of(moment: dt.datetime, policy: Policy) -> str:
    local = timezone.localtime(moment).time()
    return HalfDay.MORNING if local < policy.afternoon_start else HalfDay.AFTERNOON


def half_span(day: dt.date, half: str, policy: Policy) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    if half == HalfDay.MORNING:
        start, end = policy.morning_start, policy.morning_end
    else:
        start, end = policy.afternoon_start, policy.afternoon_end
    return (
        dt.datetime.combine(day, start, tzinfo=tz),
        dt.datetime.combine(day, end, tzinfo=tz),
    )


def expected(student, day: dt.date) -> bool:
    """On the school's books that day: entered, not yet left, not an applicant."""
    if student.status == "applicant" or student.entry_date > day:
        return False
    return student.left_on is None or student.left_on >= day


def build(
    students, start: dt.date, end: dt.date, policy: Policy | None = None
) -> dict[tuple[int, dt.date, str], Cell]:
    """Each expected pupil's cell for each school half-day from `start` to `end`."""
    policy = policy or Policy.load()
    students = list(students)
    ids = [s.pk for s in students]
    workshops = {s.workshop_id for s in students}
    lo, hi = local_bounds(start, end)

    calls = {
        (r["workshop_id"], r["day"], r["half"])
        for r in RollCall.objects.filter(
            workshop_id__in=workshops, day__gte=start, day__lte=end
        ).values("workshop_id", "day", "half")
    }
    marks = {
        (m["student_id"], m["roll_call__day"], m["roll_call__half"]): m
        for m in RollCallMark.objects.filter(
            student_id__in=ids, roll_call__day__gte=start, roll_call__day__lte=end
        ).values(
            "student_id", "roll_call__day", "roll_call__half", "status", "late_minutes", "activity"
        )
    }
    theory: dict[tuple[int, dt.date, str], list[dict]] = defaultdict(list)
    for a in (
        Attendance.objects.filter(student_id__in=ids, session__start__gte=lo, session__start__lt=hi)
        # A cancelled session counts nothing (R8), whatever its roll call said.
        .filter(session__cancelled_at__isnull=True)
        .exclude(status=Attendance.Status.PENDING)
        .values("student_id", "session__start", "status", "late_minutes")
    ):
        start_at = a["session__start"]
        key = (a["student_id"], timezone.localtime(start_at).date(), half_of(start_at, policy))
        theory[key].append(a)
    worked: set[tuple[int, dt.date, str]] = set()
    for w in WorkLog.objects.filter(student_id__in=ids, start__gte=lo, start__lt=hi).values(
        "student_id", "start", "end"
    ):
        day = timezone.localtime(w["start"]).date()
        for half in HALVES:
            a, b = half_span(day, half, policy)
            if w["start"] < b and w["end"] > a:
                worked.add((w["student_id"], day, half))
    absences = {
        (a["student_id"], a["day"], a["half"]): a
        for a in Absence.objects.filter(student_id__in=ids, day__gte=start, day__lte=end).values(
            "pk", "student_id", "day", "half", "accepted"
        )
    }

    cells: dict[tuple[int, dt.date, str], Cell] = {}
    for day in school_days(start, end):
        for student in students:
            if not expected(student, day):
                continue
            for half in HALVES:
                key = (student.pk, day, half)
                cell = Cell()
                if (student.workshop_id, day, half) in calls:
                    mark = marks.get(key)
                    if mark is None:
                        # "All present" speaks for the workshop: a pupil at a theory
                        # session that half-day is told by its roll call.
                        if key not in theory:
                            cell.marks.add(Mark.PRESENT)
                    else:
                        cell.marks.add(mark["status"])
                        cell.late_minutes = mark["late_minutes"]
                        cell.activity = mark["activity"]
                for a in theory.get(key, ()):
                    if a["status"] in Attendance.ATTENDED:
                        cell.marks.add(Mark.LATE if a["status"] == "late" else Mark.PRESENT)
                        cell.late_minutes = max(cell.late_minutes, a["late_minutes"])
                    else:
                        cell.marks.add(Mark.ABSENT)
                if key in worked:
                    cell.marks.discard(Mark.ABSENT)
                    if Mark.LATE not in cell.marks:
                        cell.marks.add(Mark.PRESENT)
                for state in PRECEDENCE:
                    if state in cell.marks:
                        cell.state = state
                        break
                if cell.state != Mark.LATE:
                    cell.late_minutes = 0
                absence = absences.get(key)
                if absence:
                    cell.absence_id = absence["pk"]
                    cell.justified = absence["accepted"]
                cells[key] = cell
    return cells


def totals(cells: dict, student_id: int) -> dict[str, int]:
    """A pupil's counts over the cells built: what the register's last columns show."""
    counts = {"present": 0, "late": 0, "absent": 0, "unjustified": 0, "away": 0, "unknown": 0}
    for (sid, _day, _half), cell in cells.items():
        if sid != student_id:
            continue
        counts[cell.state] += 1
        if cell.unjustified:
            counts["unjustified"] += 1
    return counts


def taken(workshop_ids, day: dt.date) -> set[tuple[int, str]]:
    """(workshop, half) whose workshop roll call was taken on `day`."""
    return {
        (r["workshop_id"], r["half"])
        for r in RollCall.objects.filter(workshop_id__in=workshop_ids, day=day).values(
            "workshop_id", "half"
        )
    }
