"""R14: what a guardian and a pupil do in their spaces, and what the office sees of it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoles.models import Mail
from families.models import AbsenceReport, Acknowledgement, Preference, Publication
from schoollife.models import Absence, AbsenceReason
from skills.models import Evidence, Programme
from tests.skills.conftest import evidence

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 16)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def illness(db):
    AbsenceReason.objects.ensure_defaults()
    return AbsenceReason.objects.filter(legal=True).first()


def report(client, child, illness, **extra):
    data = {
        "reason": illness.pk,
        "first_day": "2026-11-19",
        "first_half": "am",
        "last_day": "2026-11-20",
        "last_half": "pm",
        "detail": "grippe",
        **extra,
    }
    return client.post(reverse("families:report_absence", args=[child.pk]), data)


def test_a_guardian_reports_an_absence_and_the_office_accepts_it(
    client, guardian, office, child, illness
):
    client.force_login(guardian)
    note = SimpleUploadedFile("mot.pdf", PDF, content_type="application/pdf")
    assert report(client, child, illness, document=note).status_code == 302
    sent = AbsenceReport.objects.get()
    assert sent.status == "pending" and sent.reported_by == guardian
    client.force_login(office)
    assert "Léo" in client.get(reverse("families:reports")).content.decode()
    client.post(reverse("families:report_decide", args=[sent.pk]), {"decision": "accept"})
    recorded = Absence.objects.filter(student=child).order_by("day", "half")
    assert [(a.day.day, a.half, a.accepted) for a in recorded] == [
        (19, "am", True), (19, "pm", True), (20, "am", True), (20, "pm", True),
    ]  # fmt: skip
    assert all(a.reason == illness for a in recorded)
    sent.refresh_from_db()
    assert sent.status == "accepted" and sent.decided_by == office
    client.force_login(guardian)
    week = client.get(reverse("families:child_week", args=[child.pk]) + "?semaine=2026-11-16")
    assert "justified" in week.content.decode() or "justifiée" in week.content.decode()


def test_accepting_justifies_the_half_days_already_recorded(
    client, guardian, office, child, illness
):
    Absence.objects.create(student=child, day=MONDAY, half="am")
    client.force_login(guardian)
    report(client, child, illness, first_day="2026-11-16", last_day="2026-11-16", last_half="am")
    client.force_login(office)
    client.post(
        reverse("families:report_decide", args=[AbsenceReport.objects.get().pk]),
        {"decision": "accept"},
    )
    absence = Absence.objects.get(student=child)
    assert absence.accepted and absence.reason == illness and absence.decided_by == office


def test_refusing_needs_a_word_the_family_then_reads(client, guardian, office, child, illness):
    client.force_login(guardian)
    report(client, child, illness)
    sent = AbsenceReport.objects.get()
    client.force_login(office)
    url = reverse("families:report_decide", args=[sent.pk])
    response = client.post(url, {"decision": "refuse", "answer": ""})
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == "pending"
    client.post(url, {"decision": "refuse", "answer": "Pas de certificat"})
    assert not Absence.objects.exists()
    client.force_login(guardian)
    page = client.get(reverse("families:child_week", args=[child.pk])).content.decode()
    assert "Pas de certificat" in page


def test_a_bad_report_is_a_form_error(client, guardian, child, illness):
    client.force_login(guardian)
    backwards = report(client, child, illness, first_day="2026-11-20", last_day="2026-11-19")
    fake = report(
        client, child, illness, document=SimpleUploadedFile("mot.jpg", b"not a jpeg at all")
    )
    assert backwards.status_code == 200 and fake.status_code == 200
    assert not AbsenceReport.objects.exists()


def test_the_office_decides_only_once(client, guardian, office, child, illness):
    client.force_login(guardian)
    report(client, child, illness)
    client.force_login(office)
    url = reverse("families:report_decide", args=[AbsenceReport.objects.get().pk])
    client.post(url, {"decision": "accept"})
    again = client.post(url, {"decision": "refuse", "answer": "non"})
    assert AbsenceReport.objects.get().status == "accepted"
    assert again.status_code == 200


@pytest.fixture
def rules(office):
    return Publication.objects.create(
        title="Règlement intérieur",
        file=SimpleUploadedFile("reglement.pdf", PDF),
        version="2026",
        published_by=office,
    )


def test_a_guardian_acknowledges_a_document_and_its_version_is_kept(client, guardian, child, rules):
    client.force_login(guardian)
    page = client.get(reverse("families:child_documents", args=[child.pk])).content.decode()
    assert "Règlement intérieur" in page
    client.post(reverse("families:acknowledge", args=[child.pk, rules.pk]), {"answer": "yes"})
    url = reverse("families:child_documents", args=[child.pk])
    assert reverse("families:acknowledge", args=[child.pk, rules.pk]) not in (
        client.get(url).content.decode()
    )
    answer = Acknowledgement.objects.get()
    assert (answer.user, answer.version, answer.student) == (guardian, "2026", child)
    # A new version asks again.
    rules.version = "2027"
    rules.save()
    url = reverse("families:child_documents", args=[child.pk])
    assert reverse("families:acknowledge", args=[child.pk, rules.pk]) in (
        client.get(url).content.decode()
    )


def test_a_document_of_another_cohort_is_not_shown(client, guardian, child, office):
    other = Publication.objects.create(
        title="Sortie", file=SimpleUploadedFile("s.pdf", PDF), audience="cohort", cohort=2019,
        published_by=office,
    )  # fmt: skip
    client.force_login(guardian)
    assert client.get(reverse("families:publication_file", args=[other.pk])).status_code == 404
    url = reverse("families:acknowledge", args=[child.pk, other.pk])
    assert client.post(url).status_code == 404


def test_the_office_sees_who_has_not_answered_and_reminds_them(
    client, guardian, office, child, rules
):
    client.force_login(office)
    url = reverse("families:publication", args=[rules.pk])
    assert "Nadia" in client.get(url).content.decode()
    asked = client.post(url)
    assert b"confirmed" in asked.content and not Mail.objects.exists()
    client.post(url, {"confirmed": "yes"})
    mail = Mail.objects.get()
    assert (mail.kind, mail.about_id, mail.to_id) == ("families.reminder", rules.pk, guardian.pk)


def test_sms_is_not_offered_yet(client, guardian):
    client.force_login(guardian)
    url = reverse("families:preferences")
    client.post(url, {"channel": "sms"})
    assert not Preference.objects.exists()
    client.post(url, {"channel": "email", "quiet_from": "19:00", "quiet_until": "08:00"})
    assert Preference.objects.get(user=guardian).quiet_from == dt.time(19)


def test_the_pupil_sees_his_week_hours_and_balance(client, pupil_user):
    client.force_login(pupil_user)
    page = client.get(reverse("families:pupil")).content.decode()
    assert "<svg" in page and "Léo" in page


def test_the_pupil_assesses_himself_before_validation_only(
    client, pupil_user, child, usiner, woodwork_trainer
):
    pending = evidence(child, usiner, woodwork_trainer)
    client.force_login(pupil_user)
    url = reverse("families:self_assess", args=[pending.pk])
    client.post(url, {"self_level": "2", "self_comment": "Je dois encore progresser"})
    pending.refresh_from_db()
    assert pending.self_level == 2 and pending.self_comment == "Je dois encore progresser"
    pending.validate(woodwork_trainer)
    client.post(url, {"self_level": "4"})
    assert Evidence.objects.get(pk=pending.pk).self_level == 2
    page = client.get(reverse("families:pupil_skills")).content.decode()
    assert "Usiner" in page


def test_the_pupil_cannot_assess_another_pupils_evidence(
    client, pupil_user, other_child, usiner, machining_trainer
):
    theirs = evidence(other_child, usiner, machining_trainer)
    client.force_login(pupil_user)
    assert client.get(reverse("families:self_assess", args=[theirs.pk])).status_code == 404


def test_the_booklet_shows_validated_evidence_only(
    client, guardian, child, usiner, woodwork_trainer
):
    Programme.objects.create(
        student=child, version=usiner.bloc.version, started_on=dt.date(2025, 9, 1)
    )
    evidence(child, usiner, woodwork_trainer, comment="x", level=4, validated_by=woodwork_trainer)
    evidence(child, usiner, woodwork_trainer, level=1, day=dt.date(2026, 11, 17))
    client.force_login(guardian)
    page = client.get(reverse("families:child_booklet", args=[child.pk])).content.decode()
    assert "Usiner" in page and "Fabrication" in page
    assert "17/11/2026" not in page and "18/11/2026" in page


def test_each_space_says_what_data_is_kept(client, guardian, pupil_user):
    for user in (guardian, pupil_user):
        client.force_login(user)
        assert client.get(reverse("families:data_kept")).status_code == 200


def test_a_guardian_prints_the_certificate_and_the_hours_statement(
    client, guardian, child, other_child, director
):
    client.force_login(guardian)
    for name in ("child_certificate", "child_statement"):
        response = client.get(reverse(f"families:{name}", args=[child.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert client.get(reverse(f"families:{name}", args=[other_child.pk])).status_code == 404


def test_the_week_says_nothing_of_half_days_still_to_come_but_an_absence_reported(
    client, guardian, child, illness
):
    """A half-day not yet come is not "not recorded" (the school has not failed to record
    it): it shows no state, as the staff's register stops at today; an absence the family
    reported in advance still shows."""
    Absence.objects.create(student=child, day=dt.date(2026, 11, 20), half="am", reason=illness)
    client.force_login(guardian)
    week = client.get(reverse("families:child_week", args=[child.pk]) + "?semaine=2026-11-23")
    assert "non relevé" not in week.content.decode()
    this_week = client.get(reverse("families:child_week", args=[child.pk])).content.decode()
    friday = this_week[this_week.index("vendredi 20/11") :]
    assert "absent" in friday.split("après-midi")[0].lower()
    assert "non relevé" not in friday
