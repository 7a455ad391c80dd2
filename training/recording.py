"""Recording pupils' time: team entries, single work logs, attendance (SPEC.md R1, R2).

Every path runs the same checks: closed period, the minors' limits (training.timeguard)
and, for production, the two-thirds balance (training.balance). A refusal lists every
rule broken, per pupil; a director may let through all but overlaps with a written
reason, which is kept as an Override. All or nothing: a team entry with one refused pupil
saves no log at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ecoles.models import Policy
from training import balance, timeguard
from training.models import Attendance, ClosedPeriod, Override, TheorySession, WorkLog, local_day
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
    exclude_logs: list[int] = field(default_factory=list)
    exclude_attendances: list[int] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return local_day(self.start)


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
        age = timeguard.age_on(entry.student.birth_date, entry.day)
        found += timeguard.check(
            timeguard.Interval(entry.start, entry.end, entry.label),
            busy.get(entry.student.pk, []),
            limits=timeguard.Limits.for_age(policy, age),
            pupil=str(entry.student),
            student_id=entry.student.pk,
        )
    found += _balance_violations([e for e in entries if e.production], policy)
    return found


def _balance_violations(entries: list[Entry], policy: Policy) -> list[Violation]:
    _target, _band, allowance = balance.policy_numbers(policy)
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    found = []
    for day, group in by_day.items():
        excluded = [pk for e in group for pk in e.exclude_logs]
        current = balance.balances(
            [e.student.pk for e in group],
            policy.school_year_start(day),
            day,
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
                        day,
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


def _lock(student_ids: list[int]) -> None:
    """Serialise concurrent entries for the same pupils (PostgreSQL row locks)."""
    from students.models import Student

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
) -> list[WorkLog]:
    """One log per pupil for the same slot on the same order: all saved, or none."""
    _open_order(order, by)
    ClosedPeriod.refuse_if_closed(day)
    begin, finish = aware(day, start), aware(day, end)
    if finish <= begin:
        raise ValidationError(_("The end must be after the start."))
    with transaction.atomic():
        _lock([s.pk for s in students])
        entries = [Entry(s, begin, finish, order.title) for s in students]
        overridden = _settle(find_violations(entries), by, override_reason)
        logs = {}
        for student in students:
            log = WorkLog(
                order=order, student=student, start=begin, end=finish, task=task, logged_by=by
            )
            log.save()
            logs[student.pk] = log
        _record_overrides(overridden, by, override_reason, logs=logs)
        if order.status == order.Status.ACCEPTED:
            order.start_production(by=by)
    return list(logs.values())


def save_work_log(log: WorkLog, *, by, override_reason: str = "") -> WorkLog:
    """Create or correct one log, with the same checks as a team entry."""
    if not log.pk or log.order_id != WorkLog.objects.get(pk=log.pk).order_id:
        _open_order(log.order, by)
    log.full_clean(exclude=["logged_by"])
    with transaction.atomic():
        _lock([log.student_id])
        entry = Entry(
            log.student,
            log.start,
            log.end,
            log.order.title,
            exclude_logs=[log.pk] if log.pk else [],
        )
        overridden = _settle(find_violations([entry]), by, override_reason)
        if not log.pk:
            log.logged_by = by
        log.save()
        _record_overrides(overridden, by, override_reason, logs={log.student_id: log})
        if log.order.status == log.order.Status.ACCEPTED:
            log.order.start_production(by=by)
    return log


def delete_work_log(log: WorkLog) -> None:
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
) -> TheorySession:
    """Plan a session and expect its pupils. A pupil already busy then is refused (no
    one is in two places at once); the other limits are checked at the roll call."""
    ClosedPeriod.refuse_if_closed(local_day(start))
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
    overlaps = [v for v in find_violations(entries) if v.rule == timeguard.OVERLAP]
    if overlaps:
        raise Refused(overlaps)
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
    late (their time with the pupil's other activities); absence never breaks a rule."""
    ClosedPeriod.refuse_if_closed(local_day(session.start))
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


def theory_alert(value: balance.Balance, allowance: Fraction) -> bool:
    """Too much theory never blocks; beyond the allowance it is shown as an alert."""
    return value.gap < -allowance
