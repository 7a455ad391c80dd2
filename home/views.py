"""Each role's home page: what needs attention today (home/dashboards.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoles.models import School
from ecoles.roles import ACCOUNTANT, DIRECTOR, OFFICE, TEACHER, TRAINER
from home import dashboards

HOME_KEYS = {
    DIRECTOR: "director",
    OFFICE: "office",
    TRAINER: "trainer",
    TEACHER: "teacher",
    ACCOUNTANT: "accountant",
}


def home(request: HttpRequest) -> HttpResponse:
    role = request.user.main_role
    if role is None:
        return render(request, "home/home_norole.html")
    key = HOME_KEYS[role]
    context = {"school": School.load(), "role": role, **dashboards.for_role(key, request.user)}
    return render(request, f"home/home_{key}.html", context)
