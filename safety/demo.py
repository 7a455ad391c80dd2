"""Demo safety records (SPEC.md R13): machines in each workshop, a declaration in force
and one ending soon, medical opinions valid, ending soon or missing, safety trainings and
supervisors, so that the homes show expiries and the team entry leaves pupils out.
Deterministic (ctx.rng) and idempotent (nothing is added when machines exist). The work
logs that name a machine are made by training.demo, through safety.rules."""

from __future__ import annotations

import datetime as dt
import random

from simple_history.utils import bulk_create_with_history

from ecoles.demo import DemoContext
from safety.models import (
    DECLARATION_YEARS,
    OPINION_MONTHS,
    Declaration,
    DeclarationSupervisor,
    Kind,
    Machine,
    MedicalOpinion,
    SafetyTraining,
    Supervision,
    last_valid_day,
)
from students.models import Student, add_months, age_on

MACHINES = {
    "Menuiserie": [
        ("Scie circulaire sur table", Kind.MACHINES, "Atelier bois, poste 1"),
        ("Dégauchisseuse", Kind.MACHINES, "Atelier bois, poste 2"),
        ("Raboteuse", Kind.MACHINES, "Atelier bois, poste 3"),
        ("Toupie", Kind.MACHINES, "Atelier bois, poste 4"),
        ("Travaux sur échafaudage roulant", Kind.HEIGHT, "Chantiers de pose"),
    ],
    "Usinage": [
        ("Tour conventionnel", Kind.MACHINES, "Atelier usinage, îlot A"),
        ("Fraiseuse", Kind.MACHINES, "Atelier usinage, îlot B"),
        ("Perceuse à colonne", Kind.MACHINES, "Atelier usinage, îlot C"),
        ("Pont roulant", Kind.MOBILE, "Atelier usinage, travée"),
    ],
    "Restauration": [
        ("Trancheuse à jambon", Kind.MACHINES, "Cuisine, garde-manger"),
        ("Friteuse", Kind.TEMPERATURE, "Cuisine, poste chaud"),
        ("Batteur-mélangeur", Kind.MACHINES, "Pâtisserie"),
    ],
}
PREFIX = {"Menuiserie": "MEN", "Usinage": "USI", "Restauration": "RES"}
DOCTORS = ["Dr Anne Morel", "Dr Karim Benali", "Dr Hélène Giraud"]


def seed(ctx: DemoContext) -> None:
    if Machine.objects.exists():
        ctx.progress("safety: machines already seeded, nothing added")
        return
    rng, today = ctx.rng, ctx.today
    director = ctx.users["director"]
    machines: dict[str, list[Machine]] = {}
    for name, items in MACHINES.items():
        workshop = ctx.workshops.get(name)
        if workshop is None:
            continue
        machines[name] = [
            Machine(
                workshop=workshop,
                inventory_number=f"{PREFIX[name]}-{i:03d}",
                name=label,
                kind=kind,
                location=place,
                risk_line=f"DUERP {PREFIX[name]} ligne {i * 3}",
            )
            for i, (label, kind, place) in enumerate(items, start=1)
        ]
    bulk_create_with_history([m for ms in machines.values() for m in ms], Machine)
    machines = {
        name: list(Machine.objects.filter(workshop=ctx.workshops[name]).order_by("pk"))
        for name in machines
    }
    address = "12 rue de Gerland, 69007 Lyon"
    # In force since last year: woodwork and machining.
    main = Declaration(
        sent_on=today - dt.timedelta(days=430),
        # R4153-40 1°: the risk assessment (DUERP) it rests on, made before it.
        risk_assessed_on=today - dt.timedelta(days=460),
        method=Declaration.Method.REGISTERED_LETTER,
        inspection_office="DREETS Auvergne-Rhône-Alpes, unité de contrôle Lyon 7e",
        trainings="CAP Menuisier fabricant\nBac Pro Technicien menuisier agenceur\n"
        "CAP Conducteur d'installations de production\n"
        "Bac Pro Technicien en réalisation de produits mécaniques",
        places=f"Atelier de menuiserie, {address}\nAtelier d'usinage, {address}",
        created_by=director,
    )
    main.save()
    main.machines.set(machines.get("Menuiserie", []) + machines.get("Usinage", []))
    # Sent almost three years ago: ends within the month, to be renewed (catering).
    ending = Declaration(
        sent_on=add_months(today + dt.timedelta(days=24), -12 * DECLARATION_YEARS),
        risk_assessed_on=add_months(today, -12 * DECLARATION_YEARS),
        method=Declaration.Method.EMAIL,
        inspection_office="DREETS Auvergne-Rhône-Alpes, unité de contrôle Lyon 7e",
        trainings="CAP Cuisine\nBac Pro Cuisine",
        places=f"Cuisine pédagogique, {address}",
        created_by=director,
    )
    ending.save()
    ending.machines.set(machines.get("Restauration", []))
    for declaration, names in ((main, ("Menuiserie", "Usinage")), (ending, ("Restauration",))):
        for name in names:
            if name in ctx.workshops:
                DeclarationSupervisor.objects.create(
                    declaration=declaration,
                    person=ctx.trainer_of(ctx.workshops[name]),
                    role=f"Maître professionnel, atelier {name}",
                )

    pupils = list(
        Student.objects.enrolled().select_related("workshop").order_by("workshop__name", "pk")
    )
    opinions, trainings, supervisions, restricted = [], [], [], []
    for index, pupil in enumerate(pupils):
        name = pupil.workshop.name
        trainer = ctx.trainer_of(pupil.workshop)
        if age_on(pupil.birth_date, today) < 15 or name not in machines:
            continue  # no derogation under 15: nothing to record yet
        draw = rng.random()
        if draw < 0.1:
            continue  # opinion still missing: the team entry leaves him out
        if draw < 0.25:  # ends within 60 days
            date = add_months(today, -OPINION_MONTHS) + dt.timedelta(days=rng.randint(5, 55))
        else:
            date = max(pupil.entry_date, today - dt.timedelta(days=rng.randint(30, 300)))
        date = min(date, today)
        outcome = MedicalOpinion.Outcome.FIT
        if index % 11 == 5:
            outcome = MedicalOpinion.Outcome.RESTRICTED
        opinion = MedicalOpinion(
            student=pupil,
            date=date,
            valid_until=last_valid_day(date, OPINION_MONTHS),
            doctor=rng.choice(DOCTORS),
            outcome=outcome,
            recorded_by=director,
        )
        opinions.append(opinion)
        if outcome == MedicalOpinion.Outcome.RESTRICTED:
            restricted.append((opinion, machines[name][-1]))
        trained_on = min(pupil.entry_date + dt.timedelta(days=rng.randint(3, 20)), today)
        for machine in machines[name]:
            trainings.append(
                SafetyTraining(
                    student=pupil,
                    machine=machine,
                    date=trained_on,
                    given_by=trainer,
                    signed=not (index % 13 == 7 and machine == machines[name][0]),
                    content="Consignes, protections, arrêt d'urgence, démonstration",
                )
            )
        if index % 17 != 3:  # one or two still without a supervisor named
            supervisions.append(Supervision(student=pupil, supervisor=trainer, start=trained_on))
    opinions = bulk_create_with_history(opinions, MedicalOpinion)
    by_student = {o.student_id: o for o in MedicalOpinion.objects.filter(student__in=pupils)}
    for opinion, machine in restricted:
        by_student[opinion.student_id].restrictions.add(machine)
    bulk_create_with_history(trainings, SafetyTraining)
    bulk_create_with_history(supervisions, Supervision)
    ctx.progress(
        f"safety: {sum(len(m) for m in machines.values())} machines, 2 declarations, "
        f"{len(opinions)} medical opinions, {len(trainings)} trainings"
    )
    if ctx.scale > 1:
        _history(ctx, main, ending)


def _history(ctx: DemoContext, main: Declaration, ending: Declaration) -> None:
    """At scale N, the years before the current one: each declaration renewed every three
    years back to the demo's first year (R4153-40: in force three years from its sending),
    a medical opinion each school year for every pupil of 15 or more then (valid a year,
    R4153-40 2°), and the former pupils' trainings on their workshop's machines and their
    supervisors until they left. Own random source: the seeders after this draw as
    before. Bulk, with history."""
    rng = random.Random(13)  # noqa: S311 (demo data)
    today, year_start = ctx.today, ctx.school_year_start
    director = ctx.users["director"]
    first_day = year_start.replace(year=year_start.year - ctx.scale + 1)
    renewed = 0
    for latest in (main, ending):
        machines = list(latest.machines.all())
        supervisors = list(latest.supervisors.all())
        sent_on = add_months(latest.sent_on, -12 * DECLARATION_YEARS)
        newer = latest
        while sent_on >= first_day:
            older = Declaration(
                sent_on=sent_on,
                risk_assessed_on=sent_on - dt.timedelta(days=30),
                method=latest.method,
                inspection_office=latest.inspection_office,
                trainings=latest.trainings,
                places=latest.places,
                created_by=director,
            )
            older.save()
            older.machines.set(machines)
            DeclarationSupervisor.objects.bulk_create(
                DeclarationSupervisor(declaration=older, person_id=s.person_id, role=s.role)
                for s in supervisors
            )
            newer.renews = older
            newer.save(update_fields=["renews"])  # audited: the history says who linked them
            newer, renewed = older, renewed + 1
            sent_on = add_months(sent_on, -12 * DECLARATION_YEARS)
    machines = {
        w: list(Machine.objects.filter(workshop_id=w).order_by("pk"))
        for w in Machine.objects.values_list("workshop_id", flat=True).distinct()
    }
    trainers = {w.pk: ctx.trainer_of(w) for w in ctx.workshops.values()}
    pupils = list(
        Student.objects.filter(entry_date__lt=year_start, workshop__isnull=False)
        .exclude(status=Student.Status.APPLICANT)
        .order_by("pk")
    )
    opinions, trainings, supervisions = [], [], []
    trained = set(SafetyTraining.objects.values_list("student_id", flat=True))
    for n, pupil in enumerate(pupils):
        ctx.bar("safety: history", n + 1, len(pupils))
        if pupil.workshop_id not in machines:
            continue
        last = min(pupil.left_on or today, year_start - dt.timedelta(days=1))
        day = pupil.entry_date + dt.timedelta(days=rng.randint(5, 25))
        while day <= last:
            if age_on(pupil.birth_date, day) >= 15:
                opinions.append(
                    MedicalOpinion(
                        student=pupil,
                        date=day,
                        valid_until=last_valid_day(day, OPINION_MONTHS),
                        doctor=rng.choice(DOCTORS),
                        outcome=MedicalOpinion.Outcome.FIT,
                        recorded_by=director,
                    )
                )
            day = add_months(day, OPINION_MONTHS) - dt.timedelta(days=rng.randint(3, 20))
        if pupil.pk in trained:
            continue
        trained_on = pupil.entry_date + dt.timedelta(days=rng.randint(3, 20))
        if pupil.left_on and trained_on > pupil.left_on:
            continue
        trainer = trainers.get(pupil.workshop_id, director)
        trainings += [
            SafetyTraining(
                student=pupil,
                machine=machine,
                date=trained_on,
                given_by=trainer,
                signed=True,
                content="Consignes, protections, arrêt d'urgence, démonstration",
            )
            for machine in machines[pupil.workshop_id]
        ]
        supervisions.append(
            Supervision(student=pupil, supervisor=trainer, start=trained_on, end=pupil.left_on)
        )
    bulk_create_with_history(opinions, MedicalOpinion, batch_size=2000)
    bulk_create_with_history(trainings, SafetyTraining, batch_size=2000)
    bulk_create_with_history(supervisions, Supervision, batch_size=2000)
    ctx.progress(
        f"safety: history of {renewed} declarations renewed, {len(opinions)} opinions, "
        f"{len(trainings)} trainings"
    )
