"""Billing works on orders: the orders' customers and orders fixtures, shared."""

from tests.orders.conftest import (  # noqa: F401 (fixtures)
    company,
    delivered,
    individual,
    make_order,
    metal_order,
    wood_order,
)
