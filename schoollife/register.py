"""The attendance register (registre d'appel, SPEC.md R9): each pupil's state in each
school half-day, derived here and nowhere else (the register's page and PDF, the law's
threshold, the dropping-out signals, the indicators and the roll call's absences read it).

Presence is what was recorded, never a default. For a half-day, in this precedence:

1. an absence recorded for it (`Absence`: the office, the family, a roll call) — absent;
2. else the roll call of the half-day the timetable expected him at: the theory roll call
   of a session he was expected at (training.Attendance, the same notion as
   `training.timetable.expected_place`), else the workshop roll call that called him
   (`RollCall.called`; it stores only the exceptions, "all present" speaks for the others);
   late and present in one half-day read late;
3. else work logged over it, only then: present, *from the work logged* (its own letter);
4. else not recorded (`UNKNOWN`).

Half-days before the pupil's entry or after his leaving have no cell (blank). A fixed
number of queries for any group and range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ecoles.models import Policy
from schoollife.days import school_days
from schoollife.models import HALVES, Absence, HalfDay, Mark, RollCall, RollCallMark
from training.models import Attendance, WorkLog, local_bounds
from training.timeguard import Interval

UNKNOWN = "unknown"  # nothing recorded: the register says so, never "present"

# Which state wins when several roll calls speak about one half-day (an absence recorded
# for it has already won): away, then late over present (R9), then present over absent.
PRECEDENCE = [Mark.AWAY, Mark.LATE, Mark.PRESENT, Mark.ABSENT]


@dataclass
class Cell:
    state: str = UNKNOWN
    late_minutes: int = 0
    activity: str = ""
    absence_id: int | None = None
    justified: bool = False
    from_work: bool = False  # present from the work logged: no roll call, no absence
    marks: set = field(default_factory=set)

    @property
    def unjustified(self) -> bool:
        return self.state == Mark.ABSENT and not self.justified

    @property
    def letter(self) -> str:
        """The register's grid: P present, T present from the work logged (travail), R late
        (retard), A absent, S school activity, ? not recorded."""
        if self.from_work:
            return "T"
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
    students,
    start: dt.date,
    end: dt.date,
    policy: Policy | None = None,
    *,
    with_absences: bool = True,
) -> dict[tuple[int, dt.date, str], Cell]:
    """Each expected pupil's cell for each school half-day from `start` to `end`;
    `with_absences` False: what the roll calls and the work logged say alone (the roll
    calls' listeners decide from it whether an absence is to be recorded)."""
    policy = policy or Policy.load()
    students = list(students)
    ids = [s.pk for s in students]
    lo, hi = local_bounds(start, end)

    called = {
        (c["student_id"], c["rollcall__day"], c["rollcall__half"])
        for c in RollCall.called.through.objects.filter(
            student_id__in=ids, rollcall__day__gte=start, rollcall__day__lte=end
        ).values("student_id", "rollcall__day", "rollcall__half")
    }
    marks = {
        (m["student_id"], m["roll_call__day"], m["roll_call__half"]): m
        for m in RollCallMark.objects.filter(
            student_id__in=ids, roll_call__day__gte=start, roll_call__day__lte=end
        ).values(
            "student_id", "roll_call__day", "roll_call__half", "status", "late_minutes", "activity"
        )
    }
    # Where the timetable expected him: a theory session of that half-day (called or not).
    at_theory: set[tuple[int, dt.date, str]] = set()
    theory: dict[tuple[int, dt.date, str], list[dict]] = defaultdict(list)
    for a in (
        Attendance.objects.filter(student_id__in=ids, session__start__gte=lo, session__start__lt=hi)
        # A cancelled session counts nothing (R8), whatever its roll call said.
        .filter(session__cancelled_at__isnull=True)
        .values("student_id", "session__start", "status", "late_minutes")
    ):
        start_at = a["session__start"]
        key = (a["student_id"], timezone.localtime(start_at).date(), half_of(start_at, policy))
        at_theory.add(key)
        if a["status"] != Attendance.Status.PENDING:
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
    absences = {}
    if with_absences:
        absences = {
            (a["student_id"], a["day"], a["half"]): a
            for a in Absence.objects.filter(
                student_id__in=ids, day__gte=start, day__lte=end
            ).values("pk", "student_id", "day", "half", "accepted")
        }

    cells: dict[tuple[int, dt.date, str], Cell] = {}
    for day in school_days(start, end):
        for student in students:
            if not expected(student, day):
                continue
            for half in HALVES:
                key = (student.pk, day, half)
                cells[key] = _cell(key, absences, marks, called, at_theory, theory, worked)
    return cells


def _cell(key, absences, marks, called, at_theory, theory, worked) -> Cell:
    """One half-day, in R9's precedence (the module's docstring)."""
    cell = Cell()
    absence = absences.get(key)
    if absence:
        cell.state, cell.absence_id = Mark.ABSENT, absence["pk"]
        cell.justified = absence["accepted"]
        return cell
    mark = marks.get(key)
    if mark is not None:
        cell.marks.add(mark["status"])
        cell.late_minutes = mark["late_minutes"]
        cell.activity = mark["activity"]
    elif key in called and key not in at_theory:
        # "All present" speaks for the pupils it called and the timetable sent to the
        # workshop; one expected at a theory session is told by that session's roll call.
        cell.marks.add(Mark.PRESENT)
    for a in theory.get(key, ()):
        if a["status"] in Attendance.ATTENDED:
            cell.marks.add(Mark.LATE if a["status"] == "late" else Mark.PRESENT)
            cell.late_minutes = max(cell.late_minutes, a["late_minutes"])
        else:
            cell.marks.add(Mark.ABSENT)
    for state in PRECEDENCE:
        if state in cell.marks:
            cell.state = state
            break
    else:
        if key in worked:
            cell.state, cell.from_work = Mark.PRESENT, True
    if cell.state != Mark.LATE:
        cell.late_minutes = 0
    return cell


def totals(cells: dict, student_id: int) -> dict[str, int]:
    """A pupil's counts over the cells built: what the register's last columns show."""
    counts = {
        "present": 0,
        "from_work": 0,
        "late": 0,
        "absent": 0,
        "unjustified": 0,
        "away": 0,
        "unknown": 0,
    }
    for (sid, _day, _half), cell in cells.items():
        if sid != student_id:
            continue
        counts["from_work" if cell.from_work else cell.state] += 1
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


def absent_spans(student_ids, first: dt.date, last: dt.date) -> dict[int, list[Interval]]:
    """{pupil id: [the half-days he is recorded absent in, as spans of time]} from `first`
    to `last`: no production is logged inside them (R9; training.recording asks through
    its hook, registered in `SchoollifeConfig.ready`). One query."""
    policy = Policy.load()
    found: dict[int, list[Interval]] = defaultdict(list)
    for a in (
        Absence.objects.filter(student_id__in=student_ids, day__gte=first, day__lte=last)
        .select_related("reason", "student")
        .order_by("day", "half")
    ):
        begin, finish = half_span(a.day, a.half, policy)
        found[a.student_id].append(Interval(begin, finish, absence_words(a), ref=("absence", a.pk)))
    return found


def absence_words(absence: Absence) -> str:
    """'absent on 07/12/2026, afternoon: Rendez-vous médical' (French agrees with the
    pupil: absente / absent)."""
    words = {
        "day": f"{absence.day:%d/%m/%Y}",
        "half": str(absence.get_half_display()).lower(),
        "reason": absence.reason.name if absence.reason_id else _("no reason given yet"),
    }
    if absence.student.sex == "F":
        return pgettext("a girl", "absent on %(day)s, %(half)s: %(reason)s") % words
    return pgettext("a boy", "absent on %(day)s, %(half)s: %(reason)s") % words
