"""The bank's tests work on the billing fixtures: a company, its invoices."""

from __future__ import annotations

import pytest

from banking.models import BankAccount
from tests.billing.money import (  # noqa: F401 (fixtures)
    credited_after_payment,
    invoice,
)
from tests.orders.conftest import (  # noqa: F401 (fixtures)
    company,
    delivered,
    individual,
    make_order,
    wood_order,
)

SCHOOL_IBAN = "FR7630006000011234567890189"
CUSTOMER_IBAN = "FR7610107001011234567890129"


@pytest.fixture
def account(db) -> BankAccount:
    return BankAccount.objects.create(name="Compte courant", iban=SCHOOL_IBAN, bic="AGRIFRPP")
