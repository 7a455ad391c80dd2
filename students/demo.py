"""Demo pupils: cohorts entering each September, leaving, and what became of them.

At scale 1, the two cohorts in the workshops now (about 36 pupils, 12 a workshop) and
three former cohorts with their exam results and destinations, so that the indicators
page shows real figures; at scale N, N more school years of former cohorts. A few
applicants for next year. Guardians for everyone, follow-up notes for many.
Deterministic (ctx.rng) and idempotent (nothing is added when pupils exist).
"""

from __future__ import annotations

import datetime as dt
import zlib

from simple_history.utils import bulk_create_with_history

from ecoles.demo import FIRST_NAMES, LAST_NAMES, DemoContext
from ecoles.models import Policy, Workshop
from students.models import FollowUpNote, Guardian, Student, add_months, fold

PER_WORKSHOP = 6  # pupils entering each workshop each year: 5 CAP, 1 Bac Pro
FORMER_COHORTS = 3  # at scale 1; scale N adds N - 1 more

PROGRAMMES = {
    "Menuiserie": ("CAP Menuisier fabricant", "Bac Pro Technicien menuisier agenceur"),
    "Usinage": (
        "CAP Conducteur d'installations de production",
        "Bac Pro Technicien en réalisation de produits mécaniques",
    ),
    "Restauration": ("CAP Cuisine", "Bac Pro Cuisine"),
}
ADULT_WOMEN = [
    "Nathalie", "Sandrine", "Karima", "Isabelle", "Valérie", "Fatima", "Stéphanie", "Céline",
]  # fmt: skip
ADULT_MEN = [
    "Christophe", "Karim", "Stéphane", "Laurent", "David", "Mehdi", "Frédéric", "Olivier",
]  # fmt: skip
ADULT_FIRST_NAMES = ADULT_WOMEN + ADULT_MEN
STREETS = [
    "rue de Gerland", "avenue Jean Jaurès", "rue Marietton", "cours Émile Zola",
    "rue Paul Bert", "boulevard des États-Unis", "rue de la Part-Dieu", "avenue Berthelot",
    "rue Garibaldi", "rue Francis de Pressensé",
]  # fmt: skip
TOWNS = [
    ("69007", "Lyon"), ("69008", "Lyon"), ("69003", "Lyon"), ("69009", "Lyon"),
    ("69100", "Villeurbanne"), ("69200", "Vénissieux"), ("69120", "Vaulx-en-Velin"),
    ("69800", "Saint-Priest"),
]  # fmt: skip
NOTES = {
    FollowUpNote.Category.FAMILY: [
        "Entretien avec la mère : tensions à la maison depuis la séparation des parents. "
        "À revoir dans un mois.",
        "Le père a appelé, inquiet des retards du matin. Point fait avec le jeune.",
    ],
    FollowUpNote.Category.HOUSING: [
        "Hébergé chez sa tante depuis deux semaines. Contact pris avec l'assistante sociale.",
        "Demande de place en foyer de jeunes travailleurs déposée.",
    ],
    FollowUpNote.Category.HEALTH: [
        "Rendez-vous chez le médecin scolaire pour des douleurs au dos : poste adapté "
        "à l'atelier en attendant.",
        "Fatigue importante signalée, sommeil à surveiller.",
    ],
    FollowUpNote.Category.SCHOOL: [
        "Progrès nets en mathématiques, à encourager. Bonne implication sur la commande en cours.",
        "Absences répétées le lundi matin : entretien avec le jeune et sa famille.",
    ],
    FollowUpNote.Category.OTHER: [
        "Obtention du code de la route, très fier. Projet de permis B.",
        "Cherche un club de foot : orienté vers l'ASUL.",
    ],
}


def _pick(rng, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _destination(rng, graduate: bool) -> str:
    D = Student.Destination
    if graduate:
        weights = [
            (D.FURTHER_STUDY, 40),
            (D.EMPLOYMENT, 33),
            (D.APPRENTICESHIP, 15),
            (D.SELF_EMPLOYED, 2),
            (D.SEEKING, 6),
            (D.UNKNOWN, 4),
        ]
    else:
        weights = [
            (D.SEEKING, 35),
            (D.UNKNOWN, 25),
            (D.EMPLOYMENT, 15),
            (D.APPRENTICESHIP, 15),
            (D.FURTHER_STUDY, 10),
        ]
    return _pick(rng, weights)


def _contract(rng, destination: str) -> str:
    if destination != Student.Destination.EMPLOYMENT:
        return ""
    C = Student.Contract
    return _pick(rng, [(C.CDI, 40), (C.CDD, 30), (C.TEMPORARY, 20), (C.PROFESSIONALISATION, 10)])


def _adult_first_name(drawn: str, relationship: str) -> str:
    """A mother has a woman's name, a father a man's (issue 29 §5: the demo showed a
    mother called Christophe): the drawn name's place in its list, in the right list, so
    that the generator draws as many numbers as before and the rest of the demo stays."""
    index = ADULT_FIRST_NAMES.index(drawn) % len(ADULT_WOMEN)
    if relationship == Guardian.Relationship.MOTHER:
        return ADULT_WOMEN[index]
    if relationship == Guardian.Relationship.FATHER:
        return ADULT_MEN[index]
    return drawn


def _phone(rng) -> str:
    return "0" + rng.choice("67") + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))


def _email(rng, first: str, last: str) -> str:
    local = f"{fold(first)}.{fold(last)}".replace(" ", "-").replace("'", "")
    return f"{local}@{rng.choice(['exemple.fr', 'exemple.com', 'exemple.org'])}"


def _day_between(rng, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


class _Seeder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.policy = Policy.load()
        self.current = self.policy.school_year_start(self.today).year

    def year_start(self, year: int) -> dt.date:
        return dt.date(year, self.policy.school_year_start_month, self.policy.school_year_start_day)

    def pupil(self, workshop: Workshop, cohort: int, bac_pro: bool) -> Student:
        rng = self.rng
        entry = self.year_start(cohort)
        if rng.random() < 0.15:  # some arrive in the autumn, after a false start elsewhere
            entry += dt.timedelta(days=rng.randint(20, 75))
        age = rng.choice([16, 17] if bac_pro else [14, 15, 15, 15, 16, 16])
        birth = add_months(entry, -12 * age) - dt.timedelta(days=rng.randint(0, 364))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        postal_code, city = rng.choice(TOWNS)
        titles = PROGRAMMES.get(
            workshop.name, (f"CAP {workshop.trade}", f"Bac Pro {workshop.trade}")
        )
        student = Student(
            first_name=first,
            last_name=last,
            search_name=fold(f"{first} {last}"),
            birth_date=birth,
            phone=_phone(rng) if rng.random() < 0.8 else "",
            email=_email(rng, first, last) if rng.random() < 0.6 else "",
            address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            postal_code=postal_code,
            city=city,
            workshop=workshop,
            tutor=self.ctx.trainer_of(workshop),
            programme=Student.Programme.BAC_PRO if bac_pro else Student.Programme.CAP,
            programme_title=titles[1] if bac_pro else titles[0],
            entry_date=entry,
            cohort=cohort,
        )
        self.course(student)
        return student

    def course(self, student: Student) -> None:
        """What happens to him in his two years: he stays, leaves early, or finishes."""
        rng = self.rng
        end_of_programme = dt.date(student.cohort + 2, 6, 30)
        event = rng.random()
        if event < 0.08:
            left_on = _day_between(
                rng, student.entry_date + dt.timedelta(days=45), end_of_programme
            )
            reason = (
                Student.LeavingReason.DROPPED_OUT
                if event < 0.04
                else Student.LeavingReason.EXCLUDED
                if event < 0.05
                else rng.choice(
                    [
                        Student.LeavingReason.REORIENTATION,
                        Student.LeavingReason.MOVED,
                        Student.LeavingReason.JOB,
                    ]
                )
            )
            result = Student.ExamResult.NOT_TAKEN
        else:
            left_on = end_of_programme
            reason = Student.LeavingReason.END_OF_PROGRAMME
            result = _pick(
                rng,
                [
                    (Student.ExamResult.PASSED, 88),
                    (Student.ExamResult.FAILED, 10),
                    (Student.ExamResult.NOT_TAKEN, 2),
                ],
            )
        if left_on > self.today:
            student.status = Student.Status.ENROLLED
            student.programme_year = 1 if student.cohort == self.current else 2
            return
        student.programme_year = 1 if left_on < self.year_start(student.cohort + 1) else 2
        student.left_on = left_on
        student.leaving_reason = reason
        student.exam_result = result
        student.settle_leaving_status()
        passed = student.status == Student.Status.GRADUATED
        if add_months(left_on, 6) <= self.today:
            student.destination_6m = _destination(rng, passed)
            student.contract_6m = _contract(rng, student.destination_6m)
        if add_months(left_on, 12) <= self.today:
            if (
                student.destination_6m
                in (
                    Student.Destination.SEEKING,
                    Student.Destination.UNKNOWN,
                )
                or rng.random() < 0.15
            ):
                student.destination_12m = _destination(rng, passed)
            else:
                student.destination_12m = student.destination_6m
            student.contract_12m = _contract(rng, student.destination_12m)

    def applicant(self, workshop: Workshop) -> Student:
        student = self.pupil(workshop, self.current + 1, bac_pro=False)  # enters next year
        student.status = Student.Status.APPLICANT
        student.programme_year = 1
        return student

    def guardians(self, student: Student) -> list[Guardian]:
        rng = self.rng
        R = Guardian.Relationship
        if rng.random() < 0.08:  # placed by the child welfare service
            people = [(R.SOCIAL_WORKER, rng.choice(LAST_NAMES)), (R.FOSTER_FAMILY, None)]
        elif rng.random() < 0.7:
            people = [(R.MOTHER, None), (R.FATHER, student.last_name)]
        else:
            people = [(rng.choice([R.MOTHER, R.MOTHER, R.FATHER, R.LEGAL_GUARDIAN]), None)]
        result = []
        for index, (relationship, last_name) in enumerate(people):
            first = _adult_first_name(rng.choice(ADULT_FIRST_NAMES), relationship)
            last = last_name or (
                student.last_name if rng.random() < 0.6 else rng.choice(LAST_NAMES)
            )
            result.append(
                Guardian(
                    student=student,
                    relationship=relationship,
                    first_name=first,
                    last_name=last,
                    phone=_phone(rng),
                    phone_other=_phone(rng) if rng.random() < 0.3 else "",
                    email=_email(rng, first, last) if rng.random() < 0.8 else "",
                    address=student.address if index == 0 else "",
                    postal_code=student.postal_code if index == 0 else "",
                    city=student.city if index == 0 else "",
                    legal_representative=relationship != R.FOSTER_FAMILY,
                    receives_mail=index == 0,
                    # A few families asked to be called rather than mailed (no draw from
                    # the generator, so the rest of the demo stays the same).
                    notices_by=(
                        Guardian.Channel.PHONE
                        if zlib.crc32(f"{first}{last}".encode()) % 6 == 0
                        else Guardian.Channel.EMAIL
                    ),
                )
            )
        return result

    def notes(self, student: Student) -> list[FollowUpNote]:
        rng = self.rng
        if student.status == Student.Status.APPLICANT:
            return []
        until = min(student.left_on or self.today, self.today)
        if until <= student.entry_date:
            return []
        director = self.ctx.users.get("director")
        notes = []
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            category = rng.choice(list(NOTES))
            by_director = director is not None and rng.random() < 0.2
            notes.append(
                FollowUpNote(
                    student=student,
                    date=_day_between(rng, student.entry_date, until),
                    category=category,
                    text=rng.choice(NOTES[category]),
                    author=director if by_director else student.tutor,
                )
            )
        return notes


def seed(ctx: DemoContext) -> None:
    if Student.objects.exists():
        ctx.progress("students: pupils already there, nothing added")
        return
    seeder = _Seeder(ctx)
    first_cohort = seeder.current - 1 - FORMER_COHORTS - (ctx.scale - 1)
    students = []
    for cohort in range(first_cohort, seeder.current + 1):
        for workshop in ctx.workshops.values():
            for index in range(PER_WORKSHOP):
                students.append(seeder.pupil(workshop, cohort, bac_pro=index == PER_WORKSHOP - 1))
    for workshop in ctx.workshops.values():
        students += [seeder.applicant(workshop) for _ in range(2)]
    director = ctx.users.get("director")
    students = bulk_create_with_history(students, Student, batch_size=500, default_user=director)
    guardians = [g for s in students for g in seeder.guardians(s)]
    bulk_create_with_history(guardians, Guardian, batch_size=500, default_user=director)
    notes = [n for s in students for n in seeder.notes(s) if n.author is not None]
    bulk_create_with_history(notes, FollowUpNote, batch_size=500, default_user=director)
    ctx.progress(
        f"students: {len(students)} pupils, {len(guardians)} guardians, {len(notes)} notes"
    )
