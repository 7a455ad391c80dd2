"""Import from the school's spreadsheet: a preview that says what is wrong on each line,
then all pupils saved together or none (R6, issue 3)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoles import roles
from ecoles.models import Workshop
from students import importing, views
from students.ine import bea_key
from students.models import Guardian, Student
from tests.conftest import make_user
from tests.students.conftest import make_student

SAMPLE = Path(__file__).resolve().parents[2] / "students" / "samples" / "eleves-exemple.csv"


@pytest.fixture
def sample_school(woodwork, machining):
    """The workshops and trainers the sample file names."""
    make_user("mp.usinage", roles.TRAINER, first_name="Patrick", last_name="Renaud")
    machining.trainers.set([machining.trainers.get(), *[]])
    from ecoles.models import User

    machining.trainers.add(User.objects.get(username="mp.usinage"))
    cook = make_user("mp.cuisine", roles.TRAINER, first_name="Nadia", last_name="Haddad")
    catering = Workshop.objects.create(name="Restauration", trade="Cuisinier")
    catering.trainers.add(cook)
    return {"woodwork": woodwork, "machining": machining, "catering": catering, "cook": cook}


def upload(client, content: bytes, name: str = "eleves.csv"):
    return client.post(
        reverse("students:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_sample_file_previews_then_imports_every_pupil(client_for, office, sample_school):
    client = client_for(office)
    preview = upload(client, SAMPLE.read_bytes())
    assert preview.status_code == 200
    body = text(preview)
    assert "4 lignes lues" in body and "0 ligne en erreur" in body
    assert not Student.objects.exists()  # the preview writes nothing

    response = client.post(reverse("students:import_confirm"))
    assert response.status_code == 302
    assert Student.objects.count() == 4
    assert Guardian.objects.count() == 6
    kevin = Student.objects.get(first_name="Kévin")
    assert kevin.tutor.username == "wood" and kevin.cohort == 2026
    assert kevin.birth_date.isoformat() == "2011-04-12"
    assert kevin.history.first().history_user == office
    aissata = Student.objects.get(last_name="N'Diaye")
    assert aissata.tutor == sample_school["cook"]  # the workshop's only trainer
    assert aissata.guardians.get().relationship == Guardian.Relationship.LEGAL_GUARDIAN
    assert Student.objects.get(first_name="Théo").status == Student.Status.APPLICANT
    ines = Student.objects.get(first_name="Inès")
    assert ines.programme == Student.Programme.BAC_PRO
    mail = dict(ines.guardians.values_list("relationship", "receives_mail"))
    assert mail == {"social_worker": True, "foster_family": False}


def test_a_file_with_one_bad_line_is_refused_and_saves_nothing(client_for, office, sample_school):
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace("03/11/2010", "31/02/2010")  # Aïssata, line 3
    client = client_for(office)
    preview = text(upload(client, "\n".join(lines).encode()))
    assert "1 ligne en erreur" in preview
    assert "date_naissance : Saisissez une date valide." in preview
    assert "Importer 4 élèves" not in preview  # no import button

    # A forged confirmation finds no file: one with errors is not kept in the session.
    response = client.post(reverse("students:import_confirm"), follow=True)
    assert "Aucun fichier à importer" in text(response)
    assert not Student.objects.exists() and not Guardian.objects.exists()


def test_the_import_saves_nothing_when_a_line_fails_while_saving(
    office, sample_school, monkeypatch
):
    result = importing.preview(SAMPLE.read_bytes())
    assert result.can_import
    calls = []
    original = Guardian.save

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Guardian, "save", failing_save)
    with pytest.raises(RuntimeError):
        importing.import_students(result)
    assert not Student.objects.exists() and not Guardian.objects.exists()


def test_windows_1252_with_commas_and_spreadsheet_headers(client_for, office, woodwork):
    content = (
        "Nom,Prénom,Date de naissance,Atelier,Date d'entrée,"
        "Resp1 lien,Resp1 nom,Resp1 téléphone\r\n"
        "Lefèvre,Anaïs,05/05/2011,menuiserie,01/09/2026,Mère,Lefèvre,0611223344\r\n"
    ).encode("cp1252")
    client = client_for(office)
    assert "0 ligne en erreur" in text(upload(client, content))
    assert client.post(reverse("students:import_confirm")).status_code == 302
    pupil = Student.objects.get()
    assert (pupil.last_name, pupil.first_name) == ("Lefèvre", "Anaïs")
    assert pupil.guardians.get().relationship == Guardian.Relationship.MOTHER


def test_each_bad_line_says_why(office, woodwork, woodwork_pupil):
    content = (
        "nom;prenom;date_naissance;atelier;date_entree;statut;tuteur;formation;resp1_nom;resp1_telephone;resp1_lien\n"
        "Petit;Tom;01/01/2011;Jardinage;01/09/2026;;;;Petit;0600000000;mère\n"
        "Petit;Jean;01/01/2011;Menuiserie;01/09/2026;parti;Inconnu;BTS;Petit;0600000000;cousin\n"
        "Martin;Léa;14/03/2010;Menuiserie;01/09/2025;;;;Martin;0600000000;mère\n"
        "Roux;Max;02/02/2011;Menuiserie;01/09/2026;;;;;;\n"
        "Roux;Zoé;02/02/2011;Menuiserie;01/09/2026;;;;Roux;0600000000;mère\n"
        "Roux;Zoé;02/02/2011;Menuiserie;01/09/2026;;;;Roux;0600000000;mère\n"
    ).encode()
    result = importing.preview(content)
    reasons = {line.number: " | ".join(line.errors) for line in result.lines}
    assert "atelier : aucun atelier ne s'appelle « Jardinage »" in reasons[2]
    assert "statut : « parti » n'est ni candidat ni inscrit" in reasons[3]
    assert "tuteur : aucun maître professionnel ne s'appelle « Inconnu »" in reasons[3]
    assert "formation : « BTS » n'est ni CAP, ni Bac Pro, ni Autre" in reasons[3]
    assert "resp1_lien : « cousin » n'est pas un lien connu" in reasons[3]
    assert "déjà dans Ecoles" in reasons[4]
    assert "doit avoir au moins un responsable" in reasons[5]
    assert reasons[6] == ""
    assert "déjà sur une ligne précédente du fichier" in reasons[7]
    assert not result.can_import


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier soumis est vide"),
        (b"nom;prenom\nA;B\n", "Colonnes obligatoires manquantes : date_naissance, atelier"),
        (bytes(range(256)) * 4, "ni du texte UTF-8 ni du Windows-1252"),
    ],
)
def test_a_file_that_is_not_the_expected_csv_is_explained(client_for, office, content, message):
    response = upload(client_for(office), content)
    assert response.status_code == 200
    assert message in text(response)


def test_warnings_must_be_confirmed_before_importing(client_for, office, woodwork):
    woodwork.capacity = 1
    woodwork.save()
    make_student(woodwork, first_name="Déjà")
    content = (
        b"nom;prenom;date_naissance;atelier;date_entree;resp1_nom;resp1_telephone\n"
        b"Blanc;Lou;01/01/2011;Menuiserie;01/09/2026;Blanc;0600000000\n"
        b"Petit;Tom;01/01/2003;Menuiserie;01/09/2026;Petit;0600000000\n"
    )
    client = client_for(office)
    preview = text(upload(client, content))
    assert "au-delà de sa capacité de 1" in preview
    assert "aura 23 ans à la date d'entrée" in preview
    refused = client.post(reverse("students:import_confirm"))
    assert "Cochez cette case pour importer malgré les avertissements" in text(refused)
    assert Student.objects.count() == 1
    done = client.post(reverse("students:import_confirm"), {"confirm_warnings": "on"})
    assert done.status_code == 302
    assert Student.objects.count() == 3


def test_the_capacity_warning_counts_the_pupils_of_the_file(office, woodwork):
    woodwork.capacity = 2
    woodwork.save()
    rows = "".join(
        f"Nom{i};Prenom{i};01/01/2011;Menuiserie;01/09/2026;Parent;0600000000\n" for i in range(3)
    )
    content = (
        "nom;prenom;date_naissance;atelier;date_entree;resp1_nom;resp1_telephone\n" + rows
    ).encode()
    warned = [bool(line.warnings) for line in importing.preview(content).lines]
    assert warned == [False, False, True]


def test_the_sample_and_its_documentation_list_the_same_columns():
    header = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    documented = (Path(__file__).resolve().parents[2] / "students" / "IMPORT.md").read_text()
    for column in header:
        generic = column.replace("resp2_", "resp1_")
        assert f"`{generic}`" in documented or generic.split("_", 1)[1] in documented, column
    assert set(importing.REQUIRED) <= set(header)


class TestTheCheckedFileLeavesTheSession:
    """The checked file holds pupils' and guardians' contacts: it waits in the session for
    the confirmation, and no longer (issue #14)."""

    def _holds_the_file(self, client) -> bool:
        return views.IMPORT_SESSION_KEY in client.session

    def test_cancelling_drops_it(self, client_for, office, sample_school):
        client = client_for(office)
        page = text(upload(client, SAMPLE.read_bytes()))
        assert self._holds_the_file(client) and "Annuler l'import" in page
        response = client.post(reverse("students:import_cancel"), follow=True)
        assert "rien n'a été importé" in text(response)
        assert not self._holds_the_file(client)
        client.post(reverse("students:import_confirm"))
        assert not Student.objects.exists()

    def test_an_old_preview_is_forgotten(self, client_for, office, sample_school, monkeypatch):
        monkeypatch.setattr(views, "IMPORT_LIFETIME_SECONDS", 60)
        client = client_for(office)
        upload(client, SAMPLE.read_bytes())
        with time_machine.travel(dt.timedelta(minutes=2)):
            response = client.post(reverse("students:import_confirm"), follow=True)
        assert "Aucun fichier à importer" in text(response)
        assert not self._holds_the_file(client) and not Student.objects.exists()

    def test_a_new_visit_to_the_import_page_drops_the_last_file(
        self, client_for, office, sample_school
    ):
        client = client_for(office)
        upload(client, SAMPLE.read_bytes())
        client.get(reverse("students:import"))
        assert not self._holds_the_file(client)

    def test_a_file_with_errors_is_not_kept(self, client_for, office, sample_school):
        client = client_for(office)
        lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
        lines[1] = lines[1].replace("12/04/2011", "31/02/2011")
        upload(client, "\n".join(lines).encode())
        assert not self._holds_the_file(client)


def test_a_file_of_several_megabytes_is_refused_before_reading(client_for, office, woodwork):
    big = SAMPLE.read_bytes() + b"\n" * (3 * 1024 * 1024)
    page = text(upload(client_for(office), big))
    assert "les fichiers sont limités à 2,0" in page
    assert views.IMPORT_SESSION_KEY not in client_for(office).session


def test_the_ine_and_the_sex_are_imported_and_a_wrong_ine_key_is_a_line_error(
    client_for, office, woodwork
):
    good = "1234567890" + bea_key("1234567890")
    bad = "1234567890" + ("B" if bea_key("1234567890") != "B" else "C")
    header = (
        "Nom,Prénom,Date de naissance,Atelier,Date d'entrée,INE,Sexe,"
        "Resp1 lien,Resp1 nom,Resp1 téléphone\r\n"
    )
    client = client_for(office)
    line = "Roux,Inès,05/05/2011,menuiserie,01/09/2026,{},Féminin,Mère,Roux,0611223344\r\n"
    assert "1 ligne en erreur" in text(upload(client, (header + line.format(bad)).encode()))
    assert "0 ligne en erreur" in text(upload(client, (header + line.format(good)).encode()))
    assert client.post(reverse("students:import_confirm")).status_code == 302
    pupil = Student.objects.get()
    assert (pupil.ine, pupil.sex) == (good, "F")


def test_the_import_takes_what_the_declarations_need(client_for, office, sample_school):
    """R131-3: place of birth, the training of the year before, the guardians' profession."""
    client = client_for(office)
    upload(client, SAMPLE.read_bytes())
    client.post(reverse("students:import_confirm"))
    kevin = Student.objects.get(first_name="Kévin")
    assert (kevin.birth_place, kevin.previous_situation, kevin.previous_class) == (
        "Lyon 9e", "school", "3e",
    )  # fmt: skip
    assert kevin.guardians.get(relationship="mother").profession == "Aide-soignante"
    aissata = Student.objects.get(last_name="N'Diaye")
    assert (aissata.previous_situation, aissata.previous_programme) == (
        "programme", "Garantie jeunes",
    )  # fmt: skip
