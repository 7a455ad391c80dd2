"""Customers and orders around the personas of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing import invoicing
from orders.models import Customer, Order, OrderLine

D = Decimal


@pytest.fixture
def company(db) -> Customer:
    return Customer.objects.create(
        kind=Customer.Kind.COMPANY,
        name="Menuiseries Rhône SAS",
        siret="73282932000074",
        vat_number="FR44732829320",
        address="3 quai Perrache",
        postal_code="69002",
        city="Lyon",
    )


@pytest.fixture
def individual(db) -> Customer:
    return Customer.objects.create(
        kind=Customer.Kind.INDIVIDUAL,
        name="Mme Jeanne Dupuis",
        address="8 rue des Lilas",
        postal_code="69100",
        city="Villeurbanne",
    )


def add_lines(order: Order, lines) -> Order:
    for i, (qty, price, rate) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order, position=i, description=f"Ligne {i}", quantity=D(qty),
            unit_price=D(price), vat_rate=D(rate),
        )  # fmt: skip
    return order


@pytest.fixture
def make_order(db, school, office):
    """make_order(workshop, customer, lines=[(qty, price, rate)], status="draft")."""

    def make(workshop, customer, lines=(("2", "150.00", "20"),), status="draft", **fields):
        order = Order.objects.create(
            customer=customer, title="Table de réfectoire", workshop=workshop, **fields
        )
        add_lines(order, lines)
        walk_to(order, status, office)
        order.refresh_from_db()
        return order

    return make


PATH = ["draft", "sent", "accepted", "in_production", "delivered"]


def walk_to(order: Order, status: str, by) -> None:
    """Take `order` to `status` through the real transitions (invoiced/paid: by issuing)."""
    if status in ("refused",):
        order.send(by=by)
        order.refuse(by=by)
        return
    if status == "expired":
        order.send(by=by)
        order.expire(by=by)
        return
    if status == "cancelled":
        order.cancel(by=by)
        return
    if status == "rework":
        walk_to(order, "in_production", by)
        order.deliver(by=by, verdict="does_not_conform", rework="Tiroir à reprendre")
        return
    target = status if status in PATH else "delivered"
    steps = {
        "sent": lambda: order.send(by=by),
        "accepted": lambda: order.accept(by=by),
        "in_production": lambda: order.start_production(by=by),
        "delivered": lambda: order.deliver(by=by, verdict="conforms", on=dt.date.today()),
    }
    for step in PATH[1 : PATH.index(target) + 1]:
        steps[step]()
    if status in ("invoiced", "paid"):
        invoice = invoicing.issue_invoice(order, by, render=False)
        if status == "paid":
            invoicing.record_payment(
                invoice, by, date=invoice.issue_date, amount=invoice.total_incl_vat,
                method="transfer",
            )  # fmt: skip


@pytest.fixture
def wood_order(make_order, woodwork, company):
    return make_order(woodwork, company)


@pytest.fixture
def metal_order(make_order, machining, company):
    return make_order(machining, company)


@pytest.fixture
def delivered(make_order, woodwork, company):
    return make_order(woodwork, company, status="delivered")
