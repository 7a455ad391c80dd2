"""Who may open which pupil page (SPEC.md §2): right role 200, wrong role 403, someone
else's pupil or a confidential page 404, anonymous users to the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.urlwalk import walk

PERSONAS = ["director", "office", "woodwork_trainer", "machining_trainer", "teacher", "accountant"]

# page -> expected status for each persona, in the order of PERSONAS.
MATRIX = {
    "list": (200, 200, 200, 200, 200, 403),
    "export": (200, 200, 200, 200, 200, 403),
    "add": (200, 200, 403, 403, 403, 403),
    "import": (200, 200, 403, 403, 403, 403),
    "import_sample": (200, 200, 403, 403, 403, 403),
    "indicators": (200, 200, 403, 403, 403, 403),
    "indicators_export": (200, 200, 403, 403, 403, 403),
    "anonymise": (200, 403, 403, 403, 403, 403),
    # The woodwork pupil: the machining trainer does not know he exists.
    "detail": (200, 200, 200, 404, 200, 403),
    "edit": (200, 200, 403, 403, 403, 403),
    "leaving": (200, 200, 403, 403, 403, 403),
    "personal_data": (200, 200, 403, 403, 403, 403),
    # Follow-up notes: the tutor and the direction; anyone else, a 404.
    "notes": (200, 404, 200, 404, 404, 404),
    # Correcting a note: its author only.
    "note_edit": (404, 404, 200, 404, 404, 404),
}
POST_ONLY = {"import_confirm", "import_cancel"}


def _url(name: str, pupil, note) -> str:
    if name == "note_edit":
        return reverse("students:note_edit", args=[pupil.pk, note.pk])
    if name in {"detail", "edit", "leaving", "personal_data", "notes"}:
        return reverse(f"students:{name}", args=[pupil.pk])
    return reverse(f"students:{name}")


def test_every_pupil_page_is_in_the_matrix():
    routed = {r.name.split(":", 1)[1] for r in walk() if r.name.startswith("students:")}
    assert routed == set(MATRIX) | POST_ONLY


@pytest.mark.parametrize("page", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_page_matrix(
    client_for, personas, woodwork_pupil, secret_note, machining, page, persona
):
    expected = MATRIX[page][PERSONAS.index(persona)]
    response = client_for(personas[persona]).get(_url(page, woodwork_pupil, secret_note))
    assert response.status_code == expected, (page, persona)


@pytest.mark.parametrize("page", sorted(MATRIX) + sorted(POST_ONLY))
def test_anonymous_users_go_to_the_login_page(client, woodwork_pupil, secret_note, page):
    url = (
        reverse(f"students:{page}")
        if page in POST_ONLY
        else _url(page, woodwork_pupil, secret_note)
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_sees_no_pupil(client_for, nobody, woodwork_pupil):
    client = client_for(nobody)
    assert client.get(reverse("students:list")).status_code == 403
    assert client.get(reverse("students:detail", args=[woodwork_pupil.pk])).status_code == 403


def test_trainer_of_another_workshop_gets_404_on_a_pupil(
    client_for, machining_trainer, woodwork_pupil, machining
):
    client = client_for(machining_trainer)
    assert client.get(reverse("students:detail", args=[woodwork_pupil.pk])).status_code == 404
    assert client.get(reverse("students:notes", args=[woodwork_pupil.pk])).status_code == 404


def test_trainer_lists_only_his_workshops_pupils(
    client_for, woodwork_trainer, woodwork_pupil, machining_pupil
):
    body = client_for(woodwork_trainer).get(reverse("students:list")).content.decode()
    assert "Léa" in body
    assert "Hugo" not in body
    export = client_for(woodwork_trainer).get(reverse("students:export")).content.decode()
    assert "Léa" in export and "Hugo" not in export


def test_teacher_sees_names_cohorts_and_workshops_but_no_contact(
    client_for, teacher, woodwork_pupil, secret_note
):
    client = client_for(teacher)
    body = client.get(reverse("students:detail", args=[woodwork_pupil.pk])).content.decode()
    assert "MARTIN" in body and "Menuiserie" in body and "2025" in body
    for private in ("06 11 22 33 44", "lea.martin@exemple.fr", "rue de Gerland", "Nathalie"):
        assert private not in body
    assert "mot-secret" not in body
    assert reverse("students:notes", args=[woodwork_pupil.pk]) not in body
    export = client.get(reverse("students:export")).content.decode("utf-8-sig")
    assert "Martin" in export
    assert "06 11 22 33 44" not in export and "exemple.fr" not in export


def test_the_accountant_sees_no_pupil_data(client_for, accountant, woodwork_pupil):
    client = client_for(accountant)
    for name in ("students:list", "students:export"):
        assert client.get(reverse(name)).status_code == 403
    for name in ("students:detail", "students:personal_data"):
        assert client.get(reverse(name, args=[woodwork_pupil.pk])).status_code == 403


def test_import_confirm_only_answers_a_post(client_for, office):
    assert client_for(office).get(reverse("students:import_confirm")).status_code == 405
