"""The funding ledgers' pages (SPEC.md R11): donors, donations and tax receipts (office,
direction; the accountant reads), the apprenticeship tax campaign, grants and families'
contributions (direction and accountant)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.forms import SendForm
from budget import receipts
from budget.forms import (
    AnnualReceiptForm,
    CallForm,
    CancelReceiptForm,
    ContributionForm,
    DonationForm,
    DonorFilterForm,
    DonorForm,
    FamilyPaymentForm,
    GrantForm,
    InstalmentForm,
    PledgeForm,
    SearchForm,
    TransferForm,
)
from budget.models import (
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    ReceiptSend,
    TaxCampaign,
    TaxReceipt,
    Transfer,
)
from ecoles.access import role_required
from ecoles.bounds import parse_year
from ecoles.confirm import ask, is_confirmed
from ecoles.db import Cents
from ecoles.formats import money
from ecoles.models import School
from ecoles.pdf import render_pdf
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE
from orders.models import Customer
from orders.views import paginate, query_string
from students.models import Student

DONORS_READ = (DIRECTOR, OFFICE, ACCOUNTANT)  # SPEC.md §2: office manages donors
DONORS_WRITE = (DIRECTOR, OFFICE)
# The funding ledgers (apprenticeship tax, grants, families' contributions): the office
# runs them as it runs donations (SPEC.md §2, issue 29 §4); the journal and the FEC stay
# with the accountant and the director (budget.views, billing).
FUNDING = (DIRECTOR, OFFICE, ACCOUNTANT)
BOOKS = (DIRECTOR, ACCOUNTANT)  # the budget page the ledgers link back to
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(queryset, field: str, outer: str):
    """The sum of `field` over `queryset` rows pointing at the outer row through `outer`."""
    sub = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(s=Sum(field))
        .values("s")
    )
    return Cents(Coalesce(Subquery(sub, output_field=MONEY), Value(ZERO), output_field=MONEY))


def _form_page(request, form, *, title: str, back: str, intro: str = "") -> HttpResponse:
    return render(
        request,
        "budget/ledger_form.html",
        {"form": form, "title": title, "back": back, "intro": intro},
    )


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _checked_year(year: int) -> int:
    """A year from the URL within ecoles.bounds' years, or 404."""
    if parse_year(year) is None:
        raise Http404
    return year


def _year_param(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year")
    if raw is None:
        return default
    year = parse_year(raw)
    if year is None:
        raise Http404
    return year


# --- Donors and donations -------------------------------------------------------------------


@role_required(*DONORS_READ)
def donor_list(request: HttpRequest) -> HttpResponse:
    form = DonorFilterForm(request.GET or None)
    donors = Donor.objects.annotate(
        given=_sum(Donation.objects.filter(received_on__isnull=False), "amount", "donor"),
    )
    if form.is_valid():
        donors = donors.search(form.cleaned_data["q"])
        if form.cleaned_data["kind"]:
            donors = donors.filter(kind=form.cleaned_data["kind"])
    page = paginate(request, donors)
    return render(
        request,
        "budget/donor_list.html",
        {
            "form": form,
            "page_obj": page,
            "donors": page.object_list,
            "query_string": query_string(request),
            "can_edit": request.user.has_role(*DONORS_WRITE),
            "runs_funding": request.user.has_role(*FUNDING),
        },
    )


@role_required(*DONORS_READ)
def donor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    donor = get_object_or_404(Donor, pk=pk)
    live = TaxReceipt.objects.valid().filter(lines__donation=OuterRef("pk")).values("number")[:1]
    donations = donor.donations.annotate(receipt_number=Subquery(live))
    today = timezone.localdate()
    return render(
        request,
        "budget/donor_detail.html",
        {
            "donor": donor,
            "donations": donations,
            "receipts": donor.receipts.select_related("replaces"),
            "annual_form": AnnualReceiptForm(initial={"year": today.year - 1}),
            "can_edit": request.user.has_role(*DONORS_WRITE),
        },
    )


@role_required(*DONORS_WRITE)
def donor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    donor = get_object_or_404(Donor, pk=pk) if pk is not None else None
    form = DonorForm(request.POST or None, instance=donor)
    if request.method == "POST" and form.is_valid():
        donor = form.save()
        messages.success(request, _("The donor was saved."))
        return redirect("budget:donor_detail", donor.pk)
    back = reverse("budget:donor_detail", args=[pk]) if pk else reverse("budget:donors")
    return _form_page(request, form, title=str(donor) if donor else _("New donor"), back=back)


@role_required(*DONORS_WRITE)
def donation_edit(request: HttpRequest, donor: int | None = None, pk: int | None = None):
    if pk is not None:
        donation = get_object_or_404(Donation.objects.select_related("donor"), pk=pk)
    else:
        donation = Donation(donor=get_object_or_404(Donor, pk=donor))
    form = DonationForm(request.POST or None, instance=donation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The donation was saved."))
        return redirect("budget:donor_detail", donation.donor_id)
    return _form_page(
        request,
        form,
        title=_("Donation of %(donor)s") % {"donor": donation.donor},
        back=reverse("budget:donor_detail", args=[donation.donor_id]),
    )


@role_required(*DONORS_WRITE)
def receipt_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET (or a POST not confirmed): what the receipt will say, to confirm; the POST from
    that page issues it."""
    donation = get_object_or_404(Donation.objects.select_related("donor"), pk=pk)
    if is_confirmed(request):
        try:
            receipt = receipts.issue_receipt(donation, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("budget:donor_detail", donation.donor_id)
        messages.success(request, _("Tax receipt %(number)s issued.") % {"number": receipt})
        return redirect("budget:receipt_detail", receipt.pk)
    return render(
        request, "budget/receipt_confirm.html", {"donation": donation, "school": School.load()}
    )


@require_POST
@role_required(*DONORS_WRITE)
def annual_receipt_issue(request: HttpRequest, pk: int) -> HttpResponse:
    donor = get_object_or_404(Donor, pk=pk)
    form = AnnualReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year of the donations to sum up."))
        return redirect("budget:donor_detail", donor.pk)
    year = form.cleaned_data["year"]
    donations = donor.donations.filter(received_on__year=year).receiptable()
    if not is_confirmed(request) and donations.exists():
        total = donations.aggregate(total=Sum("amount"))["total"]
        return ask(
            request,
            title=_("Issue the annual tax receipt of %(donor)s for %(year)s?")
            % {"donor": donor.name, "year": year},
            facts=[
                (_("Donor"), donor.name),
                (_("Donations"), donations.count()),
                (_("Total"), money(total) if total else "—"),
            ],
            text=_(
                "An issued tax receipt can never be changed or deleted: check the donor's "
                "name and address and the donations first. A wrong receipt is cancelled "
                "and replaced by a new number."
            ),
            button=_("Issue the receipt"),
            cancel_url=reverse("budget:donor_detail", args=[donor.pk]),
            form=form,
            danger=False,
        )
    try:
        receipt = receipts.issue_annual_receipt(donor, form.cleaned_data["year"], request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("budget:donor_detail", donor.pk)
    messages.success(request, _("Tax receipt %(number)s issued.") % {"number": receipt})
    return redirect("budget:receipt_detail", receipt.pk)


@role_required(*DONORS_READ)
def receipt_list(request: HttpRequest) -> HttpResponse:
    year = _year_param(request, timezone.localdate().year)
    form = SearchForm(request.GET or None)
    found = TaxReceipt.objects.filter(year=year).select_related("replaces")
    if form.is_valid() and form.cleaned_data["q"]:
        text = form.cleaned_data["q"]
        found = found.filter(Q(number__icontains=text) | Q(donor_name__icontains=text))
    page = paginate(request, found)
    return render(
        request,
        "budget/receipt_list.html",
        {
            "form": form,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "page_obj": page,
            "receipts": page.object_list,
            "query_string": query_string(request),
        },
    )


@role_required(*DONORS_READ)
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(
        TaxReceipt.objects.select_related("replaces", "donor", "issued_by", "cancelled_by"),
        pk=pk,
    )
    return render(
        request,
        "budget/receipt_detail.html",
        {
            "receipt": receipt,
            "lines": list(receipt.lines.all()),
            "replacement": TaxReceipt.objects.filter(replaces=receipt).first(),
            "sends": receipt.sends.select_related("mail", "created_by"),
            "cancel_form": CancelReceiptForm(),
            "can_edit": request.user.has_role(*DONORS_WRITE),
        },
    )


@require_POST
@role_required(*DONORS_WRITE)
def receipt_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(TaxReceipt, pk=pk)
    form = CancelReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the receipt is cancelled."))
        return redirect("budget:receipt_detail", receipt.pk)
    if not is_confirmed(request) and not receipt.is_cancelled:
        return ask(
            request,
            title=_("Cancel tax receipt %(number)s?") % {"number": receipt},
            facts=[
                (_("Donor"), receipt.donor_name),
                (_("Amount"), money(receipt.amount)),
                (_("Reason"), form.cleaned_data["reason"]),
            ],
            text=_(
                "The receipt stays numbered and is marked cancelled (its PDF is stamped "
                "ANNULÉ); the donor is told by mail if he has an address; the donation can "
                "then be corrected and a replacement issued under a new number."
            ),
            button=_("Cancel the receipt"),
            cancel_url=reverse("budget:receipt_detail", args=[receipt.pk]),
            form=form,
        )
    try:
        receipts.cancel_receipt(receipt, request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("budget:receipt_detail", receipt.pk)
    messages.success(
        request,
        _("Receipt %(number)s cancelled: correct the donation, then issue its replacement.")
        % {"number": receipt},
    )
    return redirect("budget:donor_detail", receipt.donor_id)


@role_required(*DONORS_WRITE)
def receipt_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt leaves in one step (issue #29 §2): mailed to the donor with its PDF, or
    recorded as posted, registered (with its number) or handed over."""
    receipt = get_object_or_404(TaxReceipt.objects.select_related("donor"), pk=pk)
    back = reverse("budget:receipt_detail", args=[receipt.pk])
    if receipt.is_cancelled:
        messages.error(request, _("A cancelled receipt is not sent."))
        return redirect(back)
    email = receipt.donor.email
    form = SendForm(request.POST if request.method == "POST" else None, can_mail=bool(email))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        how = ReceiptSend.Channel(data["how"])
        if not is_confirmed(request):
            facts = [(_("Donor"), receipt.donor_name), (_("How"), how.label)]
            if how == ReceiptSend.Channel.EMAIL:
                facts.append((_("To"), email))
            else:
                facts.append((_("On"), date_format(data["on"], "SHORT_DATE_FORMAT")))
            if how == ReceiptSend.Channel.REGISTERED:
                facts.append((_("Registered letter number"), data["number"]))
            return ask(
                request,
                title=_("Send tax receipt %(number)s?") % {"number": receipt.number},
                facts=facts,
                text=_("It goes into the receipt's history with its date."),
                warning=_("A mail once sent cannot be called back.")
                if how == ReceiptSend.Channel.EMAIL
                else _("A document recorded as sent stays so."),
                button=_("Send the mail") if how == ReceiptSend.Channel.EMAIL else _("Record"),
                cancel_url=back,
                form=form,
                danger=False,
            )
        try:
            receipts.send_receipt(
                receipt, request.user, channel=how, on=data["on"], number=data["number"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The receipt's sending was recorded."))
            return redirect(back)
    return render(
        request,
        "budget/receipt_send.html",
        {"receipt": receipt, "form": form, "email": email, "back": back},
    )


@role_required(*DONORS_READ)
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(TaxReceipt, pk=pk)
    return _pdf(receipts.served_pdf(receipt), f"{receipt.number}.pdf")


@role_required(*DONORS_READ)
def receipt_statement(request: HttpRequest) -> HttpResponse:
    year = _year_param(request, timezone.localdate().year - 1)
    context = {"statement": receipts.statement(year), "year": year}
    if request.GET.get("format") == "pdf":
        context |= {"school": School.load(), "today": timezone.localdate()}
        return _pdf(render_pdf("pdf/receipt_statement.html", context), f"recus-{year}.pdf")
    return render(request, "budget/receipt_statement.html", context)


# --- The apprenticeship tax -----------------------------------------------------------------


def _campaign_year(request: HttpRequest) -> int:
    return _year_param(request, timezone.localdate().year)


@role_required(*FUNDING)
def campaign(request: HttpRequest) -> HttpResponse:
    year = _campaign_year(request)
    current = TaxCampaign.objects.filter(year=year).first()
    pledges = transfers = []
    totals = {}
    if current:
        pledges = current.pledges.select_related("customer").annotate(
            received=_sum(Transfer.objects.all(), "amount", "pledge")
        )
        transfers = current.transfers.select_related("pledge")
        totals = current.transfers.aggregate(
            received=Cents(Sum("amount")),
            unallocated=Cents(Sum("amount", filter=Q(kind=Transfer.Kind.UNALLOCATED))),
            count=Count("pk"),
        ) | current.pledges.aggregate(
            promised=Cents(Sum("amount", filter=Q(status__in=["promised", "received"])))
        )
    return render(
        request,
        "budget/campaign.html",
        {
            "year": year,
            "campaign": current,
            "campaigns": TaxCampaign.objects.all(),
            "pledges": pledges,
            "transfers": transfers,
            "totals": totals,
            "sees_budget": request.user.has_role(*BOOKS),
        },
    )


@require_POST
@role_required(*FUNDING)
def campaign_open(request: HttpRequest) -> HttpResponse:
    form = AnnualReceiptForm(request.POST)  # a year
    if not form.is_valid():
        messages.error(request, _("Give the year of the campaign."))
        return redirect("budget:campaign")
    year = form.cleaned_data["year"]
    TaxCampaign.objects.get_or_create(year=year)
    return redirect(f"{reverse('budget:campaign')}?year={year}")


def _campaign_url(year: int) -> str:
    return f"{reverse('budget:campaign')}?year={year}"


@role_required(*FUNDING)
def pledge_edit(request: HttpRequest, year: int | None = None, pk: int | None = None):
    if pk is not None:
        pledge = get_object_or_404(Pledge.objects.select_related("campaign"), pk=pk)
    else:
        pledge = Pledge(campaign=get_object_or_404(TaxCampaign, year=_checked_year(year)))
    form = PledgeForm(request.POST or None, instance=pledge)
    form.fields["customer"].queryset = Customer.objects.filter(kind=Customer.Kind.COMPANY)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The promise was saved."))
        return redirect(_campaign_url(pledge.campaign.year))
    return _form_page(
        request,
        form,
        title=_("Apprenticeship tax %(year)s: a company") % {"year": pledge.campaign.year},
        back=_campaign_url(pledge.campaign.year),
    )


@role_required(*FUNDING)
def transfer_edit(request: HttpRequest, year: int | None = None, pk: int | None = None):
    if pk is not None:
        transfer = get_object_or_404(Transfer.objects.select_related("campaign"), pk=pk)
        current = transfer.campaign
    else:
        current = get_object_or_404(TaxCampaign, year=_checked_year(year))
        transfer = Transfer(campaign=current)
    form = TransferForm(request.POST or None, instance=transfer, campaign=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            if saved.pledge_id:  # a promise matched is a promise kept
                Pledge.objects.filter(pk=saved.pledge_id).update(status=Pledge.Status.RECEIVED)
        messages.success(request, _("The transfer was saved."))
        return redirect(_campaign_url(current.year))
    return _form_page(
        request,
        form,
        title=_("Apprenticeship tax %(year)s: a transfer") % {"year": current.year},
        back=_campaign_url(current.year),
        intro=_("What the national body (SOLTéA, Caisse des dépôts) transferred to the school."),
    )


@role_required(*FUNDING)
def thank_you_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(Pledge.objects.select_related("campaign", "customer"), pk=pk)
    transfers = list(pledge.transfers.all())
    context = {
        "pledge": pledge,
        "transfers": transfers,
        "received": sum((t.amount for t in transfers), ZERO),
        "school": School.load(),
        "today": timezone.localdate(),
    }
    return _pdf(render_pdf("pdf/thank_you.html", context), f"remerciement-{pledge.pk}.pdf")


# --- Grants ---------------------------------------------------------------------------------


@role_required(*FUNDING)
def grant_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    grants = Grant.objects.annotate(
        expected=_sum(Instalment.objects.all(), "expected_amount", "grant"),
        received=_sum(Instalment.objects.all(), "received_amount", "grant"),
    )
    if form.is_valid() and form.cleaned_data["q"]:
        text = form.cleaned_data["q"]
        grants = grants.filter(Q(funder__icontains=text) | Q(programme__icontains=text))
    page = paginate(request, grants)
    return render(
        request,
        "budget/grant_list.html",
        {
            "form": form,
            "page_obj": page,
            "grants": page.object_list,
            "query_string": query_string(request),
            "today": timezone.localdate(),
            "sees_budget": request.user.has_role(*BOOKS),
        },
    )


@role_required(*FUNDING)
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant, pk=pk)
    instalments = list(grant.instalments.all())
    return render(
        request,
        "budget/grant_detail.html",
        {
            "grant": grant,
            "instalments": instalments,
            "expected": sum((i.expected_amount for i in instalments), ZERO),
            "received": sum((i.received_amount or ZERO for i in instalments), ZERO),
            "today": timezone.localdate(),
        },
    )


@role_required(*FUNDING)
def grant_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    grant = get_object_or_404(Grant, pk=pk) if pk is not None else None
    form = GrantForm(request.POST or None, instance=grant)
    if request.method == "POST" and form.is_valid():
        grant = form.save()
        messages.success(request, _("The grant was saved."))
        return redirect("budget:grant_detail", grant.pk)
    back = reverse("budget:grant_detail", args=[pk]) if pk else reverse("budget:grants")
    return _form_page(request, form, title=str(grant) if grant else _("New grant"), back=back)


@role_required(*FUNDING)
def instalment_edit(request: HttpRequest, grant: int | None = None, pk: int | None = None):
    if pk is not None:
        instalment = get_object_or_404(Instalment.objects.select_related("grant"), pk=pk)
    else:
        instalment = Instalment(grant=get_object_or_404(Grant, pk=grant))
    form = InstalmentForm(request.POST or None, instance=instalment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The instalment was saved."))
        return redirect("budget:grant_detail", instalment.grant_id)
    return _form_page(
        request,
        form,
        title=_("Instalment of %(grant)s") % {"grant": instalment.grant},
        back=reverse("budget:grant_detail", args=[instalment.grant_id]),
    )


# --- Families' contributions ----------------------------------------------------------------


def _budget_year(request: HttpRequest) -> BudgetYear:
    raw = request.GET.get("year")
    if raw is None:
        return BudgetYear.for_day(timezone.localdate())
    if parse_year(raw) is None:
        raise Http404
    return get_object_or_404(BudgetYear, start__year=parse_year(raw))


def _families_url(year: BudgetYear) -> str:
    return f"{reverse('budget:families')}?year={year.start.year}"


@role_required(*FUNDING)
def families(request: HttpRequest) -> HttpResponse:
    year = _budget_year(request)
    form = SearchForm(request.GET or None)
    contributions = (
        FamilyContribution.objects.filter(year=year)
        .select_related("student")
        .annotate(paid=_sum(FamilyPayment.objects.all(), "amount", "contribution"))
        .annotate(left=Cents(ExpressionWrapper(F("amount_due") - F("paid"), output_field=MONEY)))
    )
    if form.is_valid() and form.cleaned_data["q"]:
        text = form.cleaned_data["q"]
        contributions = contributions.filter(
            Q(student__last_name__icontains=text) | Q(student__first_name__icontains=text)
        )
    totals = FamilyContribution.objects.filter(year=year).aggregate(
        due=Cents(Sum("amount_due")), count=Count("pk")
    )
    totals["paid"] = (
        FamilyPayment.objects.filter(contribution__year=year).aggregate(s=Cents(Sum("amount")))["s"]
        or ZERO
    )
    page = paginate(request, contributions)
    return render(
        request,
        "budget/families.html",
        {
            "year": year,
            "years": BudgetYear.objects.all(),
            "form": form,
            "call_form": CallForm(),
            "page_obj": page,
            "contributions": page.object_list,
            "query_string": query_string(request),
            "totals": totals,
            "payment_form": FamilyPaymentForm(initial={"date": timezone.localdate()}),
            "sees_budget": request.user.has_role(*BOOKS),
        },
    )


@require_POST
@role_required(*FUNDING)
def families_call(request: HttpRequest, year: int) -> HttpResponse:
    """The amount due, for every enrolled pupil who has none for the year yet."""
    budget_year = get_object_or_404(BudgetYear, start__year=_checked_year(year))
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the amount due per pupil."))
        return redirect(_families_url(budget_year))
    with transaction.atomic():
        has = FamilyContribution.objects.filter(year=budget_year).values("student")
        created = FamilyContribution.objects.bulk_create(
            FamilyContribution(
                student=student, year=budget_year, amount_due=form.cleaned_data["amount_due"]
            )
            for student in Student.objects.enrolled().exclude(pk__in=has)
        )
    messages.success(
        request,
        ngettext("%(count)s contribution called.", "%(count)s contributions called.", len(created))
        % {"count": len(created)},
    )
    return redirect(_families_url(budget_year))


@role_required(*FUNDING)
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(
        FamilyContribution.objects.select_related("student", "year"), pk=pk
    )
    form = ContributionForm(request.POST or None, instance=contribution)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contribution was saved."))
        return redirect(_families_url(contribution.year))
    return _form_page(
        request,
        form,
        title=_("Contribution of %(pupil)s's family, %(year)s")
        % {"pupil": contribution.student, "year": contribution.year},
        back=_families_url(contribution.year),
    )


@role_required(*FUNDING)
def family_payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(
        FamilyContribution.objects.select_related("student", "year"), pk=pk
    )
    form = FamilyPaymentForm(request.POST or None, initial={"date": timezone.localdate()})
    form.instance.contribution = contribution
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The payment was recorded."))
        return redirect(_families_url(contribution.year))
    return _form_page(
        request,
        form,
        title=_("Payment of %(pupil)s's family, %(year)s")
        % {"pupil": contribution.student, "year": contribution.year},
        back=_families_url(contribution.year),
    )
