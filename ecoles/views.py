"""The school's own pages: the school profile, policy, workshops."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ecoles.access import role_required
from ecoles.forms import PolicyForm, SchoolForm, WorkshopForm
from ecoles.models import Policy, School, Workshop
from ecoles.roles import DIRECTOR, OFFICE


@role_required(DIRECTOR)
def school_edit(request: HttpRequest) -> HttpResponse:
    school = School.load()
    form = SchoolForm(request.POST or None, request.FILES or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The school profile was saved."))
        return redirect("school")
    return render(request, "ecoles/school_form.html", {"form": form})


@role_required(DIRECTOR)
def policy_edit(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=Policy.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The policy was saved."))
        return redirect("policy")
    return render(request, "ecoles/policy_form.html", {"form": form})


@role_required(DIRECTOR, OFFICE)
def workshop_list(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.prefetch_related("trainers")
    return render(request, "ecoles/workshop_list.html", {"workshops": workshops})


@role_required(DIRECTOR)
def workshop_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk) if pk is not None else None
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The workshop was saved."))
        return redirect("workshops")
    return render(request, "ecoles/workshop_form.html", {"form": form, "workshop": workshop})
