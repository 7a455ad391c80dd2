"""The director runs the staff's accounts without the Django admin (issue 29 §4): invites a
trainer (a mail with a link to choose a password), changes roles and workshops, suspends
and restores access; nobody who used his account is deleted, the school always keeps an
active director, and every change says who made it and when."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import staff
from accounts.models import StaffChange
from ecoles import roles
from ecoles.models import Mail
from tests.conftest import PASSWORD, make_user
from tests.test_confirmations import asks_first

pytestmark = pytest.mark.django_db
User = get_user_model()


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def invite_trainer(client, woodwork, captured) -> User:
    with captured(execute=True):
        response = client.post(
            reverse("staff:add"),
            {
                "first_name": "Karim",
                "last_name": "Haddad",
                "email": "Karim.Haddad@ecole.fr",
                "roles": [roles.TRAINER],
                "workshops": [woodwork.pk],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email="Karim.Haddad@ecole.fr")


def log_in(client, username: str, password: str) -> bool:
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def link_in(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


@pytest.fixture
def invited(client_for, director, woodwork, django_capture_on_commit_callbacks, mailoutbox):
    member = invite_trainer(client_for(director), woodwork, django_capture_on_commit_callbacks)
    run_worker()
    return member


def test_the_director_invites_a_trainer_who_chooses_his_password_and_logs_in(
    client_for, director, woodwork, invited, mailoutbox
):
    member = invited
    assert not member.has_usable_password()
    assert member.has_role(roles.TRAINER) and list(member.workshops.all()) == [woodwork]
    assert member.get_username() == "karim.haddad@ecole.fr"
    # The queue held the account's id, the worker made the link.
    assert Mail.objects.get(kind="accounts.invitation").about_id == member.pk
    assert [m.to for m in mailoutbox] == [["Karim.Haddad@ecole.fr"]]
    assert "karim.haddad@ecole.fr" in mailoutbox[0].body
    link = link_in(mailoutbox[0])
    visitor = Client()
    page = visitor.get(link, follow=True)
    assert "Choisissez votre mot de passe" in page.content.decode()
    done = visitor.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Copeaux-de-chene-2026", "new_password2": "Copeaux-de-chene-2026"},
    )
    assert done.status_code == 302
    assert log_in(Client(), "karim.haddad@ecole.fr", "Copeaux-de-chene-2026")
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert "n’est plus valable" in again or "n'est plus valable" in again


def test_the_staff_list_shows_roles_workshop_access_and_last_login(
    client_for, director, office, woodwork_trainer, woodwork, invited
):
    office.last_login = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
    office.save()
    woodwork_trainer.is_active = False
    woodwork_trainer.save()
    body = client_for(director).get(reverse("staff:list")).content.decode()
    assert "Haddad" in body and "Invité" in body
    assert "Suspendu" in body and "Actif" in body
    assert "01/12/2026" in body and "jamais" in body
    assert woodwork.name in body
    only_suspended = client_for(director).get(reverse("staff:list"), {"status": "suspended"})
    text = only_suspended.content.decode()
    assert str(woodwork_trainer.last_name) in text and "Haddad" not in text


def test_an_address_already_used_is_a_form_error_and_nothing_is_created(
    client_for, director, office
):
    office.email = "secretariat@ecole.fr"
    office.save()
    before = User.objects.count()
    response = client_for(director).post(
        reverse("staff:add"),
        {"first_name": "A", "last_name": "B", "email": "SECRETARIAT@ecole.fr",
         "roles": [roles.OFFICE]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Un autre compte a déjà cette adresse" in response.content.decode()
    assert User.objects.count() == before


def test_a_trainer_needs_a_workshop(client_for, director):
    response = client_for(director).post(
        reverse("staff:add"),
        {"first_name": "A", "last_name": "B", "email": "a.b@ecole.fr", "roles": [roles.TRAINER]},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="a.b@ecole.fr").exists()


def test_sending_the_invitation_again_voids_the_first_link(
    client_for, director, invited, mailoutbox, django_capture_on_commit_callbacks
):
    first = link_in(mailoutbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(director).post(reverse("staff:invite_again", args=[invited.pk]))
    run_worker()
    assert len(mailoutbox) == 2
    assert "plus valable" in Client().get(first, follow=True).content.decode()
    assert "Choisissez" in Client().get(link_in(mailoutbox[1]), follow=True).content.decode()
    assert StaffChange.objects.filter(member=invited, what="invitation_sent_again").exists()


def test_the_director_changes_roles_and_workshop_and_the_change_is_kept(
    client_for, director, woodwork_trainer, woodwork, machining
):
    client = client_for(director)
    response = client.post(
        reverse("staff:detail", args=[woodwork_trainer.pk]),
        {"first_name": woodwork_trainer.first_name, "last_name": woodwork_trainer.last_name,
         "email": "bois@ecole.fr", "roles": [roles.TRAINER, roles.TEACHER],
         "workshops": [machining.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    woodwork_trainer = User.objects.get(pk=woodwork_trainer.pk)
    assert woodwork_trainer.roles == {roles.TRAINER, roles.TEACHER}
    assert list(woodwork_trainer.workshops.all()) == [machining]
    changes = {c.what: c for c in StaffChange.objects.filter(member=woodwork_trainer)}
    assert changes["roles"].by == director
    assert changes["roles"].detail == f"{roles.TRAINER} → {roles.TRAINER}, {roles.TEACHER}"
    assert changes["workshops"].detail == f"{woodwork.name} → {machining.name}"
    page = client.get(reverse("staff:detail", args=[woodwork_trainer.pk])).content.decode()
    assert "Rôles modifiés" in page and str(director) in page


def test_the_last_directors_role_cannot_be_taken_away(client_for, director):
    response = client_for(director).post(
        reverse("staff:detail", args=[director.pk]),
        {"first_name": director.first_name, "last_name": director.last_name,
         "email": "direction@ecole.fr", "roles": [roles.OFFICE]},
    )  # fmt: skip
    assert response.status_code == 200
    assert (
        "seul directeur actif" in response.content.decode() or "seule" in response.content.decode()
    )
    assert User.objects.get(pk=director.pk).is_director
    # With a second director, it can.
    make_user("directrice2", roles.DIRECTOR)
    staff.change(
        director, by=director, first_name="", last_name="", email="", role_names=[roles.OFFICE]
    )
    assert not User.objects.get(pk=director.pk).is_director


def test_suspending_asks_first_ends_the_sessions_and_can_be_restored(
    client_for, director, woodwork_trainer
):
    trainer_client = Client()
    assert log_in(trainer_client, woodwork_trainer.username, PASSWORD)
    assert trainer_client.get(reverse("home")).status_code == 200

    def his_sessions():
        return [
            s for s in Session.objects.all()
            if s.get_decoded().get("_auth_user_id") == str(woodwork_trainer.pk)
        ]  # fmt: skip

    assert len(his_sessions()) == 1

    def suspended():
        return not User.objects.get(pk=woodwork_trainer.pk).is_active

    client = client_for(director)
    asks_first(
        client,
        reverse("staff:suspend", args=[woodwork_trainer.pk]),
        {},
        suspended,
        says="ne peut plus se connecter",
    )
    assert his_sessions() == []
    assert trainer_client.get(reverse("home")).status_code == 302  # to the login
    assert not log_in(Client(), woodwork_trainer.username, PASSWORD)
    change = StaffChange.objects.get(member=woodwork_trainer, what="suspended")
    assert change.by == director
    # Restored: he logs in again, with his history intact.
    client.post(reverse("staff:restore", args=[woodwork_trainer.pk]))
    assert log_in(Client(), woodwork_trainer.username, PASSWORD)
    assert StaffChange.objects.filter(member=woodwork_trainer, what="restored").exists()


def test_the_director_cannot_suspend_himself(client_for, director):
    response = client_for(director).get(reverse("staff:suspend", args=[director.pk]), follow=True)
    assert "Vous ne pouvez pas suspendre votre propre accès" in response.content.decode()
    assert User.objects.get(pk=director.pk).is_active


def test_the_only_active_director_cannot_be_suspended_by_a_superuser(director):
    admin = User.objects.create_superuser("root", "root@ecole.fr", PASSWORD)
    client = Client()
    client.force_login(admin)
    client.post(reverse("staff:suspend", args=[director.pk]), {"confirmed": "yes"})
    assert User.objects.get(pk=director.pk).is_active


def test_a_suspended_members_invitation_link_stops_working(
    client_for, director, invited, mailoutbox
):
    link = link_in(mailoutbox[0])
    staff.suspend(invited, by=director)
    assert "plus valable" in Client().get(link, follow=True).content.decode()


def test_an_invitation_never_used_may_be_withdrawn_after_asking(client_for, director, invited):
    pk = invited.pk
    asks_first(
        client_for(director),
        reverse("staff:withdraw", args=[pk]),
        {},
        lambda: not User.objects.filter(pk=pk).exists(),
        says="est supprimé",
    )
    trail = StaffChange.objects.filter(member_name="Karim Haddad")
    assert {c.what for c in trail} == {"invited", "withdrawn"}


def test_nobody_who_used_his_account_is_deleted(client_for, director, woodwork_trainer):
    response = client_for(director).post(
        reverse("staff:withdraw", args=[woodwork_trainer.pk]), {"confirmed": "yes"}, follow=True
    )
    assert "ne peut pas être supprimé" in response.content.decode()
    assert User.objects.filter(pk=woodwork_trainer.pk).exists()


def test_only_the_director_runs_staff_accounts(client_for, personas, woodwork_trainer):
    for name in ("office", "woodwork_trainer", "teacher", "accountant"):
        client = client_for(personas[name])
        for url in (
            reverse("staff:list"),
            reverse("staff:add"),
            reverse("staff:detail", args=[woodwork_trainer.pk]),
            reverse("staff:suspend", args=[woodwork_trainer.pk]),
        ):
            assert client.get(url).status_code == 403, (name, url)


def test_a_pupil_or_a_superuser_is_not_a_member_of_staff(client_for, director):
    admin = User.objects.create_superuser("root", "root@ecole.fr", PASSWORD)
    assert client_for(director).get(reverse("staff:detail", args=[admin.pk])).status_code == 404


def test_the_invitation_link_expires(client_for, director, invited, mailoutbox, settings):
    link = link_in(mailoutbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1  # its age is now past the limit
    assert "plus valable" in Client().get(link, follow=True).content.decode()
