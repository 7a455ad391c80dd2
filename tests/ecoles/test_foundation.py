"""The foundation: login everywhere, roles, French pages, the demo school."""

from __future__ import annotations

import html

import pytest
from django.conf import global_settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from ecoles import roles
from ecoles.models import Policy, School, User, Workshop
from tests.urlwalk import walk

PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation",  # a new member of staff chooses his password (accounts.staff)
    "invitation_done",
    "set_language",
    "admin:login",
    # R14: a family redeems its invitation's one-time link or code before it has an account.
    "families:redeem",
    "families:redeem_link",
}


def ours_and_admin_index():
    return [r for r in walk() if r.name not in PUBLIC]


def test_the_url_walk_finds_our_pages():
    names = {r.name for r in walk()}
    assert {"home", "school", "policy", "workshops", "login", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route", ours_and_admin_index(), ids=lambda r: r.name)
def test_every_page_sends_anonymous_users_to_login(client, route):
    response = client.get(route.url)
    assert response.status_code == 302, route
    assert response["Location"].startswith((reverse("login"), reverse("admin:login")))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_login_and_password_reset_are_public_and_french(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_login_page_speaks_french(client):
    body = client.get(reverse("login")).content.decode()
    assert "Connexion" in body
    assert "Mot de passe oublié" in body


def test_the_role_groups_exist_after_migrating_and_carry_no_permission(db):
    groups = Group.objects.filter(name__in=roles.ALL_ROLES)
    assert sorted(g.name for g in groups) == sorted(roles.ALL_ROLES)
    assert not Group.permissions.through.objects.filter(group__in=groups).exists()


def test_the_signed_in_user_carries_his_roles(db):
    backend = ModelBackend()
    both = User.objects.create_user("both", password="x")
    both.groups.add(*Group.objects.filter(name__in=[roles.OFFICE, roles.TEACHER]))
    none = User.objects.create_user("none", password="x")
    boss = User.objects.create_superuser("boss", password="x")
    gone = User.objects.create_user("gone", password="x", is_active=False)
    gone.groups.add(Group.objects.get(name=roles.OFFICE))

    user = backend.get_user(both.pk)
    assert user.roles == {roles.OFFICE, roles.TEACHER}
    assert user.has_role(roles.TEACHER) and not user.has_role(roles.DIRECTOR)
    assert backend.get_user(none.pk).roles == frozenset()
    assert backend.get_user(boss.pk).roles == set(roles.ALL_ROLES)
    assert backend.get_user(gone.pk) is None
    assert backend.get_user(999_999) is None


def test_seed_demo_refuses_without_debug_unless_told(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_language_switch_turns_pages_to_english(db, client, director):
    client.force_login(director)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body
    assert "Hello" in body


class TestSchoolProfile:
    def test_director_edits_the_school_profile(self, client_for, director, school):
        client = client_for(director)
        data = {
            "name": "EP Gerland",
            "legal_form": "Association loi 1901",
            "siret": "732 829 320 00074",
            "vat_number": "FR 44 732829320",
            "vat_regime": "exempt_293b",
            "quote_prefix": "DE",
            "invoice_prefix": "FA",
            "credit_note_prefix": "AV",
            "quote_validity_days": 30,
            "payment_terms_days": 45,
            "late_penalty_rate": "12.00",
            "early_payment_discount": "Pas d'escompte.",
            "budget_year_start_month": 1,
            "vat_filing": "simplified",
            "einvoicing_date": "2027-09-01",
        }
        response = client.post(reverse("school"), data)
        assert response.status_code == 302
        school = School.load()
        assert school.name == "EP Gerland"
        assert school.siret == "73282932000074"
        assert school.vat_mention == "TVA non applicable, art. 293 B du CGI"

    def test_a_wrong_siret_and_long_payment_terms_are_explained(self, client_for, director, school):
        client = client_for(director)
        response = client.post(
            reverse("school"),
            {
                "name": "X",
                "siret": "12345678901234",
                "payment_terms_days": 90,
                "vat_regime": "subject",
            },
        )
        assert response.status_code == 200
        body = html.unescape(response.content.decode())
        assert "Ce SIRET n'est pas valide" in body
        assert "inférieure ou égale à 60" in body
        assert School.load().name == "École de Production de Test"

    @pytest.mark.parametrize("persona", ["office", "woodwork_trainer", "teacher", "accountant"])
    def test_only_the_director_edits_the_profile_and_policy(self, client_for, personas, persona):
        client = client_for(personas[persona])
        assert client.get(reverse("school")).status_code == 403
        assert client.get(reverse("policy")).status_code == 403


class TestPolicy:
    def test_defaults_are_the_french_rules_for_minors(self, policy):
        from fractions import Fraction

        assert policy.target_share == Fraction(2, 3)
        assert policy.balance_allowance_hours == 24
        assert policy.max_daily_hours == 8 and policy.max_weekly_hours == 35
        assert policy.break_after_minutes == 270 and policy.break_minutes == 30
        assert policy.daily_rest_hours == 12 and policy.daily_rest_hours_under_16 == 14
        assert policy.retention_years == 5

    def test_school_year_starts_on_the_policy_date(self, policy):
        import datetime as dt

        assert policy.school_year_start(dt.date(2026, 11, 26)) == dt.date(2026, 9, 1)
        assert policy.school_year_start(dt.date(2027, 3, 1)) == dt.date(2026, 9, 1)
        assert policy.school_year_start(dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
        assert policy.school_year_start(dt.date(2026, 8, 31)) == dt.date(2025, 9, 1)

    def test_the_director_changes_the_allowance_and_it_is_kept_in_history(
        self, client_for, director, policy
    ):
        client = client_for(director)
        from ecoles.forms import PolicyForm

        data = {k: v for k, v in PolicyForm(instance=policy).initial.items() if v is not None}
        data = {k: (v.strftime("%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}
        data.pop("id", None)
        data["balance_allowance_hours"] = "20"
        response = client.post(reverse("policy"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        policy = Policy.load()
        assert policy.balance_allowance_hours == 20
        assert policy.history.first().history_user == director

    def test_a_share_band_upside_down_is_refused(self, client_for, director, policy):
        from ecoles.forms import PolicyForm

        data = {k: v for k, v in PolicyForm(instance=policy).initial.items() if v is not None}
        data = {k: (v.strftime("%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}
        data.update(production_share_min="40", production_share_max="30")
        response = client_for(director).post(reverse("policy"), data)
        assert response.status_code == 200
        assert Policy.load().production_share_min == 25


class TestWorkshops:
    def test_director_creates_a_workshop_with_its_trainer(
        self, client_for, director, woodwork_trainer
    ):
        response = client_for(director).post(
            reverse("workshop_add"),
            {
                "name": "Horticulture",
                "trade": "Jardinier paysagiste",
                "trainers": [woodwork_trainer.pk],
                "capacity": 10,
                "active": "on",
            },
        )
        assert response.status_code == 302
        workshop = Workshop.objects.get(name="Horticulture")
        assert list(workshop.trainers.all()) == [woodwork_trainer]

    def test_the_list_shows_each_workshop_and_its_trainers(self, client_for, office, woodwork):
        body = client_for(office).get(reverse("workshops")).content.decode()
        assert "Menuiserie" in body and "Marc Delorme" in body

    def test_a_workshop_without_name_says_what_to_fix(self, client_for, director):
        response = client_for(director).post(reverse("workshop_add"), {"trade": "x", "capacity": 0})
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in response.content.decode()
        assert not Workshop.objects.exists()


def test_the_menu_marks_the_most_precise_entry(db, client, director):
    client.force_login(director)
    body = client.get(reverse("students:indicators")).content.decode()
    # Once in the desktop row, once in the phone's disclosure menu.
    assert body.count('aria-current="page"') == 2
    assert 'aria-current="page">Indicateurs<' in body


@pytest.mark.postgres
def test_a_choice_fields_options_are_read_without_a_server_side_cursor(db):
    """Django reads a select's options with .iterator(): on PostgreSQL each would cost a
    DECLARE, a FETCH and a CLOSE (settings: DISABLE_SERVER_SIDE_CURSORS)."""
    from unittest import mock

    from django import forms
    from django.db import connection

    from ecoles.models import Workshop

    Workshop.objects.create(name="Menuiserie")
    field = forms.ModelChoiceField(queryset=Workshop.objects.all())
    with mock.patch.object(connection, "chunked_cursor", side_effect=AssertionError):
        assert [label for _value, label in field.choices] == ["---------", "Menuiserie"]


def test_a_password_is_stored_with_the_real_hasher_and_logs_in(db, client):
    """The suite hashes with MD5 for speed (tests/conftest.py); a deployment does not."""
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        user = User.objects.create_user("real", password="a-real-password-1")
        assert user.password.startswith("pbkdf2_sha256$")
        response = client.post(
            reverse("login"), {"username": "real", "password": "a-real-password-1"}
        )
    assert response.status_code == 302
