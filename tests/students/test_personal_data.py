"""Personal data of minors (R6): a pupil's whole record on request, and anonymisation of
former pupils after the retention period, keeping the indicators true."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ReadLog
from students import anonymisation, indicators
from students.models import FollowUpNote, Guardian, Student
from tests.students.conftest import left, make_student


def read_zip(response) -> dict:
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "LISEZMOI.txt" in archive.namelist()
        return json.loads(archive.read("eleve.json"))


class TestExport:
    def test_the_office_exports_the_whole_record_without_the_notes(
        self, client_for, office, woodwork_pupil, secret_note
    ):
        response = client_for(office).get(
            reverse("students:personal_data", args=[woodwork_pupil.pk])
        )
        assert "donnees-martin-lea" in response["Content-Disposition"]
        data = read_zip(response)
        assert data["pupil"]["first_name"] == "Léa"
        assert data["pupil"]["birth_date"] == "2010-03-14"
        assert data["pupil"]["workshop_name"] == "Menuiserie"
        assert data["pupil"]["status_label"] == "Inscrit"
        assert data["guardians"][0]["email"] == "nathalie.martin@exemple.fr"
        assert data["history"][0]["change"]
        assert data["exported_by"] == "Sophie Marchand"
        assert "follow_up_notes" not in data

    def test_the_director_export_has_the_notes_and_counts_as_a_reading(
        self, client_for, director, woodwork_pupil, secret_note
    ):
        response = client_for(director).get(
            reverse("students:personal_data", args=[woodwork_pupil.pk])
        )
        data = read_zip(response)
        assert data["follow_up_notes"][0]["text"] == secret_note.text
        assert data["follow_up_notes"][0]["author"] == "Marc Delorme"
        assert ReadLog.objects.get().user == director

    def test_what_other_apps_hold_about_the_pupil_is_exported_too(
        self, client_for, office, woodwork_pupil
    ):
        data = read_zip(
            client_for(office).get(reverse("students:personal_data", args=[woodwork_pupil.pk]))
        )
        assert "training.worklog" in data["related"]


@pytest.fixture
def former_pupils(woodwork, woodwork_trainer):
    """Two pupils who left more than five years ago, with family and notes, and one who left
    four years ago."""
    old = left(woodwork, "Ancien", dt.date(2018, 9, 1), dt.date(2020, 6, 30),
               "end_of_programme", "passed", "employment", "cdd", "employment", "cdi",
               last_name="Vieuxnom", birth_date=dt.date(2003, 5, 17))  # fmt: skip
    dropped = left(woodwork, "Parti", dt.date(2020, 9, 1), dt.date(2021, 3, 1),
                   "dropped_out", "not_taken", "seeking", last_name="Autrenom",
                   birth_date=dt.date(2005, 2, 2))  # fmt: skip
    recent = left(woodwork, "Récent", dt.date(2020, 9, 1), dt.date(2022, 6, 30),
                  "end_of_programme", "failed", "further_study", last_name="Gardé",
                  birth_date=dt.date(2005, 8, 8))  # fmt: skip
    for pupil in (old, dropped, recent):
        pupil.first_name += " "  # a change, so that the history holds the names twice
        pupil.save()
        Guardian.objects.create(student=pupil, last_name=f"Parent{pupil.pk}", phone="0600000000")
        FollowUpNote.objects.create(
            student=pupil, category="family", text=f"note de {pupil.pk}", author=woodwork_trainer
        )
    return old, dropped, recent


def all_indicators() -> list:
    return [dataclasses.asdict(indicators.compute(year)) for year in range(2017, 2027)]


class TestAnonymisation:
    def test_the_command_anonymises_pupils_who_left_more_than_5_years_ago(
        self, former_pupils, woodwork_pupil
    ):
        old, dropped, recent = former_pupils
        out = io.StringIO()
        call_command("anonymise_students", stdout=out)
        assert "2 former pupil(s) anonymised" in out.getvalue()
        old.refresh_from_db()
        assert old.first_name == "Élève" and old.last_name == f"ANONYME-{old.pk}"
        assert old.birth_date == dt.date(2003, 1, 1)
        assert (old.phone, old.email, old.address, old.postal_code, old.city) == ("",) * 5
        assert old.is_anonymised
        assert not Guardian.objects.filter(student__in=[old, dropped]).exists()
        assert not FollowUpNote.objects.filter(student__in=[old, dropped]).exists()
        # The recent former pupil and the current one keep everything.
        recent.refresh_from_db()
        assert recent.last_name == "Gardé" and recent.guardians.exists()
        assert recent.followup_notes.exists()
        woodwork_pupil.refresh_from_db()
        assert woodwork_pupil.first_name == "Léa"

    def test_no_name_is_left_in_the_history(self, former_pupils):
        old, dropped, _ = former_pupils
        call_command("anonymise_students", stdout=io.StringIO())
        for pupil in (old, dropped):
            names = set(pupil.history.values_list("first_name", "last_name", "birth_date"))
            assert names == {
                ("Élève", f"ANONYME-{pupil.pk}", pupil.birth_date.replace(month=1, day=1))
            }
            assert pupil.history.filter(phone__gt="").count() == 0
        assert not Guardian.history.filter(student_id__in=[old.pk, dropped.pk]).exists()
        assert not FollowUpNote.history.filter(student_id__in=[old.pk, dropped.pk]).exists()
        assert not Student.objects.search("Vieuxnom").exists()
        assert old.history.first().history_change_reason == "anonymised after the retention period"

    def test_anonymisation_keeps_the_indicator_counts_unchanged(self, former_pupils, known_school):
        before = all_indicators()
        assert anonymisation.anonymise(Student.objects.all()) == 14
        assert Student.objects.current().count() == 0
        assert all_indicators() == before

    def test_a_second_run_changes_nothing(self, former_pupils):
        assert anonymisation.anonymise_former_pupils() == 2
        assert anonymisation.anonymise_former_pupils() == 0

    def test_the_retention_period_is_a_policy_setting(self, former_pupils, policy):
        policy.retention_years = 4
        policy.save()
        out = io.StringIO()
        call_command("anonymise_students", "--dry-run", stdout=out)
        assert "3 former pupil(s)" in out.getvalue()
        assert not Student.objects.filter(anonymised_at__isnull=False).exists()

    def test_the_directors_button_lists_then_anonymises(self, client_for, director, former_pupils):
        client = client_for(director)
        page = client.get(reverse("students:anonymise")).content.decode()
        assert "2 anciens élèves sont concernés" in page
        assert "VIEUXNOM" in page and "GARDÉ" not in page
        response = client.post(reverse("students:anonymise"), {"confirmed": "yes"})
        assert response.status_code == 302
        assert Student.objects.filter(anonymised_at__isnull=False).count() == 2
        old = former_pupils[0]
        assert old.history.first().history_user == director
        assert "Aucun ancien élève" in client.get(reverse("students:anonymise")).content.decode()

    def test_only_the_director_may_press_it(self, client_for, office, former_pupils):
        assert client_for(office).post(reverse("students:anonymise")).status_code == 403
        assert not Student.objects.filter(anonymised_at__isnull=False).exists()

    def test_an_anonymised_record_is_out_of_the_list_and_cannot_be_edited(
        self, client_for, office, former_pupils
    ):
        old = former_pupils[0]
        anonymisation.anonymise_former_pupils()
        client = client_for(office)
        listed = client.get(reverse("students:list"), {"status": "all"}).content.decode()
        assert f"ANONYME-{old.pk}" not in listed
        page = client.get(reverse("students:detail", args=[old.pk])).content.decode()
        assert "anonymisées" in page
        response = client.get(reverse("students:edit", args=[old.pk]))
        assert response.status_code == 302

    def test_applicants_and_current_pupils_are_never_due(self, woodwork):
        make_student(woodwork, entry_date=dt.date(2010, 9, 1), cohort=2010)
        make_student(woodwork, status="applicant", entry_date=dt.date(2011, 9, 1), cohort=2011)
        assert not anonymisation.due().exists()
