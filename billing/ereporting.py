"""E-reporting (SPEC.md R12, CGI art. 290 and 290 A): what the school sells without an
e-invoice (to persons, French bodies not subject to VAT and foreign customers) is reported
to the platform as totals per period, and so are, for services, the payments received.

The period follows the VAT regime (décret 2022-1299): ten days under the normal monthly
regime, a month under the normal quarterly and the simplified ones, two months under the
franchise (art. 293 B). The file is the platform's "flux 10" in substance: a transactions
report (per day, category and VAT rate) and a payments report (per day); its XML is ours,
the fields those of the French e-reporting specification, an adapter writes the
platform's own syntax from it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from lxml import etree

from billing.models import CreditNote, Invoice, Payment, Route
from ecoles.db import Cents
from ecoles.models import School
from orders.models import ZERO, Customer, OperationCategory

Regime = School.VatRegime
Filing = School.VatFiling

# The specification's transaction categories: goods, services and both, domestic sales to
# non-taxable customers (TLB1, TPS1, TMA1) or international ones (TNT1: not taxable here
# when no French VAT is charged; charged, they keep their domestic category).
CATEGORY = {
    OperationCategory.GOODS: "TLB1",
    OperationCategory.SERVICES: "TPS1",
    OperationCategory.MIXED: "TMA1",
}
FOREIGN = (Customer.TaxStatus.EU, Customer.TaxStatus.NON_EU)


def period_length(school: School) -> str:
    if school.vat_regime == Regime.EXEMPT_293B:
        return "bimonth"
    if school.vat_filing == Filing.NORMAL_MONTHLY:
        return "decade"
    return "month"


def period_of(school: School, day: dt.date) -> tuple[dt.date, dt.date]:
    """The e-reporting period (first day, last day) that contains `day`."""
    last = calendar.monthrange(day.year, day.month)[1]
    length = period_length(school)
    if length == "decade":
        start = min(1 + (day.day - 1) // 10 * 10, 21)
        end = last if start == 21 else start + 9
        return day.replace(day=start), day.replace(day=end)
    if length == "bimonth":
        first = day.month - (day.month - 1) % 2
        end_day = calendar.monthrange(day.year, first + 1)[1]
        return dt.date(day.year, first, 1), dt.date(day.year, first + 1, end_day)
    return day.replace(day=1), day.replace(day=last)


def periods(school: School, year: int) -> list[tuple[dt.date, dt.date]]:
    result, day = [], dt.date(year, 1, 1)
    while day.year == year:
        start, end = period_of(school, day)
        result.append((start, end))
        day = end + dt.timedelta(days=1)
    return result


@dataclass
class Row:
    day: dt.date
    category: str
    rate: Decimal
    base: Decimal = ZERO
    vat: Decimal = ZERO
    documents: int = 0


@dataclass
class Report:
    start: dt.date
    end: dt.date
    transactions: list[Row] = field(default_factory=list)
    payments: list[tuple[dt.date, Decimal]] = field(default_factory=list)

    @property
    def total_base(self) -> Decimal:
        return sum((r.base for r in self.transactions), ZERO)

    @property
    def total_vat(self) -> Decimal:
        return sum((r.vat for r in self.transactions), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((amount for _day, amount in self.payments), ZERO)


def _category(document) -> str:
    if document.customer_tax_status in FOREIGN and document.vat_mention:
        return "TNT1"
    return CATEGORY.get(document.operation_category, "TLB1")


def build(start: dt.date, end: dt.date) -> Report:
    """The report of the period: four queries whatever the number of documents."""
    report = Report(start, end)
    rows: dict[tuple, Row] = {}
    reported = Q(route=Route.EREPORTING, issue_date__range=(start, end))
    for sign, model in ((1, Invoice), (-1, CreditNote)):
        documents = model.objects.filter(reported).only(
            "issue_date", "customer_tax_status", "operation_category", "vat_mention",
            "vat_breakdown", "total_excl_vat",
        )  # fmt: skip
        for doc in documents:
            breakdown = doc.by_rate or [(ZERO, doc.total_excl_vat, ZERO)]
            for rate, base, vat in breakdown:
                key = (doc.issue_date, _category(doc), rate)
                row = rows.setdefault(key, Row(*key))
                row.base += sign * base
                row.vat += sign * vat
                row.documents += 1
    report.transactions = [rows[key] for key in sorted(rows)]
    services = (OperationCategory.SERVICES, OperationCategory.MIXED)
    report.payments = list(
        Payment.objects.filter(
            date__range=(start, end),
            invoice__route=Route.EREPORTING,
            invoice__operation_category__in=services,
        )
        .order_by("date")
        .values("date")
        .annotate(total=Cents(Sum("amount")))
        .values_list("date", "total")
    )
    return report


def to_xml(report: Report, school: School) -> bytes:
    """The report as the file handed to the platform."""
    root = etree.Element("EReporting", version="1.0")
    document = etree.SubElement(root, "ReportDocument")
    etree.SubElement(document, "Id").text = f"ER-{school.siren}-{report.start:%Y%m%d}"
    etree.SubElement(document, "Sender", scheme="0002").text = school.siren
    etree.SubElement(document, "Issuer", scheme="0002").text = school.siren
    etree.SubElement(document, "PeriodStart").text = f"{report.start:%Y%m%d}"
    etree.SubElement(document, "PeriodEnd").text = f"{report.end:%Y%m%d}"
    transactions = etree.SubElement(root, "TransactionsReport", typeCode="10.3")
    for row in report.transactions:
        item = etree.SubElement(transactions, "Transactions")
        etree.SubElement(item, "Date").text = f"{row.day:%Y%m%d}"
        etree.SubElement(item, "CurrencyCode").text = "EUR"
        etree.SubElement(item, "CategoryCode").text = row.category
        etree.SubElement(item, "TaxExclusiveAmount").text = f"{row.base:.2f}"
        etree.SubElement(item, "TaxTotal").text = f"{row.vat:.2f}"
        etree.SubElement(item, "TransactionsCount").text = str(row.documents)
        sub = etree.SubElement(item, "TaxSubtotal")
        etree.SubElement(sub, "TaxableAmount").text = f"{row.base:.2f}"
        etree.SubElement(sub, "TaxAmount").text = f"{row.vat:.2f}"
        etree.SubElement(sub, "Percent").text = f"{row.rate.normalize():f}"
    payments = etree.SubElement(root, "PaymentsReport", typeCode="10.4")
    for day, amount in report.payments:
        item = etree.SubElement(payments, "Payment")
        etree.SubElement(item, "Date").text = f"{day:%Y%m%d}"
        etree.SubElement(item, "CurrencyCode").text = "EUR"
        etree.SubElement(item, "Amount").text = f"{amount:.2f}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
