"""Issue #16: the order form's customer picker offers a few matches of a server-side
search, never every customer; without JavaScript the search reloads the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecoles.pickers import SIZE
from orders.models import Customer, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_customers(db):
    Customer.objects.bulk_create(
        Customer(kind="individual", name=f"Client {i:03}", city="Lyon") for i in range(40)
    )
    return Customer.objects.create(kind="company", name="Mairie de Saint-Fons", city="Saint-Fons")


def options(body: str) -> int:
    select = body.split('name="customer"')[1].split("</select>")[0]
    return select.count("<option") - 1  # less the empty choice


def test_the_form_offers_a_few_customers_not_all(client_for, office, many_customers):
    body = client_for(office).get(reverse("orders:add")).content.decode()
    assert options(body) == SIZE
    assert 'data-picker-url="/commandes/clients/choix/"' in body
    assert 'name="customer_q"' in body  # the plain search, for a page without JavaScript


def test_the_search_reloads_the_form_with_its_matches(client_for, office, many_customers):
    body = client_for(office).get(reverse("orders:add"), {"customer_q": "mairie"}).content.decode()
    assert options(body) == 1
    assert "Mairie de Saint-Fons" in body
    assert "Client 001" not in body


def test_a_customer_the_list_does_not_show_can_still_be_chosen(
    client_for, office, many_customers, woodwork
):
    oldest = Customer.objects.order_by("pk").first()
    response = client_for(office).post(
        reverse("orders:add"),
        {"customer": oldest.pk, "title": "Étagère", "workshop": woodwork.pk,
         "estimated_hours": "4", "duration_days": "1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Order.objects.get().customer == oldest


def test_the_order_being_edited_keeps_its_customer_in_the_list(
    client_for, office, many_customers, woodwork
):
    oldest = Customer.objects.order_by("pk").first()
    order = Order.objects.create(customer=oldest, title="Banc", workshop=woodwork)
    body = client_for(office).get(reverse("orders:edit", args=[order.pk])).content.decode()
    assert f'<option value="{oldest.pk}" selected>' in body


def test_the_search_as_you_type_answers_a_few_matches(client_for, office, many_customers):
    url = reverse("orders:customer_choices")
    results = client_for(office).get(url, {"q": "client"}).json()["results"]
    assert len(results) == SIZE
    results = client_for(office).get(url, {"q": "fons"}).json()["results"]
    assert results == [{"id": many_customers.pk, "label": str(many_customers)}]


def test_the_search_is_for_those_who_make_orders(client_for, teacher, db):
    assert client_for(teacher).get(reverse("orders:customer_choices")).status_code == 403


def test_the_form_makes_as_many_queries_with_400_customers_as_with_40(
    client_for, office, many_customers, django_assert_max_num_queries
):
    client = client_for(office)
    client.get(reverse("orders:add"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("orders:add"))
    Customer.objects.bulk_create(
        Customer(kind="individual", name=f"Autre {i:03}") for i in range(360)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("orders:add")).content.decode()
    assert options(body) == SIZE
