"""Out-of-range dates and numbers in every form are form errors, never a server error:
each field of each POST form, one value at a time. A module of its own (the walk of
tests/trust/test_hostile_input.py is shared) so that the two long walks run side by side."""

from __future__ import annotations

import pytest

from accounts import SUBMIT_TOKEN_FIELD
from tests.trust.test_access_matrix import url_for
from tests.trust.test_hostile_input import (
    FORM_PAGES,
    OUT_OF_RANGE,
    SKIP_ACTIONS,
    FieldParser,
    _persona_for,
    _plausible,
    _server_errors,
)


@pytest.mark.parametrize("route", FORM_PAGES, ids=lambda r: r.name)
def test_out_of_range_dates_and_numbers_in_every_form_are_form_errors(
    request, client, scenario, route
):
    persona = _persona_for(route)
    if persona is None:
        pytest.skip("no role opens this page")
    client.force_login(request.getfixturevalue(persona))
    client.raise_request_exception = False
    url = url_for(route, scenario, "own")
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        pytest.skip("no form on this page")
    parser = FieldParser()
    parser.feed(page.content.decode())
    forms = [
        f
        for f in parser.forms
        if f["method"] == "post" and (f["action"] or url) not in SKIP_ACTIONS
    ]
    if not forms:
        pytest.skip("no form on this page")
    errors: list[str] = []
    for form in forms:
        action = form["action"] or url
        fields = {
            n: f
            for n, f in form["fields"].items()
            if n not in ("csrfmiddlewaretoken", SUBMIT_TOKEN_FIELD)
        }
        base = {name: _plausible(name, f) for name, f in fields.items()}
        targets = [
            n
            for n, f in fields.items()
            if f["type"] in ("date", "number", "month", "time", "text") and f["type"] != "hidden"
        ]
        for name in targets:
            for value in [*OUT_OF_RANGE, "99999999.99", "9999999999.99"]:
                _server_errors(client, "post", action, {**base, name: value}, errors)
        numbers = [n for n in targets if fields[n]["type"] == "number"]
        for value in ["99999999.99", "9999999999.99"] if numbers else []:
            at_most = {**base, **dict.fromkeys(numbers, value)}
            _server_errors(client, "post", action, at_most, errors)
        # What was saved still shows, for everyone.
        _server_errors(client, "get", url, {}, errors)
    assert errors == []
