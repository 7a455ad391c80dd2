"""A hub in the same process as the school: the same code and database, the hub's URLs
routed (tests/network/hub_urls.py), and the school's sending speaking to it through the
Django test client instead of HTTP."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ecoles import roles
from network import referentiels, sending
from network.models import MemberSchool
from tests.conftest import make_user
from tests.students.conftest import frozen_today, known_school  # noqa: F401 - fixtures

API = "/reseau/api/v1/indicateurs/"


@pytest.fixture
def hub(settings):
    """The hub's URLs. settings.NETWORK_HUB is read once, when ecoles.urls and the
    navigation are imported: setting it here would leave the hub in every later test."""
    settings.ROOT_URLCONF = "tests.network.hub_urls"


@pytest.fixture
def network_staff(db):
    """The network's staff: the hub's pages, no school's pupils."""
    return make_user("nadia", roles.NETWORK_STAFF, first_name="Nadia", last_name="Réseau")


@pytest.fixture
def member(db, school):
    """The test school as a member of the network (its UAI set at the school too)."""
    school.uai = "0691234A"
    school.save()
    return MemberSchool.objects.create(name="EP de Test", uai="0691234A", siret=school.siret)


def hub_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    response = Client().post(
        url, data=body, content_type="application/json",
        headers={"Content-Type": "application/json", **headers},
    )  # fmt: skip
    return response.status_code, json.loads(response.content or b"{}")


def hub_get(url: str) -> object:
    response = Client().get(url)
    assert response.status_code == 200, url
    return json.loads(response.content)


@pytest.fixture
def school_settings(settings, member):
    """The school's settings point at the in-process hub, with the member's key."""
    settings.NETWORK_URL = "http://testserver/reseau/api/v1/"
    settings.NETWORK_KEY_ID = member.key_id
    settings.NETWORK_KEY_SECRET = member.secret
    return settings


@pytest.fixture
def through_test_client(monkeypatch, hub, school_settings):
    monkeypatch.setattr(sending, "transport", hub_post)
    monkeypatch.setattr(referentiels, "transport", hub_get)
