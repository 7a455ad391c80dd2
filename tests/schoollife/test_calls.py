"""Each guardian's channel (SPEC.md R9, issue #17): a guardian who asked to be called, or
who has no email, is called by the office instead of mailed; quiet hours hold for calls
too; the office records the call, and the absence shows who called and when."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoollife import families, rollcall
from schoollife.models import Absence, FamilyNotice
from schoollife.rollcall import Exception_
from students.forms import GuardianForm
from students.models import Guardian
from tests.schoollife.conftest import TODAY
from tests.training.conftest import at


def absent(pupil, workshop, trainer, half="am", pupils=None):
    exceptions = {pupil.pk: Exception_("absent")}
    rollcall.take(workshop, TODAY, half, exceptions, trainer, pupils or [pupil])
    return Absence.objects.get(student=pupil, day=TODAY, half=half)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def mother(tom) -> Guardian:
    return tom.guardians.get(relationship="mother")


def test_a_guardian_who_asked_for_a_call_is_called_not_mailed(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone="06 12 34 56 78")
    with django_capture_on_commit_callbacks(execute=True):
        absent(tom, woodwork, woodwork_trainer)
    run_worker()
    assert mailoutbox == []
    notice = FamilyNotice.objects.get()
    assert (notice.channel, notice.phone, notice.email, notice.status) == (
        "phone", "06 12 34 56 78", "", "queued",
    )  # fmt: skip
    assert list(families.calls_to_make()) == [notice]


def test_a_guardian_without_email_is_called_and_one_with_neither_cannot_be_told(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    Guardian.objects.filter(pk=mother(tom).pk).update(email="", phone_other="07 00 00 00 01")
    Guardian.objects.create(
        student=tom, relationship="father", last_name="Berger", address="2 rue Haute",
        legal_representative=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        absent(tom, woodwork, woodwork_trainer)
    run_worker()
    assert mailoutbox == []
    assert list(FamilyNotice.objects.values_list("channel", "phone")) == [
        ("phone", "07 00 00 00 01")
    ]


def test_a_guardian_told_by_email_with_an_email_is_still_mailed(
    tom, woodwork, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    Guardian.objects.filter(pk=mother(tom).pk).update(phone="06 12 34 56 78")
    with django_capture_on_commit_callbacks(execute=True):
        absent(tom, woodwork, woodwork_trainer)
    run_worker()
    assert [m.to for m in mailoutbox] == [["anne.berger@exemple.fr"]]
    assert not families.calls_to_make().exists()


def test_an_evening_call_waits_for_seven_and_the_list_says_so(
    client_for, office, tom, woodwork, woodwork_trainer
):
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone="0612345678")
    with time_machine.travel(at(TODAY, 20, 30), tick=False):
        absent(tom, woodwork, woodwork_trainer, half="pm")
        assert FamilyNotice.objects.get().send_after == at(TODAY + dt.timedelta(days=1), 7)
        page = client_for(office).get(reverse("schoollife:calls")).content.decode()
    assert "Pas avant jeu. 19/11 07:00 (heures de calme)" in page


def test_the_office_records_the_call_and_the_absence_shows_it(
    client_for, office, tom, woodwork, woodwork_trainer
):
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone="0612345678")
    a = absent(tom, woodwork, woodwork_trainer)
    notice = FamilyNotice.objects.get()
    client = client_for(office)
    page = client.get(reverse("home")).content.decode()
    assert "1 responsable à appeler pour une absence" in page
    listing = client.get(reverse("schoollife:calls")).content.decode()
    assert 'href="tel:0612345678"' in listing and "BERGER" in listing
    answer = client.post(
        reverse("schoollife:calls"), {"notice": notice.pk, "result": "  malade,  revient lundi "},
        follow=True,
    )  # fmt: skip
    assert "Appel à la famille de Tom Berger enregistré." in answer.content.decode()
    notice.refresh_from_db()
    assert (notice.status, notice.done_by, notice.sent_at, notice.result) == (
        "sent", office, at(TODAY, 10), "malade, revient lundi",
    )  # fmt: skip
    assert "Aucun appel à passer." in client.get(reverse("schoollife:calls")).content.decode()
    detail = client.get(reverse("schoollife:absence", args=[a.pk])).content.decode()
    assert "appelé le 18/11/2026 10:00 par Sophie Marchand" in detail
    # A second tap (another colleague, or the back button) does not record it twice.
    again = client.post(reverse("schoollife:calls"), {"notice": notice.pk}, follow=True)
    assert "Cet appel n'attendait plus" in html.unescape(again.content.decode())
    notice.refresh_from_db()
    assert notice.result == "malade, revient lundi"


def test_a_call_the_family_made_first_is_no_longer_to_make(
    tom, woodwork, woodwork_trainer, illness
):
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone="0612345678")
    a = absent(tom, woodwork, woodwork_trainer)
    a.reason, a.reported_how = illness, "phone"
    a.save()
    families.cancel(a)
    assert not families.calls_to_make().exists()
    assert FamilyNotice.objects.get().status == "cancelled"


@pytest.mark.parametrize("role", ["woodwork_trainer", "teacher", "accountant"])
def test_only_the_direction_and_the_office_see_the_calls(client_for, request, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("schoollife:calls"))
    assert response.status_code in (403, 404)


def test_a_guardian_to_call_needs_a_phone_and_the_form_says_so(db):
    form = GuardianForm(
        data={"relationship": "mother", "last_name": "Berger", "email": "a@b.fr",
              "notices_by": "phone", "legal_representative": "on", "receives_mail": "on"},
    )  # fmt: skip
    assert not form.is_valid()
    assert form.errors["phone"] == [
        "Donnez un numéro de téléphone pour que l'école appelle, ou choisissez le courriel."
    ]


def test_the_database_refuses_a_guardian_to_call_without_a_phone(tom):
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardian.objects.filter(pk=mother(tom).pk).update(
            notices_by="phone", phone="", phone_other=""
        )
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone_other="0700000001")


def test_the_calls_page_costs_the_same_queries_for_one_call_or_several(
    tom, zoe, woodwork, woodwork_trainer, client_for, office
):
    Guardian.objects.filter(pk=mother(tom).pk).update(notices_by="phone", phone="0612345678")
    Guardian.objects.create(
        student=zoe, relationship="father", last_name="Caron", phone="0698765432",
        notices_by="phone", legal_representative=True,
    )  # fmt: skip
    client = client_for(office)
    absent(tom, woodwork, woodwork_trainer, pupils=[tom, zoe])
    with CaptureQueriesContext(connection) as one:
        assert "BERGER" in client.get(reverse("schoollife:calls")).content.decode()
    both = {tom.pk: Exception_("absent"), zoe.pk: Exception_("absent")}
    rollcall.take(woodwork, TODAY, "am", both, woodwork_trainer, [tom, zoe])
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("schoollife:calls"))
    assert families.calls_to_make().count() == 2
    assert len(two) == len(one)
