"""The money-in pages (SPEC.md R11): reminders to send, documents mailed, customers'
statements, refunds, the accountant's FEC journal, its chart of accounts, and the
payments export for bank reconciliation."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing import credit, documents, journal, paper, refunds, reminders, sending, statement
from billing.forms import (
    ChartOfAccountsForm,
    CreditUseForm,
    LettersPostedForm,
    PeriodForm,
    RefundForm,
    ReminderBatchForm,
    SendForm,
    StatementSendForm,
    StatementsPostedForm,
)
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
from orders.models import TRANSITIONS, Customer, Order
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
    on_paper = request.POST.get("action") == "print"
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        chosen = [i for i in items if i.invoice.pk in set(form.cleaned_data["invoices"])]
        facts = [
            (i.invoice.number, f"{i.invoice.customer_name} · {money(i.invoice.balance_due)}")
            for i in chosen
        ]
        if on_paper:
            registered = form.cleaned_data["registered"]
            return ask(
                request,
                title=ngettext(
                    "Prepare %(count)s letter to post?",
                    "Prepare %(count)s letters to post?",
                    len(chosen),
                )
                % {"count": len(chosen)},
                facts=facts,
                text=_(
                    "Each reminder is recorded on its invoice and waits on the letters' "
                    "page, to be printed in one go and recorded as posted."
                )
                + (
                    " " + _("The letters say they are registered with acknowledgement of receipt.")
                    if registered
                    else ""
                ),
                warning=_("A reminder once prepared is not prepared again."),
                button=_("Prepare the letters"),
                cancel_url=reverse("billing:reminders"),
                form=form,
                extra={"action": "print"},
                danger=False,
            )
        return ask(
            request,
            title=ngettext(
                "Send %(count)s reminder by mail?", "Send %(count)s reminders by mail?", len(chosen)
            )
            % {"count": len(chosen)},
            facts=facts,
            text=_("Each mail leaves with its reminder letter attached."),
            warning=_("A mail once sent cannot be called back."),
            button=_("Send the mail"),
            cancel_url=reverse("billing:reminders"),
            form=form,
            danger=False,
        )
    if request.method == "POST" and form.is_valid() and on_paper:
        letters = reminders.prepare_letters(
            today,
            request.user,
            set(form.cleaned_data["invoices"]),
            registered=form.cleaned_data["registered"],
        )
        messages.success(
            request,
            ngettext(
                "%(n)s letter is ready to print.", "%(n)s letters are ready to print.", len(letters)
            )
            % {"n": len(letters)},
        )
        return redirect("billing:letters")
    if request.method == "POST" and form.is_valid():
        batch, queued, skipped = reminders.send_all(
            today, request.user, only=set(form.cleaned_data["invoices"])
        )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(n)s reminder was not sent: the customer has no email address. "
                    "Prepare it as a letter to post.",
                    "%(n)s reminders were not sent: the customer has no email address. "
                    "Prepare them as letters to post.",
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
    return render(
        request,
        "billing/reminder_list.html",
        {"items": items, "form": form, "waiting": reminders.waiting_letters().count()},
    )


@role_required(*MONEY)
def letters(request: HttpRequest) -> HttpResponse:
    """The reminders prepared on paper: printed in one PDF, then recorded as posted, a
    registered letter with its number (issue #29)."""
    waiting = list(reminders.waiting_letters())
    form = LettersPostedForm(posted(request), letters=waiting)
    if request.method == "POST" and form.is_valid():
        chosen, on = form.chosen(), form.cleaned_data["on"]
        if not is_confirmed(request):
            return ask(
                request,
                title=ngettext(
                    "Record %(count)s letter as posted?",
                    "Record %(count)s letters as posted?",
                    len(chosen),
                )
                % {"count": len(chosen)},
                facts=[(_("Posted on"), date_format(on, "SHORT_DATE_FORMAT"))]
                + [
                    (
                        f"{r.invoice.number} · {r.get_level_display()}",
                        f"{r.invoice.customer_name}"
                        + (
                            " · " + _("registered letter no. %(number)s") % {"number": n}
                            if (n := form.numbers()[r.pk]) and r.registered
                            else ""
                        ),
                    )
                    for r in chosen
                ],
                text=_("Each letter goes into its invoice's history as posted on that day."),
                warning=_("A letter recorded as posted leaves this list."),
                button=_("Record as posted"),
                cancel_url=reverse("billing:letters"),
                form=form,
                danger=False,
            )
        try:
            sends = reminders.record_posted(chosen, request.user, on=on, numbers=form.numbers())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s letter recorded as posted.", "%(n)s letters recorded as posted.",
                    len(sends),
                )
                % {"n": len(sends)},
            )  # fmt: skip
            return redirect("billing:letters")
    for reminder in waiting:
        reminder.number_field = form[f"number_{reminder.pk}"] if reminder.registered else None
    customers = list(paper.customers_without_email())
    start, end = statement.default_period(timezone.localdate())
    return render(
        request,
        "billing/letters.html",
        {
            "letters": waiting,
            "form": form,
            "customers": customers,
            "statements_form": StatementsPostedForm(
                customers=customers, initial={"start": start, "end": end}
            ),
        },
    )


@role_required(*MONEY)
def statements_pdf(request: HttpRequest) -> HttpResponse:
    """The statements of every customer who owes and has no email address, in one PDF."""
    form, (start, end) = _period(request, statement.default_period(timezone.localdate()))
    customers = list(paper.customers_without_email())
    if not customers:
        messages.info(request, _("No statement waits to be posted."))
        return redirect("billing:letters")
    response = HttpResponse(
        paper.statements_pdf(customers, start, end), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(False, f"releves-{end:%Y%m%d}.pdf")
    return response


@require_POST
@role_required(*MONEY)
def statements_posted(request: HttpRequest) -> HttpResponse:
    customers = list(paper.customers_without_email())
    form = StatementsPostedForm(request.POST, customers=customers)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("billing:letters")
    data, chosen = form.cleaned_data, form.chosen()
    if not is_confirmed(request):
        return ask(
            request,
            title=ngettext(
                "Record %(count)s statement as posted?",
                "Record %(count)s statements as posted?",
                len(chosen),
            )
            % {"count": len(chosen)},
            facts=[
                (_("Posted on"), date_format(data["on"], "SHORT_DATE_FORMAT")),
                (
                    _("Period"),
                    f"{date_format(data['start'], 'SHORT_DATE_FORMAT')} – "
                    f"{date_format(data['end'], 'SHORT_DATE_FORMAT')}",
                ),
            ]
            + [(c.name, money(c.owed)) for c in chosen],
            text=_("Each statement goes into the customer's history as posted on that day."),
            warning=_("A document recorded as sent stays so."),
            button=_("Record as posted"),
            cancel_url=reverse("billing:letters"),
            form=form,
            danger=False,
        )
    sends = paper.record_statements_posted(
        chosen, request.user, on=data["on"], start=data["start"], end=data["end"]
    )
    messages.success(
        request,
        ngettext(
            "%(n)s statement recorded as posted.", "%(n)s statements recorded as posted.",
            len(sends),
        )
        % {"n": len(sends)},
    )  # fmt: skip
    return redirect("billing:letters")


@role_required(*MONEY)
def letters_pdf(request: HttpRequest) -> HttpResponse:
    """Every letter waiting to be posted, in one PDF to print in one go."""
    waiting = list(reminders.waiting_letters())
    if not waiting:
        messages.info(request, _("No letter waits to be posted."))
        return redirect("billing:letters")
    response = HttpResponse(reminders.letters_pdf(waiting), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"courriers-{timezone.localdate():%Y%m%d}.pdf"
    )
    return response


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


def _send_after_asking(
    request: HttpRequest, document, *, customer: Customer, what: str, back: str,
    form_class=SendForm, period: dict | None = None,
) -> HttpResponse:  # fmt: skip
    """Sending is one step (issue #29): the form says how the document leaves, mailed
    (a mail cannot be called back: say what goes to whom first) or recorded as posted, as
    a registered letter or handed over; then it is done and in the document's history."""
    to = sending.recipients(customer)
    form = form_class(posted(request), can_mail=bool(to), initial=period)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        how = data["how"]
        span = {"start": data["start"], "end": data["end"]} if "start" in data else {}
        if not is_confirmed(request):
            if how == DocumentSend.Channel.EMAIL:
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
            facts = [
                (_("How"), DocumentSend.Channel(how).label),
                (_("On"), date_format(data["on"], "SHORT_DATE_FORMAT")),
            ]
            if how == DocumentSend.Channel.REGISTERED:
                facts.append((_("Registered letter number"), data["number"]))
            if how != DocumentSend.Channel.HAND:
                facts.append((_("Address"), customer.billing_address or "—"))
            return ask(
                request,
                title=_("Record that %(what)s left on paper?") % {"what": what},
                facts=facts,
                text=_("It goes into the document's history with its date."),
                warning=_("A document recorded as sent stays so."),
                button=_("Record"),
                cancel_url=back,
                form=form,
                danger=False,
            )
        try:
            send = sending.dispatch(
                document, request.user, channel=how, on=data["on"], number=data["number"], **span
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if send.on_paper:
                messages.success(
                    request,
                    _("Recorded: %(how)s on %(on)s.")
                    % {
                        "how": send.get_channel_display(),
                        "on": date_format(send.posted_on, "SHORT_DATE_FORMAT"),
                    },
                )
            else:
                messages.success(
                    request,
                    _("Queued for sending to %(to)s.") % {"to": ", ".join(send.recipient_list)},
                )
            return redirect(back)
    return render(
        request,
        "billing/send_form.html",
        {"form": form, "what": what, "to": to, "customer": customer, "back": back},
    )


@role_required(*MONEY)
def invoice_send(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("order__customer"), pk=pk)
    return _send_after_asking(
        request, invoice, customer=invoice.order.customer,
        what=_("invoice %(number)s") % {"number": invoice.number},
        back=reverse("billing:invoice_detail", args=[invoice.pk]),
    )  # fmt: skip


@role_required(*MONEY)
def credit_note_send(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(CreditNote.objects.select_related("invoice__order__customer"), pk=pk)
    return _send_after_asking(
        request, note, customer=note.invoice.order.customer,
        what=_("credit note %(number)s") % {"number": note.number},
        back=reverse("billing:invoice_detail", args=[note.invoice_id]),
    )  # fmt: skip


@role_required(*MONEY)
def quote_send(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Send the quote": a draft is marked sent and leaves in the same step."""
    order = order_for(request.user, pk)
    if order.status != Order.Status.DRAFT and not order.quote_date:
        messages.error(request, _("Only a quote in draft or already sent can be sent."))
        return redirect("orders:detail", order.pk)
    if order.status == Order.Status.DRAFT and not request.user.has_role(*TRANSITIONS["send"].roles):
        raise PermissionDenied
    return _send_after_asking(
        request, order, customer=order.customer,
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


@role_required(*MONEY)
def statement_send(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    period = PeriodForm(request.POST if request.method == "POST" else request.GET)
    if period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    else:
        start, end = statement.default_period(timezone.localdate())
    return _send_after_asking(
        request, customer, customer=customer, form_class=StatementSendForm,
        period={"start": start, "end": end},
        what=_("the statement of %(customer)s from %(start)s to %(end)s") % {
            "customer": customer.name,
            "start": date_format(start, "SHORT_DATE_FORMAT"),
            "end": date_format(end, "SHORT_DATE_FORMAT"),
        },
        back=reverse("billing:statement", args=[customer.pk]),
    )  # fmt: skip


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


@role_required(*MONEY)
def credit_use(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's credit on this invoice pays another of his invoices (issue #29 §3)."""
    invoice = get_object_or_404(Invoice.objects.with_balance().select_related("order"), pk=pk)
    left = credit.available(invoice)
    if not left and request.method != "POST":
        messages.error(request, _("The customer has no credit on this invoice."))
        return redirect("billing:invoice_detail", invoice.pk)
    targets = credit.targets(invoice)
    form = CreditUseForm(posted(request), targets=targets, credit=left)
    if (
        request.method == "POST"
        and form.is_valid()
        and not is_confirmed(request)
        and would_pass(
            form,
            credit.check_use_credit,
            invoice,
            form.cleaned_data["target"],
            request.user,
            amount=form.cleaned_data["amount"],
            date=form.cleaned_data["date"],
        )  # fmt: skip
    ):
        data = form.cleaned_data
        return ask(
            request,
            title=_("Use %(amount)s of the customer's credit on invoice %(number)s?")
            % {"amount": money(data["amount"]), "number": data["target"].number},
            facts=[
                (_("Customer"), invoice.customer_name),
                (_("Credit on invoice %(number)s") % {"number": invoice.number}, money(left)),
                (_("Invoice paid"), f"{data['target'].number} · {money(data['target'].balance)}"),
                (_("Date"), date_format(data["date"], "SHORT_DATE_FORMAT")),
                (_("Amount"), money(data["amount"])),
            ],
            text=_(
                "The money stays on the customer's account: it leaves this invoice's credit "
                "and pays the other one, in the books too."
            ),
            warning=_("A use of credit is never changed afterwards."),
            button=_("Use the credit"),
            cancel_url=reverse("billing:invoice_detail", args=[invoice.pk]),
            form=form,
            danger=False,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credit.use_credit(
                invoice, data["target"], request.user, amount=data["amount"], date=data["date"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(amount)s of the credit paid invoice %(number)s.")
                % {"amount": money(data["amount"]), "number": data["target"].number},
            )
            return redirect("billing:invoice_detail", invoice.pk)
    return render(
        request,
        "billing/credit_use_form.html",
        {"invoice": invoice, "form": form, "credit": left, "has_targets": targets.exists()},
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
