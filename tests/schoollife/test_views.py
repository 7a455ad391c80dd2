"""The pages of school life: who may open them, what they do, what they refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schoollife.models import Absence, AuthorityReport, FamilyNotice, RollCall
from tests.pdftext import pdf_text
from tests.schoollife.conftest import TODAY, absent
from tests.training.conftest import at, session
from training.models import WorkshopSlot

NOV = [dt.date(2026, 11, d) for d in (2, 3, 4, 5)]

PAGES = [
    ("schoollife:roll_call", {"TRAINER", "DIRECTOR"}),
    ("schoollife:register", {"TRAINER", "DIRECTOR", "OFFICE", "TEACHER"}),
    ("schoollife:absences", {"TRAINER", "DIRECTOR", "OFFICE"}),
    ("schoollife:absence_add", {"DIRECTOR", "OFFICE"}),
    ("schoollife:alerts", {"DIRECTOR", "OFFICE"}),
    ("schoollife:dropout", {"DIRECTOR", "TRAINER"}),
    ("schoollife:declarations", {"DIRECTOR", "OFFICE"}),
]


@pytest.mark.parametrize(("name", "allowed"), PAGES)
def test_each_page_opens_for_its_roles_and_refuses_the_others(
    name, allowed, client, director, office, woodwork_trainer, teacher, accountant, woodwork, tom
):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    people = {
        "DIRECTOR": director,
        "OFFICE": office,
        "TRAINER": woodwork_trainer,
        "TEACHER": teacher,
        "ACCOUNTANT": accountant,
    }
    for role, user in people.items():
        client.force_login(user)
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (name, role)


def test_the_trainer_takes_all_present_in_one_tap(client_for, woodwork_trainer, woodwork, tom, zoe):
    client = client_for(woodwork_trainer)
    response = client.post(
        reverse("schoollife:roll_call") + f"?workshop={woodwork.pk}&half=am", {"all_present": "1"}
    )
    assert response.status_code == 302
    call = RollCall.objects.get()
    assert (call.day, call.half, call.marks.count()) == (TODAY, "am", 0)


def test_the_trainer_marks_the_exceptions_and_the_family_is_told(
    client_for, woodwork_trainer, woodwork, tom, zoe, django_capture_on_commit_callbacks
):
    client = client_for(woodwork_trainer)
    url = reverse("schoollife:roll_call") + f"?workshop={woodwork.pk}&half=am"
    data = {f"s{tom.pk}": "absent", f"s{zoe.pk}": "late", f"m{zoe.pk}": "10"}
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, data).status_code == 302
    assert RollCall.objects.get().marks.count() == 2
    assert FamilyNotice.objects.get().email == "anne.berger@exemple.fr"


def test_late_without_minutes_is_a_form_error_and_nothing_is_saved(
    client_for, woodwork_trainer, woodwork, tom
):
    client = client_for(woodwork_trainer)
    url = reverse("schoollife:roll_call") + f"?workshop={woodwork.pk}&half=am"
    response = client.post(url, {f"s{tom.pk}": "late"})
    assert response.status_code == 200
    assert "minutes" in response.content.decode()
    assert not RollCall.objects.exists()


def test_the_afternoon_roll_call_before_it_starts_is_refused_on_the_page(
    client_for, woodwork_trainer, woodwork, tom
):
    client = client_for(woodwork_trainer)
    url = reverse("schoollife:roll_call") + f"?workshop={woodwork.pk}&half=pm"
    response = client.post(url, {"all_present": "1"})
    assert response.status_code == 200
    assert not RollCall.objects.exists()


def test_a_trainer_gets_404_on_another_workshops_roll_call(
    client_for, machining_trainer, woodwork, machining
):
    client = client_for(machining_trainer)
    assert (
        client.get(reverse("schoollife:roll_call") + f"?workshop={woodwork.pk}").status_code == 404
    )


def test_the_register_shows_who_was_absent_and_whether_the_roll_was_taken(
    client_for, teacher, woodwork, woodwork_trainer, tom, zoe
):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    page = client_for(teacher).get(
        reverse("schoollife:register"), {"workshop": woodwork.pk, "day": TODAY.isoformat()}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "BERGER" in text and "CARON" in text
    assert "appel atelier fait" in text.lower() or "workshop roll call taken" in text


def test_the_register_shows_where_each_pupil_was_expected_each_half_day(
    client_for, teacher, woodwork, tom, zoe
):
    WorkshopSlot.objects.create(workshop=woodwork, weekday=TODAY.weekday(), half_day="am")
    WorkshopSlot.objects.create(workshop=woodwork, weekday=TODAY.weekday(), half_day="pm")
    session(teacher, at(TODAY, 14), at(TODAY, 15), [tom], status="pending", title="Géométrie")
    page = client_for(teacher).get(
        reverse("schoollife:register"), {"workshop": woodwork.pk, "day": TODAY.isoformat()}
    )
    rows = {
        row["pupil"]: [place.label if place else None for _h, _c, _t, place in row["cells"]]
        for row in page.context["rows"]
    }
    assert rows == {tom: [woodwork.name, "Géométrie"], zoe: [woodwork.name, woodwork.name]}
    assert "Géométrie" in page.content.decode()


def test_the_trainer_sees_who_the_timetable_sends_to_theory_this_half_day(
    client_for, woodwork_trainer, woodwork, tom, zoe, teacher
):
    session(teacher, at(TODAY, 8, 30), at(TODAY, 10), [tom], status="pending", title="Géométrie")
    page = client_for(woodwork_trainer).get(reverse("schoollife:roll_call"), {"half": "am"})
    lines = {line["pupil"]: line["pupil"].expected_theory for line in page.context["form"].lines()}
    assert lines == {tom: "Géométrie", zoe: ""}
    assert "Géométrie" in page.content.decode()


def test_the_office_accepts_an_absence_with_its_reason_and_document(
    client_for, office, woodwork, woodwork_trainer, tom, illness
):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    absence = Absence.objects.get()
    note = SimpleUploadedFile("certificat.pdf", b"%PDF-1.4 certificat", "application/pdf")
    response = client_for(office).post(
        reverse("schoollife:absence", args=[absence.pk]),
        {"reason": illness.pk, "reported_how": "note", "accepted": "on", "document": note},
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.accepted and absence.decided_by == office and absence.document


def test_accepting_without_a_reason_or_with_a_fake_document_is_a_form_error(
    client_for, office, woodwork, woodwork_trainer, tom
):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    absence = Absence.objects.get()
    url = reverse("schoollife:absence", args=[absence.pk])
    assert client_for(office).post(url, {"accepted": "on"}).status_code == 200
    fake = SimpleUploadedFile("certificat.pdf", b"<html>", "application/pdf")
    assert client_for(office).post(url, {"document": fake}).status_code == 200
    absence.refresh_from_db()
    assert not absence.accepted and not absence.document


def test_a_trainer_cannot_edit_absences(client_for, woodwork_trainer, woodwork, tom):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    url = reverse("schoollife:absence", args=[Absence.objects.get().pk])
    assert client_for(woodwork_trainer).get(url).status_code == 403


def test_the_director_prints_the_letters_and_records_what_was_sent(
    client_for, director, woodwork, woodwork_trainer, tom
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    client = client_for(director)
    pdf = client.get(reverse("schoollife:alert_letter", args=[tom.pk, "dasen"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # L131-8 as in force (loi 2019-791): no notice to the mayor any more.
    assert client.get(reverse("schoollife:alert_letter", args=[tom.pk, "mayor"])).status_code == 404
    page = client.get(reverse("schoollife:alerts"))
    assert "BERGER" in page.content.decode()
    response = client.post(
        reverse("schoollife:alerts") + "?month=2026-11",
        {"student": tom.pk, "kind": "dasen", "sent_on": TODAY.isoformat(), "method": "letter"},
    )
    assert response.status_code == 302
    report = AuthorityReport.objects.get()
    assert (report.kind, report.half_days, report.sent_by, report.method) == (
        "dasen", 4, director, "letter",
    )  # fmt: skip


def test_no_letter_for_a_pupil_under_the_threshold(
    client_for, director, woodwork, woodwork_trainer, tom
):
    absent(woodwork, tom, NOV[:3], woodwork_trainer)
    url = reverse("schoollife:alert_letter", args=[tom.pk, "dasen"])
    assert client_for(director).get(url).status_code == 404


def test_the_office_sees_the_alerts_but_only_the_director_records_a_sending(
    client_for, office, woodwork, woodwork_trainer, tom
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    response = client_for(office).post(
        reverse("schoollife:alerts"), {"student": tom.pk, "kind": "dasen", "sent_on": "2026-11-18"}
    )
    assert response.status_code == 403


def test_the_declarations_come_as_csv_and_pdf(client_for, office, tom):
    client = client_for(office)
    url = reverse("schoollife:declarations")
    csv = client.get(url, {"kind": "year", "month": "2026-09", "format": "csv"})
    assert "Berger" in csv.content.decode("utf-8-sig")
    pdf = client.get(url, {"kind": "year", "month": "2026-09", "format": "pdf"})
    text = pdf_text(pdf.content)
    assert "hors contrat" in text and "BERGER" in text  # the school-life one, listing the pupils


def test_the_register_pdf_of_a_month(client_for, director, woodwork, woodwork_trainer, tom):
    absent(woodwork, tom, NOV, woodwork_trainer)
    response = client_for(director).get(
        reverse("schoollife:register_pdf"), {"workshop": woodwork.pk, "month": "2026-11"}
    )
    assert response.content.startswith(b"%PDF")


def test_a_trainer_gets_404_on_another_workshops_register_pdf(
    client_for, machining_trainer, woodwork, machining
):
    response = client_for(machining_trainer).get(
        reverse("schoollife:register_pdf"), {"workshop": woodwork.pk}
    )
    assert response.status_code == 404


def test_the_accountant_sees_nothing_of_school_life(
    client_for, accountant, woodwork, woodwork_trainer, tom
):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    client = client_for(accountant)
    assert (
        client.get(reverse("schoollife:register_pdf"), {"workshop": woodwork.pk}).status_code == 403
    )
    assert (
        client.get(reverse("schoollife:absence", args=[Absence.objects.get().pk])).status_code
        == 403
    )


def test_a_trainer_lists_only_his_workshops_pupils_absences(
    client_for, woodwork_trainer, machining_trainer, woodwork, machining, tom, metal
):
    absent(woodwork, tom, [TODAY], woodwork_trainer)
    absent(machining, metal, [TODAY], machining_trainer)
    url = reverse("schoollife:absences") + "?show=all"
    page = client_for(woodwork_trainer).get(url).content.decode()
    assert "BERGER" in page
    assert "HADDAD" not in page  # machining's pupil: not his to know
    other = client_for(machining_trainer).get(url).content.decode()
    assert "HADDAD" in other and "BERGER" not in other
