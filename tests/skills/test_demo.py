"""The demo's référentiels and programmes: each pupil on the version of his diploma in
force for his session, Bac Pro pupils where their référentiel ships, the old version's
evidence carried into the booklet by the mapping; seeding again adds nothing."""

from __future__ import annotations

import pytest

from ecoles.demo import DemoContext
from skills import booklet
from skills import demo as skills_demo
from skills.models import Competency, Evidence, ExamRegistration, Programme
from students.models import Student
from tests.training.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_school):
    return demo_school


def test_the_demo_programmes_mapping_and_idempotence(seeded):
    programmes = list(Programme.objects.select_related("student__workshop", "version__diploma"))
    # Bac Pro pupils: a programme where the référentiel ships (Menuiserie, Restauration),
    # none in Usinage (no text of its Bac Pro was found).
    bac_pro = [p for p in programmes if p.student.programme == Student.Programme.BAC_PRO]
    codes = {p.version.diploma.code for p in bac_pro}
    assert bac_pro and codes == {"BACPRO-TMA", "BACPRO-CUISINE"}
    assert Evidence.objects.filter(competency__bloc__version__diploma__code="BACPRO-CUISINE")
    assert (
        not Student.objects.filter(programme=Student.Programme.BAC_PRO)
        .exclude(workshop__name__in=["Menuiserie", "Restauration"])
        .filter(skills_programmes__isnull=False)
        .exists()
    )
    # CAP Cuisine: the 2016 version for sessions before 2026, the 2023 one after.
    cuisine = [p for p in programmes if p.version.diploma.code == "CAP-CUISINE"]
    for programme in cuisine:
        session = programme.student.cohort + 2
        assert programme.version.label == ("2023" if session >= 2026 else "2016"), session
    assert {p.version.label for p in cuisine} == {"2016", "2023"}
    # Evidence is on the pupil's version, or on the one it replaces.
    for item in Evidence.objects.select_related("competency__bloc__version", "student"):
        version = next(p.version for p in programmes if p.student_id == item.student_id)
        assert item.competency.bloc.version_id in (version.pk, version.previous_id)
    # A final-year pupil's 2016 evidence shows under a 2023 competency of his booklet.
    old = Evidence.objects.filter(competency__bloc__version__label="2016").first()
    assert old is not None and old.student.programme_year == 2
    book = booklet.booklet(old.student, old.date)
    shown = {e.pk: line.competency for b in book.blocs for line in b.lines for e in line.evidence}
    assert shown[old.pk].bloc.version.label == "2023"
    # Bac Pro pupils have evidence of their own référentiel.
    assert Evidence.objects.filter(competency__bloc__version__diploma__code="BACPRO-TMA").exists()
    # Exams: CAP registrations only, on the pupil's version.
    registrations = ExamRegistration.objects.select_related("version__diploma")
    assert registrations.exists()
    assert {r.version.diploma.kind for r in registrations} == {"cap"}
    assert all(
        r.version_id == next(p.version_id for p in programmes if p.student_id == r.student_id)
        for r in registrations
    )
    # Seeding again adds nothing.
    counts = (Programme.objects.count(), Evidence.objects.count(), Competency.objects.count())
    skills_demo.seed(DemoContext(today=TODAY))
    assert counts == (
        Programme.objects.count(),
        Evidence.objects.count(),
        Competency.objects.count(),
    )
