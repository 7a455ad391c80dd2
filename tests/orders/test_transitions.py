"""The order's life (SPEC.md R3): only allowed transitions exist, each one recorded."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import invoicing
from billing.models import Invoice
from orders.models import TRANSITIONS, Delivery, Order, OrderEvent, OrderLine, TransitionError
from training import recording

pytestmark = pytest.mark.django_db

STATES = [
    "draft", "sent", "accepted", "refused", "expired", "in_production", "rework", "delivered",
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
    "deliver": {"in_production", "rework"},
    "cancel": {
        "draft", "sent", "accepted", "refused", "expired", "in_production", "rework", "delivered",
    },
}  # fmt: skip


def run(order, action, by):
    if action == "deliver":
        return order.deliver(by=by, verdict="conforms")
    return getattr(order, action)(by=by)


FORBIDDEN = [(s, a) for a, sources in ALLOWED.items() for s in STATES if s not in sources]
PERMITTED = [(s, a) for a, sources in ALLOWED.items() for s in sorted(sources)]


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
    # Sending is one step, on its own page: mailed, posted or handed over (issue #29).
    assert reverse("billing:quote_send", args=[wood_order.pk]) in body
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
        "rework",
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


# --- delivery, rework, re-delivery, the director's correction (SPEC.md R3) --------------


def _deliver(client, order, verdict, rework="", day="2026-01-05"):
    return client.post(
        reverse("orders:deliver", args=[order.pk]),
        {"delivered_on": day, "verdict": verdict, "rework": rework},
        follow=True,
    )


def test_does_not_conform_without_the_rework_is_refused_by_the_model(
    make_order, woodwork, company, office
):
    order = make_order(woodwork, company, status="in_production")
    with pytest.raises(TransitionError):
        order.deliver(by=office, verdict="does_not_conform", rework="  ")
    order.refresh_from_db()
    assert (order.status, order.verdict) == ("in_production", "")
    assert not order.deliveries.exists()


def test_the_database_refuses_a_nonconformity_without_rework(delivered):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=delivered.pk).update(verdict="does_not_conform", rework="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(order=delivered).update(verdict="does_not_conform", rework="")
    # a delivered order (the invoice is offered) has an accepted verdict
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=delivered.pk).update(verdict="does_not_conform", rework="x")


def test_the_delivery_form_says_a_nonconformity_needs_its_rework(
    make_order, woodwork, company, office, client_for
):
    order = make_order(woodwork, company, status="in_production")
    response = _deliver(client_for(office), order, "does_not_conform")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Une livraison non conforme doit dire ce qui est à reprendre." in body
    order.refresh_from_db()
    assert order.status == "in_production"


def test_a_nonconforming_delivery_opens_no_invoice(
    make_order, woodwork, company, office, client_for
):
    order = make_order(woodwork, company, status="in_production")
    client = client_for(office)
    body = html.unescape(
        _deliver(client, order, "does_not_conform", "Pied bancal").content.decode()
    )
    order.refresh_from_db()
    assert order.status == "rework"
    assert "En reprise" in body
    assert reverse("billing:invoice_issue", args=[order.pk]) not in body
    assert "Émettre la facture" not in body
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(order, office, render=False)
    response = client.post(
        reverse("billing:invoice_issue", args=[order.pk]), {"confirmed": "yes"}, follow=True
    )
    assert "La livraison n'est pas conforme" in html.unescape(response.content.decode())
    assert not Invoice.objects.exists()


def test_work_can_be_logged_again_on_an_order_in_rework(make_order, woodwork, company, office):
    order = make_order(woodwork, company, status="rework")
    assert Order.objects.open_for_work().filter(pk=order.pk).exists()
    recording._open_order(order, office)  # no refusal
    delivered = make_order(woodwork, company, status="delivered")
    with pytest.raises(ValidationError):
        recording._open_order(delivered, office)


def test_rework_then_redelivery_that_conforms_opens_the_invoice(
    make_order, woodwork, company, office, client_for, django_capture_on_commit_callbacks
):
    order = make_order(woodwork, company, status="in_production")
    client = client_for(office)
    _deliver(client, order, "does_not_conform", "Pied bancal", day="2026-01-05")
    body = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Enregistrer la nouvelle livraison" in html.unescape(body)
    body = html.unescape(_deliver(client, order, "conforms", day="2026-01-09").content.decode())
    order.refresh_from_db()
    assert (order.status, order.verdict, order.delivered_on) == (
        "delivered", "conforms", dt.date(2026, 1, 9),
    )  # fmt: skip
    assert [(d.delivered_on.day, d.verdict) for d in order.deliveries.all()] == [
        (5, "does_not_conform"), (9, "conforms"),
    ]  # fmt: skip
    assert "Pied bancal" in body  # the first delivery stays in the page's history
    assert reverse("billing:invoice_issue", args=[order.pk]) in body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:invoice_issue", args=[order.pk]), {"confirmed": "yes"})
    order.refresh_from_db()
    assert order.status == "invoiced"
    assert Invoice.objects.get().delivery_date == dt.date(2026, 1, 9)
    assert [e.action for e in order.events.all()][-3:] == [
        "deliver_nonconforming", "deliver", "invoice",
    ]  # fmt: skip


def test_the_director_corrects_a_verdict_with_a_reason_recorded(
    make_order, woodwork, company, office, director, client_for
):
    order = make_order(woodwork, company, status="rework")
    client = client_for(director)
    url = reverse("orders:verdict", args=[order.pk])
    response = client.post(url, {"verdict": "conforms", "reason": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in html.unescape(response.content.decode())
    response = client.post(
        url, {"verdict": "conforms", "reason": "Saisie erronée : la table était conforme"},
        follow=True,
    )  # fmt: skip
    body = html.unescape(response.content.decode())
    order.refresh_from_db()
    assert (order.status, order.verdict) == ("delivered", "conforms")
    assert order.deliveries.get().verdict == "conforms"
    event = order.events.last()
    assert (event.action, event.by, event.from_status, event.to_status) == (
        "correct_verdict", director, "rework", "delivered",
    )  # fmt: skip
    assert "Saisie erronée : la table était conforme" in event.note
    assert "Verdict corrigé" in body and "Saisie erronée : la table était conforme" in body
    assert reverse("billing:invoice_issue", args=[order.pk]) in body


def test_a_verdict_corrected_to_nonconforming_needs_its_rework_and_closes_the_invoice(
    delivered, director, client_for
):
    url = reverse("orders:verdict", args=[delivered.pk])
    client = client_for(director)
    response = client.post(url, {"verdict": "does_not_conform", "reason": "Le client a appelé"})
    assert "Une livraison non conforme doit dire ce qui est à reprendre." in html.unescape(
        response.content.decode()
    )
    client.post(
        url, {"verdict": "does_not_conform", "reason": "Le client a appelé", "rework": "Vernis"}
    )
    delivered.refresh_from_db()
    assert (delivered.status, delivered.rework) == ("rework", "Vernis")


def test_the_director_may_accept_a_nonconforming_delivery_as_is(
    make_order, woodwork, company, director
):
    order = make_order(woodwork, company, status="rework")
    with pytest.raises(ValidationError):
        order.correct_verdict(by=director, verdict="accepted_as_is", reason="")
    order.correct_verdict(by=director, verdict="accepted_as_is", reason="Le client la prend ainsi")
    order.refresh_from_db()
    assert order.status == "delivered"
    invoicing.issue_invoice(order, director, render=False)
    order.refresh_from_db()
    assert order.status == "invoiced"
    # still not a conforming delivery in the figures
    assert Order.objects.filter(pk=order.pk).conformity() == (0, 1)


def test_only_the_director_corrects_a_verdict(
    make_order, woodwork, company, office, woodwork_trainer, machining_trainer, accountant,
    client_for,
):  # fmt: skip
    order = make_order(woodwork, company, status="rework")
    url = reverse("orders:verdict", args=[order.pk])
    data = {"verdict": "conforms", "reason": "Je décide"}
    for user in (office, woodwork_trainer, machining_trainer, accountant):
        assert client_for(user).post(url, data).status_code in (403, 404)
        assert client_for(user).get(url).status_code in (403, 404)
    with pytest.raises(TransitionError):
        order.correct_verdict(by=office, verdict="conforms", reason="Je décide")
    order.refresh_from_db()
    assert order.status == "rework"
    body = client_for(office).get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert url not in body


def test_an_invoiced_order_keeps_its_status_when_its_verdict_is_corrected(
    make_order, woodwork, company, director
):
    order = make_order(woodwork, company, status="invoiced")
    with pytest.raises(TransitionError):
        order.correct_verdict(
            by=director, verdict="does_not_conform", rework="Vernis", reason="Plainte"
        )
    order.correct_verdict(by=director, verdict="accepted_as_is", reason="Défaut constaté après")
    order.refresh_from_db()
    assert (order.status, order.verdict) == ("invoiced", "accepted_as_is")


def test_the_conformity_rate_counts_the_first_delivery(
    make_order, woodwork, machining, company, office, woodwork_trainer
):
    right_first = make_order(woodwork, company, status="delivered", trainer=woodwork_trainer)
    redone = make_order(woodwork, company, status="rework")
    redone.deliver(by=office, verdict="conforms")
    make_order(machining, company, status="delivered")
    make_order(woodwork, company, status="in_production")  # not delivered: not counted
    assert Order.objects.filter(workshop=woodwork).conformity() == (1, 2)
    assert Order.objects.filter(workshop=machining).conformity() == (1, 1)
    assert Order.objects.filter(trainer=woodwork_trainer).conformity() == (1, 1)
    assert right_first.conformed_first_time is True
    redone.refresh_from_db()
    assert redone.conformed_first_time is False


def test_an_order_in_rework_is_back_on_the_trainers_home_page(
    make_order, woodwork, company, woodwork_trainer, client_for
):
    home = reverse("home")
    delivered = make_order(woodwork, company, status="delivered")
    rework = make_order(woodwork, company, status="rework")
    body = client_for(woodwork_trainer).get(home).content.decode()
    assert reverse("orders:detail", args=[delivered.pk]) not in body
    assert reverse("orders:detail", args=[rework.pk]) in body


def test_an_order_in_rework_past_its_promised_date_is_late(make_order, woodwork, company):
    today = dt.date.today()
    order = make_order(woodwork, company, status="rework", promised_date=today)
    assert Order.objects.late(today + dt.timedelta(days=1)).filter(pk=order.pk).exists()
    assert order.is_late(today + dt.timedelta(days=1))
    assert not order.is_late(today)


def test_a_delivery_in_the_future_is_refused_by_the_model_too(
    make_order, woodwork, company, office
):
    order = make_order(woodwork, company, status="in_production")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(TransitionError, match="futur"):
        order.deliver(office, Order.Verdict.CONFORMS, on=tomorrow)
    order.refresh_from_db()
    assert order.status == "in_production"
    assert not Delivery.objects.filter(order=order).exists()
