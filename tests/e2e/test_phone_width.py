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
# the viewport; and (issue 28, §5) every element of the page whose content is wider than
# the screen, a table scrolling in its own box included: its columns are hidden sideways.
# Only the outermost such element of each branch is named.
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
HIDDEN = """() => {
  const screen = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll("main *")) {
    if (el.getClientRects().length === 0) continue;
    const inSvg = el.ownerSVGElement !== undefined && el.ownerSVGElement !== null;
    if (inSvg) continue;  // a chart is measured as a whole: its drawn width
    const wide = el.tagName.toLowerCase() === "svg"
      ? el.getBoundingClientRect().right > screen + 1
      : el.scrollWidth > screen + 1;
    if (!wide) continue;
    if (found.some((outer) => outer.contains(el))) continue;
    found.push(el);
  }
  return found.map((el) => {
    const cls = (el.getAttribute("class") || "").split(" ")[0];
    const width = Math.max(el.scrollWidth || 0, Math.round(el.getBoundingClientRect().right));
    return `${el.tagName.toLowerCase()}${cls ? "." + cls : ""} ${width} px`;
  });
}"""


# Issue 28, §5, still to do: the pages whose tables still hide columns sideways on a
# phone (by URL name; the whole page is never wider, the table scrolls in its own box).
# Any other page fails; a page made to fit leaves this list.
STILL_HIDDEN = {
    "billing:ereporting",
    "billing:reminders",
    "billing:statement",
    "budget:receipt_statement",
    "home",
    "opened_day_edit",
    "orders:lines",
    "skills:pending",
    "skills:workshop",
    "students:detail",
    "training:cohort_balance",
    "training:student_time",
    "training:workshop_balance",
}


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
            if name.split("?")[0] in STILL_HIDDEN:
                continue
            for element in phone.evaluate(HIDDEN):
                too_wide.append(f"{role} {name} {url}: {element} hidden sideways")
    assert seen > 50  # the walk found the school's pages, not only the home pages
    assert too_wide == [], "\n".join(too_wide)
