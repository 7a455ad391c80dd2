"""Demo competencies: the trades' référentiels, orders tagged with what they exercise,
evidence from the pupils' real work logs at every level (most validated, some waiting),
a few acquired competencies per pupil, photos of the work on some evidence, a chef-d'œuvre
per final-year pupil, this year's exam registrations and the former pupils' results (as
typed on leaving, so that the indicators keep their figures). Deterministic (ctx.rng),
idempotent, bulk inserts.

Each pupil's programme is the version of his diploma in force for his exam session (a
renewed référentiel counts from its first session): the former Restauration pupils who
sat the CAP before 2026 are on the 2016 référentiel, the others on the 2023 one. The
final-year pupils on a renewed référentiel started on the old one in the school's
records, and the school moved them to the new one a month into the year: their
evidence of that first month is on the old competencies, and the mapping carries it
into their booklet. Bac Pro pupils get a programme where their diploma's référentiel is
shipped (Menuiserie, Restauration); their exam units are not (the shipped Bac Pro blocs
are the référentiel's capacities or pôles), so they get no exam registration.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from ecoles.models import Policy
from orders.models import Order
from skills import acquisition, importing
from skills.models import (
    Appraisal,
    Autonomy,
    Bloc,
    ChefDoeuvre,
    ChefDoeuvreStep,
    Competency,
    Diploma,
    DiplomaVersion,
    Evidence,
    EvidencePhoto,
    ExamRegistration,
    Programme,
    UnitResult,
    term_bounds,
)
from students.models import Student
from training.models import TheorySession, WorkLog

# In import order: a renewed version after the one it replaces (skills/referentiels/).
FILES = [
    "cap-menuisier-fabricant.csv",
    "bac-pro-technicien-menuisier-agenceur.csv",
    "cap-conducteur-installations-production.csv",
    "cap-cuisine-2016.csv",
    "cap-cuisine-2023.csv",
    "bac-pro-cuisine-2011.csv",
]
# Each workshop's diplomas (CAP, Bac Pro); None: no référentiel shipped for it.
DIPLOMAS = {
    "Menuiserie": ("CAP-MF", "BACPRO-TMA"),
    "Usinage": ("CAP-CIP", None),
    "Restauration": ("CAP-CUISINE", "BACPRO-CUISINE"),
}
CHEFS = {
    "Menuiserie": "Un meuble de rangement en chêne massif pour la bibliothèque du quartier",
    "Usinage": "Un étau de précision, de la mise en plan au contrôle",
    "Restauration": "Un menu de saison pour un repas d'association",
}
STEPS = ["Choix du sujet et cahier des charges", "Réalisation", "Dossier et préparation de l'oral"]
CENTRES = [
    "Lycée La Martinière Diderot, Lyon",
    "Lycée Hector Guimard, Lyon",
    "LP Tony Garnier, Bron",
]
EVIDENCE_PER_PUPIL = 18
PROGRAMME_YEARS = 2  # the demo's pupils all leave after two years (students/demo.py)
SWITCHED_AFTER = dt.timedelta(days=30)  # into the year, finalists moved to a renewed version


def seed(ctx) -> None:
    versions = _referentiels()
    policy = Policy.load()
    if policy.exam_registration_deadline is None:
        year = policy.school_year_start(ctx.today).year
        policy.exam_registration_deadline = dt.date(year, 12, 15)
        policy.save()
    if Programme.objects.exists():
        return
    pupils = (
        Student.objects.exclude(status=Student.Status.APPLICANT)
        .select_related("workshop")
        .order_by("pk")
    )
    rows = []
    for pupil in pupils:
        version = _version_of(pupil, versions)
        if version is not None:
            rows.append(Programme(student=pupil, version=version, started_on=pupil.entry_date))
    bulk_create_with_history(rows, Programme)
    current = {code: history[-1] for code, history in versions.items()}
    _tag_orders(ctx, current)
    _evidence(ctx, versions)
    _photos(ctx)
    _chefs(ctx)
    _exams(ctx, versions)
    _appraisals(ctx)
    if ctx.scale > 1:
        _history(ctx)


def _referentiels() -> dict[str, list[DiplomaVersion]]:
    """Import the shipped files; each diploma's versions, oldest first."""
    folder = Path(__file__).parent / "referentiels"
    for name in FILES:
        with (folder / name).open("rb") as handle:
            report = importing.import_file(handle)
        assert report.ok, (name, report.errors)
    codes = {code for pair in DIPLOMAS.values() for code in pair if code}
    versions = defaultdict(list)
    found = DiplomaVersion.objects.filter(diploma__code__in=codes).select_related(
        "diploma", "previous"
    )
    # Without a first session a version is taken as the oldest (NULLs sort apart by database).
    for version in sorted(found, key=lambda v: (v.valid_from is not None, v.valid_from, v.label)):
        versions[version.diploma.code].append(version)
    return dict(versions)


def _version_of(pupil, versions) -> DiplomaVersion | None:
    """The version of his diploma in force for his exam session: the latest whose first
    session is not after it."""
    cap, bac_pro = DIPLOMAS.get(pupil.workshop.name, (None, None))
    code = bac_pro if pupil.programme == Student.Programme.BAC_PRO else cap
    if not code or code not in versions:
        return None
    session = pupil.cohort + PROGRAMME_YEARS
    in_force = [v for v in versions[code] if v.valid_from is None or v.valid_from.year <= session]
    return in_force[-1] if in_force else versions[code][0]


def _workshop_competencies(version) -> list[Competency]:
    return list(Competency.objects.filter(bloc__version=version, bloc__subject="").order_by("pk"))


def _tag_orders(ctx, current) -> None:
    """Each order names a few competencies of each of its workshop's référentiels."""
    rng = ctx.rng
    through = Competency.orders.through
    rows = []
    orders = Order.objects.select_related("workshop").order_by("pk")
    pools = {
        workshop: [_workshop_competencies(current[c]) for c in codes if c in current]
        for workshop, codes in DIPLOMAS.items()
    }
    for order in orders:
        workshop_pools = pools.get(order.workshop.name)
        # One order in ten is left untagged: the trainer has not done it yet.
        if not workshop_pools or rng.random() < 0.1:
            continue
        for index, pool in enumerate(workshop_pools):
            count = rng.randint(2, 4) if index == 0 else rng.randint(1, 3)
            for competency in rng.sample(pool, min(len(pool), count)):
                rows.append(through(competency_id=competency.pk, order_id=order.pk))
    through.objects.bulk_create(rows, ignore_conflicts=True)


def _evidence(ctx, versions) -> None:
    rng = ctx.rng
    today = ctx.today
    switched = ctx.school_year_start + SWITCHED_AFTER  # moved to the renewed référentiels
    all_versions = [v for history in versions.values() for v in history]
    tags: dict[int, list[int]] = {}
    for order_id, competency_id in Competency.orders.through.objects.values_list(
        "order_id", "competency_id"
    ):
        tags.setdefault(order_id, []).append(competency_id)
    own: dict[int, set[int]] = defaultdict(set)  # version -> its competencies
    for pk, version_id in Competency.objects.filter(bloc__version__in=all_versions).values_list(
        "pk", "bloc__version"
    ):
        own[version_id].add(pk)
    # The old competencies each competency of a renewed version stands for.
    older: dict[int, dict[int, list[int]]] = {}
    for version in all_versions:
        reverse: dict[int, list[int]] = defaultdict(list)
        for old, news in sorted(acquisition.mapped_to(version).items()):
            for new in news:
                reverse[new].append(old)
        older[version.pk] = reverse
    programmes = (
        Programme.objects.filter(student__status=Student.Status.ENROLLED)
        .select_related("student__workshop")
        .order_by("student_id")
    )
    trainers = {w.name: ctx.trainer_of(w) for w in ctx.workshops.values()}
    teacher = ctx.users.get("teacher")
    general: dict[int, list] = defaultdict(list)
    for pk, version_id, subject in (
        Competency.objects.filter(bloc__version__in=all_versions)
        .exclude(bloc__subject="")
        .order_by("pk")
        .values_list("pk", "bloc__version", "bloc__subject")
    ):
        general[version_id].append((pk, subject))
    rows = []
    for programme in programmes:
        pupil = programme.student
        trainer = trainers[pupil.workshop.name]
        mine = {
            order_id: [c for c in tagged if c in own[programme.version_id]]
            for order_id, tagged in tags.items()
        }
        logs = list(
            WorkLog.objects.filter(
                student=pupil, order_id__in=[o for o, tagged in mine.items() if tagged]
            )
            .order_by("start")
            .values_list("pk", "order_id", "start")
        )
        if not logs:
            continue
        # Year-two pupils are further on: higher levels, more autonomy.
        senior = pupil.programme_year == 2
        seen: list[int] = []  # a trainer comes back to what a pupil is working on
        picks = sorted(rng.sample(logs, min(len(logs), EVIDENCE_PER_PUPIL)), key=lambda x: x[2])
        for index, (log_id, order_id, start) in enumerate(picks):
            day = timezone.localtime(start).date()
            progress = index / max(1, len(picks) - 1)
            base = 2 + progress * 2 if senior else 1 + progress * 2.3
            level = min(4, max(1, round(base + rng.uniform(-0.6, 0.6))))
            autonomy = (
                Autonomy.AUTONOMOUS
                if progress > (0.5 if senior else 0.8)
                else Autonomy.PARTLY
                if progress > 0.25
                else Autonomy.GUIDED
            )
            recent = (today - day).days < 10
            validated = not recent and rng.random() < 0.9
            competency_id = _pick_competency(rng, mine[order_id], seen)
            old = older[programme.version_id].get(competency_id)
            if old and senior and day < switched:  # recorded on the référentiel of the time
                competency_id = rng.choice(old)
            rows.append(
                Evidence(
                    student=pupil,
                    competency_id=competency_id,
                    source=Evidence.Source.WORK_LOG,
                    work_log_id=log_id,
                    order_id=order_id,
                    date=day,
                    level=level,
                    autonomy=autonomy,
                    self_level=min(4, max(1, level + rng.choice([-1, 0, 0, 1]))),
                    recorded_by=trainer,
                    recorded_at=start,
                    validated_by=trainer if validated else None,
                    validated_at=start + dt.timedelta(days=1) if validated else None,
                )
            )
        # Two pieces of theory evidence from the teacher of the general subjects.
        sessions = list(
            TheorySession.objects.filter(
                attendances__student=pupil, subject="general", start__date__lte=today
            )
            .order_by("-start")
            .values_list("pk", "start")[:2]
        )
        pool = [pk for pk, subject in general[programme.version_id] if subject == "general"]
        for session_id, start in sessions:
            if teacher is None or not pool:
                break
            rows.append(
                Evidence(
                    student=pupil,
                    competency_id=rng.choice(pool),
                    source=Evidence.Source.THEORY,
                    theory_session_id=session_id,
                    date=timezone.localtime(start).date(),
                    level=rng.choice([2, 3, 3, 4]),
                    autonomy=rng.choice(list(Autonomy.values)),
                    recorded_by=teacher,
                    recorded_at=start,
                    validated_by=teacher,
                    validated_at=start,
                )
            )
    bulk_create_with_history(rows, Evidence, batch_size=2000)


# Photos of the work: a plank and its joints, a part on the bench, a plate. Drawn once,
# small; each piece of evidence gets its own files (as uploaded ones would be).
PALETTES = {
    "Menuiserie": ((222, 184, 135), (139, 90, 43)),
    "Usinage": ((176, 184, 194), (70, 80, 95)),
    "Restauration": ((250, 245, 235), (200, 90, 60)),
}
PHOTOS_SHOWN = 40  # pieces of evidence with photos: enough to see, quick to seed


def _drawing(background, ink, variant: int) -> bytes:
    image = Image.new("RGB", (480, 360), background)
    draw = ImageDraw.Draw(image)
    for k in range(3 + variant % 3):
        x = 40 + k * 90
        draw.rectangle((x, 80 + 20 * (variant % 2), x + 60, 280), outline=ink, width=6)
    draw.ellipse((300, 40 + 10 * variant, 440, 180 + 10 * variant), outline=ink, width=5)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def _photos(ctx) -> None:
    """One to three photos on a few pieces of evidence of the current pupils."""
    rng = ctx.rng
    drawings = {
        name: [_drawing(bg, ink, v) for v in range(3)] for name, (bg, ink) in PALETTES.items()
    }
    pieces = list(
        Evidence.objects.filter(
            student__status=Student.Status.ENROLLED, source=Evidence.Source.WORK_LOG
        )
        .select_related("student__workshop")
        .order_by("-date", "pk")[: PHOTOS_SHOWN * 4]
    )
    rows = []
    for item in rng.sample(pieces, min(len(pieces), PHOTOS_SHOWN)):
        pool = drawings.get(item.student.workshop.name, drawings["Menuiserie"])
        for n in range(rng.randint(1, 3)):
            name = default_storage.save(
                f"evidence/{item.student_id}/demo-{item.pk}-{n + 1}.jpg",
                ContentFile(pool[(item.pk + n) % len(pool)]),
            )
            rows.append(EvidencePhoto(evidence=item, student_id=item.student_id, image=name))
    # Bulk, past the model's guard: the demo writes the history as it happened, photos
    # taken before the evidence was validated.
    EvidencePhoto.objects.bulk_create(rows)


def _pick_competency(rng, tagged: list[int], seen: list[int]) -> int:
    again = [c for c in tagged if c in seen]
    choice = rng.choice(again) if again and rng.random() < 0.7 else rng.choice(tagged)
    seen.append(choice)
    return choice


def _chefs(ctx) -> None:
    finalists = Student.objects.filter(
        status=Student.Status.ENROLLED, programme_year=2
    ).select_related("workshop")
    year_start = ctx.school_year_start
    oral = dt.date(year_start.year + 1, 5, 20)
    for pupil in finalists:
        chef = ChefDoeuvre.objects.create(
            student=pupil, subject=CHEFS.get(pupil.workshop.name, "Un ouvrage"), oral_date=oral
        )
        orders = list(Order.objects.filter(work_logs__student=pupil).distinct().order_by("pk")[:2])
        chef.orders.set(orders)
        planned = [
            dt.date(year_start.year - 1, 11, 15),
            dt.date(year_start.year, 10, 1),
            dt.date(year_start.year + 1, 4, 15),
        ]
        ChefDoeuvreStep.objects.bulk_create(
            ChefDoeuvreStep(
                chef_doeuvre=chef,
                title=title,
                planned_on=day,
                done_on=day if day < ctx.today else None,
            )
            for title, day in zip(STEPS, planned, strict=True)
        )


OUTCOMES = {
    Student.ExamResult.FAILED: ExamRegistration.Outcome.FAILED,
    Student.ExamResult.NOT_TAKEN: ExamRegistration.Outcome.ABSENT,
}
DISTINCTIONS = [
    ExamRegistration.Outcome.PASSED,
    ExamRegistration.Outcome.PASSED,
    ExamRegistration.Outcome.PASSED_FAIRLY_GOOD,
    ExamRegistration.Outcome.PASSED_GOOD,
    ExamRegistration.Outcome.PASSED_VERY_GOOD,
]


def _exams(ctx, versions) -> None:
    """Former pupils who finished their programme: their session and units, with the
    result typed on leaving; final-year pupils: this year's registration, some of it
    still missing."""
    rng = ctx.rng
    blocs = defaultdict(list)
    for bloc in Bloc.objects.filter(
        version__in=[v for history in versions.values() for v in history]
    ).order_by("version", "position"):
        blocs[bloc.version_id].append(bloc)
    registrations = []
    results = []
    programmes = (
        Programme.objects.filter(version__diploma__kind=Diploma.Kind.CAP)
        .select_related("student")
        .order_by("student_id")
    )
    session = ctx.school_year_start.year + 1
    for programme in programmes:
        pupil = programme.student
        if pupil.leaving_reason == Student.LeavingReason.END_OF_PROGRAMME and pupil.left_on:
            outcome = OUTCOMES.get(pupil.exam_result) or rng.choice(DISTINCTIONS)
            year = pupil.left_on.year
        elif pupil.status == Student.Status.ENROLLED and pupil.programme_year == 2:
            outcome, year = ExamRegistration.Outcome.PENDING, session
        else:
            continue
        missing = year == session and rng.random() < 0.3
        registration = ExamRegistration(
            student=pupil,
            version=programme.version,
            session_year=year,
            number="" if missing else f"{year}{pupil.pk:06d}",
            centre=rng.choice(CENTRES),
            outcome=outcome,
        )
        registrations.append(registration)
    bulk_create_with_history(registrations, ExamRegistration)
    for registration in ExamRegistration.objects.order_by("pk"):
        for bloc in blocs[registration.version_id]:
            if registration.outcome == ExamRegistration.Outcome.PENDING:
                results.append(UnitResult(registration=registration, bloc=bloc))
                continue
            if registration.outcome == ExamRegistration.Outcome.ABSENT:
                results.append(UnitResult(registration=registration, bloc=bloc, result="absent"))
                continue
            low = 6 if registration.outcome == ExamRegistration.Outcome.FAILED else 10
            mark = round(rng.uniform(low, 18), 1)
            results.append(
                UnitResult(
                    registration=registration,
                    bloc=bloc,
                    mark=mark,
                    result="passed" if mark >= 10 else "failed",
                )
            )
    bulk_create_with_history(results, UnitResult, batch_size=2000)


APPRAISALS = [
    "Bon trimestre : {first} gagne en autonomie et soigne ses finitions.",
    "{first} progresse, mais doit encore vérifier son travail avant de le rendre.",
    "Trimestre sérieux ; {first} aide volontiers les plus jeunes de l'équipe.",
]


def _appraisals(ctx) -> None:
    """The trainer's appraisal of the current term for the final-year pupils."""
    start, _end, _number = term_bounds(ctx.today, ctx.school_year_start)
    rows = []
    for pupil in Student.objects.filter(
        status=Student.Status.ENROLLED, programme_year=2
    ).select_related("workshop"):
        text = ctx.rng.choice(APPRAISALS).format(first=pupil.first_name)
        rows.append(
            Appraisal(
                student=pupil, term_start=start, author=ctx.trainer_of(pupil.workshop), text=text
            )
        )
    bulk_create_with_history(rows, Appraisal)


def _history(ctx) -> None:
    """At scale N, the former pupils' years (their exam sessions and results are made by
    _exams above): evidence from their own work logs on their programme's competencies,
    validated by their trainer, a photo now and then, the trainer's appraisal of every
    term they were in the school, and the chef-d'œuvre of those who finished their
    programme, presented in May of their last year. Own random source; bulk, with
    history."""
    rng = random.Random(41)  # noqa: S311 (demo data)
    policy = Policy.load()
    year_start = policy.school_year_start(ctx.today)
    tags: dict[int, list[int]] = defaultdict(list)
    for order_id, competency_id in Competency.orders.through.objects.values_list(
        "order_id", "competency_id"
    ):
        tags[order_id].append(competency_id)
    own: dict[int, set[int]] = defaultdict(set)
    for pk, version_id in Competency.objects.values_list("pk", "bloc__version"):
        own[version_id].add(pk)
    programmes = list(
        Programme.objects.exclude(student__status=Student.Status.ENROLLED)
        .exclude(student__status=Student.Status.APPLICANT)
        .select_related("student__workshop")
        .order_by("student_id")
    )
    logs = defaultdict(list)
    for student_id, pk, order_id, start in (
        WorkLog.objects.filter(
            student__in=[p.student_id for p in programmes], order_id__in=list(tags)
        )
        .order_by("start")
        .values_list("student_id", "pk", "order_id", "start")
    ):
        logs[student_id].append((pk, order_id, start))
    trainers = {w.name: ctx.trainer_of(w) for w in ctx.workshops.values()}
    evidence, appraisals, chefs, finished = [], [], [], []
    for n, programme in enumerate(programmes):
        ctx.bar("skills: history", n + 1, len(programmes))
        pupil = programme.student
        trainer = trainers.get(pupil.workshop.name) if pupil.workshop else None
        if trainer is None:
            continue
        mine = [
            (log, order, start, [c for c in tags[order] if c in own[programme.version_id]])
            for log, order, start in logs[pupil.pk]
        ]
        mine = [m for m in mine if m[3]]
        picks = sorted(rng.sample(mine, min(len(mine), EVIDENCE_PER_PUPIL)), key=lambda m: m[2])
        for index, (log_id, order_id, start, competencies) in enumerate(picks):
            progress = index / max(1, len(picks) - 1)
            level = min(4, max(1, round(1 + progress * 3 + rng.uniform(-0.6, 0.6))))
            evidence.append(
                Evidence(
                    student=pupil,
                    competency_id=rng.choice(competencies),
                    source=Evidence.Source.WORK_LOG,
                    work_log_id=log_id,
                    order_id=order_id,
                    date=timezone.localtime(start).date(),
                    level=level,
                    autonomy=Autonomy.AUTONOMOUS if progress > 0.6 else Autonomy.PARTLY,
                    self_level=min(4, max(1, level + rng.choice([-1, 0, 0, 1]))),
                    recorded_by=trainer,
                    recorded_at=start,
                    validated_by=trainer,
                    validated_at=start + dt.timedelta(days=1),
                )
            )
        last = min(pupil.left_on or ctx.today, year_start - dt.timedelta(days=1))
        day = pupil.entry_date
        while day <= last:
            school_year = policy.school_year_start(day)
            term_start, term_end, _number = term_bounds(day, school_year)
            text = rng.choice(APPRAISALS).format(first=pupil.first_name)
            appraisals.append(
                Appraisal(student=pupil, term_start=term_start, author=trainer, text=text)
            )
            day = term_end + dt.timedelta(days=1)
        if pupil.leaving_reason == Student.LeavingReason.END_OF_PROGRAMME and pupil.left_on:
            oral = dt.date(pupil.left_on.year, 5, 20)
            chefs.append(
                ChefDoeuvre(
                    student=pupil,
                    subject=CHEFS.get(pupil.workshop.name, "Un ouvrage"),
                    oral_date=oral,
                    oral_mark=Decimal(rng.randint(20, 36)) / 2,
                )
            )
            finished.append((pupil, oral, [m[1] for m in picks[:2]]))
    bulk_create_with_history(evidence, Evidence, batch_size=2000)
    bulk_create_with_history(appraisals, Appraisal, batch_size=2000)
    bulk_create_with_history(chefs, ChefDoeuvre)
    made = {
        c.student_id: c.pk
        for c in ChefDoeuvre.objects.filter(student__in=[p for p, *_ in finished])
    }
    steps, links = [], []
    for pupil, oral, orders in finished:
        chef_id = made[pupil.pk]
        planned = [
            dt.date(oral.year - 2, 11, 15), dt.date(oral.year - 1, 10, 1),
            dt.date(oral.year, 4, 15),
        ]  # fmt: skip
        steps += [
            ChefDoeuvreStep(chef_doeuvre_id=chef_id, title=title, planned_on=day, done_on=day)
            for title, day in zip(STEPS, planned, strict=True)
        ]
        links += [
            ChefDoeuvre.orders.through(chefdoeuvre_id=chef_id, order_id=o) for o in set(orders)
        ]
    bulk_create_with_history(steps, ChefDoeuvreStep, batch_size=2000)
    ChefDoeuvre.orders.through.objects.bulk_create(links, ignore_conflicts=True)
    # A photo on one piece of evidence in forty: the same small drawings, files of their own.
    drawings = {
        name: [_drawing(bg, ink, v) for v in range(3)] for name, (bg, ink) in PALETTES.items()
    }
    photos = []
    for item in (
        Evidence.objects.filter(student__in=[p.student_id for p in programmes])
        .select_related("student__workshop")
        .order_by("pk")
    ):
        if rng.random() >= 0.025:
            continue
        pool = drawings.get(item.student.workshop.name, drawings["Menuiserie"])
        name = default_storage.save(
            f"evidence/{item.student_id}/demo-{item.pk}-1.jpg",
            ContentFile(pool[item.pk % len(pool)]),
        )
        photos.append(EvidencePhoto(evidence=item, student_id=item.student_id, image=name))
    EvidencePhoto.objects.bulk_create(photos)
    ctx.progress(
        f"skills: history of {len(evidence)} evidence, {len(photos)} photos, "
        f"{len(appraisals)} appraisals, {len(chefs)} chefs-d'œuvre"
    )
