"""The demo: `seed_network` makes a hub of three schools and several years, and gives the
demo school its key; the demo school (`seed_demo`) then sends its year through the API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from network import hub_demo, payload, sending
from network.models import MemberSchool, PublishedReferentiel, Report
from network.validation import validate
from tests.network.conftest import hub_post


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    return settings


def test_seed_network_makes_three_schools_and_their_years_once(db, demo_settings):
    call_command("seed_network", stdout=io.StringIO())
    counts = (MemberSchool.objects.count(), Report.objects.count())
    assert counts[0] == 3 and counts[1] == 3 * hub_demo.YEARS - 1  # one school is late
    assert all(validate(r.figures) == r.year for r in Report.objects.all())
    assert PublishedReferentiel.objects.exists()
    call_command("seed_network", stdout=io.StringIO())
    assert (MemberSchool.objects.count(), Report.objects.count()) == counts


def test_the_demo_school_sends_its_year_to_the_demo_hub(
    db, demo_settings, hub, monkeypatch, tmp_path, client_for, network_staff
):
    call_command("seed_demo", scale=1, stdout=io.StringIO())
    env = tmp_path / ".env"
    env.write_text("DEBUG=true\n")
    call_command("seed_network", "--env", str(env), stdout=io.StringIO())
    values = dict(line.split("=", 1) for line in env.read_text().splitlines())
    assert values["NETWORK_URL"] == "http://127.0.0.1:8001/reseau/api/v1/"
    demo_settings.NETWORK_URL = "http://testserver/reseau/api/v1/"
    demo_settings.NETWORK_KEY_ID = values["NETWORK_KEY_ID"]
    demo_settings.NETWORK_KEY_SECRET = values["NETWORK_KEY_SECRET"]
    monkeypatch.setattr(sending, "transport", hub_post)

    result = sending.send(2025)

    assert result.status == "sent", result.detail
    lyon = MemberSchool.objects.get(uai="0691234A")
    report = Report.objects.current().get(school=lyon, year=2025)
    assert (report.version, report.via) == (2, "api")  # the seeded version 1 is kept
    sent, built = dict(report.figures), payload.build(2025)
    sent.pop("built_at"), built.pop("built_at")
    assert sent == built
    body = client_for(network_staff).get(reverse("hub:school", args=[lyon.pk])).content.decode()
    assert "API" in body
