"""The money-in pages (SPEC.md R11): reminders to send, documents mailed, customers'
statements, refunds, the accountant's FEC journal, its chart of accounts, and the
payments export for bank reconciliation."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing import documents, journal, refunds, reminders, sending, statement
from billing.forms import ChartOfAccountsForm, PeriodForm, RefundForm, ReminderBatchForm
from billing.models import (
    ChartOfAccounts,
    CreditNote,
    DocumentSend,
    Invoice,
    Payment,
    Refund,
    Reminder,
)
from ecoles.access import role_required
from ecoles.confirm import ask, is_confirmed, would_pass
from ecoles.exports import csv_response
from ecoles.formats import money
from ecoles.models import School
from ecoles.roles import ACCOUNTANT, DIRECTOR
from orders.models import Customer
from orders.views import MONEY, order_for, posted

BOOKS = (DIRECTOR, ACCOUNTANT)  # the accountant's journal and chart of accounts


def _period(request: HttpRequest, default: tuple[dt.date, dt.date]) -> tuple[PeriodForm, tuple]:
    """The period asked in the query string, or `default` (also when it is invalid, the
    form then showing why)."""
    form = PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    if not form.is_bound:
        form = PeriodForm(initial={"start": default[0], "end": default[1]})
    return form, default


# --- reminders ---------------------------------------------------------------------------


@role_required(*MONEY)
def reminder_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = reminders.pending(today)
    form = ReminderBatchForm(posted(request), choices=[i.invoice.pk for i in items])
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        chosen = [i for i in items if i.invoice.pk in set(form.cleaned_data["invoices"])]
        return ask(
            request,
            title=ngettext(
                "Send %(count)s reminder by mail?", "Send %(count)s reminders by mail?", len(chosen)
            )
            % {"count": len(chosen)},
            facts=[
                (i.invoice.number, f"{i.invoice.customer_name} · {money(i.invoice.balance_due)}")
                for i in chosen
            ],
            text=_("Each mail leaves with its reminder letter attached."),
            warning=_("A mail once sent cannot be called back."),
            button=_("Send the mail"),
            cancel_url=reverse("billing:reminders"),
            form=form,
            danger=False,
        )
    if request.method == "POST" and form.is_valid():
        batch, queued, skipped = reminders.send_all(
            today, request.user, only=set(form.cleaned_data["invoices"])
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(n)s reminder was not sent: the customer has no email address.",
                    "%(n)s reminders were not sent: the customer has no email address.",
                    skipped,
                )
                % {"n": skipped},
            )
        if not queued:
            return redirect("billing:reminders")
        messages.success(
            request,
            ngettext("%(n)s reminder is being sent.", "%(n)s reminders are being sent.", queued)
            % {"n": queued},
        )
        return redirect("billing:send_batch", batch)
    for item in items:
        item.recipients = sending.recipients(item.invoice.order.customer)
    return render(request, "billing/reminder_list.html", {"items": items, "form": form})


@role_required(*MONEY)
def send_batch(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    sends = list(
        DocumentSend.objects.filter(batch=batch)
        .select_related("reminder__invoice", "customer")
        .order_by("pk")
    )
    if not sends:
        raise Http404
    done = sum(1 for s in sends if s.status != DocumentSend.Status.QUEUED)
    return render(
        request,
        "billing/send_batch.html",
        {
            "sends": sends,
            "done": done,
            "total": len(sends),
            "failed": sum(1 for s in sends if s.status == DocumentSend.Status.FAILED),
            "running": done < len(sends),
        },
    )


@role_required(*MONEY)
def reminder_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder.objects.select_related("invoice"), pk=pk)
    response = HttpResponse(documents.stored_pdf(reminder), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"relance-{reminder.invoice.number}-{reminder.level}.pdf"
    )
    return response


# --- documents sent by mail ------------------------------------------------------------------


def _sent(request: HttpRequest, action, document, *args) -> bool:
    """Queue `document` by `action(document, user, *args)`; say so, or why not."""
    try:
        send = action(document, request.user, *args)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(
        request, _("Queued for sending to %(to)s.") % {"to": ", ".join(send.recipient_list)}
    )
    return True


def _send_after_asking(
    request: HttpRequest, action, document, *args, to: list[str], what: str, back: str, form=None
) -> HttpResponse:
    """A mail to a customer cannot be called back: say what goes to whom, then send."""
    if to and not is_confirmed(request):
        return ask(
            request,
            title=_("Send %(what)s by mail?") % {"what": what},
            facts=[(_("To"), ", ".join(to))],
            text=_("The mail leaves with the document attached."),
            warning=_("A mail once sent cannot be called back."),
            button=_("Send the mail"),
            cancel_url=back,
            form=form,
            danger=False,
        )
    _sent(request, action, document, *args)
    return redirect(back)


@require_POST
@role_required(*MONEY)
def invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("order__customer"), pk=pk)
    return _send_after_asking(
        request, sending.send_invoice, invoice,
        to=sending.recipients(invoice.order.customer),
        what=_("invoice %(number)s") % {"number": invoice.number},
        back=reverse("billing:invoice_detail", args=[invoice.pk]),
    )  # fmt: skip


@require_POST
@role_required(*MONEY)
def credit_note_send(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(CreditNote.objects.select_related("invoice__order__customer"), pk=pk)
    return _send_after_asking(
        request, sending.send_credit_note, note,
        to=sending.recipients(note.invoice.order.customer),
        what=_("credit note %(number)s") % {"number": note.number},
        back=reverse("billing:invoice_detail", args=[note.invoice_id]),
    )  # fmt: skip


@require_POST
@role_required(*MONEY)
def quote_send(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_for(request.user, pk)
    return _send_after_asking(
        request, sending.send_quote, order,
        to=sending.recipients(order.customer),
        what=_("the quote of order %(reference)s") % {"reference": order.reference},
        back=reverse("orders:detail", args=[order.pk]),
    )  # fmt: skip


@require_POST
@role_required(*MONEY)
def send_retry(request: HttpRequest, pk: int) -> HttpResponse:
    send = get_object_or_404(DocumentSend.objects.select_related("customer"), pk=pk)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Send this mail again?"),
            facts=[
                (_("Subject"), send.subject),
                (_("To"), ", ".join(sending.recipients(send.customer) or send.recipient_list)),
            ],
            text=_("The mail leaves again with the same document attached."),
            warning=_("A mail once sent cannot be called back."),
            button=_("Send the mail"),
            cancel_url=_document_url(send),
            danger=False,
        )
    try:
        sending.retry(send, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The mail will be sent again."))
    return redirect(_document_url(send))


def _document_url(send: DocumentSend) -> str:
    if send.invoice_id:
        return reverse("billing:invoice_detail", args=[send.invoice_id])
    if send.credit_note_id:
        return reverse("billing:invoice_detail", args=[send.credit_note.invoice_id])
    if send.reminder_id:
        return reverse("billing:invoice_detail", args=[send.reminder.invoice_id])
    if send.order_id:
        return reverse("orders:detail", args=[send.order_id])
    return reverse("billing:statement", args=[send.customer_id])


# --- statements ------------------------------------------------------------------------------


def _statement(request: HttpRequest, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    form, (start, end) = _period(request, statement.default_period(timezone.localdate()))
    return form, statement.build(customer, start, end)


@role_required(*MONEY)
def statement_page(request: HttpRequest, pk: int) -> HttpResponse:
    form, drawn = _statement(request, pk)
    sends = DocumentSend.objects.filter(
        customer=drawn.customer, kind=DocumentSend.Kind.STATEMENT
    ).select_related("created_by")[:10]
    return render(
        request,
        "billing/statement.html",
        {"form": form, "statement": drawn, "customer": drawn.customer, "sends": sends},
    )


@role_required(*MONEY)
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _form, drawn = _statement(request, pk)
    response = HttpResponse(documents.render_statement(drawn), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"releve-{drawn.end:%Y%m%d}.pdf"
    )
    return response


@require_POST
@role_required(*MONEY)
def statement_send(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period first."))
    else:
        data = form.cleaned_data
        return _send_after_asking(
            request, sending.send_statement, customer, data["start"], data["end"],
            to=sending.recipients(customer),
            what=_("the statement of %(customer)s from %(start)s to %(end)s") % {
                "customer": customer.name,
                "start": date_format(data["start"], "SHORT_DATE_FORMAT"),
                "end": date_format(data["end"], "SHORT_DATE_FORMAT"),
            },
            back=reverse("billing:statement", args=[customer.pk]),
            form=form,
        )  # fmt: skip
    return redirect("billing:statement", customer.pk)


# --- refunds ---------------------------------------------------------------------------------


@role_required(*MONEY)
def refund_add(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.with_balance().select_related("order"), pk=pk)
    due = refunds.owed_back(invoice)
    if not due and request.method != "POST":
        messages.error(request, _("Nothing is owed back to the customer on this invoice."))
        return redirect("billing:invoice_detail", invoice.pk)
    form = RefundForm(posted(request), owed_back=due)
    if (
        request.method == "POST"
        and form.is_valid()
        and not is_confirmed(request)
        and would_pass(form, refunds.check_refund, invoice, request.user, **form.cleaned_data)
    ):
        data = form.cleaned_data
        return ask(
            request,
            title=_("Record a refund of %(amount)s?") % {"amount": money(data["amount"])},
            facts=[
                (_("Invoice"), f"{invoice.number} · {invoice.customer_name}"),
                (_("Owed back to the customer"), money(due)),
                (_("Date"), date_format(data["date"], "SHORT_DATE_FORMAT")),
                (_("Method"), dict(form.fields["method"].choices).get(data["method"], "")),
                (_("Reference"), data["reference"] or "—"),
                (_("Amount"), money(data["amount"])),
            ],
            text=_("The money given back goes into the books against this invoice."),
            warning=_("A refund is never changed afterwards."),
            button=_("Record the refund"),
            cancel_url=reverse("billing:invoice_detail", args=[invoice.pk]),
            form=form,
            danger=False,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refunds.record_refund(
                invoice, request.user, date=data["date"], amount=data["amount"],
                method=data["method"], reference=data["reference"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The refund was recorded."))
            return redirect("billing:invoice_detail", invoice.pk)
    return render(
        request, "billing/refund_form.html", {"invoice": invoice, "form": form, "due": due}
    )


# --- the accountant's books ------------------------------------------------------------------


def _year_to_date(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), today


@role_required(*BOOKS)
def journal_page(request: HttpRequest) -> HttpResponse:
    form, (start, end) = _period(request, _year_to_date(timezone.localdate()))
    return render(
        request,
        "billing/journal.html",
        {"form": form, "start": start, "end": end, "query": request.GET.urlencode()},
    )


@role_required(*BOOKS)
def journal_fec(request: HttpRequest) -> HttpResponse:
    form, (start, end) = _period(request, _year_to_date(timezone.localdate()))
    if form.is_bound and not form.is_valid():
        return render(request, "billing/journal.html", {"form": form}, status=400)
    siren = School.load().siret[:9]
    response = HttpResponse(
        journal.extract(start, end), content_type=f"text/plain; charset={journal.ENCODING}"
    )
    name = journal.extract_filename(siren, start, end)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@role_required(*BOOKS)
def chart_edit(request: HttpRequest) -> HttpResponse:
    form = ChartOfAccountsForm(request.POST or None, instance=ChartOfAccounts.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The chart of accounts was saved."))
        return redirect("billing:chart")
    return render(request, "billing/chart_form.html", {"form": form})


@role_required(*MONEY)
def payment_export(request: HttpRequest) -> HttpResponse:
    """For bank reconciliation: every movement of money of the period, one line each,
    in date order (refunds and cancellations negative)."""
    form, (start, end) = _period(request, _year_to_date(timezone.localdate()))
    header = [
        _("Date"), _("Type"), _("Method"), _("Reference"), _("Invoice"), _("Customer"),
        _("Amount"), _("Cancels"),
    ]  # fmt: skip
    payments = (
        Payment.objects.filter(date__range=(start, end))
        .select_related("invoice", "reverses")
        .order_by("date", "pk")
    )
    refunds_ = Refund.objects.filter(date__range=(start, end)).select_related("invoice")
    methods = dict(Payment.Method.choices)

    def num(value) -> str:
        return f"{value:.2f}".replace(".", ",")

    def rows():
        moves = [(p.date, 0, p.pk, p) for p in payments] + [(r.date, 1, r.pk, r) for r in refunds_]
        for _d, kind, _pk, m in sorted(moves, key=lambda x: x[:3]):
            if kind == 0:
                label = _("Cancellation") if m.reverses_id else _("Payment")
                cancels = m.reverses.date.strftime("%d/%m/%Y") if m.reverses_id else ""
                amount = m.amount
            else:
                label, cancels, amount = _("Refund"), "", -m.amount
            yield [
                m.date.strftime("%d/%m/%Y"), label, methods.get(m.method, m.method),
                m.reference, m.invoice.number, m.invoice.customer_name, num(amount), cancels,
            ]  # fmt: skip

    return csv_response(f"paiements-{start:%Y%m%d}-{end:%Y%m%d}.csv", header, rows())


def sends_for_invoice(invoice: Invoice) -> list[DocumentSend]:
    """What the invoice page shows of the mails about it (one query)."""
    sends = DocumentSend.objects.for_invoice(invoice)
    return list(sends.select_related("credit_note", "reminder", "created_by")[:30])
