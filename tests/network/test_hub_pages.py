"""The hub's pages, for the network's staff only: each school and all together, trends,
who is late, the CSV and the funders' PDF, member schools and their keys, the upload."""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network import hub_demo, payload, receiving
from network.consolidation import COLUMNS
from network.models import MemberSchool, Report
from tests.pdftext import pdf_text

LATEST = 2025  # the demo's last complete school year on 26 November 2026


@pytest.fixture
def demo_hub(db, hub):
    return hub_demo.seed()


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


PAGES = ["hub:overview", "hub:schools", "hub:school_add", "hub:upload", "hub:referentiels",
         "hub:export", "hub:report_pdf"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_only_the_networks_staff_opens_the_hubs_pages(
    client_for, client, demo_hub, network_staff, director, name
):
    url = reverse(name)
    assert client_for(network_staff).get(url).status_code == 200
    assert client_for(director).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_schools_page_and_a_report_are_for_the_networks_staff(
    client_for, demo_hub, network_staff, director
):
    school = demo_hub[0]
    report = school.reports.first()
    for url in (reverse("hub:school", args=[school.pk]), reverse("hub:report", args=[report.pk])):
        assert client_for(network_staff).get(url).status_code == 200
        assert client_for(director).get(url).status_code == 403
    assert client_for(network_staff).get(reverse("hub:school", args=[99999])).status_code == 404


def test_the_overview_shows_each_school_the_totals_and_who_is_late(
    client_for, demo_hub, network_staff
):
    body = text(client_for(network_staff).get(reverse("hub:overview"), {"year": LATEST}))
    assert "2025-2026" in body
    lyon, toulouse, nord = demo_hub
    late = body.split("Qui est en retard")[1].split("<h2")[0]
    assert toulouse.name in body and lyon.name in body and nord.name in body
    assert "Toutes les écoles (2)" in body
    assert "<svg" in body
    assert lyon.name not in late and nord.name not in late
    assert toulouse.name in late


def test_a_small_schools_figures_are_hidden_and_counted_in_the_totals(
    client_for, demo_hub, network_staff
):
    lyon, _toulouse, nord = demo_hub
    small = Report.objects.current().get(school=nord, year=LATEST).figures
    large = Report.objects.current().get(school=lyon, year=LATEST).figures
    assert 0 < small["pupils"]["leavers"] < 5
    response = client_for(network_staff).get(reverse("hub:export"), {"year": LATEST})
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    position = [c.name for c in COLUMNS].index("leavers")
    by_school: dict[str, list] = {}
    for row in rows[1:]:
        by_school.setdefault(row[1], []).append(row)
    leavers = {name: lines[position] for name, lines in by_school.items()}
    assert leavers[nord.name][4] == ""  # not shown for the school
    assert "5" in leavers[nord.name][6]  # "fewer than 5 pupils: in the totals only"
    total = next(row for name, row in leavers.items() if name not in (lyon.name, nord.name))
    assert int(total[4]) == small["pupils"]["leavers"] + large["pupils"]["leavers"]


def test_the_funders_report_is_a_pdf_of_the_year(client_for, demo_hub, network_staff):
    response = client_for(network_staff).get(reverse("hub:report_pdf"), {"year": LATEST})
    assert response["Content-Type"] == "application/pdf"
    words = pdf_text(response.content)
    assert "2025-2026" in words and demo_hub[0].name.split()[-1] in words


def test_a_schools_trends_go_year_by_year(client_for, demo_hub, network_staff):
    body = text(client_for(network_staff).get(reverse("hub:school", args=[demo_hub[0].pk])))
    for year in ("2022-2023", "2023-2024", "2024-2025", "2025-2026"):
        assert year in body
    assert "<svg" in body


def test_a_new_school_sees_its_secret_once(client_for, db, hub, network_staff):
    client = client_for(network_staff)
    response = client.post(reverse("hub:school_add"), {"name": "EP Nouvelle", "uai": "0131234D"})
    school = MemberSchool.objects.get(uai="0131234D")
    assert school.secret in response.content.decode()
    page = client.get(reverse("hub:school", args=[school.pk])).content.decode()
    assert school.key_id in page and school.secret not in page


def test_a_bad_uai_is_a_form_error(client_for, db, hub, network_staff):
    response = client_for(network_staff).post(reverse("hub:school_add"), {"name": "X", "uai": "12"})
    assert response.status_code == 200 and "UAI" in text(response)
    assert not MemberSchool.objects.exists()


def test_a_new_key_asks_first_then_replaces_the_old_one(client_for, db, hub, network_staff, member):
    client, old = client_for(network_staff), member.key_id
    url = reverse("hub:school_rotate_key", args=[member.pk])
    asked = client.post(url)
    assert 'name="confirmed"' in asked.content.decode()
    member.refresh_from_db()
    assert member.key_id == old
    done = client.post(url, {"confirmed": "yes"})
    member.refresh_from_db()
    assert member.key_id != old and member.secret in done.content.decode()


def test_the_staff_uploads_a_schools_file(client_for, known_school, hub, network_staff, member):
    body = payload.dumps(payload.build(2025))
    upload = SimpleUploadedFile("indicateurs.json", body, content_type="application/json")
    response = client_for(network_staff).post(reverse("hub:upload"), {"file": upload})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.school, report.year, report.via, report.received_by) == (
        member, 2025, "upload", "nadia",
    )  # fmt: skip


def test_an_uploaded_file_that_breaks_a_rule_is_a_form_error(
    client_for, known_school, hub, network_staff, member
):
    data = payload.build(2025)
    data["pupils"]["entered"] = -2
    upload = SimpleUploadedFile("x.json", json.dumps(data).encode())
    response = client_for(network_staff).post(reverse("hub:upload"), {"file": upload})
    assert response.status_code == 200 and "pupils.entered" in text(response)
    assert not Report.objects.exists()


def test_a_file_of_an_unknown_school_is_refused(
    client_for, known_school, hub, network_staff, school
):
    school.uai = "0750002B"
    school.save()
    upload = SimpleUploadedFile("x.json", payload.dumps(payload.build(2025)))
    response = client_for(network_staff).post(reverse("hub:upload"), {"file": upload})
    assert response.status_code == 200 and "school.uai" in text(response)


def test_the_hubs_pages_are_not_routed_on_a_school(client, db):
    assert client.get("/reseau/api/v1/openapi.json").status_code == 404


def test_the_hubs_pages_make_as_many_queries_whatever_the_number_of_schools(
    client_for, demo_hub, network_staff
):
    client = client_for(network_staff)
    urls = [reverse("hub:overview"), reverse("hub:export"), reverse("hub:schools"),
            reverse("hub:school", args=[demo_hub[0].pk])]  # fmt: skip

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"year": LATEST}).status_code == 200
            result.append(len(queries.captured_queries))
        return result

    counts()
    before = counts()
    for n in range(4):
        extra = MemberSchool.objects.create(name=f"EP {n}", uai=f"090000{n}Z")
        for year in (2023, 2024, 2025):
            data = hub_demo.figures(extra.name, extra.uai, "", 20 + n, year)
            receiving.record(extra, data, year, by="test", via="upload")
    assert counts() == before


def test_a_hub_with_nothing_received_says_who_is_late(client_for, db, hub, network_staff, member):
    body = text(client_for(network_staff).get(reverse("hub:overview")))
    assert "Aucune école n'a encore envoyé cette année." in body
    assert member.name in body.split("Qui est en retard")[1]
    assert client_for(network_staff).get(reverse("hub:report_pdf")).status_code == 200
