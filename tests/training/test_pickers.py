"""Issue #16: the pupils and orders of the time pages are pickers: a few matches of a
server-side search, by a plain reload without JavaScript (?x_q=) or from the choices
endpoints as the user types; each finds only what the user may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from ecoles.pickers import SIZE
from orders.models import Customer, Order
from tests.training.conftest import make_order, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_orders(woodwork, woodwork_trainer):
    customer = Customer.objects.create(kind="individual", name="M. Roche")
    Order.objects.bulk_create(
        Order(customer=customer, title=f"Étagère {i:03}", workshop=woodwork,
              status=Order.Status.IN_PRODUCTION, promised_date=dt.date(2027, 1, i + 1))
        for i in range(SIZE + 5)
    )  # fmt: skip
    town = Customer.objects.create(kind="company", name="Mairie de Saint-Fons")
    return Order.objects.create(
        customer=town, title="Bancs du parc", workshop=woodwork, status=Order.Status.ACCEPTED,
        promised_date=dt.date(2027, 6, 30),
    )  # fmt: skip


@pytest.fixture
def many_pupils(woodwork):
    for i in range(SIZE + 3):
        make_pupil(woodwork, f"Prénom{i:02}", "Aaa", dt.date(2010, 1, 1))
    return make_pupil(woodwork, "Zoé", "Zimmer", dt.date(2010, 1, 1))


def options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return [t.strip() for t in re.findall(r"<option[^>]*>([^<]*)</option>", select) if t.strip("-")]


def test_the_team_entry_offers_a_few_orders_and_finds_the_others_without_javascript(
    client_for, woodwork_trainer, many_orders, policy, school
):
    client = client_for(woodwork_trainer)
    body = client.get(reverse("training:team_entry")).content.decode()
    assert len(options(body, "order")) == SIZE
    assert "Bancs du parc" not in options(body, "order")  # promised last
    url = reverse("training:team_entry") + "?order_q=saint-fons&date=2026-11-18&slot=afternoon"
    body = client.get(url).content.decode()
    assert options(body, "order") == [str(many_orders)]
    # the search form sends the page's other choices again
    assert 'type="hidden" name="slot" value="afternoon"' in body
    assert 'value="afternoon" id="id_slot_1" required checked' in body


def test_the_most_urgent_orders_are_offered_first_and_undated_ones_last(
    client_for, woodwork_trainer, woodwork, many_orders, policy, school
):
    """The same on SQLite and PostgreSQL, which sort a missing date at opposite ends."""
    customer = Customer.objects.create(kind="individual", name="Mme Vidal")
    Order.objects.create(
        customer=customer, title="Sans date", workshop=woodwork,
        status=Order.Status.IN_PRODUCTION,
    )  # fmt: skip
    body = client_for(woodwork_trainer).get(reverse("training:team_entry")).content.decode()
    offered = options(body, "order")
    assert "Étagère 000" in offered[0]
    assert not any("Sans date" in o for o in offered)


def test_the_order_choices_are_the_trainers_workshops_only(
    client_for, woodwork_trainer, machining_trainer, many_orders, machining, policy
):
    steel = make_order(machining, machining_trainer, "Bancs en acier")
    url = reverse("training:order_choices") + "?q=bancs"
    found = client_for(woodwork_trainer).get(url).json()["results"]
    assert [r["id"] for r in found] == [many_orders.pk]
    found = client_for(machining_trainer).get(url).json()["results"]
    assert [r["id"] for r in found] == [steel.pk]
    assert len(client_for(woodwork_trainer).get(reverse("training:order_choices")).json()[
        "results"
    ]) == SIZE  # fmt: skip


@pytest.mark.parametrize("name", ["training:order_choices", "training:pupil_choices"])
def test_the_choices_need_a_role_that_logs_or_sees_time(client, client_for, teacher, name):
    assert client.get(reverse(name)).status_code == 302  # to the login page
    assert client_for(teacher).get(reverse(name)).status_code == 403


def test_the_pupil_choices_are_the_trainers_pupils_only(
    client_for, woodwork_trainer, machining_trainer, office, many_pupils, metal_pupil, policy
):
    url = reverse("training:pupil_choices")
    found = client_for(woodwork_trainer).get(url + "?q=zimm").json()["results"]
    assert found == [{"id": many_pupils.pk, "label": "Zoé Zimmer"}]
    assert client_for(woodwork_trainer).get(url + "?q=petit").json()["results"] == []
    assert client_for(machining_trainer).get(url + "?q=zimm").json()["results"] == []
    assert client_for(office).get(url + "?q=ZOE").json()["results"][0]["id"] == many_pupils.pk


def test_the_work_log_form_finds_a_pupil_and_an_order_by_a_reload(
    client_for, woodwork_trainer, many_pupils, many_orders, policy, school
):
    client = client_for(woodwork_trainer)
    body = client.get(reverse("training:worklog_add")).content.decode()
    assert len(options(body, "student")) == SIZE
    assert "Zoé Zimmer" not in options(body, "student")
    body = client.get(reverse("training:worklog_add") + "?student_q=zoe").content.decode()
    assert options(body, "student") == ["Zoé Zimmer"]
    body = client.get(reverse("training:worklog_add") + "?order_q=mairie").content.decode()
    assert options(body, "order") == [str(many_orders)]


def test_a_picked_pupil_is_saved_though_he_was_not_among_the_offered(
    client_for, woodwork_trainer, many_pupils, table_order, policy, school
):
    response = client_for(woodwork_trainer).post(
        reverse("training:worklog_add"),
        {"order": table_order.pk, "student": many_pupils.pk, "date": "2026-11-18",
         "start_time": "08:30", "end_time": "12:00"},
    )  # fmt: skip
    assert response.status_code == 302
    assert many_pupils.work_logs.count() == 1


def test_the_work_log_list_filter_finds_a_pupil_and_keeps_the_dates(
    client_for, director, many_pupils, policy, school
):
    url = reverse("training:worklogs") + "?start=2026-10-01&end=2026-11-18&student_q=zimmer"
    body = client_for(director).get(url).content.decode()
    assert options(body, "student") == ["Zoé Zimmer"]
    assert 'type="hidden" name="start" value="2026-10-01"' in body


def test_an_order_is_found_by_words_of_its_title_reference_or_customer(many_orders):
    assert list(Order.objects.search("mairie parc")) == [many_orders]
    assert list(Order.objects.search("BANCS")) == [many_orders]
    assert Order.objects.search("Étagère").count() == SIZE + 5
    assert Order.objects.search("").count() == SIZE + 6
