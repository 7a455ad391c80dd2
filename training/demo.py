"""Demo time: a realistic school year (or ctx.scale of them) of work logs and theory.

A week is about 23 h of workshop and 12 h of theory on one timetable shared by every
workshop, so no pupil is ever in two places; days stay under 8 h, weeks at 35 h, breaks
and rest as the law asks. A half-day is two pieces: two subjects of theory, or two
tasks (often on two orders) in the workshop, each logged, on the orders in production
that day. Theory attendance has lateness and absences; one pupil is kept on theory
catch-up (too much theory), one extra evening is let through by the director with a
written override. Deterministic (ctx.rng), idempotent, bulk inserts, each row with its
creation record in the history (who planned, took or logged it, and when).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ecoles.calendar import Calendar
from ecoles.models import Policy
from orders.models import Order
from safety import rules as safety_rules
from safety.models import Machine
from students.models import Student
from training import recording, timetable
from training.models import Attendance, SessionPattern, TheorySession, WorkLog, WorkshopSlot

BATCH = 5000
PLANNED_AHEAD = dt.timedelta(days=14)  # a session is in the timetable two weeks before
T = dt.time
# (weekday, start, end, kind, audience, titles): theory 3.5 + 3.5 + 3.5 + 1.5 = 12 h; a
# half-day of two titles is two sessions, one subject after the other.
THEORY = [
    (0, T(8, 30), T(12), "general", "cohort", ["Français", "Histoire-géographie"]),
    (1, T(13, 30), T(17), "technological", "workshop", ["Technologie", "Lecture de plans"]),
    (3, T(8, 30), T(12), "general", "cohort", ["Mathématiques", "Sciences physiques"]),
    (4, T(13, 30), T(15), "technological", "workshop", ["Prévention santé environnement"]),
]
# Production: 6 half-days of 3.5 h and Friday 15:00-17:00 = 23 h.
PRODUCTION = [
    (0, T(13, 30), T(17)),
    (1, T(8, 30), T(12)),
    (2, T(8, 30), T(12)),
    (2, T(13, 30), T(17)),
    (3, T(13, 30), T(17)),
    (4, T(8, 30), T(12)),
    (4, T(15), T(17)),
]
TASKS = {
    "Menuiserie": ["Débit", "Usinage des pièces", "Assemblage", "Ponçage", "Finition", "Pose"],
    "Usinage": ["Programmation CN", "Tournage", "Fraisage", "Contrôle", "Ébavurage"],
    "Restauration": ["Mise en place", "Cuisson", "Dressage", "Service", "Plonge", "Pâtisserie"],
}
EXCUSES = ["Rendez-vous médical", "Convocation administrative", "Malade (certificat)"]


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _halves(start: dt.time, end: dt.time, parts: int) -> list[tuple[dt.time, dt.time]]:
    """A half-day of 3 h or more cut in two (8:30-10:15-12:00); a shorter slot whole."""
    if parts < 2 or _minutes(end) - _minutes(start) < 180:
        return [(start, end)]
    middle = (_minutes(start) + _minutes(end)) // 2
    cut = dt.time(middle // 60, middle % 60)
    return [(start, cut), (cut, end)]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def seed(ctx) -> None:
    if WorkLog.objects.exists() or TheorySession.objects.exists():
        ctx.progress("training: time already seeded, nothing added")
        return

    policy = Policy.load()
    rng = ctx.rng
    today = ctx.today
    now = timezone.now()
    year_start = policy.school_year_start(today)
    first = year_start.replace(year=year_start.year - (ctx.scale - 1))
    last = today + PLANNED_AHEAD  # sessions planned two weeks ahead
    school_days = Calendar.load(first, last, policy)  # the school's calendar (R8)
    factor = policy.target_share / (1 - policy.target_share)
    allowance = Fraction(policy.balance_allowance_hours)

    pupils = list(
        Student.objects.exclude(status=Student.Status.APPLICANT)
        .select_related("workshop")
        .order_by("pk")
    )
    orders = defaultdict(list)
    for order in Order.objects.filter(
        status__in=["in_production", "rework", "delivered", "invoiced", "paid"]
    ).order_by("start_date", "pk"):
        orders[order.workshop_id].append(order)
    for workshop in ctx.workshops.values():
        if not orders.get(workshop.pk):
            ctx.progress(f"training: no order in production for {workshop}, no work logs there")
    teachers = [u for k, u in sorted(ctx.users.items()) if k in ("teacher", "prof.maths")]
    teachers = teachers or [ctx.users["director"]]
    director = ctx.users["director"]

    def active_until(p) -> dt.date:
        """Nobody works, nor is expected at a lesson, after leaving (R9: after leaving the
        register is blank)."""
        if p.status == Student.Status.ENROLLED:
            return last
        two_years = policy.school_year_start(p.entry_date).replace(
            year=policy.school_year_start(p.entry_date).year + 2
        )
        return min(last, two_years - dt.timedelta(days=1), p.left_on or last)

    ranges = {p.pk: (p.entry_date, active_until(p)) for p in pupils}
    enrolled = [p for p in pupils if p.status == Student.Status.ENROLLED and orders[p.workshop_id]]
    catch_up = enrolled[0] if enrolled else None  # on theory catch-up for the last 4 weeks
    catch_up_from = today - dt.timedelta(days=28)
    extra_day = today - dt.timedelta(days=today.weekday() + 5)  # last week's Wednesday

    patterns = _Patterns(policy, first, last, director)
    _workshop_weeks(ctx)
    on_bench: dict[tuple, list] = {}
    gaps: dict[int, Fraction] = defaultdict(Fraction)
    counted_year: dict[int, dt.date] = {}
    logs: list[WorkLog] = []
    total_logs = total_calls = 0
    day = first - dt.timedelta(days=first.weekday())
    weeks = (last - day).days // 7 + 1
    for week in range(1, weeks + 1):
        week_sessions: list[tuple[TheorySession, list]] = []
        for offset in range(5):
            current = day + dt.timedelta(days=offset)
            if current < first or current > last or not school_days.is_open(current):
                continue
            school_year = policy.school_year_start(current)
            present = [p for p in pupils if ranges[p.pk][0] <= current <= ranges[p.pk][1]]
            for p in present:
                if counted_year.get(p.pk) != school_year:
                    counted_year[p.pk], gaps[p.pk] = school_year, Fraction(0)
            for weekday, start, end, subject, audience, titles in THEORY:
                if weekday != offset:
                    continue
                groups = defaultdict(list)
                for p in present:
                    key = p.cohort if audience == "cohort" else p.workshop_id
                    groups[key].append(p)
                for index, (key, members) in enumerate(sorted(groups.items())):
                    pieces = _halves(start, end, len(titles))
                    for part, (piece_start, piece_end) in enumerate(pieces):
                        # The timetable's weekly line for this group and hour (R8).
                        title = titles[(index + part) % len(titles)]
                        teacher = teachers[(index + part) % len(teachers)]
                        pattern = patterns.get(
                            school_year,
                            weekday,
                            piece_start,
                            piece_end,
                            audience,
                            key,
                            subject,
                            title,
                            teacher,
                        )
                        session = TheorySession(
                            subject=subject,
                            title=pattern.title,
                            teacher=pattern.teacher,
                            start=_at(current, piece_start),
                            end=_at(current, piece_end),
                            audience=audience,
                            cohort=pattern.cohort,
                            workshop_id=pattern.workshop_id,
                            pattern=pattern,
                            pattern_day=current,
                            follows_pattern=True,
                        )
                        week_sessions.append((session, members))
            if current > today:
                continue
            for weekday, start, end in PRODUCTION:
                if weekday != offset or _at(current, end) > now:
                    continue
                for p in present:
                    key = (p.workshop_id, current)
                    if key not in on_bench:
                        on_bench[key] = _on_the_bench(orders[p.workshop_id], current)
                    choices = on_bench[key]
                    if not choices or rng.random() < 0.04:
                        continue  # absent from the workshop that half-day
                    if p is catch_up and current >= catch_up_from:
                        continue
                    order = rng.choice(choices)
                    for part, (piece_start, piece_end) in enumerate(_halves(start, end, 2)):
                        hours = Fraction(_minutes(piece_end) - _minutes(piece_start), 60)
                        if gaps[p.pk] + hours > allowance:
                            break  # would be refused: the trainer sends him to theory
                        gaps[p.pk] += hours
                        if part and rng.random() < 0.3:
                            order = rng.choice(choices)  # moves on to another order
                        logs.append(
                            WorkLog(
                                order=order,
                                student=p,
                                start=_at(current, piece_start),
                                end=_at(current, piece_end),
                                task=rng.choice(TASKS.get(p.workshop.name, ["Production"])),
                                logged_by=ctx.trainer_of(p.workshop)
                                if p.workshop.name in TASKS
                                else director,
                            )
                        )
        # Theory of the week: sessions first (their ids), then the roll call.
        for session, _members in week_sessions:
            session._history_user = session.teacher
            session._history_date = min(session.start - PLANNED_AHEAD, now)
        sessions = bulk_create_with_history([s for s, _ in week_sessions], TheorySession)
        calls = []
        for session, (_, members) in zip(sessions, week_sessions, strict=True):
            local = timezone.localtime(session.start).date()
            taken = session.end <= now and local < today
            length = Fraction(int((session.end - session.start).total_seconds()), 3600)
            for p in members:
                call = Attendance(session=session, student=p)
                call._history_user, call._history_date = session.teacher, session._history_date
                if taken:
                    call.taken_by, call.taken_at = session.teacher, session.end
                    draw = rng.random()
                    if p is catch_up and local >= catch_up_from:
                        draw = 0.5  # always there on catch-up
                    if draw < 0.05:
                        call.status = Attendance.Status.ABSENT
                    elif draw < 0.07:
                        call.status, call.reason = Attendance.Status.EXCUSED, rng.choice(EXCUSES)
                    elif draw < 0.10:
                        call.status, call.late_minutes = (
                            Attendance.Status.LATE,
                            rng.choice([5, 10, 15, 20]),
                        )
                    else:
                        call.status = Attendance.Status.PRESENT
                    if call.status in Attendance.ATTENDED:
                        gaps[p.pk] -= (length - Fraction(call.late_minutes, 60)) * factor
                calls.append(call)
        bulk_create_with_history(calls, Attendance, batch_size=BATCH)
        total_calls += len(calls)
        if len(logs) >= BATCH:
            _save_logs(logs)
            total_logs += len(logs)
            logs = []
        day += dt.timedelta(days=7)
        ctx.bar("training: weeks", week, weeks)
    _save_logs(logs)
    total_logs += len(logs)

    _one_override(ctx, extra_day, [p for p in enrolled if p is not catch_up], first, director)
    _name_machines(ctx, today)
    # The rest of the school year, planned from the timetable's weekly lines.
    planned = 0
    for pattern in patterns.made.values():
        if pattern.last_day > last:
            made = timetable.make_sessions(pattern, by=director, since=last + dt.timedelta(days=1))
            planned += len(made.created)
    ctx.progress(
        f"training: {total_logs} work logs, {total_calls} roll-call lines, "
        f"{len(patterns.made)} weekly sessions ({planned} sessions planned ahead)"
    )


class _Patterns:
    """The weekly lines of the demo's timetable, one per school year, group and hour,
    made the first time a week needs them (the sessions then follow them)."""

    def __init__(self, policy, first: dt.date, last: dt.date, director):
        self.policy, self.first, self.last, self.director = policy, first, last, director
        self.made: dict[tuple, SessionPattern] = {}

    def get(self, year, weekday, start, end, audience, key, subject, title, teacher):
        index = (year, weekday, start, audience, key)
        if index not in self.made:
            pattern = SessionPattern(
                subject=subject,
                title=title,
                teacher=teacher,
                audience=audience,
                cohort=key if audience == "cohort" else None,
                workshop_id=key if audience == "workshop" else None,
                weekday=weekday,
                start_time=start,
                end_time=end,
                first_day=max(year, self.first),
                last_day=self.policy.school_year_end(year),
            )
            pattern._history_user = self.director
            pattern.save()
            self.made[index] = pattern
        return self.made[index]


def _workshop_weeks(ctx) -> None:
    """Each workshop's usual production half-days: those of PRODUCTION."""
    halves = {(weekday, "am" if start < T(12) else "pm") for weekday, start, _end in PRODUCTION}
    WorkshopSlot.objects.bulk_create(
        [
            WorkshopSlot(workshop=workshop, weekday=weekday, half_day=half)
            for workshop in ctx.workshops.values()
            for weekday, half in sorted(halves)
        ],
        ignore_conflicts=True,
    )


def _save_logs(logs: list[WorkLog]) -> None:
    """Each log with its creation record, by the trainer who logged it, at its end."""
    for log in logs:
        log._history_user, log._history_date = log.logged_by, log.end
    bulk_create_with_history(logs, WorkLog, batch_size=BATCH)


def _on_the_bench(orders: list, day: dt.date) -> list:
    """The workshop's orders in production that day (started, not yet delivered); on a day
    with none, the last one started (the pupils finish it), so each order's hours come
    from its own weeks and do not grow with the years of history."""
    started = [o for o in orders if o.start_date and o.start_date <= day]
    running = [o for o in started if o.delivered_on is None or day <= o.delivered_on]
    if running:
        return running
    return started[-1:] or orders[:1]


def _one_override(ctx, day: dt.date, candidates: list, first: dt.date, director) -> None:
    """An extra evening before a delivery, refused by the rules, let through by the
    director: the refusal is computed by the same checks as the pages."""
    if day < first:
        return
    afternoon = (
        WorkLog.objects.filter(student__in=candidates, start=_at(day, T(13, 30)))
        .select_related("student__workshop", "order")
        .order_by("student_id")
        .first()
    )
    if afternoon is None:
        return
    pupil = afternoon.student
    start, end = _at(day, T(17)), _at(day, T(18, 30))
    violations = recording.find_violations(
        [recording.Entry(pupil, start, end, afternoon.order.title)]
    )
    if not violations or not all(v.overridable for v in violations):
        return
    evening = WorkLog(
        order=afternoon.order,
        student=pupil,
        start=start,
        end=end,
        task="Finitions avant livraison",
        logged_by=afternoon.logged_by,
    )
    evening._history_user, evening._history_date = evening.logged_by, end
    evening.save()
    recording._record_overrides(
        violations,
        director,
        "Livraison urgente promise au client ; accord de la famille, heure et demie "
        "récupérée le vendredi suivant.",
        logs={pupil.pk: evening},
    )


def _name_machines(ctx, today: dt.date) -> None:
    """The last four weeks' logs name the machine used, when the law allows it for the
    pupil that day (safety.rules, the team entry's own check): the demo stays lawful."""
    machines = defaultdict(list)
    for machine in Machine.objects.in_use().order_by("pk"):
        machines[machine.workshop_id].append(machine)
    logs = list(
        WorkLog.objects.filter(start__gte=_at(today - dt.timedelta(days=28), T(0)))
        .select_related("student")
        .order_by("pk")
    )
    groups = defaultdict(list)
    for log in logs:
        choices = machines.get(log.student.workshop_id)
        if choices and ctx.rng.random() < 0.4:
            groups[(ctx.rng.choice(choices), log.day)].append(log)
    named = []
    for (machine, day), group in groups.items():
        refused = safety_rules.refusals([log.student for log in group], machine, day)
        for log in group:
            if log.student_id not in refused:
                log.machine = machine
                log._history_user, log._history_date = log.logged_by, log.end
                named.append(log)
    bulk_update_with_history(named, WorkLog, ["machine"], batch_size=BATCH)
    ctx.progress(f"training: {len(named)} recent work logs name a machine")
