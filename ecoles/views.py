"""The school's own pages: each role's home page, the school profile, policy, workshops."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ecoles.access import role_required
from ecoles.forms import PolicyForm, SchoolForm, WorkshopForm
from ecoles.models import Policy, School, Workshop
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE, TEACHER, TRAINER

HOME_TEMPLATES = {
    DIRECTOR: "ecoles/home_director.html",
    OFFICE: "ecoles/home_office.html",
    TRAINER: "ecoles/home_trainer.html",
    TEACHER: "ecoles/home_teacher.html",
    ACCOUNTANT: "ecoles/home_accountant.html",
}


def home(request: HttpRequest) -> HttpResponse:
    role = request.user.main_role
    if role is None:
        return render(request, "ecoles/home_norole.html")
    return render(request, HOME_TEMPLATES[role], {"school": School.load(), "role": role})


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
    workshop = get_object_or_404(Workshop, pk=pk) if pk else None
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The workshop was saved."))
        return redirect("workshops")
    return render(request, "ecoles/workshop_form.html", {"form": form, "workshop": workshop})
