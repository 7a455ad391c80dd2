"""A customer abroad and a customer's address in its parts (issue #27 §2, SPEC.md R3, R12):
a company abroad has no SIRET; in the EU its VAT number (checked), outside it its VAT or
national registration number; nobody is a customer under the school's own SIREN."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from orders.forms import CustomerForm
from orders.models import Customer, split_address

pytestmark = pytest.mark.django_db


def form(**data) -> CustomerForm:
    fields = {"kind": "company", "name": "Client", "country": "", "address": "1 rue"}
    return CustomerForm({**fields, **data})


def test_a_german_company_is_created_with_its_vat_number_and_no_siret(school):
    f = form(name="Holzwerk GmbH", country_code="de", vat_number="DE 136 695 976",
             postal_code="79098", city="Freiburg", country="Allemagne")  # fmt: skip
    assert f.is_valid(), f.errors
    customer = f.save()
    assert (customer.tax_status, customer.country_code, customer.vat_number, customer.siret) == (
        "eu", "DE", "DE136695976", "",
    )  # fmt: skip


def test_an_eu_company_needs_a_valid_vat_number_of_its_country(school):
    assert "vat_number" in form(country_code="DE").errors
    assert "vat_number" in form(country_code="DE", vat_number="DE136695977").errors
    assert "vat_number" in form(country_code="DE", vat_number="FR44732829320").errors


def test_a_swiss_company_is_created_with_its_national_registration(school):
    f = form(name="Atelier SA", country_code="CH", registration_number="CHE-123.456.789")
    assert f.is_valid(), f.errors
    assert f.save().tax_status == "non_eu"
    f = form(name="Atelier SA", country_code="CH", vat_number="CHE-123.456.789 MWST")
    assert f.is_valid(), f.errors
    assert "registration_number" in form(country_code="CH").errors


def test_a_french_company_still_needs_its_siret(school):
    assert form().errors["siret"] == ["Une entreprise doit avoir son SIRET ou SIREN."]


def test_a_customer_cannot_carry_the_schools_own_siren(school):
    for number in (school.siret, school.siret[:9]):
        assert "le SIREN de l'école" in form(siret=number).errors["siret"][0]
    assert form(siret="55208131766522").is_valid()


def test_a_private_person_may_live_abroad(school):
    f = CustomerForm(
        {"kind": "individual", "name": "Hans Müller", "country_code": "DE",
         "address": "Hauptstraße 2", "postal_code": "10115", "city": "Berlin"}
    )  # fmt: skip
    assert f.is_valid(), f.errors
    assert f.save().einvoicing_status == "person"


def test_an_address_on_lines_is_read_into_its_parts():
    address = split_address("12 rue de la Paix\nZAC des Pins\n69007 Lyon")
    assert (address.line1, address.line2, address.postcode, address.city) == (
        "12 rue de la Paix", "ZAC des Pins", "69007", "Lyon",
    )  # fmt: skip
    assert split_address("Rue du Rhône 8\n1204 Genève\nSuisse").country == "Suisse"


def test_the_migration_splits_a_customers_address_held_on_lines(school):
    customer = Customer.objects.create(
        kind="company", name="Rhône", siret="55208131766522",
        address="12 rue de la Paix\nZAC des Pins\n69007 Lyon",
    )  # fmt: skip
    other = Customer.objects.create(
        kind="company", name="Saône", siret="55208131766522", address="Bât. B\n3 rue Neuve",
        postal_code="69001", city="Lyon",
    )  # fmt: skip
    migration = importlib.import_module("orders.migrations.0015_customer_address_abroad")
    migration.split_customers(apps, None)
    customer.refresh_from_db()
    other.refresh_from_db()
    assert (customer.address, customer.address_line2, customer.postal_code, customer.city) == (
        "12 rue de la Paix", "ZAC des Pins", "69007", "Lyon",
    )  # fmt: skip
    assert (other.address, other.address_line2, other.postal_code, other.city) == (
        "Bât. B", "3 rue Neuve", "69001", "Lyon",
    )  # fmt: skip
