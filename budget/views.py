"""The budget pages (SPEC.md R5): figures, charts, lines, CSV exports, the board's PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import journal
from budget import fec
from budget import figures as budget
from budget.models import BudgetLine, BudgetYear
from ecoles.access import role_required
from ecoles.bounds import parse_year
from ecoles.charts import PALETTE, Series, bar_chart, line_chart
from ecoles.exports import csv_response
from ecoles.pdf import render_pdf
from ecoles.roles import ACCOUNTANT, DIRECTOR


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["kind", "source", "category", "label", "funder", "planned", "actual"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actual"].help_text = gettext_lazy(
            "Leave empty for production sales, donations, apprenticeship tax, grants, "
            "families' contributions and materials: their actual amount is computed from "
            "their ledgers."
        )


def _year_from(request: HttpRequest) -> BudgetYear:
    """The year asked for (?year=2026 is the year starting in 2026), or today's."""
    raw = request.GET.get("year")
    if raw is None:
        return BudgetYear.for_day(timezone.localdate())
    if parse_year(raw) is None:
        raise Http404
    return get_object_or_404(BudgetYear, start__year=parse_year(raw))


def _figures(year: BudgetYear) -> dict:
    summary = budget.summary(year)
    monthly = budget.monthly_revenue(year.start, year.end)
    workshops = budget.by_workshop(year.start, year.end)
    materials = budget.monthly_materials(year.start, year.end)
    return {
        "summary": summary,
        "monthly": monthly,
        "workshops": workshops,
        "materials": materials,
        "materials_rows": _materials_rows(materials, workshops),
    }


def _materials_rows(materials, workshops) -> list[tuple[dt.date, list[Decimal], Decimal]]:
    """(month, amount per workshop in the order of `workshops`, total) for each month."""
    ids = [w.workshop.pk for w in workshops]
    rows = []
    for month, by_workshop in materials:
        amounts = [by_workshop.get(pk, Decimal("0.00")) for pk in ids]
        rows.append((month, amounts, sum(by_workshop.values(), Decimal("0.00"))))
    return rows


def _charts(summary: budget.Summary, monthly, workshops, materials_rows) -> dict:
    # "N": juin and juil. in French, where "M" writes both "jui" (issue #16).
    month_labels = [formats.date_format(m, "N") for m, _ in monthly]
    today = timezone.localdate()
    cumulative, total = [], Decimal(0)
    for month, amount in monthly:
        total += amount
        cumulative.append(total if month <= today else None)
    n = len(monthly)
    plan = [summary.production_planned * (i + 1) / n for i in range(n)]
    revenue_chart = line_chart(
        month_labels,
        [
            Series(_("Production revenue (cumulative)"), cumulative, PALETTE[0]),
            Series(_("Plan"), plan, "#888", dashed=True),
        ],
        title=_("Cumulative production revenue against the plan"),
    )
    sources_chart = bar_chart(
        [r.label for r in summary.resources],
        [
            Series(_("Planned"), [r.planned for r in summary.resources], "#9bb7e0"),
            Series(_("Actual"), [r.actual for r in summary.resources], PALETTE[0]),
        ],
        title=_("Resources by source"),
    )
    # Expenses are broken down as resources are: planned and actual by category (issue #16).
    expenses_chart = bar_chart(
        [e.label for e in summary.expenses],
        [
            Series(_("Planned"), [e.planned for e in summary.expenses], "#e0b48f"),
            Series(_("Actual"), [e.actual for e in summary.expenses], PALETTE[2]),
        ],
        title=_("Expenses by category"),
    )
    workshop_chart = bar_chart(
        [w.workshop.name for w in workshops],
        [
            Series(_("Revenue"), [w.revenue for w in workshops], PALETTE[0]),
            Series(_("Margin"), [w.margin for w in workshops], PALETTE[1]),
        ],
        title=_("Revenue and margin by workshop"),
    )
    materials_chart = bar_chart(
        month_labels,
        [
            Series(w.workshop.name, [row[1][i] for row in materials_rows], PALETTE[i % 6])
            for i, w in enumerate(workshops)
        ],
        title=_("Materials bought for orders, month by month"),
    )
    return {
        "revenue_chart": revenue_chart,
        "sources_chart": sources_chart,
        "expenses_chart": expenses_chart,
        "workshop_chart": workshop_chart,
        "materials_chart": materials_chart,
    }


@role_required(DIRECTOR, ACCOUNTANT)
def budget_page(request: HttpRequest) -> HttpResponse:
    year = _year_from(request)
    figures = _figures(year)
    context = {
        "year": year,
        "years": BudgetYear.objects.all(),
        **figures,
        **_charts(
            figures["summary"], figures["monthly"], figures["workshops"], figures["materials_rows"]
        ),
    }
    return render(request, "budget/budget.html", context)


@role_required(DIRECTOR, ACCOUNTANT)
def budget_pdf(request: HttpRequest) -> HttpResponse:
    year = _year_from(request)
    figures = _figures(year)
    context = {
        "year": year,
        "today": timezone.localdate(),
        **figures,
        **_charts(
            figures["summary"], figures["monthly"], figures["workshops"], figures["materials_rows"]
        ),
    }
    pdf = render_pdf("pdf/budget_report.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"budget-{year}.pdf")
    return response


@role_required(DIRECTOR, ACCOUNTANT)
def budget_line_edit(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    if not 1900 <= year <= 9999:
        raise Http404
    budget_year = get_object_or_404(BudgetYear, start__year=year)
    line = get_object_or_404(BudgetLine, pk=pk, year=budget_year) if pk is not None else None
    # The year is known before the form is checked: one production line a year.
    form = BudgetLineForm(request.POST or None, instance=line or BudgetLine(year=budget_year))
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.year = budget_year
        saved.save()
        messages.success(request, _("The budget line was saved."))
        return redirect(f"{reverse('budget:overview')}?year={budget_year.start.year}")
    return render(
        request, "budget/budget_line_form.html", {"form": form, "year": budget_year, "line": line}
    )


@role_required(DIRECTOR, ACCOUNTANT)
def budget_year_add(request: HttpRequest) -> HttpResponse:
    """Open the next budget year, copying the plan of the latest one."""
    if request.method != "POST":
        return redirect(reverse("budget:overview"))
    latest = BudgetYear.objects.first()
    day = (latest.end + dt.timedelta(days=1)) if latest else timezone.localdate()
    new = BudgetYear.for_day(day)
    if latest and not new.lines.exists():
        BudgetLine.objects.bulk_create(
            BudgetLine(
                year=new,
                kind=line.kind,
                source=line.source,
                category=line.category,
                label=line.label,
                funder=line.funder,
                planned=line.planned,
            )
            for line in latest.lines.all()
        )
    messages.success(
        request, _("Budget year %(year)s opened with last year's plan.") % {"year": new}
    )
    return redirect(f"{reverse('budget:overview')}?year={new.start.year}")


@role_required(DIRECTOR, ACCOUNTANT)
def budget_lines_csv(request: HttpRequest) -> HttpResponse:
    year = _year_from(request)
    summary = budget.summary(year)
    header = [_("Kind"), _("Source or category"), _("Label"), _("Funder"), _("Planned")]
    rows = [
        [
            line.get_kind_display(),
            line.get_source_display() if line.source else line.get_category_display(),
            line.label,
            line.funder,
            _decimal(line.planned),
            _decimal(line.computed if line.is_computed else line.actual),
            _("computed") if line.is_computed else _("typed"),
        ]
        for line in summary.lines
    ]
    # The computed actual of a source shared by several lines is the source's.
    rows += [
        [_("Resource"), r.label, _("Total of the source"), "", _decimal(r.planned),
         _decimal(r.actual), _("computed")]
        for r in summary.resources
        if r.is_computed
    ]  # fmt: skip
    rows.append(
        [_("Expense"), _("Materials and supplies"), _("Total of the category"), "", "",
         _decimal(summary.materials_actual), _("computed")]
    )  # fmt: skip
    return csv_response(f"budget-{year}-lignes.csv", [*header, _("Actual"), _("Actual is")], rows)


@role_required(DIRECTOR, ACCOUNTANT)
def budget_materials_csv(request: HttpRequest) -> HttpResponse:
    """The materials expense, computed from the materials bought for orders, by month and
    workshop."""
    year = _year_from(request)
    workshops = budget.by_workshop(year.start, year.end)
    materials = budget.monthly_materials(year.start, year.end)
    names = [w.workshop.name for w in workshops]
    rows = [
        [month.strftime("%Y-%m"), *(_decimal(a) for a in amounts), _decimal(total)]
        for month, amounts, total in _materials_rows(materials, workshops)
    ]
    header = [_("Month"), *names, _("Total")]
    return csv_response(f"budget-{year}-matieres.csv", header, rows)


@role_required(DIRECTOR, ACCOUNTANT)
def budget_monthly_csv(request: HttpRequest) -> HttpResponse:
    year = _year_from(request)
    rows, total = [], Decimal(0)
    for month, amount in budget.monthly_revenue(year.start, year.end):
        total += amount
        rows.append([month.strftime("%Y-%m"), _decimal(amount), _decimal(total)])
    header = [_("Month"), _("Production revenue excl. VAT"), _("Cumulative")]
    return csv_response(f"budget-{year}-chiffre-affaires-mensuel.csv", header, rows)


def _decimal(value: Decimal | None) -> str:
    """French spreadsheets expect a decimal comma and no thousands separator."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


# --- The FEC of a fiscal year (budget/fec.py; LPF art. A47 A-1) ------------------------------


@role_required(DIRECTOR, ACCOUNTANT)
def fec_page(request: HttpRequest) -> HttpResponse:
    """The fiscal years, each with its FEC and the FEC's description."""
    siren = fec.siren()
    years = [(year, journal.fec_filename(siren, year.end)) for year in BudgetYear.objects.all()]
    return render(request, "budget/fec.html", {"years": years})


def _text_file(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=f"text/plain; charset={journal.ENCODING}")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@role_required(DIRECTOR, ACCOUNTANT)
def fec_file(request: HttpRequest, pk: int) -> HttpResponse:
    year = get_object_or_404(BudgetYear, pk=pk)
    return _text_file(fec.render(year), fec.filename(year))


@role_required(DIRECTOR, ACCOUNTANT)
def fec_notice(request: HttpRequest, pk: int) -> HttpResponse:
    year = get_object_or_404(BudgetYear, pk=pk)
    return _text_file(fec.notice_bytes(year), fec.notice_filename(year))
