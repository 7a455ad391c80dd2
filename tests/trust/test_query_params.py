"""Every parameter a view reads, found in the view's own source (tests/trust/query_params.py),
sent hostile as each role that opens the page: a page, a form error, an ignored filter or
a 404, never a server error (issue #28 §3). A view added tomorrow is read the same way,
so its parameters are attacked the day it is routed; a key the finder cannot name fails
the walk until the finder learns it.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.test import override_settings
from django.urls import path

from ecoles import pickers
from ecoles.access import role_required
from ecoles.roles import DIRECTOR
from ecoles.views import _int_param
from students.models import Student
from tests.trust.query_params import _ours, reads
from tests.trust.test_access_matrix import OUR_ROUTES, url_for
from tests.trust.test_hostile_input import _allowed_personas
from tests.urlwalk import walk

HOSTILE = ["abc", "1.5", "²", "9" * 20, "-1", "0", "\x00", "٣", " 7 ", "2026-02-30"]
ROUTES = [r for r in OUR_ROUTES if _ours(r.callback)]
READING = [r for r in ROUTES if reads(r.callback).params]


def attack(client, personas, route, url, params) -> list[str]:
    """The requests that answered a server error."""
    client.raise_request_exception = False
    errors = []
    for i, (persona, user) in enumerate(personas):
        client.force_login(user)
        for value in HOSTILE:
            for method in ("GET", "POST"):
                names = sorted(name for m, name in params if m == method)
                # Each alone as the first role; all at once as every role.
                tries = [{name: value} for name in names] if i == 0 else []
                tries += [dict.fromkeys(names, value)] if names else []
                for data in tries:
                    response = getattr(client, method.lower())(url, data)
                    if response.status_code >= 500:
                        errors.append(f"{persona} {method} {url} {data!r}")
    return errors


def test_every_routed_view_reads_only_parameters_the_walk_can_name():
    unresolved = {r.name: reads(r.callback).unresolved for r in ROUTES}
    assert {k: v for k, v in unresolved.items() if v} == {}


def test_the_finder_reads_the_views_parameters():
    found = {r.name: reads(r.callback).params for r in ROUTES}
    # Through a helper given a literal (the calendar's _int_param), a picker's search box,
    # a loop over a module constant, a form bound to request.GET, a POST field.
    assert ("GET", "annee") in found["calendar"]
    assert ("GET", "order_q") in found["training:team_entry"]
    assert ("GET", "machine") in found["training:team_entry"]
    assert ("GET", "cohort") in found["students:list"]
    assert ("POST", "note") in found["orders:action"]
    assert {("GET", "order"), ("GET", "session")} <= found["skills:entry"]
    assert ("GET", "eleve") in found["skills:registration_add"]


@pytest.mark.parametrize("route", READING, ids=lambda r: r.name)
def test_hostile_values_in_every_parameter_a_view_reads_are_never_a_server_error(
    request, client, scenario, route
):
    url = url_for(route, scenario, "own")
    personas = [(p, request.getfixturevalue(p)) for p in _allowed_personas(route)]
    assert attack(client, personas, route, url, reads(route.callback).params) == []


# --- a view that lands tomorrow ------------------------------------------------------------


@role_required(DIRECTOR)
def careless(request):
    """Reads an id without parse_id, a year through a helper, a picker's search."""
    pupil = get_object_or_404(Student, pk=request.GET.get("eleve") or 0)
    year = _int_param(request, "an", 2026, 2000, 2100)
    return HttpResponse(f"{pupil} {year} {pickers.search_text(request, 'tuteur')}")


urlpatterns = [path("essai/", careless, name="careless")]


def test_a_view_added_tomorrow_has_its_parameters_found_and_its_fault_caught(
    client, director, woodwork
):
    with override_settings(ROOT_URLCONF=__name__):
        route = next(r for r in walk() if r.name == "careless")
        params = reads(route.callback).params
        assert params == {("GET", "eleve"), ("GET", "an"), ("GET", "tuteur_q")}
        errors = attack(client, [("director", director)], route, "/essai/", params)
    assert any("eleve" in e and "abc" in e for e in errors)
