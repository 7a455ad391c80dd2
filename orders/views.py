"""Orders pages: customers, orders from quote to delivery, invoices, credit notes, payments.

Who may do what (ecoles/roles.py): the office and the director handle everything; a
trainer sees and handles his workshop's orders (never invoices); the accountant sees all
the money and handles invoices, credit notes and payments. Someone else's order is a 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoles.access import role_required
from ecoles.bounds import parse_id
from ecoles.db import Cents
from ecoles.exports import csv_response
from ecoles.models import School
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE, TRAINER
from orders import invoicing
from orders.forms import (
    AttachmentForm,
    ContactFormSet,
    CreditNoteForm,
    CustomerFilterForm,
    CustomerForm,
    DeliverForm,
    DepositForm,
    InvoiceFilterForm,
    LineFormSet,
    MaterialForm,
    NoteForm,
    OrderFilterForm,
    OrderForm,
    PaymentForm,
    PaymentReversalForm,
    VerdictCorrectionForm,
)
from orders.models import (
    BUTTON_ACTIONS,
    TRANSITIONS,
    Attachment,
    CreditNote,
    Customer,
    Delivery,
    Invoice,
    Order,
    OrderEvent,
    Payment,
    TransitionError,
)

ALL = (DIRECTOR, OFFICE, TRAINER, ACCOUNTANT)
WORKSHOP = (DIRECTOR, OFFICE, TRAINER)
MONEY = (DIRECTOR, OFFICE, ACCOUNTANT)
FRONT_OFFICE = (DIRECTOR, OFFICE)
PAGE_SIZE = 25


def _order_for(user, pk: int) -> Order:
    """The order if `user` may see it, else 404."""
    return get_object_or_404(
        Order.objects.visible_to(user).select_related("customer", "workshop", "trainer"), pk=pk
    )


def _posted(request: HttpRequest):
    """The POST data on a POST (even empty, so that the form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _page_with_figures(request: HttpRequest, orders):
    """A page of orders, then the figures (sums over lines, materials, logs) of that page
    only: sorting all orders with their sums would compute them for every order ever."""
    page = _page(request, orders.values_list("pk", flat=True))
    ids = list(page.object_list)
    rows = orders.with_figures().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids]
    return page


# --- orders ------------------------------------------------------------------------------


@role_required(*ALL)
def order_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = OrderFilterForm(request.GET or None)
    orders = Order.objects.visible_to(request.user).select_related(
        "customer", "workshop", "trainer"
    )
    if not request.user.has_role(DIRECTOR, OFFICE, ACCOUNTANT):
        form.fields["workshop"].queryset = form.fields["workshop"].queryset.filter(
            trainers=request.user
        )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            orders = orders.filter(
                Q(title__icontains=data["q"])
                | Q(reference__icontains=data["q"])
                | Q(customer__name__icontains=data["q"])
            )
        if data["status"]:
            orders = orders.with_status(data["status"], today)
        if data["workshop"]:
            orders = orders.filter(workshop=data["workshop"])
        if data["late"]:
            orders = orders.late(today)
    customer_pk = parse_id(request.GET.get("customer"))
    if customer_pk:
        orders = orders.filter(customer_id=customer_pk)
    page = _page_with_figures(request, orders)
    return render(
        request,
        "orders/order_list.html",
        {
            "form": form,
            "page_obj": page,
            "orders": page.object_list,
            "query_string": _query_string(request),
            "today": today,
            "can_add": request.user.has_role(*WORKSHOP),
        },
    )


@role_required(*ALL)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.visible_to(request.user)
        .select_related("customer", "workshop", "trainer")
        .with_figures()
        .prefetch_related(
            "lines",
            "materials",
            "attachments",
            Prefetch("events", queryset=OrderEvent.objects.select_related("by")),
            Prefetch("deliveries", queryset=Delivery.objects.select_related("recorded_by")),
            Prefetch("invoices", queryset=Invoice.objects.with_balance().order_by("sequence")),
        ),
        pk=pk,
    )
    return render(request, "orders/order_detail.html", _detail_context(request, order))


def _detail_context(request: HttpRequest, order: Order, **forms) -> dict:
    user = request.user
    school = School.load()
    actions = [a for a in order.allowed_actions(user) if a in BUTTON_ACTIONS]
    can_work = user.has_role(*WORKSHOP)
    can_bill = user.has_role(*MONEY)
    # Hours by pupil through the reverse relation (training.WorkLog), one grouped query.
    hours_rows = order.work_logs.hours_by_student()
    return {
        "order": order,
        "school": school,
        "hours_rows": hours_rows,
        "hours_total": order.time_worked,
        "totals": order.totals(school.charges_vat),
        "actions": [(a, TRANSITIONS[a].label) for a in actions],
        "can_edit": can_work and order.status not in ("invoiced", "paid", "cancelled"),
        "can_open_hours": can_work,  # the hours page is the workshop's (training:order_hours)
        "can_edit_lines": can_work and order.lines_editable,
        "can_deliver": can_work and order.status in TRANSITIONS["deliver"].sources,
        "can_correct_verdict": user.has_role(DIRECTOR)
        and order.status in TRANSITIONS["correct_verdict"].sources,
        "can_invoice": can_bill and order.status == Order.Status.DELIVERED,
        "can_deposit": can_bill
        and order.status in (Order.Status.ACCEPTED, Order.Status.IN_PRODUCTION),
        "can_see_invoices": can_bill,
        "material_form": forms.get("material_form") or MaterialForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "deposit_form": forms.get("deposit_form") or DepositForm(),
        "note_form": NoteForm(),
        "today": timezone.localdate(),
    }


@role_required(*WORKSHOP)
def order_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    order = _order_for(request.user, pk) if pk is not None else None
    if order and order.status in (Order.Status.INVOICED, Order.Status.PAID, Order.Status.CANCELLED):
        messages.error(request, _("An invoiced or cancelled order can no longer be changed."))
        return redirect("orders:detail", order.pk)
    initial = {}
    if not order and parse_id(request.GET.get("customer")):
        initial["customer"] = parse_id(request.GET["customer"])
    form = OrderForm(_posted(request), instance=order, user=request.user, initial=initial)
    if order and not order.lines_editable:
        # After acceptance the customer and price are agreed: they do not move any more.
        for name in ("customer", "workshop"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        order = form.save()
        messages.success(request, _("The order was saved."))
        if pk is None:
            return redirect("orders:lines", order.pk)
        return redirect("orders:detail", order.pk)
    return render(request, "orders/order_form.html", {"form": form, "order": order})


@role_required(*WORKSHOP)
def order_lines(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    if not order.lines_editable:
        messages.error(request, _("Lines can change only before the quote is accepted."))
        return redirect("orders:detail", order.pk)
    formset = LineFormSet(_posted(request), instance=order)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for position, form in enumerate(formset.forms, start=1):
                form.instance.position = position
            formset.save()
        messages.success(request, _("The quote lines were saved."))
        return redirect("orders:detail", order.pk)
    return render(request, "orders/order_lines.html", {"order": order, "formset": formset})


@require_POST
@role_required(*WORKSHOP)
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = _order_for(request.user, pk)
    rule = TRANSITIONS.get(action)
    if rule is None or action not in BUTTON_ACTIONS:
        raise PermissionDenied
    if not request.user.has_role(*rule.roles):
        raise PermissionDenied
    note = request.POST.get("note", "")[:500]
    try:
        if action in ("refuse", "cancel"):
            getattr(order, action)(by=request.user, note=note)
        else:
            getattr(order, action)(by=request.user)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Done: the order is now “%(status)s”.") % {"status": order.get_status_display()},
        )
    return redirect("orders:detail", order.pk)


@role_required(*WORKSHOP)
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    if order.status not in TRANSITIONS["deliver"].sources:
        messages.error(request, _("Only an order in production or in rework can be delivered."))
        return redirect("orders:detail", order.pk)
    form = DeliverForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order.deliver(
                by=request.user,
                verdict=data["verdict"],
                rework=data["rework"],
                on=data["delivered_on"],
            )
        except TransitionError as exc:
            form.add_error(None, exc)
        else:
            if order.status == Order.Status.REWORK:
                messages.warning(
                    request,
                    _(
                        "The delivery was recorded as not conforming: the order is in rework, "
                        "to be delivered again before it is invoiced."
                    ),
                )
            else:
                messages.success(request, _("The delivery was recorded."))
            return redirect("orders:detail", order.pk)
    return render(
        request,
        "orders/order_deliver.html",
        {"order": order, "form": form, "again": order.status == Order.Status.REWORK},
    )


@role_required(DIRECTOR)
def order_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    """The director corrects the latest delivery's verdict, saying why (kept in the
    order's history); the order follows the new verdict."""
    order = _order_for(request.user, pk)
    if order.status not in TRANSITIONS["correct_verdict"].sources:
        messages.error(request, _("This order has no delivery to correct."))
        return redirect("orders:detail", order.pk)
    form = VerdictCorrectionForm(
        _posted(request), initial={"verdict": order.verdict, "rework": order.rework}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order.correct_verdict(
                by=request.user, verdict=data["verdict"], reason=data["reason"],
                rework=data["rework"],
            )  # fmt: skip
        except TransitionError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The verdict was corrected: the order is now “%(status)s”.")
                % {"status": order.get_status_display()},
            )
            return redirect("orders:detail", order.pk)
    deliveries = order.deliveries.select_related("recorded_by")
    return render(
        request,
        "orders/order_verdict.html",
        {"order": order, "form": form, "deliveries": deliveries},
    )


@require_POST
@role_required(*WORKSHOP)
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    form = MaterialForm(request.POST)
    if form.is_valid():
        form.instance.order = order
        form.save()
        messages.success(request, _("The material was added."))
        return redirect("orders:detail", order.pk)
    return _detail_with_errors(request, order, material_form=form)


@require_POST
@role_required(*WORKSHOP)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        form.instance.order = order
        form.instance.uploaded_by = request.user
        form.save()
        messages.success(request, _("The file was added to the specification."))
        return redirect("orders:detail", order.pk)
    return _detail_with_errors(request, order, attachment_form=form)


def _detail_with_errors(request: HttpRequest, order: Order, **forms) -> HttpResponse:
    order = (
        Order.objects.with_figures()
        .select_related("customer", "workshop", "trainer")
        .prefetch_related(
            "lines",
            "materials",
            "attachments",
            Prefetch("events", queryset=OrderEvent.objects.select_related("by")),
            Prefetch("deliveries", queryset=Delivery.objects.select_related("recorded_by")),
            Prefetch("invoices", queryset=Invoice.objects.with_balance().order_by("sequence")),
        )
        .get(pk=order.pk)
    )
    return render(
        request, "orders/order_detail.html", _detail_context(request, order, **forms), status=200
    )


@role_required(*ALL)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.filter(order__in=Order.objects.visible_to(request.user)), pk=pk
    )
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )


@role_required(*ALL)
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    school = School.load()
    data = invoicing.render_pdf(
        "pdf/quote.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "totals": order.totals(school.charges_vat),
            "school": school,
            "quote_date": order.quote_date or timezone.localdate(),
            "valid_until": order.valid_until
            or timezone.localdate() + dt.timedelta(days=school.quote_validity_days),
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"devis-{order.reference}.pdf"
    )
    return response


@require_POST
@role_required(*MONEY)
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_for(request.user, pk)
    deposit = request.POST.get("kind") == "deposit"
    percent: Decimal | None = None
    if deposit:
        form = DepositForm(request.POST)
        if not form.is_valid():
            return _detail_with_errors(request, order, deposit_form=form)
        percent = form.cleaned_data["percent"]
    try:
        invoice = invoicing.issue_invoice(order, request.user, deposit_percent=percent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orders:detail", order.pk)
    messages.success(request, _("Invoice %(number)s was issued.") % {"number": invoice.number})
    return redirect("orders:invoice_detail", invoice.pk)


# --- customers ---------------------------------------------------------------------------


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
    customers = Customer.objects.with_money().annotate(order_count=Subquery(order_count))
    if form.is_valid():
        customers = customers.search(form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            customers = customers.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["owing"]:
            customers = customers.filter(owed__gt=0)
    page = _page(request, customers)
    return render(
        request,
        "orders/customer_list.html",
        {
            "form": form,
            "page_obj": page,
            "customers": page.object_list,
            "query_string": _query_string(request),
            "can_add": request.user.has_role(*FRONT_OFFICE),
        },
    )


CUSTOMER_SHOWN = 20  # latest orders and invoices on a customer's page


@role_required(*MONEY)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.with_money().prefetch_related("contacts"), pk=pk)
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
        "orders/customer_detail.html",
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


@role_required(*FRONT_OFFICE)
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk) if pk is not None else None
    form = CustomerForm(_posted(request), instance=customer)
    contacts = ContactFormSet(_posted(request), instance=customer, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            customer = form.save()
            contacts.instance = customer
            contacts.save()
        messages.success(request, _("The customer was saved."))
        return redirect("orders:customer_detail", customer.pk)
    return render(
        request,
        "orders/customer_form.html",
        {"form": form, "contacts": contacts, "customer": customer},
    )


# --- invoices, credit notes, payments ----------------------------------------------------


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
    page = _page(request, invoices)
    return render(
        request,
        "orders/invoice_list.html",
        {
            "form": form,
            "page_obj": page,
            "invoices": page.object_list,
            "query_string": _query_string(request),
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

    def num(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",")

    def rows():
        for inv in invoices.iterator():
            yield [
                _("Invoice"), inv.number, inv.issue_date.strftime("%d/%m/%Y"), inv.customer_name,
                num(inv.total_excl_vat), num(inv.total_vat), num(inv.total_incl_vat),
                num(inv.amount_paid), num(inv.balance_due), inv.due_date.strftime("%d/%m/%Y"), "",
            ]  # fmt: skip
        for note in notes.iterator():
            yield [
                _("Credit note"), note.number, note.issue_date.strftime("%d/%m/%Y"),
                note.customer_name, num(-note.total_excl_vat), num(-note.total_vat),
                num(-note.total_incl_vat), "", "", "", note.invoice.number,
            ]  # fmt: skip

    return csv_response("factures-avoirs.csv", header, rows())


def _invoice_context(request: HttpRequest, invoice: Invoice, **forms) -> dict:
    return {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "credit_notes": invoice.credit_notes.all(),
        "payments": invoice.payments.select_related("recorded_by", "reverses", "reversal"),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "today": timezone.localdate(),
    }


def _invoice_for(pk: int) -> Invoice:
    return get_object_or_404(Invoice.objects.with_balance().select_related("order"), pk=pk)


@role_required(*MONEY)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(pk)
    return render(request, "orders/invoice_detail.html", _invoice_context(request, invoice))


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
            return redirect("orders:invoice_detail", invoice.pk)
    context = _invoice_context(request, invoice, payment_form=form)
    return render(request, "orders/invoice_detail.html", context)


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
    form = PaymentReversalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invoicing.reverse_payment(payment, request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The payment was cancelled; the invoice is due again."))
            return redirect("orders:invoice_detail", payment.invoice_id)
    return render(request, "orders/payment_reverse.html", {"payment": payment, "form": form})


@role_required(*MONEY)
def credit_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(pk)
    form = CreditNoteForm(_posted(request), invoice=invoice)
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
            return redirect("orders:invoice_detail", invoice.pk)
    return render(request, "orders/credit_note_form.html", {"invoice": invoice, "form": form})
