"""R14 done when: a guardian and a pupil each use their space on a 360 px phone, with no
serious accessibility violation (axe-core, WCAG 2.1 AA), and the guardian reports an
absence from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from ecoles import roles
from families.models import AbsenceReport, GuardianAccount, Publication, PupilAccount
from schoollife.models import AbsenceReason
from students.models import Guardian, Student
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import log_in
from tests.e2e.test_browser import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def family(woodwork, office):
    child = Student.objects.create(
        first_name="Léo", last_name="Martin", birth_date=dt.date(2010, 3, 1),
        workshop=woodwork, entry_date=dt.date(2025, 9, 1), cohort=2025,
    )  # fmt: skip
    mother = Guardian.objects.create(
        student=child, last_name="Martin", first_name="Nadia", email="nadia@exemple.fr"
    )
    parent = make_user("parent", roles.FAMILY)
    GuardianAccount.objects.create(guardian=mother, user=parent)
    pupil = make_user("eleve", roles.PUPIL)
    PupilAccount.objects.create(student=child, user=pupil)
    publication = Publication(title="Règlement intérieur", version="2026", published_by=office)
    publication.file.save("r.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=False)
    publication.save()
    AbsenceReason.objects.ensure_defaults()
    return child


def check(phone, urls: list[str]) -> dict:
    found = {}
    for url in urls:
        assert phone.goto(url).status == 200, url
        width, viewport = phone.evaluate(WIDTH)
        problems = serious_violations(phone)
        if width > viewport:
            problems.append(f"{width} px wide on a {viewport} px screen")
        if problems:
            found[url] = problems
    return found


def test_a_guardian_uses_her_space_on_a_phone(phone, family):
    log_in(phone, "parent", PASSWORD)
    base = f"/espace/enfant/{family.pk}/"
    urls = ["/", base, base + "absence/", base + "livret/", base + "documents/"]
    assert check(phone, urls + ["/espace/preferences/", "/espace/donnees/"]) == {}
    phone.goto(base + "absence/")
    phone.select_option("select[name=reason]", index=1)
    phone.fill("input[name=first_day]", "2026-12-14")
    phone.fill("input[name=last_day]", "2026-12-14")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert AbsenceReport.objects.filter(student=family).exists()
    assert "Léo" in phone.inner_text("main")


def test_a_pupil_uses_his_space_on_a_phone(phone, family):
    log_in(phone, "eleve", PASSWORD)
    assert check(phone, ["/", "/espace/eleve/competences/", "/espace/donnees/"]) == {}
