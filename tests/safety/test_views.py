"""The safety pages: who sees what (scans: the director only), forms, PDFs, homes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safety.models import Declaration, MedicalOpinion, SafetyTraining, Supervision
from tests.safety.conftest import make_machine
from tests.training.conftest import make_pupil

PDF = b"%PDF-1.4 avis d'aptitude"


@pytest.fixture
def scanned(lea, director):
    o = MedicalOpinion.objects.get(student=lea)
    o.scan = SimpleUploadedFile("avis-lea-martin.pdf", PDF)
    o.save()
    return o


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director", 200),
        ("office", 200),
        ("woodwork_trainer", 200),
        ("teacher", 403),
        ("accountant", 403),
    ],
)
def test_the_regulated_work_page_by_role(persona, status, personas, client_for, lea):
    response = client_for(personas[persona]).get(reverse("safety:index"))
    assert response.status_code == status
    if status == 200:
        assert "Léa Martin" in response.content.decode()


def test_anonymous_users_are_sent_to_login(client, lea, scanned):
    for url in (
        reverse("safety:index"),
        reverse("safety:pupil", args=[lea.pk]),
        reverse("safety:opinion_scan", args=[scanned.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/" in response["Location"]


def test_a_trainer_gets_404_on_another_workshops_pupil_and_machine(
    client_for, machining_trainer, machining, lea, saw
):
    client = client_for(machining_trainer)
    assert client.get(reverse("safety:pupil", args=[lea.pk])).status_code == 404
    assert client.get(reverse("safety:training_add", args=[lea.pk])).status_code == 404
    assert client.get(reverse("safety:machine_edit", args=[saw.pk])).status_code == 404
    assert "Scie circulaire" not in client.get(reverse("safety:index")).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("director", 200), ("office", 403), ("woodwork_trainer", 403), ("accountant", 403)],
)
def test_the_scan_of_an_opinion_is_for_the_director_only(
    persona, status, personas, client_for, scanned
):
    response = client_for(personas[persona]).get(reverse("safety:opinion_scan", args=[scanned.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_the_trainer_sees_outcome_and_validity_but_neither_scan_nor_doctor(
    client_for, woodwork_trainer, director, lea, scanned
):
    page = client_for(woodwork_trainer).get(reverse("safety:pupil", args=[lea.pk])).content.decode()
    assert "Apte" in page and "valable jusqu'au 31/01/2027" in page
    assert reverse("safety:opinion_scan", args=[scanned.pk]) not in page
    assert "Dr Morel" not in page
    page = client_for(director).get(reverse("safety:pupil", args=[lea.pk])).content.decode()
    assert reverse("safety:opinion_scan", args=[scanned.pk]) in page and "Dr Morel" in page


def test_the_director_records_an_opinion_with_its_scan(client_for, director, lea, saw):
    response = client_for(director).post(
        reverse("safety:opinion_add", args=[lea.pk]),
        {
            "date": "2026-11-10", "doctor": "Dr Giraud", "outcome": "restricted",
            "restrictions": [saw.pk], "scan": SimpleUploadedFile("scan.pdf", PDF),
        },
    )  # fmt: skip
    assert response.status_code == 302
    new = MedicalOpinion.objects.get(doctor="Dr Giraud")
    assert new.valid_until == dt.date(2027, 11, 9)
    assert list(new.restrictions.all()) == [saw]
    assert new.recorded_by == director
    assert "lea" not in new.scan.name.lower()  # a random name, not the uploaded one


def test_opinion_form_errors(client_for, director, lea, saw):
    client = client_for(director)
    url = reverse("safety:opinion_add", args=[lea.pk])
    restricted = client.post(url, {"date": "2026-11-10", "doctor": "Dr G", "outcome": "restricted"})
    assert "Cochez ce que le médecin a exclu." in restricted.content.decode()
    disguised = client.post(
        url,
        {"date": "2026-11-10", "doctor": "Dr G", "outcome": "fit",
         "scan": SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>")},
    )  # fmt: skip
    assert disguised.status_code == 200 and disguised.context["form"].errors["scan"]
    future = client.post(url, {"date": "2026-11-30", "doctor": "Dr G", "outcome": "fit"})
    assert future.status_code == 200
    assert MedicalOpinion.objects.count() == 1
    assert client_for(director).get(url).status_code == 200


def test_only_the_director_records_opinions(client_for, office, woodwork_trainer, lea):
    url = reverse("safety:opinion_add", args=[lea.pk])
    assert client_for(office).get(url).status_code == 403
    assert client_for(woodwork_trainer).get(url).status_code == 403


def test_the_trainer_records_a_training_and_names_a_supervisor(
    client_for, woodwork_trainer, woodwork, saw, director
):
    pupil = make_pupil(woodwork, "Noah", "Lefèvre", dt.date(2010, 6, 1))
    client = client_for(woodwork_trainer)
    response = client.post(
        reverse("safety:training_add", args=[pupil.pk]),
        {"machine": saw.pk, "date": "2026-11-17", "given_by": woodwork_trainer.pk, "signed": "on"},
    )
    assert response.status_code == 302
    assert SafetyTraining.objects.get(student=pupil).signed
    first = client.post(
        reverse("safety:supervision_add", args=[pupil.pk]),
        {"supervisor": woodwork_trainer.pk, "start": "2026-09-01"},
    )
    assert first.status_code == 302
    second = client.post(
        reverse("safety:supervision_add", args=[pupil.pk]),
        {"supervisor": director.pk, "start": "2026-11-01"},
    )
    assert second.status_code == 302
    old, new = Supervision.objects.filter(student=pupil).order_by("start")
    assert (old.end, new.end) == (dt.date(2026, 10, 31), None)
    again = client.post(
        reverse("safety:supervision_add", args=[pupil.pk]),
        {"supervisor": woodwork_trainer.pk, "start": "2026-10-15"},
    )
    assert again.status_code == 200
    assert "déjà désigné" in again.content.decode()


def test_a_training_on_another_workshops_machine_is_a_form_error(
    client_for, director, lea, machining
):
    lathe = make_machine(machining, "Tour", "USI-001")
    response = client_for(director).post(
        reverse("safety:training_add", args=[lea.pk]),
        {"machine": lathe.pk, "date": "2026-11-17", "given_by": director.pk},
    )
    assert response.status_code == 200
    assert SafetyTraining.objects.filter(machine=lathe).count() == 0


def test_the_director_records_a_declaration_and_its_supervisors(
    client_for, director, woodwork_trainer, saw
):
    data = {
        "sent_on": "2026-11-02", "method": "letter", "machines": [saw.pk],
        "risk_assessed_on": "2026-10-15",  # R4153-40 1°: required since issue #27
        "trainings": "CAP Menuisier", "places": "Atelier, Lyon", "inspection_office": "DREETS",
        "supervisors-TOTAL_FORMS": "3", "supervisors-INITIAL_FORMS": "0",
        "supervisors-MIN_NUM_FORMS": "1", "supervisors-MAX_NUM_FORMS": "1000",
        "supervisors-0-person": woodwork_trainer.pk, "supervisors-0-role": "Maître professionnel",
    }  # fmt: skip
    client = client_for(director)
    response = client.post(reverse("safety:declaration_add"), data)
    assert response.status_code == 302
    d = Declaration.objects.get()
    assert d.valid_until == dt.date(2029, 11, 1)
    assert d.supervisors.get().person == woodwork_trainer
    no_supervisor = {**data, "supervisors-0-person": "", "supervisors-0-role": ""}
    assert client.post(reverse("safety:declaration_add"), no_supervisor).status_code == 200
    assert Declaration.objects.count() == 1
    assert client_for(woodwork_trainer).get(reverse("safety:declaration_add")).status_code == 403


def test_the_pdfs_for_the_inspector(client_for, office, woodwork_trainer, lea, declaration):
    client = client_for(office)
    register = client.get(reverse("safety:register_pdf", args=[lea.pk]))
    assert register.status_code == 200 and register["Content-Type"] == "application/pdf"
    assert register.content.startswith(b"%PDF")
    decl = client.get(reverse("safety:declaration_pdf", args=[declaration.pk]))
    assert decl.status_code == 200 and decl.content.startswith(b"%PDF")
    trainer = client_for(woodwork_trainer)
    assert trainer.get(reverse("safety:register_pdf", args=[lea.pk])).status_code == 403


def test_homes_show_what_comes_due_at_60_30_and_7_days(
    client_for, director, woodwork_trainer, machining_trainer, woodwork, saw, lea
):
    MedicalOpinion.objects.filter(student=lea).update(
        date=dt.date(2025, 11, 25), valid_until=dt.date(2026, 11, 24)
    )
    make_pupil(woodwork, "Jade", "Richard", dt.date(2011, 12, 20))  # 15 in 32 days
    Declaration.objects.update(sent_on=dt.date(2024, 1, 1), valid_until=dt.date(2027, 1, 10))
    page = client_for(director).get(reverse("home")).content.decode()
    assert "Léa Martin : avis médical valable jusqu&#x27;au 24/11/2026" in page
    assert "dans 6 jours" in page
    assert "Jade Richard aura 15 ans le 20/12/2026" in page
    assert "fin de validité le 10/01/2027" in page
    trainer = client_for(woodwork_trainer).get(reverse("home")).content.decode()
    assert "Jade Richard aura 15 ans" in trainer
    other = client_for(machining_trainer).get(reverse("home")).content.decode()
    assert "Jade Richard" not in other


def test_the_home_levels(lea):
    from safety.home import _level

    assert [_level(d) for d in (0, 7, 8, 30, 31, 60)] == [7, 7, 30, 30, 60, 60]


def test_the_pupils_export_holds_his_safety_records(client_for, director, lea, scanned):
    import io
    import json
    import zipfile

    export = client_for(director).get(reverse("students:personal_data", args=[lea.pk]))
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        data = json.loads(archive.read("eleve.json"))
    related = data["related"]
    assert len(related["safety.medicalopinion"]) == 1
    assert len(related["safety.safetytraining"]) == 1
    assert len(related["safety.supervision"]) == 1
