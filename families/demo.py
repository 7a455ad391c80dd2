"""Demo accounts of the families' and pupils' spaces (R14): `parent`, a mother with
parental authority and an email, and `eleve`, her child (a minor in woodwork), password
'demo'; the school rules published to every family, waiting for her answer; an absence
she reported, waiting for the office. Idempotent: nothing is added once `parent` exists."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from ecoles import roles
from ecoles.demo import DEMO_PASSWORD, DemoContext
from ecoles.models import User
from families.access import adult_since
from families.models import AbsenceReport, GuardianAccount, Publication, PupilAccount
from schoollife.models import AbsenceReason
from students.models import Guardian, Student

# A one-page PDF (the demo's school rules stand in for the real ones).
RULES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _user(username: str, role: str, **fields) -> User:
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def seed(ctx: DemoContext) -> None:
    if User.objects.filter(username="parent").exists():
        return
    child = (
        Student.objects.enrolled()
        .filter(workshop=ctx.workshops.get("Menuiserie"), birth_date__gt=adult_since(ctx.today))
        .order_by("pk")
        .first()
    )
    if child is None:
        return
    mother = Guardian.objects.filter(student=child, legal_representative=True).first()
    if mother is None:
        mother = Guardian.objects.create(
            student=child, relationship="mother", last_name=child.last_name, first_name="Karima"
        )
    if not mother.email:
        mother.email = "parent@demo.fr"
        mother.save(update_fields=["email"])
    parent = _user(
        "parent", roles.FAMILY, email=mother.email,
        first_name=mother.first_name, last_name=mother.last_name,
    )  # fmt: skip
    GuardianAccount.objects.create(guardian=mother, user=parent)
    pupil = _user(
        "eleve", roles.PUPIL, email="eleve@demo.fr",
        first_name=child.first_name, last_name=child.last_name,
    )  # fmt: skip
    PupilAccount.objects.create(student=child, user=pupil)
    publication = Publication(
        title="Règlement intérieur",
        version=str(ctx.school_year_start.year),
        published_by=ctx.users["office"],
    )
    publication.file.save("reglement-interieur.pdf", ContentFile(RULES_PDF), save=False)
    publication.save()
    reason = AbsenceReason.objects.filter(legal=True).order_by("position").first()
    day = ctx.today + dt.timedelta(days=7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    AbsenceReport.objects.create(
        student=child,
        reported_by=parent,
        reason=reason,
        first_day=day,
        last_day=day,
        detail="Rendez-vous chez le médecin",
    )
