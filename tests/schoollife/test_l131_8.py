"""Code de l'éducation L131-8 as in force since loi n° 2019-791 (issue #27 §5): under 16,
4 unjustified half-days in a month, the director refers the pupil to the DASEN; on
persistence he gathers the educational community and names a referent. No notice to the
mayor. The DASEN letter says, for each guardian, how and when he was told of each
half-day it counts, from what was recorded (issue #26)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schoollife import threshold
from schoollife.models import Absence, AuthorityReport, FamilyNotice
from students.models import Guardian
from tests.pdftext import pdf_text
from tests.schoollife.conftest import TODAY, absent
from tests.training.conftest import at

NOV = [dt.date(2026, 11, d) for d in (2, 3, 4, 5)]
OCT = [dt.date(2026, 10, d) for d in (5, 6, 7, 8)]


def law_alert(pupil, month=TODAY):
    return next(a for a in threshold.alerts(month) if a.student == pupil)


def refer(pupil, month, by, **extra):
    return AuthorityReport.objects.create(
        student=pupil, month=month, kind="dasen", half_days=4, sent_by=by, method="letter", **extra
    )


def test_the_alert_is_handled_once_the_referral_to_the_dasen_is_recorded(
    tom, woodwork, woodwork_trainer, director
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    assert not law_alert(tom).handled
    refer(tom, dt.date(2026, 11, 1), director)
    assert law_alert(tom).handled  # no notice to the mayor is waited for


def test_there_is_no_notice_to_the_mayor_anywhere(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    client = client_for(director)
    page = client.get(reverse("schoollife:alerts")).content.decode()
    assert "maire" not in page.lower()
    assert client.get(reverse("schoollife:alert_letter", args=[tom.pk, "mayor"])).status_code == 404
    response = client.post(
        reverse("schoollife:alerts") + "?month=2026-11",
        {"student": tom.pk, "kind": "mayor", "sent_on": "2026-11-18", "method": "letter"},
    )
    assert response.status_code == 404 and not AuthorityReport.objects.exists()


def test_the_referral_records_who_when_and_how_and_the_page_says_it(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    client = client_for(director)
    url = reverse("schoollife:alerts") + "?month=2026-11"
    response = client.post(
        url, {"student": tom.pk, "kind": "dasen", "sent_on": "2026-11-17", "method": "email"}
    )
    assert response.status_code == 302
    report = AuthorityReport.objects.get()
    assert (report.kind, report.sent_on, report.sent_by, report.method) == (
        "dasen", dt.date(2026, 11, 17), director, "email",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "17/11/2026" in page and "courriel" in page.lower()


def test_a_referral_without_how_it_was_sent_is_a_form_error_and_nothing_is_saved(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    response = client_for(director).post(
        reverse("schoollife:alerts") + "?month=2026-11",
        {"student": tom.pk, "kind": "dasen", "sent_on": "2026-11-17", "method": ""},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not AuthorityReport.objects.exists()


def test_on_persistence_the_meeting_and_the_referent_are_recorded_and_shown(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, OCT, woodwork_trainer)
    refer(tom, dt.date(2026, 10, 1), director)
    absent(woodwork, tom, NOV, woodwork_trainer)
    alert = law_alert(tom)
    assert alert.persistent and alert.follow_up_due
    client = client_for(director)
    url = reverse("schoollife:alerts") + "?month=2026-11"
    assert "Réunion de la communauté éducative" in client.get(url).content.decode()

    bad = client.post(
        url, {"student": tom.pk, "kind": "meeting", "sent_on": "2026-11-16", "referent": " "}
    )
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert not AuthorityReport.objects.filter(kind="meeting").exists()

    client.post(
        url,
        {"student": tom.pk, "kind": "meeting", "sent_on": "2026-11-16", "referent": "Mme Roux"},
    )
    meeting = AuthorityReport.objects.get(kind="meeting")
    assert (meeting.sent_on, meeting.referent, meeting.sent_by) == (
        dt.date(2026, 11, 16), "Mme Roux", director,
    )  # fmt: skip
    assert not law_alert(tom).follow_up_due
    page = client.get(url).content.decode()
    assert "Mme Roux" in page and "16/11/2026" in page


def test_a_first_month_over_the_threshold_is_not_persistence(
    tom, woodwork, woodwork_trainer, director
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    alert = law_alert(tom)
    assert not alert.persistent and not alert.follow_up_due


def test_the_directors_home_shows_a_follow_up_due_until_the_meeting_is_recorded(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, OCT, woodwork_trainer)
    refer(tom, dt.date(2026, 10, 1), director)
    absent(woodwork, tom, NOV, woodwork_trainer)
    refer(tom, dt.date(2026, 11, 1), director)
    client = client_for(director)
    assert "Réunion de la communauté éducative" in client.get(reverse("home")).content.decode()
    AuthorityReport.objects.create(
        student=tom, month=dt.date(2026, 11, 1), kind="meeting", half_days=4,
        sent_by=director, referent="Mme Roux",
    )  # fmt: skip
    home = client.get(reverse("home")).content.decode()
    assert "Réunion de la communauté éducative" not in home


# The letter says what happened (issue #26).


def letter(client, tom):
    response = client.get(reverse("schoollife:alert_letter", args=[tom.pk, "dasen"]))
    assert response.status_code == 200
    return pdf_text(response.content)


def notice(absence, guardian, **fields):
    return FamilyNotice.objects.create(
        absence=absence, student=absence.student, guardian=guardian,
        send_after=at(absence.day, 8), **fields,
    )  # fmt: skip


def test_the_letter_says_when_each_mail_left_and_never_claims_a_call_not_made(
    client_for, director, office, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    mother = tom.guardians.get(relationship="mother")
    father = Guardian.objects.create(
        student=tom, relationship="father", first_name="Marc", last_name="Berger",
        phone="06 11 22 33 44", notices_by="phone", legal_representative=True,
    )  # fmt: skip
    absences = list(Absence.objects.order_by("day"))
    for a in absences:
        notice(a, mother, email=mother.email, status="sent", sent_at=at(a.day, 8, 12))
    # The father was called for the first day, and is still to be called for the others.
    notice(
        absences[0], father, channel="phone", phone=father.phone, status="sent",
        sent_at=at(NOV[0], 9, 40), done_by=office,
    )  # fmt: skip
    for a in absences[1:]:
        notice(a, father, channel="phone", phone=father.phone)
    text = letter(client_for(director), tom)
    assert "le jour même" not in text
    assert "courriel envoyé le 02/11/2026 à 08:12" in text
    assert f"appel passé par {office.get_full_name()} le 02/11/2026 à 09:40" in text
    assert text.count("appel à passer, pas encore passé") == 3


def test_the_letter_says_a_guardian_who_cannot_be_reached_was_not_told(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer)
    Guardian.objects.filter(student=tom, relationship="mother").update(
        email="", address="1 rue Basse"
    )
    text = letter(client_for(director), tom)
    assert text.count("information impossible : ni courriel ni téléphone enregistré") == 4


def test_the_letter_says_when_the_family_reported_the_absence_itself(
    client_for, director, tom, woodwork, woodwork_trainer
):
    absent(woodwork, tom, NOV, woodwork_trainer, reported_how="phone")
    text = letter(client_for(director), tom)
    assert text.count("absence signalée par la famille") == 4


def test_the_letter_reads_how_a_range_was_told_on_each_of_its_half_days(
    client_for, director, office, tom, woodwork, woodwork_trainer
):
    # One form for four days: the notice is kept on the range's first half-day only.
    report = uuid.uuid4()
    absent(woodwork, tom, NOV, woodwork_trainer, report=report)
    mother = tom.guardians.get(relationship="mother")
    first = Absence.objects.order_by("day").first()
    notice(first, mother, email=mother.email, status="sent", sent_at=at(NOV[0], 8, 12))
    text = letter(client_for(director), tom)
    assert text.count("courriel envoyé le 02/11/2026 à 08:12") == 4
    assert "aucun avis envoyé" not in text


def test_the_record_itself_refuses_a_referral_without_its_method_whatever_the_path(director, tom):
    """The admin and any other path run the model's own rule, not the alerts form's."""
    report = AuthorityReport(
        student=tom, month=NOV[0].replace(day=1), kind="dasen", half_days=4, sent_by=director
    )
    with pytest.raises(ValidationError) as refused:
        report.full_clean()
    assert "method" in refused.value.message_dict
    meeting = AuthorityReport(
        student=tom, month=NOV[0].replace(day=1), kind="meeting", half_days=4, sent_by=director
    )
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()
    assert "referent" in refused.value.message_dict
