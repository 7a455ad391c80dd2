"""Follow-up notes (suivi social): only the pupil's tutor and the direction, every reading
recorded, and nowhere else: no list, search, export or page of anyone else (R6)."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import ReadLog
from ecoles import roles
from students.models import FollowUpNote
from tests.conftest import make_user

SECRET = "mot-secret-logement"


@pytest.fixture
def other_woodwork_trainer(woodwork):
    """A second trainer of the same workshop, who is not Léa's tutor."""
    user = make_user("wood2", roles.TRAINER, first_name="Paul", last_name="Girard")
    woodwork.trainers.add(user)
    return user


def notes_url(student) -> str:
    return reverse("students:notes", args=[student.pk])


def test_the_tutor_reads_the_notes_and_the_reading_is_recorded(
    client_for, woodwork_trainer, woodwork_pupil, secret_note
):
    response = client_for(woodwork_trainer).get(notes_url(woodwork_pupil))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    reading = ReadLog.objects.get()
    assert reading.user == woodwork_trainer and reading.object_id == str(secret_note.pk)
    assert reading.at.date() == dt.date(2026, 11, 26)
    assert reading.path == notes_url(woodwork_pupil)


def test_the_director_reads_them_and_sees_who_read_them(
    client_for, director, woodwork_trainer, woodwork_pupil, secret_note
):
    client_for(woodwork_trainer).get(notes_url(woodwork_pupil))
    body = html.unescape(client_for(director).get(notes_url(woodwork_pupil)).content.decode())
    assert SECRET in body
    assert "Qui a consulté ces notes" in body
    assert "26/11/2026 12:00 · Marc Delorme" in body
    assert ReadLog.objects.count() == 2


@pytest.mark.parametrize("persona", ["office", "teacher", "accountant", "machining_trainer"])
def test_notes_are_hidden_from_everyone_else_with_a_404(
    client_for, personas, woodwork_pupil, secret_note, persona
):
    client = client_for(personas[persona])
    assert client.get(notes_url(woodwork_pupil)).status_code == 404
    edit = reverse("students:note_edit", args=[woodwork_pupil.pk, secret_note.pk])
    assert client.post(edit, {"text": "x"}).status_code == 404
    assert client.post(notes_url(woodwork_pupil), {"text": "x"}).status_code == 404
    assert not ReadLog.objects.exists()
    assert FollowUpNote.objects.get().text.endswith(f"{SECRET}.")


def test_a_trainer_of_the_workshop_who_is_not_the_tutor_gets_404(
    client_for, other_woodwork_trainer, woodwork_pupil, secret_note
):
    client = client_for(other_woodwork_trainer)
    assert client.get(notes_url(woodwork_pupil)).status_code == 404
    page = client.get(reverse("students:detail", args=[woodwork_pupil.pk])).content.decode()
    assert SECRET not in page and notes_url(woodwork_pupil) not in page


@pytest.mark.parametrize("persona", ["office", "teacher"])
def test_notes_show_in_no_page_list_search_or_export_of_office_and_teacher(
    client_for, personas, woodwork_pupil, secret_note, persona
):
    client = client_for(personas[persona])
    pages = [
        client.get(reverse("students:detail", args=[woodwork_pupil.pk])),
        client.get(reverse("students:list"), {"status": "all"}),
        client.get(reverse("students:export"), {"status": "all"}),
    ]
    for response in pages:
        content = response.content.decode("utf-8-sig")
        assert SECRET not in content
        assert "Logement" not in content  # not even the category
        assert notes_url(woodwork_pupil) not in content
    searched = client.get(reverse("students:list"), {"q": SECRET}).content.decode()
    assert "Léa" not in searched
    assert not ReadLog.objects.exists()


def test_the_office_personal_data_export_has_no_notes(
    client_for, office, woodwork_pupil, secret_note
):
    response = client_for(office).get(reverse("students:personal_data", args=[woodwork_pupil.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = archive.read("eleve.json").decode()
    assert SECRET not in data
    assert "follow_up_notes" not in json.loads(data)
    assert not ReadLog.objects.exists()


def test_the_tutor_writes_a_note_signed_with_his_name(client_for, woodwork_trainer, woodwork_pupil):
    response = client_for(woodwork_trainer).post(
        notes_url(woodwork_pupil),
        {"date": "2026-11-20", "category": "health", "text": "Rendez-vous médical jeudi."},
    )
    assert response.status_code == 302
    note = FollowUpNote.objects.get()
    assert note.author == woodwork_trainer and note.student == woodwork_pupil
    assert note.history.first().history_user == woodwork_trainer


def test_a_note_in_the_future_or_without_text_is_refused(
    client_for, woodwork_trainer, woodwork_pupil
):
    response = client_for(woodwork_trainer).post(
        notes_url(woodwork_pupil), {"date": "2026-12-20", "category": "bad", "text": ""}
    )
    body = html.unescape(response.content.decode())
    assert "Une note ne peut pas être datée dans le futur" in body
    assert "Sélectionnez un choix valide" in body
    assert "Ce champ est obligatoire" in body
    assert not FollowUpNote.objects.exists()


def test_only_the_author_corrects_a_note_and_the_history_keeps_the_first_words(
    client_for, woodwork_trainer, director, woodwork_pupil, secret_note
):
    url = reverse("students:note_edit", args=[woodwork_pupil.pk, secret_note.pk])
    assert client_for(director).get(url).status_code == 404
    data = {"date": "2026-10-02", "category": "housing", "text": "Corrigé."}
    assert client_for(woodwork_trainer).post(url, data).status_code == 302
    secret_note.refresh_from_db()
    assert secret_note.text == "Corrigé."
    assert SECRET in secret_note.history.last().text


def test_a_new_tutor_reads_the_notes_and_the_former_one_no_longer_does(
    client_for, director, woodwork_trainer, other_woodwork_trainer, woodwork_pupil, secret_note
):
    woodwork_pupil.tutor = other_woodwork_trainer
    woodwork_pupil.save()
    assert client_for(other_woodwork_trainer).get(notes_url(woodwork_pupil)).status_code == 200
    assert client_for(woodwork_trainer).get(notes_url(woodwork_pupil)).status_code == 404


def test_the_queryset_gives_notes_to_the_tutor_and_the_direction_only(
    personas, other_woodwork_trainer, woodwork_pupil, secret_note
):
    # A trainer of the pupil's workshop who is not his tutor reads none (the admin's list
    # and anything else built on the queryset): a guard once broken with no test noticing.
    users = {**personas, "other_woodwork_trainer": other_woodwork_trainer}
    visible = {name: FollowUpNote.objects.visible_to(user).count() for name, user in users.items()}
    assert visible == {
        "other_woodwork_trainer": 0,
        "director": 1,
        "office": 0,
        "woodwork_trainer": 1,
        "machining_trainer": 0,
        "teacher": 0,
        "accountant": 0,
    }


def test_the_model_refuses_a_note_dated_in_the_future(woodwork_trainer, woodwork_pupil):
    note = FollowUpNote(
        student=woodwork_pupil,
        date=dt.date.today() + dt.timedelta(days=1),
        category="family",
        text="Demain.",
        author=woodwork_trainer,
    )
    with pytest.raises(ValidationError) as refused:
        note.full_clean()
    assert "date" in refused.value.message_dict
