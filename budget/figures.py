"""What production contributes to the budget (SPEC.md R5), and every actual computed from
its ledger (SPEC.md R11).

The production revenue of a budget year is computed, never typed: the invoices issued
within it, excluding VAT, net of the credit notes issued within it. So are the other
resources (donations received, apprenticeship tax transfers, grant instalments received,
families' payments) and the materials expense (materials bought for orders). Everything
here is a fixed number of SQL aggregates, whatever the size of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from billing.models import CreditNote, Invoice, Payment
from budget.models import (
    BudgetLine,
    BudgetYear,
    Donation,
    FamilyPayment,
    Instalment,
    Transfer,
)
from ecoles.db import Cents
from ecoles.models import Policy, Workshop
from orders.models import Material

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sums(**sums: tuple) -> dict[str, Decimal]:
    """Several {name: (queryset, field)} sums in one query: each a scalar subquery, read
    off the one row of the Policy table (the ORM has no SELECT without a table)."""
    Policy.load()  # the row exists
    subqueries = {
        name: Cents(
            Coalesce(
                Subquery(
                    queryset.order_by()
                    .annotate(one=Value(1))
                    .values("one")
                    .annotate(total=Sum(field))
                    .values("total")
                ),
                Value(ZERO),
                output_field=MONEY,
            )
        )
        for name, (queryset, field) in sums.items()
    }
    return Policy.objects.filter(pk=1).values(**subqueries).get()


def money_in(start: dt.date, end: dt.date) -> tuple[Decimal, Decimal]:
    """(production revenue, cash received) in [start, end]: two of the ledgers' actuals."""
    actuals = ledgers(start, end)
    return actuals.production, actuals.cash


@dataclass
class Ledgers:
    """Each computed actual of [start, end] (one query)."""

    production: Decimal
    cash: Decimal
    donations: Decimal
    apprenticeship_tax: Decimal
    grants: Decimal
    families: Decimal
    materials: Decimal

    def resource(self, source: str) -> Decimal | None:
        return getattr(self, source, None) if source in COMPUTED_SOURCES else None


COMPUTED_SOURCES = ("production", "donations", "apprenticeship_tax", "grants", "families")


def ledgers(start: dt.date, end: dt.date) -> Ledgers:
    """Every actual a ledger holds for [start, end], in one query. Donations count the
    money received (cash gifts: a gift in kind is no resource of the budget)."""
    period = (start, end)
    row = _sums(
        invoiced=(Invoice.objects.issued().filter(issue_date__range=period), "total_excl_vat"),
        credited=(CreditNote.objects.filter(issue_date__range=period), "total_excl_vat"),
        cash=(Payment.objects.filter(date__range=period), "amount"),
        donations=(
            Donation.objects.received_between(start, end).filter(nature=Donation.Nature.CASH),
            "amount",
        ),
        apprenticeship_tax=(Transfer.objects.filter(date__range=period), "amount"),
        grants=(Instalment.objects.filter(received_on__range=period), "received_amount"),
        families=(FamilyPayment.objects.filter(date__range=period), "amount"),
        materials=(Material.objects.filter(bought_on__range=period), "cost"),
    )
    return Ledgers(
        production=row["invoiced"] - row["credited"],
        cash=row["cash"],
        donations=row["donations"],
        apprenticeship_tax=row["apprenticeship_tax"],
        grants=row["grants"],
        families=row["families"],
        materials=row["materials"],
    )


def monthly_materials(start: dt.date, end: dt.date) -> list[tuple[dt.date, dict[int, Decimal]]]:
    """Materials bought for orders in each month of [start, end], by workshop id (one
    query): the budget's materials expense, computed."""
    by_month: dict[dt.date, dict[int, Decimal]] = {m: {} for m in months(start, end)}
    rows = (
        Material.objects.filter(bought_on__range=(start, end))
        .annotate(month=TruncMonth("bought_on"))
        .values("month", "order__workshop")
        .annotate(total=Cents(Sum("cost")))
        .order_by()
    )
    for row in rows:
        month = by_month[_as_date(row["month"])]
        month[row["order__workshop"]] = month.get(row["order__workshop"], ZERO) + row["total"]
    return sorted(by_month.items())


def months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First day of each month from start to end."""
    result, day = [], start.replace(day=1)
    while day <= end:
        result.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return result


def monthly_revenue(start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    """Net production revenue of each month of [start, end], two queries in all."""
    by_month: dict[dt.date, Decimal] = dict.fromkeys(months(start, end), ZERO)
    invoiced = (
        Invoice.objects.issued()
        .filter(issue_date__range=(start, end))
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Cents(Sum("total_excl_vat")))
    )
    credited = (
        CreditNote.objects.filter(issue_date__range=(start, end))
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Cents(Sum("total_excl_vat")))
    )
    for row in invoiced:
        by_month[_as_date(row["month"])] += row["total"]
    for row in credited:
        by_month[_as_date(row["month"])] -= row["total"]
    return sorted(by_month.items())


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass
class WorkshopFigures:
    workshop: Workshop
    revenue: Decimal
    materials: Decimal

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.materials


def by_workshop(start: dt.date, end: dt.date) -> list[WorkshopFigures]:
    """Revenue (net of credit notes) and materials of the orders invoiced in the year.

    Each sum is its own subquery: joining invoices, credit notes and materials at once
    would count each row several times.
    """
    period = {"issue_date__range": (start, end)}
    invoiced = (
        Invoice.objects.issued()
        .filter(order__workshop=OuterRef("pk"), **period)
        .values("order__workshop")
        .annotate(total=Sum("total_excl_vat"))
        .values("total")
    )
    credited = (
        CreditNote.objects.filter(invoice__order__workshop=OuterRef("pk"), **period)
        .values("invoice__order__workshop")
        .annotate(total=Sum("total_excl_vat"))
        .values("total")
    )
    invoiced_orders = Invoice.objects.issued().filter(**period).values("order")
    materials = (
        Material.objects.filter(order__workshop=OuterRef("pk"), order__in=invoiced_orders)
        .values("order__workshop")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    rows = Workshop.objects.annotate(
        invoiced=Cents(Coalesce(Subquery(invoiced, output_field=MONEY), Value(ZERO))),
        credited=Cents(Coalesce(Subquery(credited, output_field=MONEY), Value(ZERO))),
        materials=Cents(Coalesce(Subquery(materials, output_field=MONEY), Value(ZERO))),
    )
    return [WorkshopFigures(w, w.invoiced - w.credited, w.materials) for w in rows]


@dataclass
class SourceFigures:
    source: str
    label: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def is_computed(self) -> bool:
        return self.source in COMPUTED_SOURCES


@dataclass
class Summary:
    """A budget year at a glance: the figures the board and the funders watch."""

    year: BudgetYear
    production_revenue: Decimal
    production_planned: Decimal
    cash_received: Decimal
    materials_actual: Decimal
    resources: list[SourceFigures]
    expenses_planned: Decimal
    expenses_actual: Decimal
    share_min: Decimal
    share_max: Decimal
    lines: list[BudgetLine] = field(default_factory=list)
    # Expenses by category, as resources are by source (the report breaks both down).
    expenses: list[SourceFigures] = field(default_factory=list)

    @property
    def resources_planned(self) -> Decimal:
        return sum((r.planned for r in self.resources), ZERO)

    @property
    def resources_actual(self) -> Decimal:
        return sum((r.actual for r in self.resources), ZERO)

    @property
    def share(self) -> Decimal | None:
        """Production revenue / total actual resources (None before any resource)."""
        if not self.resources_actual:
            return None
        return self.production_revenue / self.resources_actual

    @property
    def planned_share(self) -> Decimal | None:
        if not self.resources_planned:
            return None
        return self.production_planned / self.resources_planned

    @property
    def share_status(self) -> str:
        """'below', 'within' or 'above' the policy's target band (percent bounds)."""
        if self.share is None:
            return "unknown"
        percent = self.share * 100
        if percent < self.share_min:
            return "below"
        if percent > self.share_max:
            return "above"
        return "within"

    @property
    def balance_actual(self) -> Decimal:
        return self.resources_actual - self.expenses_actual


def summary(year: BudgetYear) -> Summary:
    """Planned and actual resources by source, expenses, and the production share.

    The actual of a source or category held by a ledger is the ledger's; each of its lines
    carries `computed`: the ledger's figure when the line is its source's only line, None
    when several lines share it (the figure is then the source's, in `resources`)."""
    lines = list(year.lines.all())
    computed = ledgers(year.start, year.end)
    revenue, cash = computed.production, computed.cash
    resources = {value: SourceFigures(value, label) for value, label in BudgetLine.Source.choices}
    expenses_planned = expenses_actual = ZERO
    shared: dict[str, int] = {}
    by_category = {
        value: SourceFigures(value, label) for value, label in BudgetLine.Category.choices
    }
    for line in lines:
        key = line.source or line.category
        shared[key] = shared.get(key, 0) + 1
        if line.kind == BudgetLine.Kind.RESOURCE:
            figures = resources[line.source]
            figures.planned += line.planned
            if not line.is_computed:
                figures.actual += line.actual or ZERO
        else:
            expenses_planned += line.planned
            category = by_category.get(line.category) or by_category[BudgetLine.Category.OTHER]
            category.planned += line.planned
            if not line.is_computed:
                expenses_actual += line.actual or ZERO
                category.actual += line.actual or ZERO
    for source in COMPUTED_SOURCES:
        resources[source].actual = computed.resource(source)
    expenses_actual += computed.materials
    by_category[BudgetLine.Category.MATERIALS].actual += computed.materials
    for line in lines:
        line.computed = None
        if line.is_computed and shared[line.source or line.category] == 1:
            line.computed = computed.materials if line.category else computed.resource(line.source)
    policy = Policy.load()
    return Summary(
        year=year,
        production_revenue=revenue,
        production_planned=resources[BudgetLine.Source.PRODUCTION].planned,
        cash_received=cash,
        materials_actual=computed.materials,
        resources=list(resources.values()),
        expenses_planned=expenses_planned,
        expenses_actual=expenses_actual,
        share_min=policy.production_share_min,
        share_max=policy.production_share_max,
        lines=lines,
        expenses=list(by_category.values()),
    )
