"""The bank's pages (issue 29 §1): importing a statement, its lines with what they pay and
a confirm button each, the lines still to reconcile, the accounts and CSV mappings, and
the SEPA transfer files of refunds. Office, accountant and direction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from banking import demo, parsers, reconcile, sepa
from banking.forms import (
    BankAccountForm,
    BatchForm,
    CsvMappingForm,
    ExplainForm,
    FilterForm,
    ImportForm,
)
from banking.models import (
    BankAccount,
    CsvMapping,
    KnownIban,
    Match,
    StatementImport,
    StatementLine,
    TransferBatch,
    compact_iban,
    validate_iban,
)
from ecoles.access import role_required
from ecoles.bounds import parse_id
from ecoles.confirm import ask, is_confirmed
from ecoles.formats import money
from ecoles.models import School
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE
from orders.views import paginate, query_string

MONEY = (DIRECTOR, OFFICE, ACCOUNTANT)
LINES_PER_PAGE = 50


def _form_page(request, form, *, title: str, back: str, intro: str = "") -> HttpResponse:
    return render(
        request,
        "banking/form.html",
        {"form": form, "title": title, "back": back, "intro": intro},
    )


# --- import ----------------------------------------------------------------------------------


@role_required(*MONEY)
def index(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = reconcile.import_statement(
                form.cleaned_data["account"], upload.read(), filename=upload.name,
                fmt=form.cleaned_data["format"], mapping=form.cleaned_data["mapping"],
                by=request.user,
            )  # fmt: skip
        except parsers.StatementError as exc:
            form.add_error("file", str(exc))
        else:
            if result.statement is None:
                messages.info(
                    request,
                    _("Nothing new: the %(n)d lines of this file were already imported.")
                    % {"n": result.read},
                )
                return redirect("banking:index")
            messages.success(
                request,
                ngettext(
                    "%(added)d line added (of %(read)d read).",
                    "%(added)d lines added (of %(read)d read).",
                    result.added,
                )
                % {"added": result.added, "read": result.read},
            )
            return redirect("banking:statement", pk=result.statement.pk)
    statements = (
        StatementImport.objects.select_related("account", "imported_by")
        .annotate(open_lines=Count("lines", filter=Q(lines__status=StatementLine.Status.OPEN)))
        .order_by("-imported_at", "-pk")
    )
    return render(
        request,
        "banking/index.html",
        {
            "form": form,
            "page": paginate(request, statements),
            "query_string": query_string(request),
            "has_account": BankAccount.objects.exists(),
            "can_edit": request.user.has_role(DIRECTOR, OFFICE),
            "open_count": StatementLine.objects.open().count(),
            "demo_files": default_storage.exists(demo.STORED + demo.FILES["camt053"]),
        },
    )


# --- lines -----------------------------------------------------------------------------------


def _lines_page(request: HttpRequest, lines, template: str, context: dict) -> HttpResponse:
    """A page of lines, each open one with its suggestions (what is open read once), each
    matched one with what it paid (one query)."""
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    suggestions = reconcile.suggestions_for(rows) if any(r.status == "open" for r in rows) else {}
    matches: dict[int, list[Match]] = {}
    done = [r.pk for r in rows if r.status == StatementLine.Status.MATCHED]
    for match in Match.objects.filter(line__in=done).select_related("invoice"):
        matches.setdefault(match.line_id, []).append(match)
    for row in rows:
        row.suggestions = suggestions.get(row.pk, [])
        row.paid = matches.get(row.pk, [])
    page.object_list = rows
    return render(
        request,
        template,
        {**context, "page": page, "rows": rows, "query_string": query_string(request),
         "explain_form": ExplainForm(), "back": request.get_full_path()},
    )  # fmt: skip


@role_required(*MONEY)
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    imported = get_object_or_404(StatementImport.objects.select_related("account"), pk=pk)
    lines = imported.lines.order_by("booking_date", "pk")
    return _lines_page(request, lines, "banking/statement.html", {"statement": imported})


@role_required(*MONEY)
def unmatched(request: HttpRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    lines = StatementLine.objects.open().select_related("statement").order_by("booking_date", "pk")
    if filters.is_valid():
        text = filters.cleaned_data["q"].strip()
        if text:
            lines = lines.filter(
                Q(remittance__icontains=text) | Q(counterparty_name__icontains=text)
                | Q(bank_reference__icontains=text)
            )  # fmt: skip
        if filters.cleaned_data["sens"] == "in":
            lines = lines.filter(amount__gt=0)
        elif filters.cleaned_data["sens"] == "out":
            lines = lines.filter(amount__lt=0)
    return _lines_page(request, lines, "banking/unmatched.html", {"filters": filters})


def _back(request: HttpRequest, line: StatementLine) -> str:
    """Back to the page the tap came from (only our own paths), else the statement."""
    back = request.POST.get("back", "")[:500]
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return reverse("banking:statement", args=[line.statement_id])


@require_POST
@role_required(*MONEY)
def line_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(StatementLine, pk=pk)
    key = request.POST.get("suggestion", "")[:2000]
    try:
        made = reconcile.confirm(line, key, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Recorded: %(what)s.") % {"what": ", ".join(m.label for m in made)},
        )
    return redirect(_back(request, line))


@require_POST
@role_required(*MONEY)
def line_match(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(StatementLine, pk=pk)
    try:
        made = reconcile.match_invoice(line, request.POST.get("number", "")[:30], request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Recorded: %(what)s.") % {"what": ", ".join(m.label for m in made)}
        )
    return redirect(_back(request, line))


@require_POST
@role_required(*MONEY)
def line_explain(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(StatementLine, pk=pk)
    form = ExplainForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say in a word what this line is."))
        reconcile.explain(line, form.cleaned_data["explanation"], request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The line is explained."))
    return redirect(_back(request, line))


@require_POST
@role_required(*MONEY)
def line_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(StatementLine, pk=pk)
    try:
        reconcile.reopen(line, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The line is to reconcile again."))
    return redirect(_back(request, line))


@role_required(*MONEY)
def demo_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The demo's sample statement (banking.demo), to try the import with."""
    name = demo.FILES[fmt]
    path = demo.STORED + name
    if not default_storage.exists(path):
        messages.info(request, _("No demo statement here: seed the demo to have one."))
        return redirect("banking:index")
    with default_storage.open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- accounts and CSV mappings -------------------------------------------------------------


@role_required(*MONEY)
def accounts(request: HttpRequest) -> HttpResponse:
    rows = BankAccount.objects.prefetch_related("mappings")
    can_edit = request.user.has_role(DIRECTOR, OFFICE)
    return render(request, "banking/accounts.html", {"accounts": rows, "can_edit": can_edit})


@role_required(DIRECTOR, OFFICE)
def account_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    account = get_object_or_404(BankAccount, pk=pk) if pk else None
    if account is None and request.method != "POST":
        school = School.load()
        initial = {"name": _("Current account"), "iban": school.iban}
    else:
        initial = {}
    form = BankAccountForm(request.POST or None, instance=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The account was saved."))
        return redirect("banking:accounts")
    return _form_page(request, form, title=_("Bank account"), back=reverse("banking:accounts"))


@role_required(DIRECTOR, OFFICE)
def mapping_edit(request: HttpRequest, account: int | None = None, pk: int | None = None):
    if pk:
        mapping = get_object_or_404(CsvMapping, pk=pk)
    else:
        mapping = CsvMapping(account=get_object_or_404(BankAccount, pk=account))
    form = CsvMappingForm(request.POST or None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The CSV mapping was saved."))
        return redirect("banking:accounts")
    return _form_page(
        request,
        form,
        title=_("How %(account)s writes its CSV") % {"account": mapping.account.name},
        back=reverse("banking:accounts"),
        intro=_("Columns are counted from 1; 0 when the bank does not give that column."),
    )


# --- SEPA transfer files (pain.001) ----------------------------------------------------------


@role_required(*MONEY)
def transfers(request: HttpRequest) -> HttpResponse:
    owed = list(sepa.owed_back())
    known = {}
    customers = {i.order.customer_id for i in owed}
    for iban, customer in (
        KnownIban.objects.filter(customer__in=customers)
        .order_by("-created_at")
        .values_list("iban", "customer_id")
    ):
        known.setdefault(customer, iban)
    for invoice in owed:
        invoice.owed = -invoice.balance_due
        invoice.iban = known.get(invoice.order.customer_id, "")
    account = BankAccount.objects.first()
    form = BatchForm(request.POST or None, initial={"execution_date": timezone.localdate()})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        orders, errors = _refund_orders(request, owed)
        if account is None:
            errors.append(_("Add the school's bank account first."))
        if not errors:
            try:
                batch = sepa.create_batch(
                    account, orders, request.user, execution=form.cleaned_data["execution_date"],
                    debtor=School.load().name,
                )  # fmt: skip
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request, _("The transfer file is ready: download it for the bank.")
                )
                return redirect("banking:batch", pk=batch.pk)
    batches = TransferBatch.objects.select_related("created_by", "sent_by")
    return render(
        request,
        "banking/transfers.html",
        {"owed": owed, "form": form, "errors": errors, "account": account,
         "page": paginate(request, batches), "query_string": query_string(request)},
    )  # fmt: skip


def _refund_orders(request: HttpRequest, owed) -> tuple[list[sepa.RefundOrder], list[str]]:
    """The rows ticked, each with its IBAN (rows, ticks and IBANs come in page order)."""
    by_pk = {invoice.pk: invoice for invoice in owed}
    rows = [parse_id(v) for v in request.POST.getlist("row")]
    ibans = request.POST.getlist("iban")
    chosen = {parse_id(v) for v in request.POST.getlist("invoice")}
    orders, errors = [], []
    for pk, iban in zip(rows, ibans, strict=False):
        if pk not in chosen or pk not in by_pk:
            continue
        invoice = by_pk[pk]
        iban = compact_iban(iban[:50])
        try:
            validate_iban(iban)
        except ValidationError:
            errors.append(_("%(invoice)s: this IBAN is not valid.") % {"invoice": invoice.number})
            continue
        orders.append(sepa.RefundOrder(invoice=invoice, iban=iban, amount=invoice.owed))
    if not orders and not errors:
        errors.append(_("Choose at least one refund."))
    return orders, errors


@role_required(*MONEY)
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    transfer_file = get_object_or_404(TransferBatch.objects.select_related("account"), pk=pk)
    items = transfer_file.items.select_related("invoice", "refund")
    return render(request, "banking/batch.html", {"batch": transfer_file, "items": items})


@role_required(*MONEY)
def batch_xml(request: HttpRequest, pk: int) -> HttpResponse:
    transfer_file = get_object_or_404(TransferBatch, pk=pk)
    response = HttpResponse(transfer_file.xml.encode(), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{transfer_file.message_id}.pain001.xml"
    )
    return response


@require_POST
@role_required(*MONEY)
def batch_sent(request: HttpRequest, pk: int) -> HttpResponse:
    transfer_file = get_object_or_404(TransferBatch, pk=pk)
    back = reverse("banking:batch", args=[pk])
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Record this transfer file as sent?"),
            facts=[(_("File"), transfer_file.message_id),
                   (_("Transfers"), transfer_file.count),
                   (_("Total"), money(transfer_file.total))],
            text=_("Each transfer is recorded as the refund of its invoice, dated today."),
            button=_("Record as sent"),
            cancel_url=back,
        )  # fmt: skip
    try:
        sepa.mark_sent(transfer_file, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The refunds are recorded."))
    return redirect(back)
