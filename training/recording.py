"""Recording pupils' time: team entries, single work logs, attendance (SPEC.md R1, R2).

Every path runs the same checks: closed period, the minors' limits (training.timeguard)
and, for production, the two-thirds balance (training.balance) and the pupil's recorded
absences (R9: no production inside a half-day he is recorded absent). A refusal lists
every rule broken, per pupil. A director may let through the school's own rules only
(R1's allowance, a log of an invoiced order) with a written reason, kept as an Override;
the law's limits (R2: night, hours, breaks, rest, Sundays and public holidays; R13:
regulated work on a machine), overlaps and absences are refused for everyone
(timeguard.OVERRIDABLE). All or nothing: a team entry with one refused pupil saves no log
at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ecoles.calendar import Calendar, closed_day_message
from ecoles.models import Policy
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from orders.models import Order
from safety import rules as safety_rules
from students.models import Student
from training import balance, timeguard
from training.models import (
    Attendance,
    ClosedPeriod,
    Override,
    TheorySession,
    WorkLog,
    local_day,
    refuse_future_work,
)
from training.timeguard import Violation


class Refused(Exception):  # noqa: N818 - reads as "the entry was refused"
    """The entry breaks one or more rules; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations

    @property
    def overridable(self) -> bool:
        return all(v.overridable for v in self.violations)

    @property
    def messages(self) -> list[str]:
        return [v.message for v in self.violations]


@dataclass
class Entry:
    """A pupil's activity about to be recorded."""

    student: object
    start: dt.datetime
    end: dt.datetime
    label: str = ""
    production: bool = True
    machine: object | None = None  # safety.Machine used, for the regulated-work rule (R13)
    exclude_logs: list[int] = field(default_factory=list)
    exclude_attendances: list[int] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return local_day(self.start)


# Who is recorded absent when (SPEC.md R9). School life keeps the absences and sits above
# training, which may not import it (tests/test_layers.py): it registers its source here
# from SchoollifeConfig.ready, a callable (student ids or a queryset of them, first day,
# last day) ->
# {student id: [Interval of each absent half-day, its label naming the absence]}.
ABSENCE_SOURCES: list[Callable[[object, dt.date, dt.date], dict]] = []


def absent_spans(student_ids, first: dt.date, last: dt.date) -> dict[int, list]:
    """{student id: [timeguard.Interval of each half-day he is recorded absent in]}."""
    found: dict[int, list] = defaultdict(list)
    for source in ABSENCE_SOURCES:
        for pk, items in source(student_ids, first, last).items():
            found[pk] += items
    return found


def _absence_violations(entries: list[Entry]) -> list[Violation]:
    """Production inside a half-day the pupil is recorded absent in: refused for everyone,
    no override; whoever may change the absence withdraws or corrects it first."""
    if not entries:
        return []
    days = [e.day for e in entries]
    spans = absent_spans({e.student.pk for e in entries}, min(days), max(days))
    found = []
    for entry in entries:
        for span in spans.get(entry.student.pk, []):
            if span.start < entry.end and entry.start < span.end:
                found.append(
                    Violation(
                        timeguard.ABSENCE,
                        entry.student.pk,
                        absent_message(entry.student, span.label),
                        day=entry.day,
                    )
                )
    return found


def absent_message(pupil, absence: str) -> str:
    """'Lucas Rousseau is absent on 07/12/2026, afternoon: Rendez-vous médical (a recorded
    absence). No production is logged inside an absence: ...'"""
    return _(
        "%(pupil)s is %(absence)s (a recorded absence). No production is logged inside "
        "an absence: whoever may change it withdraws or corrects it first."
    ) % {"pupil": pupil, "absence": absence}


def aware(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def find_violations(entries: list[Entry], policy: Policy | None = None) -> list[Violation]:
    """Every rule the entries would break, in a fixed number of queries per call."""
    if not entries:
        return []
    policy = policy or Policy.load()
    ids = [e.student.pk for e in entries]
    first = min(timeguard.window(e.day)[0] for e in entries)
    last = max(timeguard.window(e.day)[1] for e in entries)
    busy = timeguard.activities(
        ids,
        first,
        last,
        exclude_logs=[pk for e in entries for pk in e.exclude_logs],
        exclude_attendances=[pk for e in entries for pk in e.exclude_attendances],
    )
    found: list[Violation] = []
    for entry in entries:
        age = entry.student.age_on(entry.day)
        found += timeguard.check(
            timeguard.Interval(entry.start, entry.end, entry.label),
            busy.get(entry.student.pk, []),
            limits=timeguard.Limits.for_age(policy, age),
            pupil=str(entry.student),
            student_id=entry.student.pk,
            sex=entry.student.sex,
        )
    found += _balance_violations([e for e in entries if e.production], policy)
    found += _absence_violations([e for e in entries if e.production])
    found += _safety_violations([e for e in entries if e.machine is not None])
    found += closed_day_violations([e.day for e in entries], policy)
    return found


def _safety_violations(entries: list[Entry]) -> list[Violation]:
    """R13, one call of safety.rules per machine and day; never overridable."""
    groups: dict[tuple[int, dt.date], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.machine.pk, entry.day)].append(entry)
    found = []
    for (_machine, day), group in groups.items():
        refused = safety_rules.refusals([e.student for e in group], group[0].machine, day)
        for student_id, reasons in refused.items():
            found += [Violation(timeguard.SAFETY, student_id, r, day=day) for r in reasons]
    return found


def closed_day_violations(days: list[dt.date], policy: Policy | None = None) -> list[Violation]:
    """R8: nothing is recorded on a day the calendar closes (Sunday, public holiday,
    holidays, closing day) unless the director opened it; no override, the director
    opens the day instead. One refusal per day, whoever the pupils."""
    if not days:
        return []
    wanted = sorted(set(days))
    calendar = Calendar.load(wanted[0], wanted[-1], policy)
    return [
        Violation(timeguard.CLOSED_DAY, None, closed_day_message(day, reason), day=day)
        for day in wanted
        if (reason := calendar.closed_reason(day))
    ]


def refuse_closed_days(*days: dt.date) -> None:
    violations = closed_day_violations(list(days))
    if violations:
        raise Refused(violations)


def _balance_violations(entries: list[Entry], policy: Policy) -> list[Violation]:
    """Held to the balance the pupil's page shows: his school year to date, whatever the
    day of the entry (an entry on an earlier day adds to the hours logged since)."""
    _target, _band, allowance = balance.policy_numbers(policy)
    today = timezone.localdate()
    by_window: dict[tuple[dt.date, dt.date], list[Entry]] = defaultdict(list)
    for entry in entries:
        by_window[balance.year_window(entry.day, today, policy)].append(entry)
    found = []
    for (start, end), group in by_window.items():
        excluded = [pk for e in group for pk in e.exclude_logs]
        current = balance.balances(
            [e.student.pk for e in group],
            start,
            end,
            policy=policy,
            exclude_log=excluded[0] if len(excluded) == 1 else None,
        )
        for entry in group:
            refusal = balance.production_refusal(
                current[entry.student.pk], balance.to_hours(entry.end - entry.start), allowance
            )
            if refusal:
                found.append(
                    Violation(
                        timeguard.BALANCE,
                        entry.student.pk,
                        refusal.message(str(entry.student)),
                        dt.timedelta(hours=float(refusal.gap_after - allowance)),
                        entry.day,
                    )
                )
    return found


def _settle(violations: list[Violation], by, override_reason: str) -> list[Violation]:
    """Raise Refused unless a director overrides every violation with a reason."""
    if not violations:
        return []
    if not (override_reason.strip() and by.is_director and all(v.overridable for v in violations)):
        raise Refused(violations)
    return violations


def _record_overrides(violations, by, reason, *, logs=None, attendances=None) -> None:
    Override.objects.bulk_create(
        Override(
            student_id=v.student_id,
            rule=v.rule,
            day=v.day,
            detail=v.message[:500],
            reason=reason.strip(),
            work_log=(logs or {}).get(v.student_id),
            attendance=(attendances or {}).get(v.student_id),
            granted_by=by,
        )
        for v in violations
    )


def _open_order(order, by) -> None:
    if order.status not in order.WORK_STATUSES:
        raise ValidationError(
            _("Work can be logged only on an accepted or in-production order, or one in rework.")
        )


# A log of an order in one of these states no longer changes, but for a director's
# written reason (kept as an Override of this rule).
FROZEN = Override.Rule.FROZEN
CLOSED_ORDER = (Order.Status.INVOICED, Order.Status.PAID, Order.Status.CANCELLED)


def _frozen(log: WorkLog, *, deleting: bool = False) -> list[Violation]:
    """The log as stored belongs to an invoiced, paid or cancelled order."""
    if not log.pk:
        return []
    stored = WorkLog.objects.filter(pk=log.pk).select_related("order", "student").first()
    if stored is None or stored.order.status not in CLOSED_ORDER:
        return []
    words = {"log": stored, "status": stored.order.get_status_display().lower()}
    if deleting:
        message = _("Deleting %(log)s: the order is %(status)s, its hours no longer change.")
    else:
        message = _("%(log)s: the order is %(status)s, its hours no longer change.")
    return [Violation(FROZEN, stored.student_id, message % words, day=stored.day)]


def _refuse_before_birth(entries: list[Entry]) -> None:
    """Nobody works or attends a lesson before he is born (a mistyped date)."""
    early = [e for e in entries if e.student.birth_date and e.day < e.student.birth_date]
    if early:
        raise ValidationError(
            [
                _("%(pupil)s cannot have been there on %(day)s, before the birth date.")
                % {"pupil": e.student, "day": f"{e.day:%d/%m/%Y}"}
                for e in early
            ]
        )


def _within_reach(order, students: list, by) -> None:
    """A trainer records time for his own workshop's orders and pupils only (the
    director for everyone); pupils of another workshop than the order's are refused."""
    others = [s for s in students if s.workshop_id != order.workshop_id]
    if others:
        raise ValidationError(
            _("Not in the workshop of this order: %(names)s.")
            % {"names": ", ".join(str(s) for s in others)}
        )
    if by.has_role(DIRECTOR):
        return
    if not (by.has_role(TRAINER) and order.workshop.trainers.filter(pk=by.pk).exists()):
        raise ValidationError(_("Only the trainers of its workshop log time on this order."))


def _lock(student_ids: list[int]) -> None:
    """Serialise concurrent entries for the same pupils (PostgreSQL row locks)."""
    list(Student.objects.select_for_update().filter(pk__in=student_ids).values_list("pk"))


def save_team_entry(
    *,
    order,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    students: list,
    task: str,
    by,
    override_reason: str = "",
    machine=None,
) -> list[WorkLog]:
    """One log per pupil for the same slot on the same order: all saved, or none."""
    _open_order(order, by)
    _within_reach(order, students, by)
    ClosedPeriod.refuse_if_closed(day)
    begin, finish = aware(day, start), aware(day, end)
    if finish <= begin:
        raise ValidationError(_("The end must be after the start."))
    refuse_future_work(finish)
    if machine is not None and machine.workshop_id != order.workshop_id:
        raise ValidationError(_("This machine is not in the order's workshop."))
    entries = [Entry(s, begin, finish, order.title, machine=machine) for s in students]
    _refuse_before_birth(entries)
    with transaction.atomic():
        _lock([s.pk for s in students])
        overridden = _settle(find_violations(entries), by, override_reason)
        logs = {}
        for student in students:
            log = WorkLog(
                order=order,
                student=student,
                start=begin,
                end=finish,
                task=task,
                machine=machine,
                logged_by=by,
            )
            log.save()
            logs[student.pk] = log
        _record_overrides(overridden, by, override_reason, logs=logs)
        if order.status == order.Status.ACCEPTED:
            order.start_production(by=by)
    return list(logs.values())


def save_work_log(log: WorkLog, *, by, override_reason: str = "") -> WorkLog:
    """Create or correct one log, with the same checks as a team entry; a log of an
    invoiced, paid or cancelled order only by the director, with a reason."""
    if not log.pk or log.order_id != WorkLog.objects.get(pk=log.pk).order_id:
        _open_order(log.order, by)
    _within_reach(log.order, [log.student], by)
    log.full_clean(exclude=["logged_by"])
    with transaction.atomic():
        _lock([log.student_id])
        entry = Entry(
            log.student,
            log.start,
            log.end,
            log.order.title,
            machine=log.machine,
            exclude_logs=[log.pk] if log.pk else [],
        )
        overridden = _settle(_frozen(log) + find_violations([entry]), by, override_reason)
        if not log.pk:
            log.logged_by = by
        log.save()
        _record_overrides(overridden, by, override_reason, logs={log.student_id: log})
        if log.order.status == log.order.Status.ACCEPTED:
            log.order.start_production(by=by)
    return log


def delete_work_log(log: WorkLog, *, by, override_reason: str = "") -> None:
    """Delete a log under the rules of a correction: never in a closed month; a log of an
    invoiced, paid or cancelled order only by the director, whose reason is kept."""
    ClosedPeriod.refuse_if_closed(log.day)
    if not by.has_role(DIRECTOR) and not (
        by.has_role(TRAINER) and log.student.workshop.trainers.filter(pk=by.pk).exists()
    ):
        raise ValidationError(_("Only the trainers of its workshop log time on this order."))
    with transaction.atomic():
        _lock([log.student_id])
        overridden = _settle(_frozen(log, deleting=True), by, override_reason)
        _record_overrides(overridden, by, override_reason)
        log.delete()


def plan_session(
    *,
    subject: str,
    title: str,
    teacher,
    start: dt.datetime,
    end: dt.datetime,
    audience: str,
    cohort: int | None,
    workshop,
    students: list,
    by,
) -> TheorySession:
    """Plan a session and expect its pupils. A pupil already busy then is refused (no
    one is in two places at once), and so is a session the law forbids a minor (at
    night, on a Sunday or a public holiday, past his day's or week's hours: R2, no
    override); the roll call checks again what happened. A teacher plans his own
    sessions; the director anyone's."""
    if not (by.has_role(DIRECTOR) or (by.has_role(TEACHER) and teacher.pk == by.pk)):
        raise PermissionDenied(_("A teacher plans his own sessions only."))
    ClosedPeriod.refuse_if_closed(local_day(start))
    refuse_closed_days(local_day(start))
    session = TheorySession(
        subject=subject,
        title=title,
        teacher=teacher,
        start=start,
        end=end,
        audience=audience,
        cohort=cohort,
        workshop=workshop,
    )
    session.full_clean()
    entries = [Entry(s, start, end, title, production=False) for s in students]
    _refuse_before_birth(entries)
    refused = find_violations(entries)
    if refused:
        raise Refused(refused)
    with transaction.atomic():
        session.save()
        bulk_create_with_history(
            [Attendance(session=session, student=s) for s in students], Attendance
        )
    return session


@dataclass
class Call:
    """The teacher's mark for one pupil."""

    attendance: Attendance
    status: str
    late_minutes: int = 0
    reason: str = ""


def record_attendance(
    session: TheorySession, calls: list[Call], *, by, override_reason: str = ""
) -> int:
    """Take the roll call: the minors' limits are checked for pupils marked present or
    late (their time with the pupil's other activities); absence never breaks a rule.
    Not before the session has started (R8). Only the session's teacher, the director or
    the office take it."""
    if not (by.pk == session.teacher_id or by.has_role(DIRECTOR, OFFICE)):
        raise PermissionDenied(_("Only the session's teacher takes its roll call."))
    ClosedPeriod.refuse_if_closed(local_day(session.start))
    refuse_closed_days(local_day(session.start))
    if session.cancelled_at is not None:
        raise ValidationError(_("This session is cancelled."))
    if any(c.status != Attendance.Status.PENDING for c in calls):
        session.refuse_roll_call_before_start()
    changed = [
        c
        for c in calls
        if (c.status, c.late_minutes, c.reason)
        != (c.attendance.status, c.attendance.late_minutes, c.attendance.reason)
    ]
    for call in changed:
        if call.status != Attendance.Status.LATE:
            call.late_minutes = 0
        row = call.attendance
        row.status, row.late_minutes, row.reason = call.status, call.late_minutes, call.reason
        row.full_clean(exclude=["taken_by", "student", "session"])
    entries = [
        Entry(
            c.attendance.student,
            session.start + dt.timedelta(minutes=c.late_minutes),
            session.end,
            session.title,
            production=False,
            exclude_attendances=[c.attendance.pk],
        )
        for c in changed
        if c.status in Attendance.ATTENDED
    ]
    _refuse_before_birth(entries)
    with transaction.atomic():
        _lock([c.attendance.student_id for c in changed])
        overridden = _settle(find_violations(entries), by, override_reason)
        now = timezone.now()
        for call in changed:
            call.attendance.taken_by = by
            call.attendance.taken_at = now
            call.attendance.save()
        _record_overrides(
            overridden,
            by,
            override_reason,
            attendances={c.attendance.student_id: c.attendance for c in changed},
        )
    return len(changed)
