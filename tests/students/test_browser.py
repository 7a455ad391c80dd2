"""The pupils' pages in a real browser, on a 360 px phone: the director, the office and
a trainer each do their part; nothing wider than the screen; no serious accessibility
violation. Skipped where no Chromium is found (see tests/e2e/conftest.py)."""

from __future__ import annotations

import pytest

from students.models import FollowUpNote, Student
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.test_browser import serious_violations

pytestmark = pytest.mark.e2e


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_office_records_a_new_pupil_on_a_phone(phone, office, woodwork, woodwork_trainer):
    log_in(phone, "office", PASSWORD)
    phone.goto("/eleves/nouveau/")
    assert fits_the_screen(phone)
    phone.fill("#id_last_name", "Dupont")
    phone.fill("#id_first_name", "Théo")
    phone.fill("#id_birth_date", "2011-02-03")
    phone.select_option("#id_workshop", str(woodwork.pk))
    phone.fill("#id_programme_title", "CAP Menuisier fabricant")
    phone.fill("#id_entry_date", "2026-09-01")
    phone.fill("#id_guardians-0-last_name", "Dupont")
    phone.fill("#id_guardians-0-phone", "06 12 34 56 78")
    phone.click("form.pupil-form button[type=submit]")
    phone.wait_for_load_state()
    assert "La fiche de Théo Dupont est enregistrée" in phone.content()
    student = Student.objects.get(last_name="Dupont")
    assert student.tutor == woodwork_trainer and student.guardians.count() == 1


def test_the_add_guardian_button_adds_a_second_family_member(
    phone, office, woodwork, woodwork_trainer
):
    log_in(phone, "office", PASSWORD)
    phone.goto("/eleves/nouveau/")
    phone.click("#add-guardian")
    assert phone.locator("#id_guardians-1-last_name").is_visible()
    assert phone.input_value("#id_guardians-TOTAL_FORMS") == "2"


def test_a_trainer_reads_his_pupils_and_writes_a_note_on_a_phone(
    phone, woodwork_trainer, woodwork_pupil, machining_pupil
):
    log_in(phone, "wood", PASSWORD)
    phone.goto("/eleves/")
    assert fits_the_screen(phone)
    assert "Léa" in phone.content() and "Hugo" not in phone.content()
    phone.click("text=Léa")
    phone.wait_for_load_state()
    assert fits_the_screen(phone)
    phone.click("text=Lire et écrire les notes de suivi")
    phone.wait_for_load_state()
    phone.select_option("#id_category", "school")
    phone.fill("#id_text", "Bonne semaine à l'atelier.")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    assert "La note est ajoutée" in phone.content()
    assert FollowUpNote.objects.get().author == woodwork_trainer


def test_the_director_reads_the_indicators_on_a_phone(phone, director, known_school):
    log_in(phone, "dir", PASSWORD)
    phone.goto("/eleves/indicateurs/?year=2025")
    assert fits_the_screen(phone)
    assert "Décrochage" in phone.content()
    phone.select_option("#year", "2024")  # the picker reloads the page by itself
    phone.wait_for_url("**/indicateurs/?year=2024")
    assert "Indicateurs 2024-2025" in phone.content()


@pytest.mark.parametrize(
    ("username", "persona", "paths"),
    [
        ("office", "office", ["/eleves/", "/eleves/{pk}/", "/eleves/{pk}/modifier/",
                              "/eleves/{pk}/depart/", "/eleves/import/", "/eleves/indicateurs/"]),
        ("wood", "woodwork_trainer", ["/eleves/", "/eleves/{pk}/", "/eleves/{pk}/suivi/"]),
        ("dir", "director", ["/eleves/anonymisation/", "/eleves/{pk}/suivi/"]),
    ],
)  # fmt: skip
def test_pupil_pages_fit_a_phone_without_serious_accessibility_violation(
    phone, request, woodwork_pupil, secret_note, username, persona, paths
):
    request.getfixturevalue(persona)
    log_in(phone, username, PASSWORD)
    problems = {}
    for path in paths:
        url = path.format(pk=woodwork_pupil.pk)
        assert phone.goto(url).status == 200, url
        if not fits_the_screen(phone):
            problems[url] = "wider than the screen"
        violations = serious_violations(phone)
        if violations:
            problems[url] = violations
    assert problems == {}
