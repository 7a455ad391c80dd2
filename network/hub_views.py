"""The network's hub (settings.NETWORK_HUB, issue 31): the API the schools send to, and
the pages of the network's staff: the schools and their keys, each school and all of them
per year and as trends, the CSV and the funders' PDF, who is late, the upload of a file,
the référentiels published."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ecoles.access import role_required
from ecoles.bounds import parse_year
from ecoles.charts import PALETTE, Series, bar_chart, line_chart
from ecoles.confirm import ask, is_confirmed
from ecoles.exports import csv_response
from ecoles.formats import money, percent
from ecoles.pdf import render_pdf
from ecoles.roles import NETWORK_STAFF
from network import consolidation, receiving, referentiels
from network.consolidation import COLUMNS, cells, shown_share
from network.forms import MemberSchoolForm, PublishForm, UploadForm
from network.models import MemberSchool, PublishedReferentiel, Report

OPENAPI = Path(__file__).resolve().parent / "openapi.json"
TREND_RATES = [
    ("exam", _("Exam success")),
    ("placement_6m", _("Placed at 6 months")),
    ("placement_12m", _("Placed at 12 months")),
    ("attendance", _("Attendance")),
]


# The API ----------------------------------------------------------------------------


@csrf_exempt  # signed with the school's key (network.signing), no session, no cookie
@login_not_required
@require_POST
def api_indicators(request: HttpRequest) -> JsonResponse:
    try:
        report = receiving.receive_signed(request.headers, request.body)
    except receiving.Refused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    return JsonResponse(
        {"school": report.school.uai, "year": report.label, "version": report.version,
         "received_at": report.received_at.isoformat(timespec="seconds")},
        status=201,
    )  # fmt: skip


@login_not_required
@require_GET
def api_openapi(request: HttpRequest) -> HttpResponse:
    return HttpResponse(OPENAPI.read_bytes(), content_type="application/json")


@login_not_required
@require_GET
def api_referentiels(request: HttpRequest) -> JsonResponse:
    """What the network publishes: public, like the official référentiels it copies."""
    items = PublishedReferentiel.objects.only("code", "title", "version", "published_at")
    return JsonResponse(
        {"referentiels": [
            {"id": r.pk, "code": r.code, "title": r.title, "version": r.version,
             "published_at": r.published_at.isoformat(timespec="seconds")}
            for r in items
        ]}
    )  # fmt: skip


@login_not_required
@require_GET
def api_referentiel(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(get_object_or_404(PublishedReferentiel, pk=pk).content)


# The pages --------------------------------------------------------------------------


def _year(request: HttpRequest) -> tuple[int, list[int]]:
    years, default = consolidation.years_offered()
    year = parse_year(request.GET.get("year"))
    return (year if year in years else default), years


def _rows(data: consolidation.Year) -> list[dict]:
    return [
        {"school": school, "report": report, "cells": cells(line, one_school=True)}
        for school, line, report in data.lines
    ]


def _trend_chart(lines: list[consolidation.Line], *, one_school: bool, title: str):
    if not lines:
        return ""
    series = [
        Series(
            str(label),
            [shown_share(line, name, one_school=one_school) for line in lines],
            PALETTE[i],
        )
        for i, (name, label) in enumerate(TREND_RATES)
    ]
    return line_chart(
        [f"{line.year}-{line.year + 1}" for line in lines],
        series,
        title=title,
        fmt=lambda v: percent(v),
    )


def _overview_context(year: int) -> dict:
    data = consolidation.year(year)
    pupils = [
        (s.name, None if c.hidden else c.count)
        for s, line, _r in data.lines
        for c in cells(line, one_school=True)[:1]
    ]
    mix = list(consolidation.resource_mix(data.total))
    return {
        "data": data,
        "columns": COLUMNS,
        "rows": _rows(data),
        "total_cells": cells(data.total, one_school=False),
        "mix": mix,
        "pupils_chart": bar_chart(
            [name for name, _v in pupils],
            [Series(_("Pupils"), [v for _n, v in pupils])],
            title=_("Pupils per school"),
        )
        if pupils
        else "",
        "mix_chart": bar_chart(
            [str(label) for _s, label, _a, _sh in mix],
            [Series(_("Resources"), [amount for _s, _l, amount, _sh in mix], PALETTE[1])],
            title=_("Resources of all schools"),
            fmt=lambda v: money(v),
        )
        if data.lines
        else "",
        "trend_chart": _trend_chart(
            consolidation.trends(), one_school=False, title=_("All schools over the years")
        ),
    }


@role_required(NETWORK_STAFF)
def overview(request: HttpRequest) -> HttpResponse:
    year, years = _year(request)
    context = _overview_context(year)
    context["years"] = [(y, f"{y}-{y + 1}") for y in years]
    return render(request, "network/overview.html", context)


@role_required(NETWORK_STAFF)
def export(request: HttpRequest) -> HttpResponse:
    """One line per school and figure (hidden figures left out), then the totals."""
    year, _years = _year(request)
    data = consolidation.year(year)
    header = [
        _("School year"),
        _("School"),
        _("UAI"),
        _("Indicator"),
        _("Count"),
        _("Out of"),
        _("Rate (%)"),
    ]
    rows = []

    def lines(name: str, uai: str, line_cells) -> None:
        for cell in line_cells:
            share = "" if cell.share is None else f"{cell.share * 100:.1f}".replace(".", ",")
            count = "" if cell.hidden or cell.count is None else cell.count
            out_of = "" if cell.hidden or cell.out_of is None else cell.out_of
            shown = _("fewer than 5 pupils: in the totals only") if cell.hidden else share
            rows.append([data.label, name, uai, str(cell.column.label), count, out_of, shown])

    for school, line, _report in data.lines:
        lines(school.name, school.uai, cells(line, one_school=True))
    lines(str(_("All schools")), "", cells(data.total, one_school=False))
    return csv_response(f"reseau-indicateurs-{data.label}.csv", header, rows)


@role_required(NETWORK_STAFF)
def report_pdf(request: HttpRequest) -> HttpResponse:
    year, _years = _year(request)
    context = _overview_context(year)
    context["parts"] = [":5", "5:11", "11:"]  # an A4 page holds five figures a school
    pdf = render_pdf("pdf/network_report.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reseau-rapport-{year}-{year + 1}.pdf"'
    return response


@role_required(NETWORK_STAFF)
def schools(request: HttpRequest) -> HttpResponse:
    queryset = MemberSchool.objects.all()
    query = request.GET.get("q", "")[:100].strip()
    if query:
        queryset = queryset.filter(name__icontains=query) | queryset.filter(uai__iexact=query)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request, "network/schools.html",
        {"page_obj": page, "q": query, "query_string": f"q={query}" if query else ""},
    )  # fmt: skip


def _show_key(request: HttpRequest, school: MemberSchool, secret: str) -> HttpResponse:
    """The secret, shown this once: the hub keeps no copy to show again."""
    response = render(request, "network/key.html", {"school": school, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@role_required(NETWORK_STAFF)
def school_add(request: HttpRequest) -> HttpResponse:
    form = MemberSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        return _show_key(request, school, school.secret)
    return render(request, "network/school_form.html", {"form": form})


@role_required(NETWORK_STAFF)
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(MemberSchool, pk=pk)
    form = MemberSchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The school is saved."))
        return redirect("hub:school", pk=school.pk)
    return render(request, "network/school_form.html", {"form": form, "school": school})


@role_required(NETWORK_STAFF)
@require_POST
def school_rotate_key(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(MemberSchool, pk=pk)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Give this school a new key?"),
            facts=[(_("School"), school.name), (_("Current key"), school.key_id)],
            text=_("The current key stops working at once: the school must set the new one."),
            button=_("Make a new key"),
            cancel_url=reverse("hub:school", args=[school.pk]),
        )
    return _show_key(request, school, school.rotate_key())


@role_required(NETWORK_STAFF)
def school(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_object_or_404(MemberSchool, pk=pk)
    lines = consolidation.trends(school)
    versions = list(school.reports.order_by("-year", "-version")[:100])
    return render(
        request,
        "network/school.html",
        {
            "school": school,
            "columns": COLUMNS,
            "years": [(line, cells(line, one_school=True)) for line in reversed(lines)],
            "chart": _trend_chart(
                lines, one_school=True, title=_("%(school)s over the years") % {"school": school}
            ),
            "versions": versions,
        },
    )


@role_required(NETWORK_STAFF)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version as received: aggregates only, so shown whole to the network's staff."""
    report = get_object_or_404(Report.objects.select_related("school"), pk=pk)
    body = json.dumps(report.figures, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "network/report.html", {"report": report, "body": body})


@role_required(NETWORK_STAFF)
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = receiving.receive_file(
                form.cleaned_data["file"].read(), by=request.user.username
            )
        except receiving.Refused as refused:
            where = f" ({refused.field})" if refused.field else ""
            form.add_error("file", refused.message + where)
        else:
            messages.success(
                request,
                _("%(school)s, %(year)s: received as version %(version)s.")
                % {"school": report.school, "year": report.label, "version": report.version},
            )
            return redirect(reverse("hub:overview") + f"?year={report.year}")
    return render(request, "network/upload.html", {"form": form})


@role_required(NETWORK_STAFF)
def published(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = referentiels.publish(form.cleaned_data["version"], by=request.user.username)
        messages.success(request, _("%(item)s is published to the schools.") % {"item": item})
        return redirect("hub:referentiels")
    items = PublishedReferentiel.objects.only(
        "code", "title", "version", "published_at", "published_by"
    )
    return render(request, "network/published.html", {"form": form, "items": items})
