"""The hub's API: a signed school year's indicators stored as a new version; a replayed,
forged, late or unknown request, and figures that break a rule, get a clear JSON error
and change nothing."""

from __future__ import annotations

import copy
import json
import time

import pytest

from network import payload, signing
from network.models import MemberSchool, Nonce, Report
from tests.network.conftest import API


@pytest.fixture
def figures(known_school, member):
    return payload.build(2025)


def post(client, data, member, *, headers=None, body=None):
    body = body if body is not None else json.dumps(data).encode()
    signed = signing.headers(member.key_id, member.secret, body)
    signed.update(headers or {})
    return client.post(API, data=body, content_type="application/json", headers=signed)


def test_a_signed_year_is_stored_as_the_current_version(client, hub, figures, member):
    response = post(client, figures, member)
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1 and response.json()["year"] == "2025-2026"
    report = Report.objects.get()
    assert (report.school, report.year, report.current, report.via) == (member, 2025, True, "api")
    assert report.figures["pupils"]["enrolled"] == 8
    assert member.key_id in report.received_by


def test_sending_again_replaces_the_figures_and_keeps_the_history(client, hub, figures, member):
    post(client, figures, member)
    changed = copy.deepcopy(figures)
    changed["pupils"]["entered"] = 2
    assert post(client, changed, member).json()["version"] == 2
    assert list(Report.objects.order_by("version").values_list("version", "current")) == [
        (1, False), (2, True),
    ]  # fmt: skip
    assert Report.objects.current().get().figures["pupils"]["entered"] == 2


def test_a_replayed_request_is_refused(client, hub, figures, member):
    body = json.dumps(figures).encode()
    headers = signing.headers(member.key_id, member.secret, body)
    first = client.post(API, data=body, content_type="application/json", headers=headers)
    again = client.post(API, data=body, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["error"]["code"] == "replayed"
    assert Report.objects.count() == 1


def test_a_forged_body_is_refused(client, hub, figures, member):
    body = json.dumps(figures).encode()
    headers = signing.headers(member.key_id, member.secret, body)
    forged = body.replace(b'"enrolled": 8', b'"enrolled": 80')
    response = client.post(API, data=forged, content_type="application/json", headers=headers)
    assert response.status_code == 401 and response.json()["error"]["code"] == "bad_signature"
    assert not Report.objects.exists() and not Nonce.objects.exists()


def test_another_secret_is_refused(client, hub, figures, member):
    body = json.dumps(figures).encode()
    headers = signing.headers(member.key_id, "not-the-secret", body)
    response = client.post(API, data=body, content_type="application/json", headers=headers)
    assert response.json()["error"]["code"] == "bad_signature"


def test_an_old_timestamp_is_refused(client, hub, figures, member):
    body = json.dumps(figures).encode()
    headers = signing.headers(member.key_id, member.secret, body, now=time.time() - 301)
    response = client.post(API, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 401 and response.json()["error"]["code"] == "stale_timestamp"


def test_an_unknown_or_rotated_key_is_refused(client, hub, figures, member):
    old = MemberSchool(key_id=member.key_id)
    member.rotate_key()
    response = post(client, figures, old)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unknown_key"
    assert post(client, figures, member).status_code == 201


def test_an_unsigned_request_is_refused(client, hub, figures):
    response = client.post(API, data=json.dumps(figures), content_type="application/json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_the_api_answers_no_get(client, hub):
    assert client.get(API).status_code == 405


def _broken(figures, change):
    data = copy.deepcopy(figures)
    change(data)
    return data


BREAKS = {
    "year written otherwise": (lambda d: d.update(year="2025"), "year"),
    "year not followed by the next": (lambda d: d.update(year="2025-2027"), "year"),
    "a year in the future": (lambda d: d.update(year="2031-2032"), "year"),
    "a negative count": (lambda d: d["pupils"].update(entered=-1), "pupils.entered"),
    "a count as text": (lambda d: d["pupils"].update(entered="3"), "pupils.entered"),
    "a count as a boolean": (lambda d: d["pupils"].update(entered=True), "pupils.entered"),
    "more entered than enrolled": (lambda d: d["pupils"].update(entered=9), "pupils.entered"),
    "more passed than sat": (
        lambda d: d["exams"]["by_programme"]["cap"].update(passed=4),
        "exams.by_programme.cap.passed",
    ),
    "a total that does not add up": (
        lambda d: d["exams"]["total"].update(sat=5),
        "exams.total.sat",
    ),
    "more placed than known": (
        lambda d: d["outcomes"]["6_months"].update(placed=5),
        "outcomes.6_months.placed",
    ),
    "a budget total that does not add up": (
        lambda d: d["budget"].update(total="1.00"),
        "budget.total",
    ),
    "a key not in the format": (lambda d: d.update(pupils_list=[{"name": "A"}]), "pupils_list"),
    "a missing key": (lambda d: d.pop("hours"), "hours"),
    "another format": (lambda d: d.update(format="other/1"), "format"),
}


@pytest.mark.parametrize("name", BREAKS)
def test_figures_that_break_a_rule_are_refused_and_change_nothing(
    client, hub, figures, member, name
):
    post(client, figures, member)
    change, field = BREAKS[name]
    response = post(client, _broken(figures, change), member)
    assert response.status_code == 422, name
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert error["message"]
    assert list(Report.objects.values_list("version", "current")) == [(1, True)]


def test_another_schools_figures_are_refused(client, hub, figures, member):
    response = post(client, _broken(figures, lambda d: d["school"].update(uai="0750001A")), member)
    assert response.status_code == 422 and response.json()["error"]["code"] == "wrong_school"


def test_a_body_that_is_not_json_is_refused(client, hub, member):
    response = post(client, None, member, body=b"{not json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    assert not Report.objects.exists()
