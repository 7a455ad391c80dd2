"""The e-invoicing pages (SPEC.md R12): the invoices suppliers sent through the platform,
reading back the platform's statuses, and the e-reporting of a period."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing import ereporting, exchange
from billing.models import SupplierInvoice
from ecoles.access import role_required
from ecoles.models import School
from orders.views import FRONT_OFFICE, MONEY, paginate, query_string


@role_required(*MONEY)
def supplier_invoices(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    invoices = SupplierInvoice.objects.search(text).defer("xml", "lines")
    return render(
        request,
        "billing/supplier_invoices.html",
        {
            "page": paginate(request, invoices),
            "q": text,
            "query_string": query_string(request),
            "can_sync": request.user.has_role(*FRONT_OFFICE),
        },
    )


@role_required(*MONEY)
def supplier_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    return render(request, "billing/supplier_invoice.html", {"invoice": invoice})


@role_required(*MONEY)
def supplier_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(SupplierInvoice, pk=pk)
    if not invoice.pdf:
        raise Http404
    with invoice.pdf.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{invoice.flow_id}.pdf")
    return response


@require_POST
@role_required(*FRONT_OFFICE)
def platform_sync(request: HttpRequest) -> HttpResponse:
    """Read back the platform's statuses and receive supplier invoices now (the worker
    does it too, `manage.py einvoicing_sync`)."""
    recorded, received = exchange.sync()
    messages.success(
        request,
        ngettext("%(count)s status read back", "%(count)s statuses read back", recorded)
        % {"count": recorded}
        + ", "
        + ngettext(
            "%(count)s supplier invoice received.",
            "%(count)s supplier invoices received.",
            received,
        )
        % {"count": received},
    )
    return redirect("billing:supplier_invoices")


def _period(request: HttpRequest, school: School) -> tuple[dt.date, dt.date]:
    try:
        day = dt.date.fromisoformat(request.GET.get("period", ""))
    except ValueError:
        day = timezone.localdate()
    day = min(max(day, dt.date(2000, 1, 1)), dt.date(2100, 12, 31))
    return ereporting.period_of(school, day)


@role_required(*MONEY)
def ereporting_page(request: HttpRequest) -> HttpResponse:
    school = School.load()
    start, end = _period(request, school)
    report = ereporting.build(start, end)
    if request.GET.get("format") == "xml":
        response = HttpResponse(ereporting.to_xml(report, school), content_type="application/xml")
        response["Content-Disposition"] = content_disposition_header(
            True, f"e-reporting-{start:%Y%m%d}-{end:%Y%m%d}.xml"
        )
        return response
    return render(
        request,
        "billing/ereporting.html",
        {
            "report": report,
            "periods": ereporting.periods(school, start.year),
            "length": ereporting.period_length(school),
            "previous": start - dt.timedelta(days=1),
            "next": end + dt.timedelta(days=1),
        },
    )
