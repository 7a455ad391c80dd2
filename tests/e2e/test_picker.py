"""Issue #16: the customer picker, searched as you type with JavaScript, and by a plain
reload without it."""

from __future__ import annotations

import pytest

from orders.models import Customer, Order
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def customers(db):
    """The town hall first, then thirty newer customers: it is not among the latest."""
    town_hall = Customer.objects.create(
        kind="company", name="Mairie de Saint-Fons", city="Saint-Fons"
    )
    Customer.objects.bulk_create(
        Customer(kind="individual", name=f"Client {i:03}", city="Lyon") for i in range(30)
    )
    return town_hall


def labels(page) -> list[str]:
    return page.eval_on_selector_all("select[name=customer] option", "os => os.map(o => o.text)")


def test_typing_refills_the_customer_list(page, office, customers):
    log_in(page, "office", PASSWORD)
    page.goto("/commandes/nouvelle/")
    assert "Mairie de Saint-Fons" not in labels(page)  # not among the latest twelve
    page.fill("input[name=customer_q]", "fons")
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=customer] option')]"
        ".some(o => o.text.includes('Saint-Fons'))"
    )
    assert page.url.endswith("/commandes/nouvelle/")  # no reload: typed, not submitted
    assert page.input_value("select[name=customer]") == str(customers.pk)  # the only match
    assert "Client 001" not in labels(page)


def test_without_javascript_the_search_reloads_the_form(browser, live_server, office, customers):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, "office", PASSWORD)
        page.goto("/commandes/nouvelle/")
        page.fill("input[name=customer_q]", "mairie")
        page.click("form.picker-search button")
        page.wait_for_load_state()
        assert "customer_q=mairie" in page.url
        assert [t for t in labels(page) if t.strip("-")] == ["Mairie de Saint-Fons"]
    finally:
        context.close()


@pytest.fixture
def orders(woodwork, woodwork_trainer, machining):
    """Thirty woodwork orders in production, one for the town hall, and one of another
    workshop that the woodwork trainer must not find."""
    customer = Customer.objects.create(kind="individual", name="M. Roche")
    Order.objects.bulk_create(
        Order(customer=customer, title=f"Étagère {i:03}", workshop=woodwork,
              status=Order.Status.IN_PRODUCTION, promised_date=f"2027-01-{i + 1:02}")
        for i in range(30)
    )  # fmt: skip
    town = Customer.objects.create(kind="company", name="Mairie de Saint-Fons")
    Order.objects.create(
        customer=town, title="Bancs du parc", workshop=woodwork, status=Order.Status.ACCEPTED,
        promised_date="2027-06-30",
    )  # fmt: skip
    Order.objects.create(
        customer=town, title="Bancs en acier", workshop=machining,
        status=Order.Status.IN_PRODUCTION,
    )  # fmt: skip


def order_labels(page) -> list[str]:
    return page.eval_on_selector_all("select[name=order] option", "os => os.map(o => o.text)")


def test_typing_refills_the_team_entrys_order_list(page, woodwork_trainer, orders):
    log_in(page, "wood", PASSWORD)
    page.goto("/temps/equipe/")
    assert not any("Bancs du parc" in t for t in order_labels(page))  # promised last
    page.fill("input[name=order_q]", "saint-fons")
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=order] option')]"
        ".some(o => o.text.includes('Bancs du parc'))"
    )
    assert page.url.endswith("/temps/equipe/")
    assert not any("acier" in t for t in order_labels(page))  # another workshop's


def test_typing_finds_a_pupil_in_the_work_log_form(page, director, woodwork):
    from tests.e2e.test_flows import pupil

    for i in range(20):
        pupil(woodwork, f"Prénom{i:02}", "Aaa")
    zoe = pupil(woodwork, "Zoé", "Zimmer")
    log_in(page, "dir", PASSWORD)
    page.goto("/temps/heures/nouvelle/")
    options = "select[name=student] option"
    assert "Zoé Zimmer" not in page.eval_on_selector_all(options, "os => os.map(o => o.text)")
    page.fill("input[name=student_q]", "zimm")
    page.wait_for_function(
        f"() => document.querySelector('select[name=student]').value === '{zoe.pk}'"
    )
