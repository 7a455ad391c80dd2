"""R14: the office invites; a link or code works once, expires, can be revoked, and says
nothing of who exists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ecoles import roles
from families import invitations
from families.models import GuardianAccount, Invitation, PupilAccount
from students.models import Guardian
from tests.families.conftest import pupil

pytestmark = pytest.mark.django_db
NOT_VALID = "n’est pas valable"  # the same answer whatever is wrong


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


PASSWORD = "Un-mot-de-passe-long-42"  # noqa: S105 - a test's


def redeem(client, code, username="nadia", password=PASSWORD):
    return client.post(
        reverse("families:redeem"),
        {"code": code, "username": username, "password1": password, "password2": password},
        follow=True,
    )


def test_a_letters_code_opens_the_guardians_space_once(client, office, mother, child):
    invitation, code = invitations.invite_by_letter(child, mother, by=office)
    assert invitation.secret_hash and code not in invitation.secret_hash
    response = redeem(client, f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    assert response.redirect_chain[-1][0] == reverse("families:home")
    assert "Léo" in response.content.decode()
    account = GuardianAccount.objects.get(guardian=mother)
    assert account.user.has_role(roles.FAMILY) and account.user.email == mother.email
    client.logout()
    again = redeem(client, code, username="other")
    assert NOT_VALID in again.content.decode()
    assert not again.redirect_chain


def test_an_expired_or_revoked_or_unknown_code_gets_the_same_answer(client, office, mother, child):
    _inv, expired = invitations.invite_by_letter(child, mother, by=office)
    answers = []
    with time_machine.travel(dt.datetime.now() + dt.timedelta(days=15)):
        answers.append(redeem(client, expired).content.decode())
    revoked_inv, revoked = invitations.invite_by_letter(child, mother, by=office)
    invitations.revoke(revoked_inv)
    answers.append(redeem(client, revoked).content.decode())
    answers.append(redeem(client, "ABCDABCDABCD").content.decode())
    assert all(NOT_VALID in a for a in answers)
    assert not GuardianAccount.objects.exists()


def test_a_new_invitation_replaces_the_open_one(office, mother, child):
    first, first_code = invitations.invite_by_letter(child, mother, by=office)
    invitations.invite_by_letter(child, mother, by=office)
    assert invitations.find(first_code) is None
    first.refresh_from_db()
    assert first.revoked_at is not None


@time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_mail_carries_a_link_made_by_the_worker_and_the_queue_holds_ids_only(
    client, office, mother, child, django_capture_on_commit_callbacks
):
    client.force_login(office)
    url = reverse("families:invite", args=[child.pk])
    asked = client.post(url, {"guardian": mother.pk, "how": "mail"})
    assert asked.status_code == 200 and b"confirmed" in asked.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"guardian": mother.pk, "how": "mail", "confirmed": "yes"})
    for row in DBTaskResult.objects.all():
        assert "exemple.fr" not in str(row.args_kwargs)
    assert Invitation.objects.get().secret_hash == ""
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [mother.email]
    link = re.search(r"https?://\S+/espace/invitation/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and NOT_VALID not in page.content.decode()
    secret = path.rstrip("/").rsplit("/", 1)[1]
    response = client.post(
        path,
        {"code": secret, "username": "nadia", "password1": "Un-mot-de-passe-long-42",
         "password2": "Un-mot-de-passe-long-42"},
    )  # fmt: skip
    assert response.status_code == 302
    assert GuardianAccount.objects.filter(guardian=mother).exists()
    assert NOT_VALID in client.get(path).content.decode()


def test_a_letter_is_a_pdf_with_its_code(client, office, child):
    client.force_login(office)
    response = client.post(
        reverse("families:invite", args=[child.pk]), {"how": "letter", "confirmed": "yes"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert Invitation.objects.get().for_pupil


def test_a_pupils_code_makes_his_own_account(client, office, child):
    _inv, code = invitations.invite_by_letter(child, by=office)
    redeem(client, code, username="leo")
    assert PupilAccount.objects.get(student=child).user.has_role(roles.PUPIL)


def test_a_logged_in_guardian_adds_a_sibling_with_a_code(client, office, guardian, woodwork):
    sister = pupil(woodwork, "Emma")
    row = Guardian.objects.create(student=sister, last_name="Martin", email="n@exemple.fr")
    _inv, code = invitations.invite_by_letter(sister, row, by=office)
    client.force_login(guardian)
    client.post(reverse("families:redeem"), {"code": code})
    assert GuardianAccount.objects.get(guardian=row).user == guardian


def test_a_taken_login_or_weak_password_is_a_form_error(client, office, mother, child, director):
    _inv, code = invitations.invite_by_letter(child, mother, by=office)
    assert "déjà pris" in redeem(client, code, username="dir").content.decode()
    weak = redeem(client, code, password="123")
    assert weak.redirect_chain == [] and 'id="id_password1_error"' in weak.content.decode()
    assert invitations.find(code) is not None


def test_invitations_are_the_offices(client, teacher, woodwork_trainer, child):
    for user in (teacher, woodwork_trainer):
        client.force_login(user)
        assert client.get(reverse("families:invitations", args=[child.pk])).status_code == 403


def test_a_guardian_without_email_gets_a_letter_not_a_mail(office, child):
    row = Guardian.objects.create(student=child, last_name="Martin", phone="0601020304")
    with pytest.raises(Exception, match="courrier"):
        invitations.invite_by_mail(child, row, by=office)
