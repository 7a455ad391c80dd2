"""Invoices, credit notes, payments and the customers' accounts (SPEC.md R4)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import account_views, invoicing
from billing.forms import (
    CreditNoteForm,
    CustomerFilterForm,
    InvoiceFilterForm,
    PaymentForm,
    PaymentReversalForm,
)
from billing.models import CreditNote, CreditUse, Invoice, LifecycleEvent, Payment, with_money
from ecoles.access import role_required
from ecoles.bounds import parse_id
from ecoles.confirm import ask, is_confirmed, would_pass
from ecoles.db import Cents
from ecoles.exports import csv_response
from ecoles.formats import money
from ecoles.models import School
from orders.forms import DepositForm
from orders.models import Customer, Order, VatRate
from orders.views import (
    FRONT_OFFICE,
    MONEY,
    detail_with_errors,
    order_for,
    paginate,
    posted,
    query_string,
)


@role_required(*MONEY)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """An invoice is a numbered legal document that can never be edited or deleted: the
    first request (a link, or a POST not yet confirmed) shows what would be issued; the
    POST from that page issues it."""
    order = order_for(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    deposit = data.get("kind") == "deposit"
    percent: Decimal | None = None
    form = None
    if deposit:
        form = DepositForm(data)
        if not form.is_valid():
            return detail_with_errors(request, order, deposit_form=form)
        percent = form.cleaned_data["percent"]
    try:
        if is_confirmed(request):
            invoice = invoicing.issue_invoice(order, request.user, deposit_percent=percent)
        else:
            draft = invoicing.draft_invoice(
                order, School.load(), deposit_percent=percent, today=timezone.localdate()
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:detail", order.pk)
    if not is_confirmed(request):
        return render(
            request,
            "billing/invoice_confirm.html",
            {
                "order": order,
                "draft": draft,
                "percent": percent,
                "confirm_form": form,
                "confirm_extra": {"kind": "deposit"} if deposit else {},
                "cancel_url": reverse("orders:detail", args=[order.pk]),
            },
        )
    messages.success(request, _("Invoice %(number)s was issued.") % {"number": invoice.number})
    return redirect("billing:invoice_detail", invoice.pk)


@role_required(*MONEY)
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET or None)
    order_count = (
        Order.objects.filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    customers = with_money(Customer.objects.all()).annotate(order_count=Subquery(order_count))
    if form.is_valid():
        customers = customers.search(form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            customers = customers.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["owing"]:
            customers = customers.filter(owed__gt=0)
    page = paginate(request, customers)
    return render(
        request,
        "billing/customer_list.html",
        {
            "form": form,
            "page_obj": page,
            "customers": page.object_list,
            "query_string": query_string(request),
            "can_add": request.user.has_role(*FRONT_OFFICE),
        },
    )


CUSTOMER_SHOWN = 20  # latest orders and invoices on a customer's page


@role_required(*MONEY)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(
        with_money(Customer.objects.all()).prefetch_related("contacts"), pk=pk
    )
    today = timezone.localdate()
    orders = customer.orders.select_related("workshop").with_figures().order_by("-pk")
    invoices = (
        Invoice.objects.filter(order__customer=customer)
        .with_balance()
        .order_by("-issue_date", "-pk")
    )
    # The latest of each; a customer of ten years has the full lists one link away.
    counts = Order.objects.filter(customer=customer).aggregate(
        orders=Count("pk", distinct=True), invoices=Count("invoices", distinct=True)
    )
    return render(
        request,
        "billing/customer_detail.html",
        {
            "customer": customer,
            "orders": orders[:CUSTOMER_SHOWN],
            "orders_count": counts["orders"],
            "invoices": invoices[:CUSTOMER_SHOWN],
            "invoices_count": counts["invoices"],
            "today": today,
            "can_edit": request.user.has_role(*FRONT_OFFICE),
        },
    )


def _invoices_filtered(request: HttpRequest, form: InvoiceFilterForm):
    today = timezone.localdate()
    invoices = Invoice.objects.with_balance().select_related("order")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            invoices = invoices.filter(
                Q(number__icontains=data["q"])
                | Q(customer_name__icontains=data["q"])
                | Q(order_reference__icontains=data["q"])
            )
        if data["state"] == form.OWED:
            invoices = invoices.owed()
        elif data["state"] == form.OVERDUE:
            invoices = invoices.overdue(today)
        elif data["state"] == form.PAID:
            invoices = invoices.paid()
        if data["year"]:
            invoices = invoices.filter(year=data["year"])
    customer_pk = parse_id(request.GET.get("customer"))
    if customer_pk:
        invoices = invoices.filter(order__customer_id=customer_pk)
    return invoices


@role_required(*MONEY)
def invoice_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = InvoiceFilterForm(request.GET or None)
    invoices = _invoices_filtered(request, form)
    summary = Invoice.objects.owed().aggregate(
        owed=Cents(Sum("balance_due")),
        overdue=Cents(Sum("balance_due", filter=Q(due_date__lt=today))),
        overdue_count=Count("pk", filter=Q(due_date__lt=today)),
    )
    page = paginate(request, invoices)
    return render(
        request,
        "billing/invoice_list.html",
        {
            "form": form,
            "page_obj": page,
            "invoices": page.object_list,
            "query_string": query_string(request),
            "summary": summary,
            "today": today,
        },
    )


@role_required(*MONEY)
def invoice_export(request: HttpRequest) -> HttpResponse:
    """For the accountant: invoices and credit notes, one line each (credit notes negative)."""
    form = InvoiceFilterForm(request.GET or None)
    invoices = _invoices_filtered(request, form).order_by("year", "sequence")
    notes = CreditNote.objects.select_related("invoice").order_by("year", "sequence")
    if form.is_valid() and form.cleaned_data["year"]:
        notes = notes.filter(year=form.cleaned_data["year"])
    header = [
        _("Type"), _("Number"), _("Date"), _("Customer"), _("Excl. VAT"), _("VAT"),
        _("Incl. VAT"), _("Amount paid"), _("Due"), _("Due date"), _("Invoice"),
    ]  # fmt: skip
    # R11: the base and the VAT of each rate, for the VAT return.
    rates = [Decimal(value) for value, _label in VatRate.choices if Decimal(value)]
    for rate in rates:
        label = f"{rate.normalize():f}".replace(".", ",")
        header += [_("Base %(rate)s %%") % {"rate": label}, _("VAT %(rate)s %%") % {"rate": label}]

    def num(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",")

    def per_rate(document, sign: int = 1) -> list[str]:
        found = {rate: (base, vat) for rate, base, vat in document.by_rate}
        cells = []
        for rate in rates:
            base, vat = found.get(rate, (None, None))
            cells += [num(sign * base), num(sign * vat)] if base is not None else ["", ""]
        return cells

    def rows():
        for inv in invoices.iterator():
            yield [
                _("Invoice"), inv.number, inv.issue_date.strftime("%d/%m/%Y"), inv.customer_name,
                num(inv.total_excl_vat), num(inv.total_vat), num(inv.total_incl_vat),
                num(inv.amount_paid), num(inv.balance_due), inv.due_date.strftime("%d/%m/%Y"), "",
                *per_rate(inv),
            ]  # fmt: skip
        for note in notes.iterator():
            yield [
                _("Credit note"), note.number, note.issue_date.strftime("%d/%m/%Y"),
                note.customer_name, num(-note.total_excl_vat), num(-note.total_vat),
                num(-note.total_incl_vat), "", "", "", note.invoice.number,
                *per_rate(note, -1),
            ]  # fmt: skip

    return csv_response("factures-avoirs.csv", header, rows())


def _invoice_context(request: HttpRequest, invoice: Invoice, **forms) -> dict:
    return {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "credit_notes": invoice.credit_notes.all(),
        "payments": invoice.payments.select_related("recorded_by", "reverses", "reversal"),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        # R11: refunds, the reminder ladder, the mails sent about the invoice.
        "refunds": invoice.refunds.select_related("recorded_by"),
        "credit_uses": CreditUse.objects.filter(Q(source=invoice) | Q(target=invoice))
        .select_related("source", "target", "recorded_by")
        .order_by("date", "pk"),
        "reminders": invoice.reminders.all(),
        "sends": account_views.sends_for_invoice(invoice),
        "today": timezone.localdate(),
        "flow_events": LifecycleEvent.objects.filter(flow__invoice=invoice),
    }


def _invoice_for(pk: int) -> Invoice:
    return get_object_or_404(Invoice.objects.with_balance().select_related("order"), pk=pk)


@role_required(*MONEY)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(pk)
    return render(request, "billing/invoice_detail.html", _invoice_context(request, invoice))


def _pdf_response(document) -> HttpResponse:
    data = invoicing.stored_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{document.number}.pdf")
    return response


@role_required(*MONEY)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(get_object_or_404(Invoice, pk=pk))


@role_required(*MONEY)
def credit_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(get_object_or_404(CreditNote, pk=pk))


@require_POST
@role_required(*MONEY)
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(pk)
    form = PaymentForm(request.POST)
    if (
        form.is_valid()
        and not is_confirmed(request)
        and would_pass(form, invoicing.check_payment, invoice, request.user, **form.cleaned_data)
    ):
        data = form.cleaned_data
        facts = [
            (_("Invoice"), f"{invoice.number} · {invoice.customer_name}"),
            (_("Date"), date_format(data["date"], "SHORT_DATE_FORMAT")),
            (_("Method"), Payment.Method(data["method"]).label),
            (_("Reference"), data["reference"] or "—"),
            (_("Amount"), money(data["amount"])),
        ]
        text = [_("The payment goes into the books; the invoice's balance goes down by it.")]
        excess = data["amount"] - max(invoice.balance_due, Decimal("0.00"))
        if excess > 0:
            facts.append((_("Balance due"), money(max(invoice.balance_due, Decimal("0.00")))))
            facts.append((_("More than due: the customer's credit"), money(excess)))
            text.append(
                _(
                    "The invoice is paid and the excess is the customer's credit, shown on "
                    "his statement: refund it, or use it on another of his invoices."
                )
            )
        return ask(
            request,
            title=_("Record a payment of %(amount)s?") % {"amount": money(data["amount"])},
            facts=facts,
            text=text,
            warning=_("A payment is never deleted: a mistake is corrected by cancelling it."),
            button=_("Record the payment"),
            cancel_url=reverse("billing:invoice_detail", args=[invoice.pk]),
            form=form,
            danger=False,
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoicing.record_payment(
                invoice,
                request.user,
                date=data["date"],
                amount=data["amount"],
                method=data["method"],
                reference=data["reference"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("billing:invoice_detail", invoice.pk)
    context = _invoice_context(request, invoice, payment_form=form)
    return render(request, "billing/invoice_detail.html", context)


@role_required(*MONEY)
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a payment (a cheque returned unpaid, an amount typed wrong) with a reversing
    entry that says why; the payment itself is never deleted."""
    payment = get_object_or_404(
        Payment.objects.select_related("invoice", "recorded_by"),
        pk=pk,
        reverses__isnull=True,
        reversal__isnull=True,
    )
    form = PaymentReversalForm(posted(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and not is_confirmed(request)
        and would_pass(form, invoicing.check_reversal, payment, request.user, **form.cleaned_data)
    ):
        return ask(
            request,
            title=_("Cancel this payment of %(amount)s?") % {"amount": money(payment.amount)},
            facts=[
                (_("Invoice"), f"{payment.invoice.number} · {payment.invoice.customer_name}"),
                (
                    _("Payment"),
                    f"{date_format(payment.date, 'SHORT_DATE_FORMAT')} · "
                    f"{payment.get_method_display()} · {money(payment.amount)}",
                ),
                (_("Reason"), form.cleaned_data["reason"]),
            ],
            text=_(
                "A cancellation of the opposite amount, dated today, is written beside the "
                "payment with your reason, and the invoice is due again."
            ),
            warning=_("The payment and its cancellation stay in the books for good."),
            button=_("Cancel this payment"),
            cancel_url=reverse("billing:invoice_detail", args=[payment.invoice_id]),
            form=form,
        )
    if request.method == "POST" and form.is_valid():
        try:
            invoicing.reverse_payment(payment, request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The payment was cancelled; the invoice is due again."))
            return redirect("billing:invoice_detail", payment.invoice_id)
    return render(request, "billing/payment_reverse.html", {"payment": payment, "form": form})


@role_required(*MONEY)
def credit_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(pk)
    form = CreditNoteForm(posted(request), invoice=invoice)
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        # A credit note is numbered and final too: say what it will credit, then issue.
        return render(
            request,
            "billing/credit_note_confirm.html",
            {
                "invoice": invoice,
                "data": form.cleaned_data,
                "partial": form.cleaned_data["extent"] == form.PARTIAL,
                "confirm_form": form,
                "cancel_url": reverse("billing:invoice_detail", args=[invoice.pk]),
            },
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partial = data["extent"] == form.PARTIAL
        try:
            note = invoicing.issue_credit_note(
                invoice,
                request.user,
                reason=data["reason"],
                amount_excl_vat=data["amount_excl_vat"] if partial else None,
                vat_rate=data.get("vat_rate") if partial else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Credit note %(number)s was issued.") % {"number": note.number}
            )
            return redirect("billing:invoice_detail", invoice.pk)
    return render(request, "billing/credit_note_form.html", {"invoice": invoice, "form": form})
