"""R14: who sees which child, and that family and pupil accounts never reach a staff page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from families import access
from families.models import AdultConsent, GuardianAccount
from students.models import Guardian
from tests.families.conftest import pupil
from tests.urlwalk import walk

pytestmark = pytest.mark.django_db


def test_a_guardian_sees_his_childs_week(client, guardian, child):
    client.force_login(guardian)
    response = client.get(reverse("families:child_week", args=[child.pk]))
    assert response.status_code == 200
    assert "Léo" in response.content.decode()


def test_a_guardian_gets_404_on_another_child(client, guardian, other_child):
    client.force_login(guardian)
    for name in ("child_week", "report_absence", "child_booklet", "child_documents"):
        url = reverse(f"families:{name}", args=[other_child.pk])
        assert client.get(url).status_code == 404, url


def test_one_account_sees_siblings(client, guardian, mother, woodwork):
    sister = pupil(woodwork, "Emma")
    row = Guardian.objects.create(
        student=sister, relationship="mother", last_name="Martin", email=mother.email
    )
    GuardianAccount.objects.create(guardian=row, user=guardian)
    client.force_login(guardian)
    page = client.get(reverse("families:home")).content.decode()
    assert "Léo" in page and "Emma" in page


def test_a_guardian_without_parental_authority_sees_nothing(client, guardian, mother, child):
    mother.legal_representative = False
    mother.save()
    client.force_login(guardian)
    assert client.get(reverse("families:child_week", args=[child.pk])).status_code == 404


def test_access_ends_on_the_eighteenth_birthday_unless_the_pupil_agrees(
    client, guardian, pupil_user, child
):
    child.birth_date = dt.date(2008, 12, 10)
    child.save()
    url = reverse("families:child_week", args=[child.pk])
    with time_machine.travel(dt.datetime(2026, 12, 9, 12, 0), tick=False):
        client.force_login(guardian)
        assert client.get(url).status_code == 200
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, 0), tick=False):
        client.force_login(guardian)
        assert client.get(url).status_code == 404
        # The adult pupil agrees in his own space...
        client.force_login(pupil_user)
        client.post(reverse("families:adult_consent"), {"agree": "yes"})
        assert AdultConsent.objects.filter(student=child, withdrawn_at__isnull=True).exists()
        client.force_login(guardian)
        assert client.get(url).status_code == 200
        # ...and withdraws it: the consent is kept, withdrawn.
        client.force_login(pupil_user)
        client.post(reverse("families:adult_consent"), {"agree": "no"})
        client.force_login(guardian)
        assert client.get(url).status_code == 404
    assert AdultConsent.objects.get(student=child).withdrawn_at is not None


def test_a_minor_pupil_cannot_give_the_adults_consent(client, pupil_user, child):
    client.force_login(pupil_user)
    assert client.post(reverse("families:adult_consent"), {"agree": "yes"}).status_code == 404


def test_born_on_29_february_is_of_age_on_the_first_of_march():
    assert access.adult_since(dt.date(2027, 3, 1)) == dt.date(2009, 3, 1)
    assert access.adult_since(dt.date(2028, 2, 29)) == dt.date(2010, 2, 28)


STAFF_ROUTES = [
    r
    for r in walk()
    if not r.name.startswith("families:")
    and r.name
    not in {
        "login", "logout", "password_change", "password_change_done", "set_language",
        "password_reset", "password_reset_done", "password_reset_confirm",
        "password_reset_complete", "admin:login", "home",
    }
]  # fmt: skip


@pytest.mark.parametrize("persona", ["guardian", "pupil_user"])
def test_family_and_pupil_accounts_get_404_on_every_staff_page_and_the_admin(
    request, client, persona
):
    client.force_login(request.getfixturevalue(persona))
    reached = []
    for route in STAFF_ROUTES:
        response = client.get(route.url)
        if response.status_code != 404:
            reached.append((route.url, response.status_code))
        if route.name.startswith("admin:"):
            continue
        response = client.post(route.url)
        if response.status_code != 404:
            reached.append(("POST " + route.url, response.status_code))
    assert reached == []


@pytest.mark.parametrize("persona", ["guardian", "pupil_user"])
def test_their_home_is_their_space(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 200
    assert "Léo" in response.content.decode()


def test_a_pupil_sees_only_himself(client, pupil_user, guardian, child):
    client.force_login(pupil_user)
    assert client.get(reverse("families:pupil")).status_code == 200
    assert client.get(reverse("families:child_week", args=[child.pk])).status_code == 403
    client.force_login(guardian)
    assert client.get(reverse("families:pupil")).status_code == 403


def test_staff_get_403_on_the_spaces(client, director, child):
    client.force_login(director)
    assert client.get(reverse("families:child_week", args=[child.pk])).status_code == 403
    assert client.get(reverse("families:pupil")).status_code == 403


def test_anonymising_the_pupil_closes_his_guardians_account(client, guardian, child):
    from students.anonymisation import anonymise
    from students.models import Student

    anonymise(Student.objects.filter(pk=child.pk))
    guardian.refresh_from_db()
    assert not guardian.is_active and guardian.email == "" and guardian.last_name == ""
