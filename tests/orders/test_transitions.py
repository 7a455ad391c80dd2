"""The order's life (SPEC.md R3): only allowed transitions exist, each one recorded."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import TRANSITIONS, Order, OrderEvent, OrderLine, TransitionError

pytestmark = pytest.mark.django_db

STATES = [
    "draft", "sent", "accepted", "refused", "expired", "in_production", "delivered",
    "invoiced", "paid", "cancelled",
]  # fmt: skip

# action -> the states it may start from (the whole map of allowed moves)
ALLOWED = {
    "send": {"draft"},
    "accept": {"sent"},
    "refuse": {"sent"},
    "expire": {"sent"},
    "revise": {"refused", "expired"},
    "start_production": {"accepted"},
    "deliver": {"in_production"},
    "cancel": {"draft", "sent", "accepted", "refused", "expired", "in_production", "delivered"},
}


def run(order, action, by):
    if action == "deliver":
        return order.deliver(by=by, verdict="conforms")
    return getattr(order, action)(by=by)


FORBIDDEN = [(s, a) for a, sources in ALLOWED.items() for s in STATES if s not in sources]
PERMITTED = [(s, a) for a, sources in ALLOWED.items() for s in sources]


def test_the_model_and_this_test_agree_on_the_allowed_moves():
    for action, sources in ALLOWED.items():
        assert set(TRANSITIONS[action].sources) == sources, action


@pytest.mark.parametrize(("state", "action"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_by_the_model(
    make_order, woodwork, company, office, state, action
):
    order = make_order(woodwork, company, status=state)
    if action == "start_production" and state == "in_production":
        run(order, action, office)  # already there: a second work log changes nothing
    else:
        with pytest.raises(TransitionError):
            run(order, action, office)
    order.refresh_from_db()
    assert order.status == state


@pytest.mark.parametrize(("state", "action"), PERMITTED)
def test_every_allowed_transition_is_recorded_with_who_and_when(
    make_order, woodwork, company, office, state, action
):
    order = make_order(woodwork, company, status=state)
    run(order, action, office)
    order.refresh_from_db()
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.action, event.from_status, event.to_status) == (action, state, order.status)
    assert event.by == office
    assert event.at is not None


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s, a in FORBIDDEN if a not in ("expire", "deliver")],
)
def test_every_forbidden_transition_is_refused_through_the_page(
    make_order, woodwork, company, office, client_for, state, action
):
    order = make_order(woodwork, company, status=state)
    response = client_for(office).post(
        reverse("orders:action", args=[order.pk, action]), follow=True
    )
    order.refresh_from_db()
    assert order.status == state
    if action != "start_production" or state != "in_production":
        assert "n'est pas possible" in html.unescape(response.content.decode())


def test_the_page_shows_only_the_buttons_allowed_now(wood_order, office, client_for):
    body = client_for(office).get(reverse("orders:detail", args=[wood_order.pk])).content.decode()
    assert reverse("orders:action", args=[wood_order.pk, "send"]) in body
    assert reverse("orders:action", args=[wood_order.pk, "accept"]) not in body
    assert reverse("orders:action", args=[wood_order.pk, "start_production"]) not in body


def test_the_office_takes_a_quote_from_draft_to_accepted_through_the_buttons(
    wood_order, office, client_for
):
    client = client_for(office)
    for action, status in [("send", "sent"), ("accept", "accepted")]:
        client.post(reverse("orders:action", args=[wood_order.pk, action]))
        wood_order.refresh_from_db()
        assert wood_order.status == status


def test_a_trainer_cannot_accept_a_quote_but_can_start_production(
    make_order, woodwork, company, woodwork_trainer, client_for
):
    sent = make_order(woodwork, company, status="sent")
    client = client_for(woodwork_trainer)
    assert client.post(reverse("orders:action", args=[sent.pk, "accept"])).status_code == 403
    accepted = make_order(woodwork, company, status="accepted")
    client.post(reverse("orders:action", args=[accepted.pk, "start_production"]))
    accepted.refresh_from_db()
    assert accepted.status == "in_production"


def test_invoiced_and_paid_have_no_button(make_order, woodwork, company, office, client_for):
    order = make_order(woodwork, company, status="delivered")
    for action in ("invoice", "pay"):
        response = client_for(office).post(reverse("orders:action", args=[order.pk, action]))
        assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "delivered"


def test_a_quote_past_its_validity_shows_as_expired_and_cannot_be_accepted(
    make_order, woodwork, company, office, client_for
):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10)):
        order = make_order(woodwork, company, status="sent")
    assert order.valid_until == dt.date(2026, 3, 31)
    with time_machine.travel(dt.datetime(2026, 4, 2, 10)):
        assert order.shown_status() == "expired"
        assert Order.objects.with_status("expired", dt.date(2026, 4, 2)).filter(pk=order.pk)
        with pytest.raises(TransitionError):
            order.accept(by=office)
        body = client_for(office).get(reverse("orders:detail", args=[order.pk])).content.decode()
        assert "Devis expiré" in body
        assert reverse("orders:action", args=[order.pk, "revise"]) in body


def test_lines_change_only_before_the_quote_is_accepted(
    make_order, woodwork, company, office, client_for
):
    order = make_order(woodwork, company, status="accepted")
    line = order.lines.first()
    line.unit_price = Decimal("1.00")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        OrderLine(order=order, description="x", quantity=1, unit_price=1).save()
    with pytest.raises(ValidationError):
        line.delete()
    response = client_for(office).get(reverse("orders:lines", args=[order.pk]))
    assert response.status_code == 302
    assert order.lines.get().unit_price == Decimal("150.00")


def test_a_quote_without_lines_cannot_be_sent(woodwork, company, office, school):
    order = Order.objects.create(customer=company, title="Vide", workshop=woodwork)
    with pytest.raises(TransitionError):
        order.send(by=office)


def test_an_order_with_an_invoice_cannot_be_cancelled(make_order, woodwork, company, office):
    from orders import invoicing

    order = make_order(woodwork, company, status="accepted")
    invoicing.issue_invoice(order, office, deposit_percent=Decimal("30"), render=False)
    order.refresh_from_db()
    assert "cancel" not in order.allowed_actions(office)
    with pytest.raises(TransitionError):
        order.cancel(by=office)


def test_delivery_records_the_verdict_and_rework(make_order, woodwork, company, office, client_for):
    order = make_order(woodwork, company, status="in_production")
    response = client_for(office).post(
        reverse("orders:deliver", args=[order.pk]),
        {"delivered_on": "2026-01-05", "verdict": "does_not_conform", "rework": "Tiroir repris"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.verdict, order.rework) == (
        "delivered",
        "does_not_conform",
        "Tiroir repris",
    )


def test_a_delivery_without_verdict_shows_the_error_in_french(
    make_order, woodwork, company, office, client_for
):
    order = make_order(woodwork, company, status="in_production")
    response = client_for(office).post(reverse("orders:deliver", args=[order.pk]), {})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in html.unescape(response.content.decode())
    order.refresh_from_db()
    assert order.status == "in_production"
