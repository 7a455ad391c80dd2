"""The pupil's record: list, search, filters, CSV, page, create and edit forms (R6)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from students.models import Guardian, Student
from tests.students.conftest import make_student


def pupil_data(workshop, tutor=None, **extra) -> dict:
    """What the office types for a new pupil, with one guardian (formset prefix)."""
    data = {
        "last_name": "Dupont",
        "first_name": "Théo",
        "birth_date": "2011-02-03",
        "phone": "06 01 02 03 04",
        "email": "theo@exemple.fr",
        "address": "1 rue Paul Bert",
        "postal_code": "69003",
        "city": "Lyon",
        "workshop": workshop.pk,
        "tutor": tutor.pk if tutor else "",
        "programme": "cap",
        "programme_title": "CAP Menuisier fabricant",
        "programme_year": "1",
        "entry_date": "2026-09-01",
        "cohort": "",
        "status": "enrolled",
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "1000",
        "guardians-0-relationship": "father",
        "guardians-0-last_name": "Dupont",
        "guardians-0-first_name": "Karim",
        "guardians-0-phone": "06 99 88 77 66",
        "guardians-0-legal_representative": "on",
        "guardians-0-receives_mail": "on",
    }
    data.update(extra)
    return data


def blank_guardian(index: int) -> dict:
    """An extra guardian form left as the page shows it: its defaults, nothing typed."""
    prefix = f"guardians-{index}-"
    return {
        f"{prefix}relationship": "mother",
        f"{prefix}legal_representative": "on",
        f"{prefix}receives_mail": "on",
        f"{prefix}notices_by": "email",
    }


def text(response) -> str:
    return html.unescape(response.content.decode())


class TestCreateAndEdit:
    def test_the_office_creates_a_pupil_with_his_guardian(
        self, client_for, office, woodwork, woodwork_trainer
    ):
        response = client_for(office).post(
            reverse("students:add"), pupil_data(woodwork, woodwork_trainer)
        )
        assert response.status_code == 302
        student = Student.objects.get(last_name="Dupont")
        assert response["Location"] == reverse("students:detail", args=[student.pk])
        assert student.cohort == 2026  # from the entry date
        assert student.tutor == woodwork_trainer
        assert student.history.first().history_user == office
        guardian = student.guardians.get()
        assert guardian.first_name == "Karim" and guardian.receives_mail

    def test_the_form_takes_the_place_of_birth_and_the_guardians_profession(
        self, client_for, office, woodwork, woodwork_trainer
    ):
        """What the declarations of R131-3 need, typed on the pupil's form."""
        data = pupil_data(
            woodwork, woodwork_trainer, birth_place="Vénissieux",
            **{"guardians-0-profession": "Cariste"},
        )  # fmt: skip
        assert client_for(office).post(reverse("students:add"), data).status_code == 302
        student = Student.objects.get(last_name="Dupont")
        assert student.birth_place == "Vénissieux"
        assert student.guardians.get().profession == "Cariste"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("postal_code", "ABCDE", "Un code postal français a cinq chiffres"),
            ("postal_code", "6900", "Un code postal français a cinq chiffres"),
            ("phone", "0612", "Un numéro de téléphone français a dix chiffres"),
            ("guardians-0-phone", "06 12 34", "Un numéro de téléphone français a dix chiffres"),
            ("guardians-0-postal_code", "99999", "Un code postal français a cinq chiffres"),
        ],
    )
    def test_a_postal_code_or_a_phone_of_the_wrong_shape_is_a_form_error(
        self, client_for, office, woodwork, field, value, message
    ):
        data = pupil_data(woodwork, **{field: value})
        response = client_for(office).post(reverse("students:add"), data)
        assert response.status_code == 200
        assert message in text(response)
        assert not Student.objects.exists()

    @pytest.mark.parametrize("phone", ["06.12.34.56.78", "+33 6 12 34 56 78", "+44 20 7946 0958"])
    def test_french_and_international_phones_are_taken(self, client_for, office, woodwork, phone):
        data = pupil_data(woodwork, phone=phone, **{"guardians-0-phone": phone})
        assert client_for(office).post(reverse("students:add"), data).status_code == 302
        assert Student.objects.get().phone == phone

    def test_the_workshops_only_trainer_becomes_the_tutor_when_none_is_chosen(
        self, client_for, office, woodwork, woodwork_trainer
    ):
        client_for(office).post(reverse("students:add"), pupil_data(woodwork))
        assert Student.objects.get(last_name="Dupont").tutor == woodwork_trainer

    def test_missing_fields_are_explained_in_french_and_nothing_is_saved(
        self, client_for, office, woodwork
    ):
        data = pupil_data(woodwork, last_name="", birth_date="31/02/2011", email="pas-un-mail")
        response = client_for(office).post(reverse("students:add"), data)
        assert response.status_code == 200
        body = text(response)
        assert "Ce champ est obligatoire" in body
        assert "Saisissez une date valide" in body
        assert "Saisissez une adresse de courriel valide" in body
        assert not Student.objects.exists() and not Guardian.objects.exists()

    def test_the_tutor_must_be_a_trainer_of_the_pupils_workshop(
        self, client_for, office, woodwork, machining, machining_trainer
    ):
        response = client_for(office).post(
            reverse("students:add"), pupil_data(woodwork, machining_trainer)
        )
        assert response.status_code == 200
        assert "Le tuteur doit être un maître professionnel de l'atelier" in text(response)
        assert not Student.objects.exists()

    def test_another_programme_needs_its_title(self, client_for, office, woodwork):
        data = pupil_data(woodwork, programme="other", programme_title="")
        response = client_for(office).post(reverse("students:add"), data)
        assert "Indiquez l'intitulé de cette formation" in text(response)
        assert not Student.objects.exists()

    def test_a_minor_needs_a_guardian(self, client_for, office, woodwork):
        data = pupil_data(woodwork)
        for key in [k for k in data if k.startswith("guardians-0-")]:
            del data[key]
        data.update(blank_guardian(0))
        response = client_for(office).post(reverse("students:add"), data)
        assert "Un élève mineur doit avoir au moins un responsable" in text(response)
        assert not Student.objects.exists()

    def test_an_age_outside_14_to_18_at_entry_warns_and_saves_once_confirmed(
        self, client_for, office, woodwork
    ):
        client = client_for(office)
        data = pupil_data(woodwork, birth_date="2013-01-10")  # 13 on 1 September 2026
        response = client.post(reverse("students:add"), data)
        assert response.status_code == 200
        body = text(response)
        assert "aura 13 ans à la date d'entrée" in body
        assert "Cochez cette case pour enregistrer malgré les avertissements" in body
        assert not Student.objects.exists()

        response = client.post(reverse("students:add"), {**data, "confirm_warnings": "on"})
        assert response.status_code == 302
        assert Student.objects.get().age_on(dt.date(2026, 9, 1)) == 13

    def test_a_full_workshop_warns(self, client_for, office, woodwork):
        woodwork.capacity = 2
        woodwork.save()
        make_student(woodwork, first_name="A")
        make_student(woodwork, first_name="B")
        response = client_for(office).post(reverse("students:add"), pupil_data(woodwork))
        assert "aurait 3 élèves inscrits, au-delà de sa capacité de 2" in text(response)
        assert Student.objects.count() == 2

    def test_an_applicant_does_not_count_against_the_capacity(self, client_for, office, woodwork):
        woodwork.capacity = 1
        woodwork.save()
        make_student(woodwork, first_name="A")
        data = pupil_data(woodwork, status="applicant")
        assert client_for(office).post(reverse("students:add"), data).status_code == 302

    def test_editing_keeps_the_guardians_and_records_who_changed_what(
        self, client_for, director, woodwork_pupil, woodwork_trainer
    ):
        guardian = woodwork_pupil.guardians.get()
        data = pupil_data(
            woodwork_pupil.workshop,
            woodwork_trainer,
            last_name="Martin-Roux",
            first_name="Léa",
            birth_date="2010-03-14",
            entry_date="2025-09-01",
            cohort="2025",
            **{
                "guardians-TOTAL_FORMS": "2",
                "guardians-INITIAL_FORMS": "1",
                "guardians-0-id": str(guardian.pk),
                "guardians-0-relationship": "mother",
                "guardians-0-last_name": "Martin",
                "guardians-0-first_name": "Nathalie",
                "guardians-0-phone": "06 00 00 00 01",
                **blank_guardian(1),
            },
        )
        url = reverse("students:edit", args=[woodwork_pupil.pk])
        response = client_for(director).post(url, data)
        assert response.status_code == 302, text(response)[:3000]
        woodwork_pupil.refresh_from_db()
        guardian.refresh_from_db()
        assert woodwork_pupil.last_name == "Martin-Roux"
        assert guardian.phone == "06 00 00 00 01"
        assert woodwork_pupil.history.first().history_user == director
        page = text(client_for(director).get(reverse("students:detail", args=[woodwork_pupil.pk])))
        assert "Martin → Martin-Roux" in page  # the change, in the history the director reads

    def test_at_least_one_guardian_receives_the_mail(self, client_for, office, woodwork):
        data = pupil_data(woodwork)
        del data["guardians-0-receives_mail"]
        response = client_for(office).post(reverse("students:add"), data)
        assert "Indiquez qui reçoit le courrier" in text(response)


class TestLeaving:
    def test_a_pupil_who_obtains_his_qualification_becomes_a_graduate(
        self, client_for, office, woodwork_pupil
    ):
        data = {
            "left_on": "2026-06-30",
            "leaving_reason": "end_of_programme",
            "exam_result": "passed",
            "destination_6m": "employment",
            "contract_6m": "cdi",
        }
        url = reverse("students:leaving", args=[woodwork_pupil.pk])
        assert client_for(office).post(url, data).status_code == 302
        woodwork_pupil.refresh_from_db()
        assert woodwork_pupil.status == Student.Status.GRADUATED
        assert woodwork_pupil.contract_6m == "cdi"

    def test_a_pupil_who_drops_out_has_left(self, client_for, office, woodwork_pupil):
        data = {
            "left_on": "2026-10-15",
            "leaving_reason": "dropped_out",
            "exam_result": "not_taken",
        }
        client_for(office).post(reverse("students:leaving", args=[woodwork_pupil.pk]), data)
        woodwork_pupil.refresh_from_db()
        assert woodwork_pupil.status == Student.Status.LEFT
        assert woodwork_pupil.left_on == dt.date(2026, 10, 15)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"left_on": "2027-01-01"}, "La date de départ ne peut pas être dans le futur"),
            ({"left_on": "2025-01-01"}, "La date de départ ne peut pas précéder la date d'entrée"),
            ({"contract_6m": ""}, "Indiquez le type de contrat"),
            ({"destination_6m": "further_study"}, "Un contrat ne va qu'avec un emploi"),
        ],
    )
    def test_inconsistent_leaving_is_refused(
        self, client_for, office, woodwork_pupil, change, message
    ):
        data = {
            "left_on": "2026-06-30",
            "leaving_reason": "end_of_programme",
            "exam_result": "passed",
            "destination_6m": "employment",
            "contract_6m": "cdi",
            **change,
        }
        response = client_for(office).post(
            reverse("students:leaving", args=[woodwork_pupil.pk]), data
        )
        assert response.status_code == 200
        assert message in text(response)
        woodwork_pupil.refresh_from_db()
        assert woodwork_pupil.status == Student.Status.ENROLLED

    def test_enrolling_again_cancels_the_leaving(
        self, client_for, office, woodwork_pupil, woodwork_trainer
    ):
        Student.objects.filter(pk=woodwork_pupil.pk).update(
            status="left", left_on=dt.date(2026, 10, 1), leaving_reason="moved",
            exam_result="not_taken",
        )  # fmt: skip
        guardian = woodwork_pupil.guardians.get()
        data = pupil_data(
            woodwork_pupil.workshop,
            woodwork_trainer,
            last_name="Martin",
            first_name="Léa",
            birth_date="2010-03-14",
            entry_date="2025-09-01",
            status="enrolled",
            **{
                "guardians-INITIAL_FORMS": "1",
                "guardians-0-id": str(guardian.pk),
                "guardians-0-relationship": "mother",
                "guardians-0-last_name": "Martin",
            },
        )
        response = client_for(office).post(reverse("students:edit", args=[woodwork_pupil.pk]), data)
        assert response.status_code == 302, text(response)[:3000]
        woodwork_pupil.refresh_from_db()
        assert woodwork_pupil.status == "enrolled"
        assert woodwork_pupil.left_on is None and woodwork_pupil.leaving_reason == ""


class TestList:
    def test_search_ignores_accents_and_case(
        self, client_for, office, woodwork_pupil, machining_pupil
    ):
        body = text(client_for(office).get(reverse("students:list"), {"q": "lea MART"}))
        assert "Léa" in body and "Hugo" not in body

    def test_filters_by_workshop_programme_year_and_status(
        self, client_for, office, woodwork, machining
    ):
        make_student(woodwork, first_name="Ana", programme="bac_pro", programme_year=2)
        make_student(woodwork, first_name="Bob", status="applicant", cohort=2027,
                     entry_date=dt.date(2027, 9, 1))  # fmt: skip
        make_student(machining, first_name="Cyd")
        make_student(woodwork, first_name="Dan", status="left", left_on=dt.date(2026, 6, 30))
        client = client_for(office)

        def names(**params):
            body = text(client.get(reverse("students:list"), params))
            return {n for n in ("Ana", "Bob", "Cyd", "Dan") if f"</strong> {n}<" in body}

        assert names() == {"Ana", "Bob", "Cyd"}  # by default, current pupils only
        assert names(workshop=machining.pk) == {"Cyd"}
        assert names(programme="bac_pro") == {"Ana"}
        assert names(programme_year=2) == {"Ana"}
        assert names(status="applicant") == {"Bob"}
        assert names(status="left") == {"Dan"}
        assert names(status="all") == {"Ana", "Bob", "Cyd", "Dan"}

    def test_the_list_is_paged(self, client_for, office, woodwork):
        for i in range(30):
            make_student(woodwork, first_name=f"Eleve{i:02d}")
        client = client_for(office)
        first = text(client.get(reverse("students:list")))
        assert "Page 1 sur 2" in first
        second = text(client.get(reverse("students:list"), {"page": 2}))
        assert second.count("Eleve") == 5

    def test_the_csv_export_holds_what_is_filtered(
        self, client_for, office, woodwork_pupil, machining_pupil
    ):
        response = client_for(office).get(
            reverse("students:export"), {"workshop": woodwork_pupil.workshop.pk}
        )
        assert response["Content-Type"].startswith("text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Nom;Prénom;Atelier")
        assert len(lines) == 2
        assert "Martin;Léa;Menuiserie" in lines[1]
        assert "06 98 76 54 32" in lines[1]  # the guardian who receives the mail

    def test_a_formula_in_a_name_is_exported_as_text(self, client_for, office, woodwork):
        make_student(woodwork, last_name="=HYPERLINK(1)")
        content = client_for(office).get(reverse("students:export")).content.decode("utf-8-sig")
        assert "'=HYPERLINK(1)" in content

    def test_the_list_and_its_export_make_the_same_number_of_queries_for_3_or_30_pupils(
        self, client_for, office, woodwork
    ):
        client = client_for(office)

        def count(name: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name)).status_code == 200
            return len(queries)

        for i in range(3):
            make_student(woodwork, first_name=f"P{i}")
        count("students:list")  # the session's first queries
        few = count("students:list"), count("students:export")
        for i in range(27):
            make_student(woodwork, first_name=f"Q{i}")
        assert (count("students:list"), count("students:export")) == few


class TestPupilPage:
    def test_the_page_shows_identity_guardians_workshop_and_tutor(
        self, client_for, office, woodwork_pupil
    ):
        body = text(client_for(office).get(reverse("students:detail", args=[woodwork_pupil.pk])))
        for shown in ("MARTIN Léa", "14/03/2010", "06 11 22 33 44", "Nathalie", "Menuiserie",
                      "Marc Delorme", "CAP Menuisier fabricant"):  # fmt: skip
            assert shown in body

    def test_the_page_leaves_room_for_time_orders_and_documents(
        self, client_for, office, woodwork_pupil
    ):
        body = text(client_for(office).get(reverse("students:detail", args=[woodwork_pupil.pk])))
        assert "Temps et production" in body
        assert "Documents" in body
        assert reverse("students:personal_data", args=[woodwork_pupil.pk]) in body

    def test_the_page_makes_a_fixed_number_of_queries(self, client_for, director, woodwork_pupil):
        client = client_for(director)
        url = reverse("students:detail", args=[woodwork_pupil.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for i in range(5):
            Guardian.objects.create(student=woodwork_pupil, last_name=f"G{i}", phone="0600000000")
            woodwork_pupil.first_name = f"Léa{i}"
            woodwork_pupil.save()
        with CaptureQueriesContext(connection) as more:
            client.get(url)
        assert len(more) == len(one)


def test_the_model_refuses_a_leaving_date_in_the_future(woodwork_pupil):
    woodwork_pupil.status = Student.Status.LEFT
    woodwork_pupil.left_on = dt.date.today() + dt.timedelta(days=1)
    woodwork_pupil.leaving_reason = "moved"
    woodwork_pupil.exam_result = "not_taken"
    with pytest.raises(ValidationError) as refused:
        woodwork_pupil.full_clean()
    assert "left_on" in refused.value.message_dict
