"""The school sends its year to the network from the indicators page: the director asks,
confirms, and the worker sends (the task carries the year only); the answer shows on the
page. Sent here through the API of a hub in the same process (the Django test client)."""

from __future__ import annotations

import html
import json

from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from network import sending
from network.models import Report, Sending

INDICATORS = "students:indicators"


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def page(client, year=2025) -> str:
    response = client.get(reverse(INDICATORS), {"year": year})
    return html.unescape(response.content.decode())


def test_the_director_sends_the_year_and_the_network_stores_it(
    client_for, director, known_school, through_test_client, member,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client = client_for(director)
    assert "Envoyer cette année au réseau" in page(client) or "Send this year" in page(client)
    asked = client.post(reverse("network:send"), {"year": 2025})
    assert 'name="confirmed"' in asked.content.decode() and not Sending.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("network:send"), {"year": 2025, "confirmed": "yes"})
    assert done.status_code == 302
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [2025], "kwargs": {}}  # the year only: no secret, no name
    run_worker()
    last = Sending.objects.get()
    assert (last.status, last.requested_by) == ("sent", director), last.detail
    report = Report.objects.get()
    assert (report.school, report.year, report.via) == (member, 2025, "api")
    assert report.figures["pupils"]["enrolled"] == 8
    assert "version 1" in page(client)


def test_a_refusal_from_the_network_shows_on_the_page(
    client_for, director, known_school, through_test_client, member, school, settings
):
    settings.NETWORK_KEY_SECRET = "wrong"
    result = sending.send(2025)
    assert result.status == "failed" and "signature" in result.detail
    assert not Report.objects.exists()
    assert result.detail in page(client_for(director))


def test_without_the_networks_address_the_page_offers_the_file_only(
    client_for, director, known_school, settings
):
    settings.NETWORK_URL = ""
    body = page(client_for(director))
    assert reverse("network:download") in body and reverse("network:send") not in body
    response = client_for(director).post(reverse("network:send"), {"year": 2025})
    assert response.status_code == 302 and not Sending.objects.exists()


def test_the_file_for_the_network_is_the_payload(client_for, director, known_school, member):
    response = client_for(director).get(reverse("network:download"), {"year": 2025})
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["year"] == "2025-2026" and data["pupils"]["leavers"] == 6


def test_only_the_director_sends_or_downloads(client_for, office, known_school):
    client = client_for(office)
    assert client.post(reverse("network:send"), {"year": 2025}).status_code == 403
    assert client.get(reverse("network:download"), {"year": 2025}).status_code == 403
    assert reverse("network:download") not in page(client)


def test_a_year_the_page_does_not_offer_is_the_one_it_opens_on(client_for, director, known_school):
    client = client_for(director)
    for year in ("1999", "abc", "", "2031"):
        response = client.get(reverse("network:download"), {"year": year})
        assert json.loads(response.content)["year"] == "2025-2026"
