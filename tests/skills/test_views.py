"""The competencies' pages: right role, anonymous, wrong role, another's object, bad input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from skills.models import Diploma, Evidence
from tests.skills.conftest import evidence
from tests.training.conftest import TODAY


@pytest.fixture
def pending(lea, usiner, woodwork_trainer):
    return evidence(lea, usiner, woodwork_trainer)


def test_anonymous_users_go_to_the_login_page(client, lea):
    for url in (
        reverse("skills:index"),
        reverse("skills:booklet", args=[lea.pk]),
        reverse("skills:exams"),
    ):
        response = client.get(url)
        assert (
            response.status_code == 302
            and "/compte/" in response["Location"]
            or "login" in response["Location"]
        )


@pytest.mark.parametrize("name", ["index", "entry", "pending", "exams", "import"])
def test_the_accountant_sees_nothing(client_for, accountant, name):
    assert client_for(accountant).get(reverse(f"skills:{name}")).status_code == 403


def test_the_accountant_gets_no_booklet(client_for, accountant, lea):
    assert client_for(accountant).get(reverse("skills:booklet", args=[lea.pk])).status_code == 403


def test_the_trainer_sees_his_pupils_booklet_and_not_another_workshops(
    client_for, woodwork_trainer, machining_trainer, lea
):
    url = reverse("skills:booklet", args=[lea.pk])
    assert client_for(woodwork_trainer).get(url).status_code == 200
    assert client_for(machining_trainer).get(url).status_code == 404
    assert (
        client_for(machining_trainer).get(reverse("skills:booklet_pdf", args=[lea.pk])).status_code
        == 404
    )


def test_the_booklet_shows_levels_evidence_and_orders(
    client_for, woodwork_trainer, lea, usiner, table
):
    evidence(lea, usiner, woodwork_trainer, order=table, validated_by=woodwork_trainer)
    page = (
        client_for(woodwork_trainer).get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    )
    assert "C3.3" in page and "Table" in page and "Client Table" in page


def test_the_school_may_hide_the_customer_in_the_booklet(
    client_for, woodwork_trainer, lea, usiner, table
):
    from ecoles.models import Policy

    policy = Policy.load()
    policy.skills_hide_customer = True
    policy.save()
    evidence(lea, usiner, woodwork_trainer, order=table, validated_by=woodwork_trainer)
    page = (
        client_for(woodwork_trainer).get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    )
    assert "Table" in page and "Client Table" not in page


def test_the_booklet_pdf_is_a_pdf(client_for, director, lea):
    response = client_for(director).get(reverse("skills:booklet_pdf", args=[lea.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_teacher_sees_only_his_subjects_blocs_and_no_hours(client_for, teacher, lea, maths):
    page = client_for(teacher).get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    assert "UG2" in page and "UP2" not in page


def test_the_office_reads_but_does_not_validate(client_for, office, pending):
    url = reverse("skills:evidence", args=[pending.pk])
    assert client_for(office).get(url).status_code == 200
    assert client_for(office).post(url).status_code == 403
    assert not Evidence.objects.get(pk=pending.pk).is_validated


def test_the_office_may_not_record_evidence(client_for, office, table):
    assert client_for(office).get(reverse("skills:entry") + f"?order={table.pk}").status_code == 403


def test_the_trainer_validates_after_confirming(client_for, woodwork_trainer, pending):
    client = client_for(woodwork_trainer)
    url = reverse("skills:evidence", args=[pending.pk])
    assert (
        "Valider" in client.get(url).content.decode()
        or "Validate" in client.get(url).content.decode()
    )
    assert client.post(url).status_code == 200  # the page again: not confirmed
    assert not Evidence.objects.get(pk=pending.pk).is_validated
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert Evidence.objects.get(pk=pending.pk).validated_by == woodwork_trainer


def test_another_workshops_trainer_gets_404_on_the_evidence(client_for, machining_trainer, pending):
    assert (
        client_for(machining_trainer).get(reverse("skills:evidence", args=[pending.pk])).status_code
        == 404
    )


def test_team_entry_records_several_pupils_in_one_post(
    client_for, woodwork_trainer, lea, lea_logs, table, usiner, woodwork
):
    import datetime as dt

    from tests.training.conftest import make_pupil

    tom = make_pupil(woodwork, "Tom", "Roux", dt.date(2010, 1, 1))
    from tests.training.conftest import at, log

    log(tom, table, at(TODAY, 13, 30), at(TODAY, 17), woodwork_trainer)
    url = reverse("skills:entry") + f"?order={table.pk}"
    client = client_for(woodwork_trainer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "competency": usiner.pk,
            "date": TODAY.isoformat(),
            "validate_now": "on",
            f"level_{lea.pk}": "3",
            f"autonomy_{lea.pk}": "autonomous",
            f"level_{tom.pk}": "2",
            f"autonomy_{tom.pk}": "guided",
        },
    )
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("student__first_name", "level", "source")) == [
        ("Léa", 3, "work_log"),
        ("Tom", 2, "work_log"),
    ]
    assert Evidence.objects.validated().count() == 2


def test_team_entry_without_any_level_is_a_form_error(
    client_for, woodwork_trainer, lea, lea_logs, table, usiner
):
    url = reverse("skills:entry") + f"?order={table.pk}"
    response = client_for(woodwork_trainer).post(
        url, {"competency": usiner.pk, "date": TODAY.isoformat()}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Evidence.objects.exists()


def test_team_entry_refuses_a_future_date(
    client_for, woodwork_trainer, lea, lea_logs, table, usiner
):
    url = reverse("skills:entry") + f"?order={table.pk}"
    response = client_for(woodwork_trainer).post(
        url,
        {
            "competency": usiner.pk,
            "date": "2026-12-01",
            f"level_{lea.pk}": "3",
            f"autonomy_{lea.pk}": "guided",
        },
    )
    assert "date" in response.context["form"].errors
    assert not Evidence.objects.exists()


def test_another_workshops_order_is_a_404_in_team_entry(client_for, machining_trainer, table):
    assert (
        client_for(machining_trainer)
        .get(reverse("skills:entry") + f"?order={table.pk}")
        .status_code
        == 404
    )


def test_a_teacher_records_evidence_from_his_session(client_for, teacher, lea, maths, calculer):
    url = reverse("skills:entry") + f"?session={maths.pk}"
    response = client_for(teacher).post(
        url,
        {
            "competency": calculer.pk,
            "date": TODAY.isoformat(),
            "validate_now": "on",
            f"level_{lea.pk}": "4",
            f"autonomy_{lea.pk}": "autonomous",
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.source, item.theory_session, item.is_validated) == ("theory", maths, True)


def test_a_teacher_cannot_pick_a_workshop_competency(client_for, teacher, lea, maths, usiner):
    url = reverse("skills:entry") + f"?session={maths.pk}"
    response = client_for(teacher).post(
        url,
        {
            "competency": usiner.pk,
            "date": TODAY.isoformat(),
            f"level_{lea.pk}": "4",
            f"autonomy_{lea.pk}": "autonomous",
        },
    )
    assert "competency" in response.context["form"].errors


def test_a_correction_page_records_new_evidence(client_for, woodwork_trainer, lea, usiner):
    old = evidence(lea, usiner, woodwork_trainer, validated_by=woodwork_trainer)
    client = client_for(woodwork_trainer)
    url = reverse("skills:correct", args=[old.pk])
    bad = client.post(url, {"date": TODAY.isoformat(), "level": "9", "autonomy": "guided"})
    assert bad.status_code == 200 and "level" in bad.context["form"].errors
    response = client.post(url, {"date": TODAY.isoformat(), "level": "2", "autonomy": "guided"})
    assert response.status_code == 302
    assert Evidence.objects.get(supersedes=old).level == 2


def test_tagging_an_order_with_competencies(
    client_for, woodwork_trainer, office, machining_trainer, lea, table, usiner
):
    url = reverse("skills:order", args=[table.pk])
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(office).post(url, {"competencies": []}).status_code == 403
    client = client_for(woodwork_trainer)
    assert client.post(url, {"competencies": []}).status_code == 302
    assert not table.competencies.exists()
    assert client.post(url, {"competencies": ["999999"]}).status_code == 200


def test_the_workshop_grid_for_its_trainer_only(
    client_for, woodwork_trainer, machining_trainer, teacher, woodwork, lea
):
    url = reverse("skills:workshop", args=[woodwork.pk])
    assert client_for(woodwork_trainer).get(url).status_code == 200
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(teacher).get(url).status_code == 403


def test_the_exams_page_lists_what_is_missing(client_for, director, trainer_forbidden=None):
    assert client_for(director).get(reverse("skills:exams")).status_code == 200


def test_trainers_do_not_see_the_exams_page(client_for, woodwork_trainer):
    assert client_for(woodwork_trainer).get(reverse("skills:exams")).status_code == 403


CSV = (
    "diplome_code;diplome_type;diplome_intitule;version;bloc_code;bloc_intitule;competence_code;competence_intitule\n"
    "CAP-X;CAP;Essai;2020;UP1;Bloc;C1;Faire\n"
)


def test_the_director_imports_a_referentiel(client_for, director):
    upload = io.BytesIO(CSV.encode())
    upload.name = "ref.csv"
    assert client_for(director).post(reverse("skills:import"), {"file": upload}).status_code == 302
    assert Diploma.objects.get(code="CAP-X").versions.get().blocs.get().competencies.count() == 1


def test_an_import_with_one_bad_line_imports_nothing_and_says_which(client_for, director):
    upload = io.BytesIO((CSV + "CAP-X;diplome;Essai;2020;UP1;Bloc;C2;Refaire\n").encode())
    upload.name = "ref.csv"
    response = client_for(director).post(reverse("skills:import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].errors[0][0] == 3
    assert not Diploma.objects.exists()


def test_the_office_may_not_import(client_for, office):
    assert client_for(office).get(reverse("skills:import")).status_code == 403
