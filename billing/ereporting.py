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
from orders.models import SERVICE_UNITS, ZERO, Customer, OperationCategory, cents

Regime = School.VatRegime
Filing = School.VatFiling

# The transaction categories of the French e-reporting specification (flux 10, the
# transaction's category): TLB1 deliveries of goods subject to VAT, TPS1 services subject
# to VAT, TNT1 operations not taxable in France (intra-EU supplies, exports, services
# supplied abroad), TMA1 the margin scheme (art. 297 A, second-hand goods), which the school
# never uses. A mixed invoice is not a category: its goods lines are TLB1 and its services
# lines TPS1 (it was wrongly all TMA1).
GOODS, SERVICES, NOT_TAXABLE = "TLB1", "TPS1", "TNT1"
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
class International:
    """A business invoice or credit note to a customer abroad: reported one by one, with
    its buyer, not in the day's totals (flux 10.1)."""

    number: str
    day: dt.date
    type_code: str
    country: str
    vat_number: str
    name: str
    parts: list[tuple[str, Decimal, Decimal, Decimal]]  # (category, rate, base, VAT)

    @property
    def base(self) -> Decimal:
        return sum((base for _c, _r, base, _v in self.parts), ZERO)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    transactions: list[Row] = field(default_factory=list)
    payments: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    international: list[International] = field(default_factory=list)

    @property
    def total_base(self) -> Decimal:
        return sum((r.base for r in self.transactions), ZERO)

    @property
    def total_vat(self) -> Decimal:
        return sum((r.vat for r in self.transactions), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((amount for _day, amount in self.payments), ZERO)


def line_category(document, line) -> str:
    """A line's transaction category: not taxable in France when placed abroad (its VAT
    category, or a foreign customer of a school that charges no VAT); else goods or
    services, from the document's category when it is one, from the line's unit when the
    document is mixed (hours, days, persons are services, as orders.operation_category)."""
    foreign = document.customer_tax_status in FOREIGN
    if line.vat_category or (foreign and document.vat_mention):
        return NOT_TAXABLE
    if document.operation_category == OperationCategory.GOODS:
        return GOODS
    if document.operation_category == OperationCategory.SERVICES:
        return SERVICES
    return SERVICES if line.unit in SERVICE_UNITS else GOODS


def parts(document) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """[(category, rate, base, VAT)] of a document: its lines' bases per category and rate,
    the VAT frozen at each rate shared between the categories at that rate (the last one
    takes the rounding, so that the parts add up to the document)."""
    charged = not document.vat_mention
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for line in document.lines.all():
        key = (line_category(document, line), Decimal(line.vat_rate) if charged else ZERO)
        bases[key] = bases.get(key, ZERO) + line.amount_excl_vat
    vat_at = {Decimal(rate): Decimal(vat) for rate, _b, vat in document.by_rate}
    result = []
    for rate in sorted({rate for _c, rate in bases}, reverse=True):
        keys = sorted(key for key in bases if key[1] == rate)
        left = vat_at.get(rate, ZERO)
        for n, key in enumerate(keys):
            vat = left if n == len(keys) - 1 else cents(bases[key] * rate / 100)
            left -= vat
            result.append((key[0], rate, bases[key], vat))
    return result


def build(start: dt.date, end: dt.date) -> Report:
    """The report of the period: six queries whatever the number of documents (the
    documents and their lines, the payments)."""
    report = Report(start, end)
    rows: dict[tuple, Row] = {}
    reported = Q(route=Route.EREPORTING, issue_date__range=(start, end))
    for sign, model in ((1, Invoice), (-1, CreditNote)):
        documents = (
            model.objects.filter(reported)
            .only(
                "number", "issue_date", "customer_tax_status", "operation_category",
                "vat_mention", "vat_breakdown", "total_excl_vat", "customer_name",
                "customer_country_code", "customer_vat_number", "customer_kind",
            )
            .prefetch_related("lines")
            .order_by("issue_date", "sequence")
        )  # fmt: skip
        for doc in documents:
            if doc.customer_tax_status in FOREIGN and doc.is_company:
                report.international.append(
                    International(
                        doc.number, doc.issue_date, "380" if sign > 0 else "381",
                        doc.customer_country_code, doc.customer_vat_number, doc.customer_name,
                        parts(doc),
                    )
                )  # fmt: skip
                continue
            for category, rate, base, vat in parts(doc):
                key = (doc.issue_date, category, rate)
                row = rows.setdefault(key, Row(*key))
                row.base += sign * base
                row.vat += sign * vat
                row.documents += 1
    report.transactions = [rows[key] for key in sorted(rows)]
    report.international.sort(key=lambda doc: (doc.day, doc.number))
    services = (OperationCategory.SERVICES, OperationCategory.MIXED)
    # VAT on services is due when paid (art. 269-2-c), hence their payments; a business
    # abroad is charged none.
    report.payments = list(
        Payment.objects.filter(
            date__range=(start, end),
            invoice__route=Route.EREPORTING,
            invoice__operation_category__in=services,
        )
        .exclude(invoice__customer_tax_status__in=FOREIGN)
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
    invoices = etree.SubElement(root, "InvoicesReport", typeCode="10.1")
    for doc in report.international:
        item = etree.SubElement(invoices, "Invoice")
        etree.SubElement(item, "Id").text = doc.number
        etree.SubElement(item, "IssueDate").text = f"{doc.day:%Y%m%d}"
        etree.SubElement(item, "TypeCode").text = doc.type_code
        etree.SubElement(item, "CurrencyCode").text = "EUR"
        buyer = etree.SubElement(item, "Buyer")
        etree.SubElement(buyer, "Name").text = doc.name
        etree.SubElement(buyer, "CountryCode").text = doc.country
        if doc.vat_number:
            etree.SubElement(buyer, "VatId").text = doc.vat_number
        for category, rate, base, vat in doc.parts:
            sub = etree.SubElement(item, "TaxSubtotal")
            etree.SubElement(sub, "CategoryCode").text = category
            etree.SubElement(sub, "TaxableAmount").text = f"{base:.2f}"
            etree.SubElement(sub, "TaxAmount").text = f"{vat:.2f}"
            etree.SubElement(sub, "Percent").text = f"{rate.normalize():f}"
    payments = etree.SubElement(root, "PaymentsReport", typeCode="10.4")
    for day, amount in report.payments:
        item = etree.SubElement(payments, "Payment")
        etree.SubElement(item, "Date").text = f"{day:%Y%m%d}"
        etree.SubElement(item, "CurrencyCode").text = "EUR"
        etree.SubElement(item, "Amount").text = f"{amount:.2f}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
