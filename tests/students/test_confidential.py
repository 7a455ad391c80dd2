"""The technical superuser is not the direction (issue #28, SPEC.md §2): follow-up notes and
health data need the Direction role itself, on the pages, in the admin and in a pupil's
data export; and the export holds only what its reader may see on the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ecoles import roles
from safety.models import MedicalOpinion
from tests.conftest import make_user


@pytest.fixture
def demo_admin(db):
    """The demo's `admin`: a superuser with no role of his own."""
    return make_user("admin", None, is_staff=True, is_superuser=True)


@pytest.fixture
def director_admin(db):
    """A superuser who is also the director."""
    return make_user("root", roles.DIRECTOR, is_staff=True, is_superuser=True)


@pytest.fixture
def opinion(woodwork_pupil, director):
    return MedicalOpinion.objects.create(
        student=woodwork_pupil, date=dt.date(2026, 2, 1), doctor="Dr Morel",
        outcome=MedicalOpinion.Outcome.FIT, recorded_by=director,
        scan=ContentFile(b"%PDF-1.4 avis", name="avis.pdf"),
    )  # fmt: skip


def pages(pupil, note, opinion) -> list[str]:
    return [
        reverse("students:notes", args=[pupil.pk]),
        reverse("students:note_edit", args=[pupil.pk, note.pk]),
        reverse("safety:opinion_scan", args=[opinion.pk]),
        reverse("safety:opinion_add", args=[pupil.pk]),
    ]


def test_the_demo_admin_gets_404_on_notes_and_health_data(
    client_for, demo_admin, woodwork_pupil, secret_note, opinion
):
    client = client_for(demo_admin)
    for url in pages(woodwork_pupil, secret_note, opinion):
        assert client.get(url).status_code == 404, url
    safety_page = client.get(reverse("safety:pupil", args=[woodwork_pupil.pk])).content.decode()
    assert "Dr Morel" not in safety_page and "/scan/" not in safety_page


def test_a_superuser_who_is_also_director_reads_them(
    client_for, director_admin, woodwork_pupil, secret_note, opinion
):
    client = client_for(director_admin)
    notes = client.get(reverse("students:notes", args=[woodwork_pupil.pk]))
    assert secret_note.text in notes.content.decode()
    assert client.get(reverse("safety:opinion_scan", args=[opinion.pk])).status_code == 200
    safety_page = client.get(reverse("safety:pupil", args=[woodwork_pupil.pk])).content.decode()
    assert "Dr Morel" in safety_page


@pytest.mark.parametrize("model", ["students_followupnote", "safety_medicalopinion"])
def test_the_admin_hides_and_refuses_them_to_a_superuser_without_the_role(
    client_for, demo_admin, director_admin, secret_note, opinion, model
):
    changelist = reverse(f"admin:{model}_changelist")
    client = client_for(demo_admin)
    assert client.get(changelist).status_code == 403
    assert changelist not in client.get(reverse("admin:index")).content.decode()
    client = client_for(director_admin)
    assert client.get(changelist).status_code == 200
    assert changelist in client.get(reverse("admin:index")).content.decode()


def export(client, pupil) -> dict:
    response = client.get(reverse("students:personal_data", args=[pupil.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("eleve.json"))


@pytest.mark.parametrize(
    ("who", "sees_health", "sees_notes"),
    [
        ("office", False, False),
        ("director", True, True),
        ("demo_admin", False, False),
        ("director_admin", True, True),
    ],
)
def test_the_export_holds_only_what_its_reader_sees_on_the_pages(
    request, client_for, woodwork_pupil, secret_note, opinion, who, sees_health, sees_notes
):
    user = request.getfixturevalue(who)
    data = export(client_for(user), woodwork_pupil)
    [row] = data["related"]["safety.medicalopinion"]
    assert row["fields"]["outcome"] == "fit"  # what every reader of the page sees
    assert ("doctor" in row["fields"]) is sees_health
    assert ("scan" in row["fields"]) is sees_health
    assert "Dr Morel" in json.dumps(data) if sees_health else "Dr Morel" not in json.dumps(data)
    assert ("follow_up_notes" in data) is sees_notes
    # The page says the same to the same reader.
    page = client_for(user).get(reverse("safety:pupil", args=[woodwork_pupil.pk]))
    assert ("Dr Morel" in page.content.decode()) is sees_health
