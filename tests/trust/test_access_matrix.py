"""The access matrix: every routed URL x every role x own / someone else's object.

Built from the URL resolver (tests/urlwalk.py) and each view's `allowed_roles` (set by
ecoles.access.role_required), so a new page joins the matrix as soon as it is routed. A
view that declares no roles must be listed below with the reason, or the matrix fails:
nothing is reachable outside it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ecoles import roles
from tests.trust.objects import kind_of, pk_of
from tests.urlwalk import walk

# Pages anyone may open without logging in.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation",  # a staff member's first password, by the director's link (accounts.staff)
    "invitation_done",
    "set_language",  # changes only the visitor's own language cookie
    "admin:login",
    # R14: a family's invitation, by its one-time link or letter's code.
    "families:redeem",
    "families:redeem_link",
}
# Pages every logged-in user may open: they only show or change the user's own account.
OPEN_TO_ANY_LOGGED_IN_USER = {
    "home",  # each role's own home page; no role: an empty page
    "logout",
    "password_change",
    "password_change_done",
}
# Views scoped by the object rather than by a role: the pupil's tutor and the direction
# read follow-up notes (SPEC R6); the view 404s everyone else.
SCOPED_BY_OBJECT = {
    "students:notes": {roles.DIRECTOR, roles.TRAINER},
    "students:note_edit": {roles.DIRECTOR, roles.TRAINER},
}
# Own objects an allowed role still may not open, and why.
OWN_OBJECT_404 = {
    ("students:note_edit", "director"): "only a note's author corrects it",
    ("skills:evidence", "teacher"): "a teacher sees his subjects' evidence, not the workshop's",
    ("skills:correct", "teacher"): "a teacher corrects his subjects' evidence only",
    ("skills:photo", "teacher"): "a teacher sees the photos of his subjects' evidence only",
    ("schoollife:alert_letter", "director"): "a letter exists only for a pupil over the threshold",
    ("schoollife:alert_letter", "office"): "a letter exists only for a pupil over the threshold",
    ("families:adult_consent", "pupil_self"): "only an adult pupil gives or withdraws consent",
}

# Server errors found by the matrix, reported to the page's author; strict: these flip to
# a failure (to be removed from here) as soon as the page is fixed.
KNOWN_BUGS: dict[str, str] = {}

PERSONAS = [
    "director", "office", "woodwork_trainer", "teacher", "accountant", "nobody", "family",
    "pupil_self",
]  # fmt: skip
# R14: outside their space, a family's and a pupil's accounts get 404 (families.middleware).
SPACE_PERSONAS = {"family": roles.FAMILY, "pupil_self": roles.PUPIL}
PERSONA_ROLE = {
    "director": roles.DIRECTOR,
    "office": roles.OFFICE,
    "woodwork_trainer": roles.TRAINER,
    "teacher": roles.TEACHER,
    "accountant": roles.ACCOUNTANT,
    "nobody": None,
    **SPACE_PERSONAS,
}
ROUTES = [r for r in walk() if r.name not in PUBLIC]
OUR_ROUTES = [r for r in ROUTES if not r.name.startswith("admin:")]


def url_params(route):
    """The route's parameter names, from its pattern (namespaced reverse)."""
    return re.findall(r"<(?:[^>:]+:)?(\w+)>", _route_pattern(route.name))


def _route_pattern(name: str) -> str:
    from django.urls import get_resolver

    def search(resolver, ns, prefix):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                sub = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
                found = search(pattern, sub, prefix + str(pattern.pattern))
                if found:
                    return found
            elif getattr(pattern, "name", None) and ns + pattern.name == name:
                return prefix + str(pattern.pattern)
        return None

    return search(get_resolver(), "", "") or ""


def allowed_roles(route) -> set[str] | None:
    if route.name in SCOPED_BY_OBJECT:
        return SCOPED_BY_OBJECT[route.name]
    declared = getattr(route.callback, "allowed_roles", None)
    return set(declared) if declared is not None else None


def url_for(route, scenario, which: str) -> str | None:
    """The route's URL with the woodwork trainer's own ("own") or machining's ("other")
    objects; None when there is no "other" object for it."""
    names = url_params(route)
    if not names:
        return route.url if which == "own" else None
    kwargs = {}
    has_other = False
    for name in names:
        kind = kind_of(route.name, name)
        own, other = scenario.get(kind)
        if which == "other" and other is not None:
            has_other = True
        kwargs[name] = pk_of(other if which == "other" and other is not None else own)
    if which == "other" and not has_other:
        return None
    return reverse(route.name, kwargs=kwargs)


def fetch(client, url):
    response = client.get(url)
    if response.status_code == 405:  # a POST-only action
        response = client.post(url)
    return response


def test_every_page_declares_who_may_open_it():
    undeclared = [
        r.name
        for r in OUR_ROUTES
        if allowed_roles(r) is None and r.name not in OPEN_TO_ANY_LOGGED_IN_USER
    ]
    assert undeclared == [], (
        f"These views have no @role_required and are not listed in the matrix: {undeclared}"
    )


def test_every_object_parameter_has_an_owner_rule():
    missing = [
        (r.name, name)
        for r in OUR_ROUTES
        for name in url_params(r)
        if kind_of(r.name, name) is None
    ]
    assert missing == [], f"add these to RULES in tests/trust/objects.py: {missing}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_login(client, db, route):
    response = client.get(route.url)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("login"), reverse("admin:login")))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", OUR_ROUTES, ids=lambda r: r.name)
def test_each_role_opens_its_pages_and_gets_403_on_others(
    request, client, scenario, route, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    role = PERSONA_ROLE[persona]
    allowed = allowed_roles(route)
    url = url_for(route, scenario, "own")
    response = fetch(client, url)
    if route.name in OPEN_TO_ANY_LOGGED_IN_USER:
        assert response.status_code in (200, 302), response.status_code
    elif persona in SPACE_PERSONAS and not route.name.startswith("families:"):
        assert response.status_code == 404, f"{persona} reached {url}"
    elif role not in allowed:
        expected = (403, 404) if route.name in SCOPED_BY_OBJECT else (403,)
        assert response.status_code in expected, f"{persona} reached {url}"
    elif (route.name, persona) in OWN_OBJECT_404:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302), f"{persona} on {url}: {response.status_code}"


@pytest.mark.parametrize("route", [r for r in OUR_ROUTES if url_params(r)], ids=lambda r: r.name)
def test_a_trainer_gets_404_on_another_workshops_objects(
    request, client, scenario, woodwork_trainer, director, route
):
    allowed = allowed_roles(route)
    url = url_for(route, scenario, "other")
    if url is None:
        pytest.skip("nobody is scoped out of this object (e.g. a customer)")
    if roles.TRAINER in (allowed or ()):
        client.force_login(woodwork_trainer)
        assert fetch(client, url).status_code == 404, url
    # A guardian or a pupil: another family's child, his objects and documents are 404.
    for persona, role in SPACE_PERSONAS.items():
        if role in (allowed or ()):
            client.force_login(request.getfixturevalue(persona))
            assert fetch(client, url).status_code == 404, (persona, url)
    # The director sees every workshop's objects.
    client.force_login(director)
    if roles.DIRECTOR in (allowed or ()) and (route.name, "director") not in OWN_OBJECT_404:
        assert fetch(client, url).status_code in (200, 302), url


@pytest.mark.parametrize("route", OUR_ROUTES, ids=lambda r: r.name)
def test_missing_objects_are_404_for_allowed_roles(request, client, director, route):
    if not url_params(route):
        pytest.skip("no object in this URL")
    if route.name in KNOWN_BUGS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_BUGS[route.name], strict=True))
    allowed = allowed_roles(route) or set()
    space = [p for p, role in SPACE_PERSONAS.items() if role in allowed]
    if roles.DIRECTOR in allowed or not space:
        client.force_login(director)
    else:  # the spaces' own pages
        client.force_login(request.getfixturevalue(space[0]))
    response = fetch(client, route.url)  # every id 999999
    assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_closed_to_staff_without_the_admin_flag(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    for route in ROUTES:
        if route.name.startswith("admin:"):
            response = client.get(route.url)
            if persona in SPACE_PERSONAS:
                assert response.status_code == 404, route.url
                continue
            assert response.status_code == 302, route.url
            # admin:logout sends back to the admin index, which sends to its login.
            assert response["Location"].startswith(("/admin/login/", "/admin/")), route.url
