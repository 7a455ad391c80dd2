"""Issue #16, done when: on a 360 px phone, no page any role reaches from its home page is
wider than the screen. The pages are found as a user finds them, by following links
(tests/urlwalk.crawl, as the query-count guards do), over the demo school."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from ecoles.models import User
from tests.e2e.conftest import log_in
from tests.test_query_counts import SKIP
from tests.urlwalk import crawl

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["director", "office", "trainer", "teacher", "accountant", "parent", "eleve"]

# What a page measures in the browser: how far its content reaches to the right, against
# the viewport. A table inside its own scrolling box does not count (the page does not
# move sideways, the box does).
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def demo_school(settings):
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("seed_demo", scale=1, stdout=io.StringIO())
    settings.DEBUG = False


def pages_of(role: str) -> dict[str, str]:
    client = Client()
    client.force_login(User.objects.get(username=role))
    return crawl(client, 200, SKIP)


def test_no_page_is_wider_than_a_phone(demo_school, phone):
    too_wide = []
    seen = 0
    for role in ROLES:
        pages = pages_of(role)
        phone.context.clear_cookies()
        log_in(phone, role, "demo")
        for name, url in sorted(pages.items()):
            response = phone.goto(url)
            assert response.status == 200, f"{role} {url}: {response.status}"
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # a photo opened alone is the browser's image viewer, not a page
            width, viewport = phone.evaluate(WIDTH)
            seen += 1
            if width > viewport:
                too_wide.append(f"{role} {name} {url}: {width} px on a {viewport} px screen")
    assert seen > 50  # the walk found the school's pages, not only the home pages
    assert too_wide == [], "\n".join(too_wide)
