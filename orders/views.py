"""Orders pages: customers, orders from quote to delivery, invoices, credit notes, payments.

Who may do what (ecoles/roles.py): the office and the director handle everything; a
trainer sees and handles his workshop's orders (never invoices); the accountant sees all
the money and handles invoices, credit notes and payments. Someone else's order is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Prefetch,
    Q,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoles import pickers
from ecoles.access import role_required
from ecoles.bounds import parse_id
from ecoles.confirm import ask, is_confirmed
from ecoles.models import School
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE, TRAINER
from orders import documents
from orders.forms import (
    AttachmentForm,
    ContactFormSet,
    CustomerForm,
    DeliverForm,
    DepositForm,
    LineFormSet,
    MaterialForm,
    NoteForm,
    OrderFilterForm,
    OrderForm,
    VerdictCorrectionForm,
)
from orders.models import (
    BUTTON_ACTIONS,
    TRANSITIONS,
    Attachment,
    Customer,
    Delivery,
    Order,
    OrderEvent,
    TransitionError,
)

ALL = (DIRECTOR, OFFICE, TRAINER, ACCOUNTANT)
WORKSHOP = (DIRECTOR, OFFICE, TRAINER)
MONEY = (DIRECTOR, OFFICE, ACCOUNTANT)
FRONT_OFFICE = (DIRECTOR, OFFICE)
PAGE_SIZE = 25
DELIVERY_NOTE_STATUSES = ("in_production", "rework", "delivered", "invoiced", "paid")


def order_for(user, pk: int) -> Order:
    """The order if `user` may see it, else 404."""
    return get_object_or_404(
        Order.objects.visible_to(user).select_related("customer", "workshop", "trainer"), pk=pk
    )


def _invoices_with_balance():
    """An order's invoices with what each still owes, reached through the reverse relation
    (invoices are billing's, above orders: named by the relation, not imported)."""
    invoices = Order._meta.get_field("invoices").related_model
    return invoices.objects.with_balance().order_by("sequence")


def posted(request: HttpRequest):
    """The POST data on a POST (even empty, so that the form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _page_with_figures(request: HttpRequest, orders):
    """A page of orders, then the figures (sums over lines, materials, logs) of that page
    only: sorting all orders with their sums would compute them for every order ever."""
    page = paginate(request, orders.values_list("pk", flat=True))
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
            "query_string": query_string(request),
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
            Prefetch("invoices", queryset=_invoices_with_balance()),
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
        "lines": order.placed_lines(school.charges_vat),  # each at the rate it is charged
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
        # R11: the delivery note is printed for the delivery, and again afterwards.
        "delivery_note_statuses": DELIVERY_NOTE_STATUSES,
        "sends": order.document_sends.select_related("created_by")[:10] if can_bill else [],
        "material_form": forms.get("material_form") or MaterialForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "deposit_form": forms.get("deposit_form") or DepositForm(),
        "note_form": NoteForm(),
        "today": timezone.localdate(),
    }


@role_required(*WORKSHOP)
def order_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    order = order_for(request.user, pk) if pk is not None else None
    if order and order.status in (Order.Status.INVOICED, Order.Status.PAID, Order.Status.CANCELLED):
        messages.error(request, _("An invoiced or cancelled order can no longer be changed."))
        return redirect("orders:detail", order.pk)
    initial = {}
    if not order and parse_id(request.GET.get("customer")):
        initial["customer"] = parse_id(request.GET["customer"])
    search = pickers.search_text(request, "customer")
    form = OrderForm(
        posted(request), instance=order, user=request.user, initial=initial, customer_search=search
    )
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
    return render(
        request, "orders/order_form.html", {"form": form, "order": order, "customer_q": search}
    )


@role_required(*WORKSHOP)
def customer_choices(request: HttpRequest) -> HttpResponse:
    """The order form's customer picker, as the user types (static/js/picker.js)."""
    text = request.GET.get("q", "").strip()[:100]
    return pickers.choices_response(Customer.objects.search(text).order_by("name"))


@role_required(*WORKSHOP)
def order_lines(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for(request.user, pk)
    if not order.lines_editable:
        messages.error(request, _("Lines can change only before the quote is accepted."))
        return redirect("orders:detail", order.pk)
    formset = LineFormSet(posted(request), instance=order)
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
    order = order_for(request.user, pk)
    rule = TRANSITIONS.get(action)
    if rule is None or action not in BUTTON_ACTIONS:
        raise PermissionDenied
    if not request.user.has_role(*rule.roles):
        raise PermissionDenied
    note = request.POST.get("note", "")[:500]
    if action == "cancel" and not is_confirmed(request) and _could_cancel(order, request.user):
        # A cancelled order is final: nothing moves it again (SPEC.md R3).
        return ask(
            request,
            title=_("Cancel order %(reference)s?") % {"reference": order.reference},
            facts=[
                (_("Order"), order.title),
                (_("Customer"), order.customer),
                (_("Status"), order.get_status_display()),
            ],
            text=_(
                "A cancelled order is final: it stays in the lists as cancelled, can no "
                "longer be quoted, produced, delivered nor invoiced, and its hours no "
                "longer change."
            ),
            button=_("Cancel the order"),
            cancel_url=reverse("orders:detail", args=[order.pk]),
            extra={"note": note} if note else None,
        )
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


def _could_cancel(order: Order, user) -> bool:
    """Whether cancelling would pass (a pure check): a refusal is then said by the real
    attempt, without a confirmation page first."""
    try:
        order.check_cancel()
    except TransitionError:
        return False
    return True


@role_required(*WORKSHOP)
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for(request.user, pk)
    if order.status not in TRANSITIONS["deliver"].sources:
        messages.error(request, _("Only an order in production or in rework can be delivered."))
        return redirect("orders:detail", order.pk)
    form = DeliverForm(posted(request))
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
    order = order_for(request.user, pk)
    if order.status not in TRANSITIONS["correct_verdict"].sources:
        messages.error(request, _("This order has no delivery to correct."))
        return redirect("orders:detail", order.pk)
    form = VerdictCorrectionForm(
        posted(request), initial={"verdict": order.verdict, "rework": order.rework}
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
    order = order_for(request.user, pk)
    form = MaterialForm(request.POST)
    if form.is_valid():
        form.instance.order = order
        form.save()
        messages.success(request, _("The material was added."))
        return redirect("orders:detail", order.pk)
    return detail_with_errors(request, order, material_form=form)


@require_POST
@role_required(*WORKSHOP)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        form.instance.order = order
        form.instance.uploaded_by = request.user
        form.save()
        messages.success(request, _("The file was added to the specification."))
        return redirect("orders:detail", order.pk)
    return detail_with_errors(request, order, attachment_form=form)


def detail_with_errors(request: HttpRequest, order: Order, **forms) -> HttpResponse:
    order = (
        Order.objects.with_figures()
        .select_related("customer", "workshop", "trainer")
        .prefetch_related(
            "lines",
            "materials",
            "attachments",
            Prefetch("events", queryset=OrderEvent.objects.select_related("by")),
            Prefetch("deliveries", queryset=Delivery.objects.select_related("recorded_by")),
            Prefetch("invoices", queryset=_invoices_with_balance()),
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
    order = order_for(request.user, pk)
    response = HttpResponse(documents.render_quote(order), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"devis-{order.reference}.pdf"
    )
    return response


@role_required(*ALL)
def delivery_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for(request.user, pk)
    if not order.lines.exists():
        raise Http404
    data = documents.render_delivery_note(order)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"bon-de-livraison-{order.reference or order.pk}.pdf"
    )
    return response


# --- customers ---------------------------------------------------------------------------


@role_required(*FRONT_OFFICE)
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk) if pk is not None else None
    form = CustomerForm(posted(request), instance=customer)
    contacts = ContactFormSet(posted(request), instance=customer, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            customer = form.save()
            contacts.instance = customer
            contacts.save()
        messages.success(request, _("The customer was saved."))
        return redirect("billing:customer_detail", customer.pk)
    return render(
        request,
        "orders/customer_form.html",
        {"form": form, "contacts": contacts, "customer": customer},
    )


# --- invoices, credit notes, payments ----------------------------------------------------
