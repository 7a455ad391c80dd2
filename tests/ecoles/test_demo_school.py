"""The demo school: seeded twice it adds nothing, each demo role logs in and reaches its
home page in French, and every link there works."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from ecoles.models import School, User, Workshop

# Every test reads the one demo school the module seeds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_school")]


def test_seed_demo_twice_adds_nothing_the_second_time():
    counts = (User.objects.count(), Workshop.objects.count(), School.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Workshop.objects.count(), School.objects.count()) == counts
    assert Workshop.objects.count() == 3


@pytest.mark.parametrize(
    "username", ["director", "office", "trainer", "teacher", "accountant", "admin"]
)
def test_each_demo_role_logs_in_and_gets_its_home_page_in_french(client, username):
    response = client.post(reverse("login"), {"username": username, "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert '<html lang="fr">' in body
    assert "Bonjour" in body


def test_every_link_on_each_home_page_works(client):
    for username in ["director", "office", "trainer", "teacher", "accountant", "admin"]:
        client.force_login(User.objects.get(username=username))
        body = client.get(reverse("home")).content.decode()
        for href in set(re.findall(r'href="(/[^"]*)"', body)):
            if href.startswith(settings.STATIC_URL) or href.startswith("/" + settings.STATIC_URL):
                continue
            assert client.get(href).status_code == 200, (username, href)
