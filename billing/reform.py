"""The e-invoicing reform's data on an issued document (SPEC.md R12, CGI art. 289 bis and
242 nonies A): the four new mentions, the customer's status, and the document's route.

Route, for each customer status and the school's VAT status:
- a public body: Chorus Pro, whatever the school (B2G has been electronic since 2020);
- a school not subject to VAT (the teaching exemption, art. 261-7-1°) is outside the
  reform: none for every other customer;
- a school subject to VAT, under the franchise (art. 293 B, still a taxable person) or
  with a taxed sector: a French business subject to VAT gets an e-invoice through the
  approved platform; a person, a French body not subject to VAT and a foreign customer
  are e-reported (billing.ereporting).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils.translation import gettext as _

from billing import invoicing  # which imports this module: read at call time
from billing.models import Route, VatCategory
from ecoles.models import School
from orders.models import (
    ZERO,
    Customer,
    OperationCategory,
    Order,
    operation_category,
)

Status = Customer.TaxStatus
Regime = School.VatRegime


def route(customer_status: str, vat_regime: str) -> str:
    """Where a document to a customer of `customer_status` goes, from a school of
    `vat_regime`."""
    if customer_status == Status.PUBLIC:
        return Route.CHORUS
    if vat_regime == Regime.EXEMPT_261:
        return Route.NONE
    if customer_status == Status.FR_VAT:
        return Route.PLATFORM
    return Route.EREPORTING


def customer_fields(customer: Customer) -> dict:
    """What the document freezes of the customer for the reform."""
    return {
        "customer_tax_status": customer.einvoicing_status,
        "customer_siret": customer.siret if len(customer.siret) == 14 else "",
        "customer_country_code": customer.country_code or "FR",
        "customer_electronic_address": customer.electronic_address,
    }


def delivery_address(customer: Customer) -> str:
    """The delivery address, mentioned only when it differs from the billing one."""
    address = customer.delivery_address.strip()
    if not address or " ".join(address.split()) == " ".join(customer.billing_address.split()):
        return ""
    return address


def category_of(order: Order) -> str:
    """Goods, services or both: the order's own choice, else from its lines' units."""
    return order.operation_category or operation_category(ln.unit for ln in order.lines.all())


def invoice_fields(order: Order, lines, school: School) -> dict:
    """The reform's mentions and routing of an invoice of `order`, at issue."""
    category = category_of(order)
    return {
        "delivery_address": delivery_address(order.customer),
        "operation_category": category,
        # The option concerns services (goods' VAT is due on delivery anyway).
        "vat_on_debits": school.vat_on_debits
        and school.charges_vat
        and category != OperationCategory.GOODS,
        "route": route(order.customer.einvoicing_status, school.vat_regime),
        "buyer_reference": order.service_code,
        "commitment_number": order.commitment_number,
    }


def credit_note_fields(invoice) -> dict:
    """A credit note says what its invoice said, and goes the same way."""
    names = (
        "customer_tax_status", "customer_siret", "customer_country_code",
        "customer_electronic_address", "delivery_address", "operation_category",
        "vat_on_debits", "buyer_reference", "commitment_number",
    )  # fmt: skip
    fields = {name: getattr(invoice, name) for name in names}
    # An invoice issued before Factur-X has neither: its customer was a French business
    # or a person, and its credit note is routed now.
    if not fields["customer_tax_status"]:
        individual = invoice.customer_kind == Customer.Kind.INDIVIDUAL
        fields["customer_tax_status"] = Status.PERSON if individual else Status.FR_VAT
    regime = invoice.issuer.get("vat_regime") or School.load().vat_regime
    fields["route"] = invoice.route or route(fields["customer_tax_status"], regime)
    return fields


def check_can_issue(customer: Customer, school: School, today: dt.date) -> None:
    """From the school's e-invoicing date, a domestic B2B invoice names the customer's
    SIREN (the platform routes it by that number); a public body needs its SIRET."""
    if customer.einvoicing_status == Status.PUBLIC and len(customer.siret) != 14:
        raise invoicing.InvoicingError(
            _("Chorus Pro needs the public body's SIRET: add it to the customer %(name)s.")
            % {"name": customer.name}
        )
    if (
        customer.einvoicing_status == Status.FR_VAT
        and today >= school.einvoicing_date
        and len(customer.siret) < 9
    ):
        raise invoicing.InvoicingError(
            _(
                "Since %(date)s a domestic business invoice must carry the customer's "
                "SIREN: add it to the customer %(name)s, then issue."
            )
            % {"date": school.einvoicing_date.strftime("%d/%m/%Y"), "name": customer.name}
        )
    # The platform delivers to electronic addresses (BT-34 for the seller, BT-49 for the
    # buyer, from the directory of art. 289 bis), as it routes by the SIREN.
    if (
        route(customer.einvoicing_status, school.vat_regime) == Route.PLATFORM
        and today >= school.einvoicing_date
    ):
        if not school.electronic_address:
            raise invoicing.InvoicingError(
                _(
                    "Since %(date)s an e-invoice carries the school's electronic address: "
                    "add it in the school's settings, then issue."
                )
                % {"date": school.einvoicing_date.strftime("%d/%m/%Y")}
            )
        if not customer.electronic_address:
            raise invoicing.InvoicingError(
                _(
                    "Since %(date)s an e-invoice carries the customer's electronic address "
                    "(from the directory of the approved platforms): add it to the customer "
                    "%(name)s, then issue."
                )
                % {"date": school.einvoicing_date.strftime("%d/%m/%Y"), "name": customer.name}
            )


# --- VAT follows where the customer is (SPEC.md R12) ---------------------------------------

FOREIGN = (Status.EU, Status.NON_EU)


def is_abroad(customer: Customer) -> bool:
    """A business established in another EU country or outside the EU (an individual is a
    private person wherever he lives, and keeps French VAT: see
    orders.models.vat_category)."""
    return customer.einvoicing_status in FOREIGN


def place_of_supply(lines: list, order: Order, school: School) -> list:
    """`lines` with the VAT category and rate the customer's place sets: a line to a
    business abroad is charged no French VAT (rate 0, its category says why). A school
    that charges no VAT at all keeps its own mention (art. 293 B or 261-7-1°)."""
    if not school.charges_vat or not is_abroad(order.customer):
        return lines
    placed = []
    for line in lines:
        rate, category = order.line_vat(line.unit, line.vat_rate, school.charges_vat)
        placed.append(
            dataclasses.replace(line, vat_category=line.vat_category or category, vat_rate=rate)
        )
    categories = {line.vat_category for line in placed}
    if {VatCategory.EXPORT, VatCategory.OUTSIDE_SCOPE} <= categories:
        # EN 16931 BR-O-11: an invoice with services outside the scope of VAT carries no
        # other VAT category; a platform would refuse it.
        raise invoicing.InvoicingError(
            _(
                "To a business outside the EU, goods (exempt export) and services (outside "
                "the scope of French VAT) cannot be on the same invoice: invoice them on "
                "two orders."
            )
        )
    needs_numbers = {VatCategory.INTRA_EU, VatCategory.EXPORT, VatCategory.REVERSE_CHARGE}
    if categories & needs_numbers and not school.vat_number:
        raise invoicing.InvoicingError(
            _("An exempt or reverse-charged invoice carries the school's VAT number: add it.")
        )
    if categories & {VatCategory.INTRA_EU, VatCategory.REVERSE_CHARGE} and not (
        order.customer.vat_number
    ):
        raise invoicing.InvoicingError(
            _(
                "An intra-EU supply or a reverse charge carries the customer's VAT number "
                "(CGI art. 242 nonies A): add it to the customer %(name)s."
            )
            % {"name": order.customer.name}
        )
    return placed


def credited_category(invoice, rate) -> str:
    """The VAT category a credit note of an amount at `rate` takes on `invoice`: that of
    its lines at that rate (the largest, if the invoice has two)."""
    bases: dict[str, object] = {}
    for line in invoice.lines.all():
        if line.vat_rate == rate:
            bases[line.vat_category] = bases.get(line.vat_category, ZERO) + line.amount_excl_vat
    return max(bases, key=bases.get) if bases else ""
