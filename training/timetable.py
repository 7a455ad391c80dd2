"""The yearly timetable (SPEC.md R8): weekly theory patterns that make the year's
sessions on open days, sessions moved or cancelled one by one, the workshops' usual
half-days, and where each pupil is expected on a half-day.

Only sessions not yet held ever change with their pattern: a session that has started,
or that someone moved, edited or cancelled by hand, is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ecoles.calendar import Calendar, monday_of
from ecoles.models import Policy, Workshop
from ecoles.roles import DIRECTOR, OFFICE, TEACHER
from students.models import Student
from training import recording, timeguard
from training.models import (
    Attendance,
    SessionPattern,
    TheorySession,
    WorkshopSlot,
    local_bounds,
    local_day,
)

AM, PM = "am", "pm"


def _may_plan(by, teacher) -> None:
    if not (by.has_role(DIRECTOR) or (by.has_role(TEACHER) and teacher.pk == by.pk)):
        raise PermissionDenied(_("A teacher plans his own sessions only."))


def expected_pupils(pattern: SessionPattern) -> list[Student]:
    """The group a pattern calls: its cohort, its workshop, or its picked pupils (enrolled)."""
    enrolled = Student.objects.enrolled()
    if pattern.audience == TheorySession.Audience.COHORT:
        return list(enrolled.filter(cohort=pattern.cohort).order_by("pk"))
    if pattern.audience == TheorySession.Audience.WORKSHOP:
        return list(enrolled.filter(workshop_id=pattern.workshop_id).order_by("pk"))
    return list(enrolled.filter(pk__in=pattern.students.values("pk")).order_by("pk"))


@dataclass
class Planned:
    """What making a pattern's sessions did: created, and the days left out and why."""

    created: list[TheorySession]
    skipped: list[tuple[dt.date, str]]


def make_sessions(pattern: SessionPattern, *, by, since: dt.date | None = None) -> Planned:
    """Create the pattern's sessions on its open days from `since` (default: today) to its
    last day, one per slot day not already having one; a day when a pupil of the group is
    elsewhere is left out and said (no one is in two places)."""
    tz = timezone.get_current_timezone()
    now = timezone.now()
    since = max(since or timezone.localdate(), pattern.first_day)
    days = pattern.days(since, pattern.last_day)
    if not days:
        return Planned([], [])
    calendar = Calendar.load(days[0], days[-1])
    taken = set(
        TheorySession.objects.filter(pattern=pattern, pattern_day__in=days).values_list(
            "pattern_day", flat=True
        )
    )
    pupils = expected_pupils(pattern)
    skipped: list[tuple[dt.date, str]] = []
    sessions: list[TheorySession] = []
    for day in days:
        start = dt.datetime.combine(day, pattern.start_time, tzinfo=tz)
        if day in taken or start <= now:
            continue
        reason = calendar.closed_reason(day)
        if reason:
            skipped.append((day, reason))
            continue
        sessions.append(
            TheorySession(
                subject=pattern.subject,
                title=pattern.title,
                teacher=pattern.teacher,
                start=start,
                end=dt.datetime.combine(day, pattern.end_time, tzinfo=tz),
                audience=pattern.audience,
                cohort=pattern.cohort,
                workshop_id=pattern.workshop_id,
                pattern=pattern,
                pattern_day=day,
                follows_pattern=True,
            )
        )
    entries = [
        recording.Entry(p, s.start, s.end, s.title, production=False)
        for s in sessions
        for p in pupils
    ]
    busy = {v.day for v in _overlaps(entries)}
    skipped += [(s.pattern_day, _("a pupil of the group is elsewhere")) for s in sessions
                if s.pattern_day in busy]  # fmt: skip
    sessions = [s for s in sessions if s.pattern_day not in busy]
    with transaction.atomic():
        for session in sessions:
            session._history_user = by
        created = bulk_create_with_history(sessions, TheorySession)
        bulk_create_with_history(
            [Attendance(session=s, student=p) for s in created for p in pupils], Attendance
        )
    return Planned(created, sorted(skipped))


def _overlaps(entries: list[recording.Entry]) -> list[timeguard.Violation]:
    """Overlaps only: the other limits are checked at the roll call, as for one session."""
    if not entries:
        return []
    found = []
    by_week: dict[dt.date, list] = defaultdict(list)
    for entry in entries:
        by_week[monday_of(entry.day)].append(entry)
    for group in by_week.values():
        found += [v for v in recording.find_violations(group) if v.rule == timeguard.OVERLAP]
    return found


def save_pattern(pattern: SessionPattern, students: list | None = None, *, by) -> Planned:
    """Create or change a weekly session: its sessions not yet held that still follow it
    are remade from it; those held, moved or cancelled stay as they are."""
    _may_plan(by, pattern.teacher)
    pattern.full_clean()
    with transaction.atomic():
        pattern.save()
        if students is not None:
            pattern.students.set(students)
        future = TheorySession.objects.filter(
            pattern=pattern, follows_pattern=True, start__gt=timezone.now()
        )
        pending = Attendance.objects.filter(session__in=future)
        if pending.exclude(status=Attendance.Status.PENDING).exists():
            raise ValidationError(_("A roll call was already taken in a coming session."))
        pending.delete()
        future.delete()
        return make_sessions(pattern, by=by)


def follow_groups(student: Student) -> None:
    """Sessions follow their group (R8, R9): the pupil's rows in the sessions not yet held
    are those of the groups she is in now (her cohort, her workshop, the picked pupils of
    a weekly session), from her entry date, while she is enrolled. Sessions already held,
    or whose roll call someone has started, are never touched: their rows say who was
    expected on their day. A session hand-picked without a weekly pattern keeps its
    pupils while they are enrolled. A session overlapping one she already has is left
    out (no one is in two places). Called when a pupil is saved (the form, the leaving
    form, the import, the admin) and when a weekly session's picked pupils change."""
    coming = (
        TheorySession.objects.planned()
        .filter(start__gt=timezone.now())
        .exclude(
            pk__in=Attendance.objects.exclude(status=Attendance.Status.PENDING).values("session_id")
        )
    )
    groups = Q(pk__in=[])
    if student.status == Student.Status.ENROLLED:
        groups = Q(audience=TheorySession.Audience.COHORT, cohort=student.cohort) | Q(
            audience=TheorySession.Audience.PICKED, pattern__students=student
        )
        if student.workshop_id:
            groups |= Q(audience=TheorySession.Audience.WORKSHOP, workshop_id=student.workshop_id)
        groups &= Q(start__gte=local_bounds(student.entry_date, student.entry_date)[0])
    wanted = {s.pk: s for s in coming.filter(groups).distinct()}
    rows = list(
        Attendance.objects.filter(student=student, session__start__gt=timezone.now())
        .select_related("session")
        .exclude(session__cancelled_at__isnull=False)
    )
    open_ids = set(coming.filter(pk__in=[r.session_id for r in rows]).values_list("pk", flat=True))
    kept_by_hand = student.status == Student.Status.ENROLLED
    gone = [
        r.pk
        for r in rows
        if r.session_id not in wanted
        and r.status == Attendance.Status.PENDING
        and r.session_id in open_ids
        and not (kept_by_hand and r.session.audience == TheorySession.Audience.PICKED
                 and r.session.pattern_id is None)
    ]  # fmt: skip
    busy = [(r.session.start, r.session.end) for r in rows if r.pk not in gone]
    have = {r.session_id for r in rows}
    added = []
    for session in sorted(wanted.values(), key=lambda s: s.start):
        if session.pk in have:
            continue
        if any(session.start < end and start < session.end for start, end in busy):
            continue
        busy.append((session.start, session.end))
        added.append(Attendance(session=session, student=student))
    if not (gone or added):
        return
    with transaction.atomic():
        Attendance.objects.filter(pk__in=gone).delete()
        bulk_create_with_history(added, Attendance)


def _not_held(session: TheorySession) -> None:
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if session.has_started:
        raise ValidationError(_("This session has already started: it stays as it was held."))


def move_session(
    session: TheorySession,
    *,
    start: dt.datetime,
    end: dt.datetime,
    title: str | None = None,
    teacher=None,
    by,
) -> TheorySession:
    """Move or edit one session not yet held: on an open day, its pupils free then. It no
    longer follows its pattern."""
    _may_plan(by, session.teacher)
    _not_held(session)
    if teacher is not None:
        _may_plan(by, teacher)
        session.teacher = teacher
    if title:
        session.title = title
    session.start, session.end = start, end
    session.full_clean()
    if start <= timezone.now():
        raise ValidationError(_("A session is moved to a time still to come."))
    recording.refuse_closed_days(local_day(start))
    rows = list(session.attendances.select_related("student"))
    entries = [
        recording.Entry(
            r.student, start, end, session.title, production=False, exclude_attendances=[r.pk]
        )
        for r in rows
    ]
    overlaps = [v for v in recording.find_violations(entries) if v.rule == timeguard.OVERLAP]
    if overlaps:
        raise recording.Refused(overlaps)
    session.follows_pattern = False
    session.save()
    return session


def check_cancel_session(session: TheorySession, *, reason: str, by) -> None:
    """Whether `cancel_session` would pass: pure (no write, no lock), for the confirmation
    page; `cancel_session` runs it again on the locked session."""
    if not (by.has_role(DIRECTOR, OFFICE) or by.pk == session.teacher_id):
        raise PermissionDenied(_("Only the session's teacher or the direction cancels it."))
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    if session.attendances.exclude(status=Attendance.Status.PENDING).exists():
        raise ValidationError(_("Its roll call was taken: the session was held."))


def cancel_session(session: TheorySession, *, reason: str, by) -> TheorySession:
    """Cancel a session with its reason (R8): it counts no theory and its pupils are free.
    Not once its roll call was taken."""
    with transaction.atomic():
        TheorySession.objects.select_for_update().only("pk").get(pk=session.pk)
        check_cancel_session(session, reason=reason, by=by)
        session.cancelled_at = timezone.now()
        session.cancelled_by = by
        session.cancel_reason = reason.strip()[:200]
        session.follows_pattern = False
        session.save(
            update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "follows_pattern"]
        )
    return session


def set_workshop_week(workshop: Workshop, slots: list[tuple[int, str]]) -> None:
    """The workshop's usual production half-days, replaced as a whole."""
    wanted = set(slots)
    with transaction.atomic():
        have = {
            (s.weekday, s.half_day): s.pk for s in WorkshopSlot.objects.filter(workshop=workshop)
        }
        WorkshopSlot.objects.filter(
            pk__in=[pk for key, pk in have.items() if key not in wanted]
        ).delete()
        WorkshopSlot.objects.bulk_create(
            WorkshopSlot(workshop=workshop, weekday=w, half_day=h)
            for w, h in sorted(wanted - set(have))
        )


def half_day_of(start: dt.datetime, policy: Policy) -> str:
    """A session belongs to the morning if it starts before the afternoon does."""
    return AM if timezone.localtime(start).time() < policy.afternoon_start else PM


@dataclass(frozen=True)
class Place:
    """Where a pupil is expected for a half-day: his workshop, or a theory session."""

    kind: str  # "workshop" or "theory"
    label: str
    workshop_id: int | None = None
    session_id: int | None = None


def expected_place(student_ids: list[int], day: dt.date) -> dict[int, dict[str, Place | None]]:
    """{student id: {"am": Place | None, "pm": Place | None}} for `day`: a theory session
    he is expected at (not cancelled) first, else his workshop on its usual half-day,
    else nothing (and nothing on a closed day). Five queries whatever the pupils."""
    policy = Policy.load()
    result: dict[int, dict[str, Place | None]] = {pk: {AM: None, PM: None} for pk in student_ids}
    if not student_ids or not Calendar.load(day, day, policy).is_open(day):
        return result
    pupils = Student.objects.filter(pk__in=student_ids).values_list(
        "pk", "workshop_id", "workshop__name"
    )
    slots = set(
        WorkshopSlot.objects.filter(weekday=day.weekday()).values_list("workshop_id", "half_day")
    )
    for pk, workshop_id, name in pupils:
        for half in (AM, PM):
            if (workshop_id, half) in slots:
                result[pk][half] = Place("workshop", name, workshop_id=workshop_id)
    rows = (
        Attendance.objects.filter(student__in=student_ids, session__cancelled_at__isnull=True)
        .between(day, day)
        .values_list("student", "session", "session__title", "session__start")
        .order_by("session__start")
    )
    for student, session, title, start in rows:
        half = half_day_of(start, policy)
        current = result[student][half]
        if current is None or current.kind == "workshop":
            result[student][half] = Place("theory", title, session_id=session)
    return result


def week(
    monday: dt.date,
    sessions,
    workshops: list[Workshop],
    *,
    one_pupil: bool = False,
    policy: Policy | None = None,
) -> list[dict]:
    """The week's days for a timetable page: each open day's half-days with their theory
    sessions (cancelled ones shown as such) and the workshops' usual half-days; for one
    pupil the workshop only where no session calls him. Four queries and the calendar."""
    policy = policy or Policy.load()
    sunday = monday + dt.timedelta(days=6)
    calendar = Calendar.load(monday, sunday, policy)
    by_half: dict[tuple[dt.date, str], list] = defaultdict(list)
    rows = sessions.between(monday, sunday).select_related("teacher", "workshop")
    for session in rows.order_by("start"):
        by_half[(session.day, half_day_of(session.start, policy))].append(session)
    slots: dict[tuple[int, str], list[str]] = defaultdict(list)
    for weekday, half, name in (
        WorkshopSlot.objects.filter(workshop__in=workshops)
        .order_by("workshop__name")
        .values_list("weekday", "half_day", "workshop__name")
    ):
        slots[(weekday, half)].append(name)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        reason = calendar.closed_reason(day)
        held = any(by_half.get((day, h)) for h in (AM, PM))
        if reason and (day.weekday() >= 5 and not held):
            continue  # a closed weekend day is left out of the week
        halves = []
        for half, label in WorkshopSlot.HalfDay.choices:
            items = by_half.get((day, half), [])
            planned = [s for s in items if not s.is_cancelled]
            workshop = [] if reason else slots.get((day.weekday(), half), [])
            if one_pupil and planned:
                workshop = []
            halves.append({"half": half, "label": label, "sessions": items, "workshops": workshop})
        days.append(
            {
                "day": day,
                "closed": reason,
                "opened": calendar.opened_day(day),
                "halves": halves,
            }
        )
    return days


# What a pupil's save may change in the groups she is expected with.
GROUP_FIELDS = {"status", "cohort", "workshop", "entry_date", "left_on"}


def student_saved(sender, instance: Student, raw: bool = False, **kwargs) -> None:
    """post_save of students.Student (TrainingConfig.ready)."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and not GROUP_FIELDS & set(update_fields)):
        return
    follow_groups(instance)


def picked_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """m2m_changed of SessionPattern.students: the picked pupils added or taken off."""
    if action == "pre_clear" and not reverse:
        instance._cleared = list(instance.students.all())
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        pupils = [instance]
    elif action == "post_clear":
        pupils = instance.__dict__.pop("_cleared", [])
    else:
        pupils = list(Student.objects.filter(pk__in=pk_set))
    for pupil in pupils:
        follow_groups(pupil)
