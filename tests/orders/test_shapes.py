"""The customers' and donors' postal codes and phones have their shape (issue 28, §3):
"ABCDE" and "0612" no longer pass; a customer abroad keeps its own country's postcode."""

from __future__ import annotations

import pytest

from budget.forms import DonorForm
from orders.forms import ContactFormSet, CustomerForm
from orders.models import Customer

pytestmark = pytest.mark.django_db


def customer_form(**data) -> CustomerForm:
    fields = {"kind": "individual", "name": "Anne Martin", "address": "1 rue", "city": "Lyon"}
    return CustomerForm({**fields, **data})


def test_a_french_customers_postal_code_is_five_digits(school):
    assert "postal_code" in customer_form(postal_code="ABCDE").errors
    assert "postal_code" in customer_form(postal_code="6900").errors
    assert customer_form(postal_code="69007").is_valid()


def test_a_customer_abroad_keeps_its_countrys_postal_code(school):
    form = customer_form(country_code="GB", postal_code="SW1A 1AA", city="London")
    assert form.is_valid(), form.errors
    assert "postal_code" in customer_form(country_code="GB", postal_code="<SW1A>").errors


def test_a_customers_phone_has_its_shape(school):
    assert "phone" in customer_form(phone="0612").errors
    assert customer_form(phone="06 12 34 56 78").is_valid()
    assert customer_form(phone="+44 20 7946 0958").is_valid()


def test_a_contacts_phone_has_its_shape(school):
    customer = Customer.objects.create(name="Menuiserie Rey", siret="55208131766522")
    data = {
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Paul Rey",
        "contacts-0-phone": "0612",
    }
    formset = ContactFormSet(data, instance=customer, prefix="contacts")
    assert not formset.is_valid()
    assert "phone" in formset.forms[0].errors
    data["contacts-0-phone"] = "06 12 34 56 78"
    assert ContactFormSet(data, instance=customer, prefix="contacts").is_valid()


def test_a_donors_postal_code_is_five_digits(school):
    data = {"kind": "person", "name": "Anne Martin", "city": "Lyon"}
    assert "postal_code" in DonorForm({**data, "postal_code": "ABCDE"}).errors
    assert DonorForm({**data, "postal_code": "69007"}).is_valid()
