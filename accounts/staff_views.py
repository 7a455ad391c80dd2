"""The director's staff pages (issue 29 §4): who works here with which roles, invitations,
changes, suspension and restoration, without the Django admin. The rules are in
accounts.staff; these views fetch, validate, call and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import staff
from accounts.forms import StaffFilterForm, StaffForm
from accounts.models import StaffChange
from ecoles.access import role_required
from ecoles.confirm import ask, is_confirmed
from ecoles.models import User, Workshop
from ecoles.roles import DIRECTOR

PAGE_SIZE = 50


def _member(pk: int) -> User:
    return get_object_or_404(staff.staff(), pk=pk)


def _status_filter(value: str) -> Q:
    # Never logged in and no password chosen yet: accounts.staff.status() in SQL.
    invited = Q(
        is_active=True, last_login__isnull=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    if value == "suspended":
        return Q(is_active=False)
    if value == "invited":
        return invited
    return Q(is_active=True) & ~invited


def _with_roles(queryset):
    return queryset.prefetch_related(
        "groups", Prefetch("workshops", queryset=Workshop.objects.only("pk", "name"))
    )


def _rows(members) -> list[dict]:
    return [
        {
            "member": member,
            "roles": [
                name
                for name in staff.STAFF_ROLES
                if name in {group.name for group in member.groups.all()}
            ],
            "workshops": list(member.workshops.all()),
            "status": staff.status(member),
        }
        for member in members
    ]


@role_required(DIRECTOR)
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    members = staff.staff()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"]
            members = members.filter(
                Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
                | Q(email__icontains=text)
                | Q(username__icontains=text)
            )
        if data["role"]:
            members = members.filter(pk__in=staff.staff().filter(groups__name=data["role"]))
        if data["status"]:
            members = members.filter(_status_filter(data["status"]))
    page = Paginator(_with_roles(members.order_by("last_name", "first_name", "pk")), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "accounts/staff_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _rows(page.object_list),
            "query_string": params.urlencode(),
        },
    )


@role_required(DIRECTOR)
def staff_add(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = staff.invite(
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role_names=data["roles"],
                workshops=data["workshops"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(member)s is invited: a mail with a link to choose a password is on its way "
                  "to %(email)s.") % {"member": member, "email": member.email},
            )  # fmt: skip
            return redirect("staff:detail", member.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "member": None})


@role_required(DIRECTOR)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(_with_roles(staff.staff()), pk=pk)
    form = StaffForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff.change(
                member,
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role_names=data["roles"],
                workshops=data["workshops"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The account of %(member)s is saved.") % {"member": member})
            return redirect("staff:detail", member.pk)
    changes = StaffChange.objects.filter(member=member).select_related("by")[:50]
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "form": form,
            "member": member,
            "row": _rows([member])[0],
            "changes": changes,
            "is_self": member.pk == request.user.pk,
        },
    )


@require_POST
@role_required(DIRECTOR)
def staff_invite_again(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    try:
        staff.invite_again(member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(email)s; the earlier links no longer work.")
            % {"email": member.email},
        )
    return redirect("staff:detail", member.pk)


@role_required(DIRECTOR)
def staff_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    back = reverse("staff:detail", args=[member.pk])
    try:
        staff.check_suspend(member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Suspend the access of %(member)s?") % {"member": member},
            facts=[(_("Login"), member.get_username()), (_("E-mail"), member.email)],
            text=[
                _(
                    "%(member)s can no longer log in, and is logged out of every open session "
                    "at once."
                )
                % {"member": member},
                _("The account and everything done with it stay."),
            ],  # fmt: skip
            warning=_("You can restore the access later."),
            button=_("Suspend the access"),
            cancel_url=back,
        )
    staff.suspend(member, by=request.user)
    messages.success(request, _("The access of %(member)s is suspended.") % {"member": member})
    return redirect(back)


@require_POST
@role_required(DIRECTOR)
def staff_restore(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    try:
        staff.restore(member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(member)s can log in again.") % {"member": member})
    return redirect("staff:detail", member.pk)


@role_required(DIRECTOR)
def staff_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    back = reverse("staff:detail", args=[member.pk])
    try:
        staff.check_withdraw(member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Withdraw the invitation of %(member)s?") % {"member": member},
            facts=[(_("E-mail"), member.email)],
            text=_(
                "The account, never used, is deleted and its link stops working. The "
                "invitation stays in the staff's history."
            ),  # fmt: skip
            button=_("Withdraw the invitation"),
            cancel_url=back,
        )
    try:
        staff.withdraw(member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("The invitation of %(member)s is withdrawn.") % {"member": member})
    return redirect("staff:list")
