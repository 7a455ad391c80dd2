"""Billing works on orders: the orders' customers and orders fixtures, shared."""

from tests.billing.money import (  # noqa: F401 (fixtures, R11)
    billed_contact,
    credited_after_payment,
    invoice,
)
from tests.orders.conftest import (  # noqa: F401 (fixtures)
    company,
    delivered,
    individual,
    make_order,
    metal_order,
    wood_order,
)
