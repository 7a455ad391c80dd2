"""Hostile input at every form and every URL parameter: a form error or a 404, never a
server error, and markup never echoed unescaped.

The forms are found by walking every page (as the director, with objects in place) and
parsing its POST forms, so a new form joins as soon as its page is routed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import SUBMIT_TOKEN_FIELD
from tests.trust.test_access_matrix import OUR_ROUTES, url_for, url_params

MARKUP = '<script>alert("x")</script>'
SKIP_ACTIONS = {"/compte/logout/", "/langue/"}

HOSTILE = st.one_of(
    st.sampled_from(
        [
            MARKUP,
            '"><img src=x onerror=alert(1)>',
            "9" * 40,
            "-1",
            "-99999999999",
            "1e309",
            "NaN",
            "Infinity",
            "0",
            "2026-02-30",
            "0000-00-00",
            "31/13/2026",
            "99:99",
            "25:00",
            "-08:00",
            "x" * 20_000,
            "",
            " ",
            "\x00",
            "999999999999",
            "2147483648",
            "9223372036854775808",
            "1,5",
            "12.345678901234567890",
            "../../etc/passwd",
            "' OR 1=1 --",
        ]
    ),
    st.text(max_size=50),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


class FormParser(HTMLParser):
    """Collects POST forms: action and field names (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if name and attrs.get("type") not in ("submit", "button", "file"):
                self._form["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def post_forms(client, url) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        action = form["action"] or url
        if action in SKIP_ACTIONS or not action.startswith("/"):
            continue
        forms.append({"action": action, "fields": form["fields"]})
    return forms


def check(response) -> None:
    assert response.status_code in (200, 302, 400, 403, 404, 405, 409, 429), response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKUP not in response.content.decode(), "markup echoed unescaped"
        assert "<img src=x onerror" not in response.content.decode()


# Server errors found, reported to the page's author; strict: fix, then remove the entry.
KNOWN_FORM_BUGS: dict[str, str] = {}

FORM_PAGES = [r for r in OUR_ROUTES if not r.name.endswith(("pdf", "csv", "export"))]


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(
            r,
            id=r.name,
            marks=[pytest.mark.xfail(reason=KNOWN_FORM_BUGS[r.name], strict=True)]
            if r.name in KNOWN_FORM_BUGS
            else [],
        )
        for r in FORM_PAGES
    ],
)
def test_every_form_answers_hostile_values_with_a_form_error(client_for, director, scenario, route):
    client = client_for(director)
    url = url_for(route, scenario, "own")
    forms = post_forms(client, url)
    if not forms:
        pytest.skip("no form on this page")

    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(data=st.data())
    def attack(data):
        for form in forms:
            values = {}
            for name, default in form["fields"].items():
                if name in ("csrfmiddlewaretoken", SUBMIT_TOKEN_FIELD):
                    continue
                values[name] = (
                    data.draw(HOSTILE, label=name) if data.draw(st.booleans()) else default
                )
            check(client.post(form["action"], values))

    attack()


@pytest.mark.parametrize("route", [r for r in OUR_ROUTES if url_params(r)], ids=lambda r: r.name)
@pytest.mark.parametrize("value", ["2147483648", "9223372036854775808", "9" * 30])
def test_absurd_ids_in_urls_are_404(client_for, director, route, value):
    import re as _re

    from tests.trust.test_access_matrix import KNOWN_BUGS

    if route.name in KNOWN_BUGS:
        pytest.xfail(KNOWN_BUGS[route.name])
    url = _re.sub(r"999999", value, route.url)
    client = client_for(director)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    assert response.status_code == 404


@pytest.mark.parametrize("route", FORM_PAGES, ids=lambda r: r.name)
def test_hostile_query_strings_never_break_a_page(client_for, director, scenario, route):
    client = client_for(director)
    url = url_for(route, scenario, "own")
    for query in [
        {"page": "-1"},
        {"page": "9" * 30},
        {"year": "99999"},
        {"q": MARKUP},
        {"start": "2026-02-30", "end": "0000-00-00"},
        {"status": MARKUP, "workshop": "abc", "student": "-5"},
    ]:
        response = client.get(url, query)
        check(response)


def test_the_walk_finds_forms_to_attack(client_for, director, scenario):
    names = [r for r in OUR_ROUTES if r.name in ("workshop_add", "policy")]
    client = client_for(director)
    assert all(post_forms(client, url_for(r, scenario, "own")) for r in names)
    assert re.search("x", "x")
