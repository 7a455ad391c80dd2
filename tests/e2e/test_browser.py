"""End to end in a real browser: logging in, scoping, the lock, accessibility."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.trust.objects import Scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher):
    return Scenario(woodwork_trainer, machining_trainer, woodwork, machining, director, teacher)


def test_a_trainer_logs_in_and_sees_his_home_page(page, woodwork_trainer):
    log_in(page, "wood", PASSWORD)
    assert page.url.endswith("/")
    assert "Bonjour" in page.content()


def test_a_wrong_password_five_times_locks_the_login_with_a_message(page, woodwork_trainer):
    for _ in range(5):
        log_in(page, "wood", "not-the-password")
    assert "Trop de tentatives" in page.inner_text("main")
    log_in(page, "wood", PASSWORD)
    assert "/compte/login/" in page.url


def test_a_trainer_cannot_reach_another_workshops_pupil(page, scenario, woodwork_trainer):
    own, other = scenario.get("student")
    log_in(page, "wood", PASSWORD)
    assert page.goto(f"/eleves/{own.pk}/").status == 200
    assert own.last_name in page.content()
    response = page.goto(f"/eleves/{other.pk}/")
    assert response.status == 404
    assert other.first_name not in page.content()


def test_the_page_runs_no_inline_script(page, director, scenario):
    """The CSP is enforced by the browser: an injected inline script does not run."""
    log_in(page, "dir", PASSWORD)
    messages = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto("/")
    page.evaluate(
        """() => { const s = document.createElement('script');
        s.textContent = 'window.__pwned = true'; document.body.appendChild(s); }"""
    )
    assert page.evaluate("() => window.__pwned === true") is False


MAIN_PAGES = {
    "director": ["/", "/eleves/", "/commandes/", "/commandes/factures/", "/temps/equilibre/"],
    "office": ["/", "/commandes/clients/", "/commandes/nouvelle/", "/eleves/nouveau/"],
    "woodwork_trainer": ["/", "/temps/equipe/", "/temps/heures/"],
    "teacher": ["/", "/temps/cours/"],
    "accountant": ["/", "/commandes/factures/"],
}
USERNAMES = {
    "director": "dir",
    "office": "office",
    "woodwork_trainer": "wood",
    "teacher": "teach",
    "accountant": "compta",
}


# Violations reported to the page's author: (rule, CSS class in the target). Remove once
# fixed. orders: the "owed" amounts' colour is too pale on white.
KNOWN_A11Y = {("color-contrast", ".owed")}


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
        and not all(
            any(rule == v["id"] and css in n["target"][0] for rule, css in KNOWN_A11Y)
            for n in v["nodes"]
        )
    ]


def test_the_login_page_has_no_serious_accessibility_violation(page, db):
    page.goto("/compte/login/")
    assert serious_violations(page) == []


@pytest.mark.parametrize("persona", list(MAIN_PAGES))
def test_main_pages_have_no_serious_accessibility_violation(page, request, scenario, persona):
    request.getfixturevalue(persona)
    for kind in ("note", "worklog", "invoice"):
        scenario.get(kind)
    log_in(page, USERNAMES[persona], PASSWORD)
    found = {}
    for url in MAIN_PAGES[persona]:
        page.goto(url)
        violations = serious_violations(page)
        if violations:
            found[url] = violations
    assert found == {}


@pytest.mark.parametrize("width", [1280, 800])
def test_every_entry_of_the_directors_menu_is_on_screen(browser, live_server, director, width):
    """The director's menu is the longest: on a desktop or a small laptop every entry is
    seen and clicked without scrolling the menu sideways (issue #16: a cut menu hid some)."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    log_in(page, "dir", PASSWORD)
    boxes = page.eval_on_selector_all(
        ".main-nav .nav-wide a",
        "links => links.map(a => [a.textContent, a.getBoundingClientRect().right])",
    )
    context.close()
    assert len(boxes) > 10
    off = [label for label, right in boxes if right > width]
    assert off == [], f"cut off at {width} px: {off}"
