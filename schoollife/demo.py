"""Demo school life: a workshop roll call on every half-day its pupils worked in the
demo's history (a pupil of the workshop with no work logged then is marked absent, a few
arrive late), absences with and without reasons, a pupil under 16 over the law's
threshold this month and one showing early signs of dropping out. Deterministic
(ctx.rng), idempotent, bulk inserts; INE, sex and situation before entry for the pupils.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ecoles.demo import FIRST_NAMES
from ecoles.models import Policy
from schoollife import declarations, families
from schoollife.days import month_bounds
from schoollife.models import (
    HALVES,
    Absence,
    AbsenceReason,
    AuthorityReport,
    DeclarationSent,
    FamilyNotice,
    RollCall,
    RollCallMark,
)
from schoollife.register import expected, half_span
from students.ine import bea_key
from students.models import Guardian, Student, age_on
from training.models import Attendance, WorkLog, local_bounds

BATCH = 5000
CLASSES = ["3e", "2nde générale", "2nde professionnelle", "4e", "1re CAP (autre lycée)"]
PROGRAMMES = ["Garantie jeunes", "E2C (école de la deuxième chance)", "Service civique"]
# R131-3: the declarations give the place of birth and the guardians' profession.
BIRTH_PLACES = [
    "Lyon", "Villeurbanne", "Vénissieux", "Vaulx-en-Velin", "Bron", "Saint-Étienne",
    "Grenoble", "Marseille", "Alger (Algérie)", "Dakar (Sénégal)",
]  # fmt: skip
PROFESSIONS = [
    "Aide-soignant(e)", "Agent(e) d'entretien", "Chauffeur-livreur", "Cariste",
    "Employé(e) de commerce", "Assistant(e) maternel(le)", "Maçon", "Infirmier(e)",
    "Sans profession", "Demandeur d'emploi", "Cuisinier(e)", "Technicien(ne)",
]  # fmt: skip


def _record(ctx, students) -> None:
    """INE (INE-BEA format, with its key), sex, place of birth, where each pupil came
    from, and his guardians' profession."""
    rng = ctx.rng
    changed = []
    for s in students:
        if s.ine or s.anonymised_at:
            continue
        digits = f"{rng.randrange(10**9, 10**10):010d}"
        s.ine = digits + bea_key(digits)
        s.sex = "M" if s.first_name in FIRST_NAMES[:20] else "F"  # the boys' names first
        s.birth_place = rng.choice(BIRTH_PLACES)
        roll = rng.random()
        if roll < 0.6:
            s.previous_situation, s.previous_class = "school", rng.choice(CLASSES)
        elif roll < 0.9:
            s.previous_situation = "out_of_school"
            s.out_of_school_since = s.entry_date - dt.timedelta(days=rng.randrange(60, 400))
        else:
            s.previous_situation, s.previous_programme = "programme", rng.choice(PROGRAMMES)
        changed.append(s)
    # The office typed them in: the pupils' history says so (SPEC §4).
    bulk_update_with_history(
        changed, Student,
        ["ine", "sex", "birth_place", "previous_situation", "previous_class",
         "out_of_school_since", "previous_programme"],
        batch_size=500, default_user=ctx.users["office"],
    )  # fmt: skip
    guardians = list(
        Guardian.objects.filter(student__in=changed, profession="").order_by("student_id", "pk")
    )
    for g in guardians:
        g.profession = rng.choice(PROFESSIONS)
    bulk_update_with_history(
        guardians, Guardian, ["profession"], batch_size=500, default_user=ctx.users["office"]
    )


def _drop_work(pupil, days, policy) -> None:
    """The demo pupil did not come: no work logged and absent from theory those days."""
    for day in days:
        lo, hi = local_bounds(day, day)
        WorkLog.objects.filter(student=pupil, start__gte=lo, start__lt=hi).delete()
        Attendance.objects.filter(
            student=pupil, session__start__gte=lo, session__start__lt=hi
        ).update(status=Attendance.Status.ABSENT, late_minutes=0)


def _worked_days(workshop_ids, policy) -> dict:
    """(workshop, day, half) -> pupils who logged work in it."""
    worked = defaultdict(set)
    for w in WorkLog.objects.filter(student__workshop__in=workshop_ids).values(
        "student_id", "student__workshop_id", "start", "end"
    ):
        day = timezone.localtime(w["start"]).date()
        for half in HALVES:
            a, b = half_span(day, half, policy)
            if w["start"] < b and w["end"] > a:
                worked[(w["student__workshop_id"], day, half)].add(w["student_id"])
    return worked


def _notices(ctx, absences, last_days, policy) -> int:
    """The families told of the absences they did not report: the mails left half an
    hour into the half-day, the office made its calls; those of the last school day are
    still to make (or, if every family reported that day, the latest), so the office's
    list of calls has some."""
    unreported = [a for a in absences if not a.reported_how]
    guardians = defaultdict(list)
    for g in Guardian.objects.filter(
        student__in={a.student_id for a in unreported}, legal_representative=True
    ).order_by("pk"):
        guardians[g.student_id].append(g)
    office = ctx.users["office"]
    notices = []
    for a in unreported:
        start, _end = half_span(a.day, a.half, policy)
        seen = set()
        for g in guardians[a.student_id]:
            key = families.addressee(g)
            if key is None or tuple(key.items()) in seen:
                continue
            seen.add(tuple(key.items()))
            waiting = key["channel"] == Guardian.Channel.PHONE and a.day in last_days
            notice = FamilyNotice(
                absence=a, student_id=a.student_id, guardian=g, send_after=start, **key
            )
            if not waiting:
                notice.status = FamilyNotice.Status.SENT
                notice.sent_at = start + dt.timedelta(minutes=30)
                notice.attempts = 1 if key["channel"] == Guardian.Channel.EMAIL else 0
                notice.done_by = office if key["channel"] == Guardian.Channel.PHONE else None
            notices.append(notice)
    calls = [n for n in notices if n.channel == Guardian.Channel.PHONE]
    if calls and all(n.sent_at for n in calls):  # the last day's families all reported
        last = max(calls, key=lambda n: (n.absence.day, n.absence.half == "pm"))
        last.status, last.sent_at, last.attempts, last.done_by = (
            FamilyNotice.Status.QUEUED,
            None,
            0,
            None,
        )
    FamilyNotice.objects.bulk_create(notices, batch_size=BATCH)
    return len(notices)


def _in_class(policy) -> set:
    """(pupil, day, half) he spent in a theory class: not absent from his workshop's roll
    call then (issue 29 §5: the demo had pupils absent while marked present in class)."""
    seen = set()
    for a in Attendance.objects.attended().values("student_id", "session__start", "session__end"):
        day = timezone.localtime(a["session__start"]).date()
        for half in HALVES:
            low, high = half_span(day, half, policy)
            if a["session__start"] < high and a["session__end"] > low:
                seen.add((a["student_id"], day, half))
    return seen


def seed(ctx) -> None:
    if RollCall.objects.exists():
        ctx.progress("schoollife: roll calls already seeded, nothing added")
        return
    rng = ctx.rng
    policy = Policy.load()
    today = ctx.today
    pupils = list(Student.objects.exclude(status="applicant").order_by("pk"))
    _record(ctx, pupils)
    enrolled = [p for p in pupils if p.status == "enrolled"]
    month_start = today.replace(day=1)
    work_days = sorted(
        {
            timezone.localtime(s).date()
            for s in WorkLog.objects.filter(
                start__date__gte=month_start - dt.timedelta(days=40)
            ).values_list("start", flat=True)
        }
    )
    work_days = [d for d in work_days if d < today]
    # The law's threshold this month: the youngest pupil misses two whole days, unreported.
    young = min(enrolled, key=lambda p: -p.birth_date.toordinal(), default=None)
    this_month = [d for d in work_days if d >= month_start]
    threshold_days = this_month[:2] if len(this_month) >= 2 else work_days[-4:-2]
    # Early signs of dropping out: another pupil has not been seen for his last 4 days.
    drifting = next((p for p in enrolled if p is not young and p.age_on(today) >= 16), None)
    drift_days = work_days[-4:]
    if young:
        _drop_work(young, threshold_days, policy)
    if drifting:
        _drop_work(drifting, drift_days, policy)

    by_workshop = defaultdict(list)
    for p in pupils:
        by_workshop[p.workshop_id].append(p)
    worked = _worked_days(list(by_workshop), policy)
    in_class = _in_class(policy)
    trainers = {w.pk: ctx.trainer_of(w) for w in ctx.workshops.values()}
    calls, pending = [], []
    for (workshop_id, day, half), present in sorted(worked.items(), key=lambda kv: kv[0][1:]):
        start, _end = half_span(day, half, policy)
        call = RollCall(
            workshop_id=workshop_id,
            day=day,
            half=half,
            taken_by=trainers.get(workshop_id) or ctx.users["director"],
            taken_at=start + dt.timedelta(minutes=rng.randrange(2, 12)),
        )
        calls.append(call)
        for p in by_workshop[workshop_id]:
            if not expected(p, day):
                continue
            if p.pk not in present and (p.pk, day, half) not in in_class:
                pending.append((call, p.pk, "absent", 0))
            elif rng.random() < 0.03:
                pending.append((call, p.pk, "late", rng.choice([5, 10, 15, 20, 30])))
    RollCall.objects.bulk_create(calls, batch_size=BATCH)
    ids = {
        (c.workshop_id, c.day, c.half): c.pk
        for c in RollCall.objects.only("pk", "workshop_id", "day", "half")
    }
    marks = [
        RollCallMark(
            roll_call_id=ids[(call.workshop_id, call.day, call.half)],
            student_id=student_id,
            status=status,
            late_minutes=minutes,
        )
        for call, student_id, status, minutes in pending
    ]
    RollCallMark.objects.bulk_create(marks, batch_size=BATCH)
    # Each roll call called the workshop's pupils on the school's books that day.
    RollCall.called.through.objects.bulk_create(
        [
            RollCall.called.through(
                rollcall_id=ids[(call.workshop_id, call.day, call.half)], student_id=p.pk
            )
            for call in calls
            for p in by_workshop[call.workshop_id]
            if expected(p, call.day)
        ],
        batch_size=BATCH,
    )

    AbsenceReason.objects.ensure_defaults()
    reasons = list(AbsenceReason.objects.all())
    forced = {(young.pk if young else 0, d) for d in threshold_days} | {
        (drifting.pk if drifting else 0, d) for d in drift_days
    }
    director = ctx.users["director"]
    absences = []
    for call, student_id, status, _m in pending:
        if status != "absent":
            continue
        a = Absence(student_id=student_id, day=call.day, half=call.half)
        if (student_id, call.day) not in forced and rng.random() < 0.8:
            a.reason = rng.choice(reasons)
            a.reported_how = rng.choice(["phone", "mail", "note", "in_person"])
            if rng.random() < 0.85:
                a.accepted, a.decided_by = True, director
                a.decided_at = timezone.now()
        absences.append(a)
    Absence.objects.bulk_create(absences, batch_size=BATCH)
    told = _notices(ctx, absences, work_days[-1:], policy)
    sent = _declarations(ctx, policy)
    ctx.progress(
        f"schoollife: {len(calls)} roll calls, {len(marks)} exceptions, {len(absences)} absences,"
        f" {told} family notices, {sent} declarations sent"
    )
    if ctx.scale > 1:
        _history(ctx, policy)


def _history(ctx, policy) -> None:
    """At scale N, the years before the current one (their roll calls, absences and
    notices follow the work logs above): a week's illness now and then entered by the
    office as one range of reported absences on the days the pupil logged no work, the
    declarations each year sent (the year's list and the months' arrivals and
    departures, R131-3 / L441-2), and the director's actions on the months a pupil
    under 16 missed four half-days or more without a valid reason (L131-8: referral to
    the DASEN; a meeting of the educational community, with its referent, when it went
    on the next month). Own random source; bulk, with history."""
    rng = random.Random(32)  # noqa: S311 (demo data)
    start = policy.school_year_start(ctx.today)
    first = start.replace(year=start.year - ctx.scale + 1)
    office, director = ctx.users["office"], ctx.users["director"]
    known = set(DeclarationSent.objects.values_list("kind", "period"))
    rows = []
    year = first
    while year < start:
        following = year.replace(year=year.year + 1)
        rows.append(
            DeclarationSent(
                kind="year", period=year, sent_on=year + dt.timedelta(days=6), sent_by=office
            )
        )
        month = year
        while month < following:
            after = month_bounds(month)[1] + dt.timedelta(days=1)
            rows.append(
                DeclarationSent(
                    kind="month", period=month, sent_on=after + dt.timedelta(days=2),
                    sent_by=office,
                )
            )  # fmt: skip
            month = after
        year = following
    rows = [r for r in rows if (r.kind, r.period) not in known and r.sent_on < ctx.today]
    bulk_create_with_history(rows, DeclarationSent, default_user=office)
    # Ranges: the office enters an illness over the days the pupil missed in a row.
    reasons = list(AbsenceReason.objects.filter(legal=True).order_by("pk")) or list(
        AbsenceReason.objects.order_by("pk")
    )
    taken = set(
        Absence.objects.filter(day__gte=first, day__lt=start).values_list(
            "student_id", "day", "half"
        )
    )
    worked = {
        (sid, timezone.localtime(s).date())
        for sid, s in WorkLog.objects.filter(
            start__gte=local_bounds(first, first)[0], start__lt=local_bounds(start, start)[0]
        ).values_list("student_id", "start")
    }
    school_days = {day for _sid, day in worked}
    pupils = list(
        Student.objects.filter(entry_date__lt=start)
        .exclude(status="applicant")
        .order_by("pk")
        .values_list("pk", "entry_date", "left_on")
    )
    ranges = []
    for n, (pk, entry, left) in enumerate(pupils):
        ctx.bar("schoollife: history", n + 1, len(pupils))
        if rng.random() > 0.4:
            continue
        day = max(entry, first) + dt.timedelta(days=rng.randrange(20, 300))
        end = min(left or start, start) - dt.timedelta(days=1)
        length = rng.randint(2, 5)
        days = []
        while len(days) < length and day <= end:
            if day in school_days and (pk, day) not in worked:
                days.append(day)
            day += dt.timedelta(days=1)
        reason = rng.choice(reasons) if reasons else None
        for day in days:
            for half in HALVES:
                if (pk, day, half) in taken:
                    continue
                taken.add((pk, day, half))
                ranges.append(
                    Absence(
                        student_id=pk, day=day, half=half, reason=reason,
                        reason_detail="Certificat médical", reported_how="note",
                        accepted=True, decided_by=director,
                        decided_at=timezone.make_aware(
                            dt.datetime.combine(days[-1], dt.time(17, 0))
                        ),
                    )
                )  # fmt: skip
    bulk_create_with_history(ranges, Absence, batch_size=BATCH, default_user=office)
    truant = _history_truancy(ctx, policy, first, start, worked, taken)
    # L131-8: the months a pupil under 16 missed four half-days or more unjustified.
    births = dict(Student.objects.values_list("pk", "birth_date"))
    counts = defaultdict(int)
    for sid, day in (
        Absence.objects.filter(day__gte=first, day__lt=start)
        .filter(Q(reason__isnull=True) | Q(accepted=False))
        .values_list("student_id", "day")
    ):
        counts[(sid, day.replace(day=1))] += 1
    reports = []
    for (sid, month), half_days in sorted(counts.items()):
        if half_days < 4 or age_on(births[sid], month) >= 16:
            continue
        sent_on = month_bounds(month)[1] + dt.timedelta(days=3)
        reports.append(
            AuthorityReport(
                student_id=sid, month=month, kind=AuthorityReport.Kind.DASEN,
                half_days=half_days, sent_on=sent_on, method=AuthorityReport.Method.EMAIL,
                sent_by=director,
            )
        )  # fmt: skip
        following = month_bounds(month)[1] + dt.timedelta(days=1)
        if counts.get((sid, following), 0) >= 4:
            reports.append(
                AuthorityReport(
                    student_id=sid, month=following, kind=AuthorityReport.Kind.MEETING,
                    half_days=counts[(sid, following)],
                    sent_on=month_bounds(following)[1] + dt.timedelta(days=5),
                    referent="Julien Caron, professeur référent", sent_by=director,
                )
            )  # fmt: skip
    bulk_create_with_history(reports, AuthorityReport, default_user=director)
    ctx.progress(
        f"schoollife: history of {len(rows)} declarations sent, {len(ranges)} absences "
        f"entered over ranges, {truant} unreported, {len(reports)} actions on absences"
    )


def _history_truancy(ctx, policy, first, start, worked, taken) -> int:
    """Each past school year, the youngest pupil under 16 then missed two whole days of
    November without a word (his work of those days dropped, the roll calls marking him
    absent): the director's referral to the DASEN follows (L131-8)."""
    made = []
    year = first
    while year < start:
        november = dt.date(year.year, 11, 1)
        pupils = Student.objects.present_during(november, november + dt.timedelta(days=29))
        young = [
            p for p in pupils.exclude(workshop=None).order_by("-birth_date", "pk")[:5]
            if age_on(p.birth_date, november) < 16
        ]  # fmt: skip
        days = sorted(
            d for pk, d in worked if young and pk == young[0].pk and d.year == year.year
            and d.month == 11
        )[:2]  # fmt: skip
        year = year.replace(year=year.year + 1)
        if len(days) < 2:
            continue
        pupil = young[0]
        _drop_work(pupil, days, policy)
        for day in days:
            for half in HALVES:
                if (pupil.pk, day, half) in taken:
                    continue
                taken.add((pupil.pk, day, half))
                made.append(Absence(student=pupil, day=day, half=half))
                call = RollCall.objects.filter(
                    workshop_id=pupil.workshop_id, day=day, half=half
                ).first()
                if call:
                    RollCallMark.objects.update_or_create(
                        roll_call=call, student=pupil, defaults={"status": "absent"}
                    )
    bulk_create_with_history(made, Absence, default_user=ctx.users["office"])
    return len(made)


def _declarations(ctx, policy) -> int:
    """The office sent the year's list of pupils on time and each past month's arrivals
    and departures early the next month; a list still due (the demo's today within 8 days
    of the start) is left for the director's home to show."""
    today = ctx.today
    start = policy.school_year_start(today)
    office = ctx.users["office"]
    rows = []
    if today > declarations.deadline(start):
        sent_on = start + dt.timedelta(days=6)
        rows.append(DeclarationSent(kind="year", period=start, sent_on=sent_on, sent_by=office))
    month = start
    while month < today.replace(day=1):
        following = month_bounds(month)[1] + dt.timedelta(days=1)
        sent_on = following + dt.timedelta(days=2)
        if sent_on < today:
            rows.append(
                DeclarationSent(kind="month", period=month, sent_on=sent_on, sent_by=office)
            )
        month = following
    DeclarationSent.objects.bulk_create(rows)
    return len(rows)
