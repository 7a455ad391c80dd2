"""The school's own pages: the school profile, policy, workshops."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecoles import calendar
from ecoles.access import role_required
from ecoles.confirm import ask, is_confirmed
from ecoles.forms import (
    CalendarImportForm,
    ClosureForm,
    OpenedDayForm,
    PolicyForm,
    SchoolForm,
    WorkshopForm,
)
from ecoles.models import Closure, OpenedDay, Policy, School, Workshop
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER


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


# --- the school calendar (R8) -------------------------------------------------------------

CALENDAR_READERS = (DIRECTOR, OFFICE, TRAINER, TEACHER)


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


def _year_url(day: dt.date) -> str:
    """The calendar page of the school year holding `day`."""
    start = Policy.load().school_year_start(day)
    return f"{reverse('calendar')}?{urlencode({'annee': start.year})}"


@role_required(*CALENDAR_READERS)
def calendar_year(request: HttpRequest) -> HttpResponse:
    """The school year's calendar: holidays and closing days, days opened, public holidays."""
    policy = Policy.load()
    today = timezone.localdate()
    current = policy.school_year_start(today).year
    year = _int_param(request, "annee", current, 2000, 2100)
    start = policy.school_year_start(dt.date(year, 12, 31))
    end = policy.school_year_end(start)
    school_days = calendar.Calendar.load(start, end, policy)
    holidays = [
        (day, name)
        for y in (start.year, end.year)
        for day, name in calendar.public_holidays(y).items()
        if start <= day <= end
    ]
    opened = OpenedDay.objects.filter(day__range=(start, end)).select_related("opened_by")
    months = []
    month = start
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "year": year,
        "start": start,
        "end": end,
        "closures": school_days.closures,
        "opened": [(o, school_days.calendar_reason(o.day)) for o in opened],
        "public_holidays": holidays,
        "open_days": len(school_days.open_days()),
        "months": months,
        "can_edit": request.user.is_director,
    }
    return render(request, "ecoles/calendar_year.html", context)


@role_required(*CALENDAR_READERS)
def calendar_month(request: HttpRequest) -> HttpResponse:
    """A month as a grid of weeks, each day open, closed (and why) or opened by the
    director: readable on a phone, the reasons listed under the grid."""
    today = timezone.localdate()
    year = _int_param(request, "annee", today.year, 2000, 2100)
    number = _int_param(request, "mois", today.month, 1, 12)
    first = dt.date(year, number, 1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    last = following - dt.timedelta(days=1)
    grid_start = first - dt.timedelta(days=first.weekday())
    grid_end = last + dt.timedelta(days=6 - last.weekday())
    school_days = calendar.Calendar.load(grid_start, grid_end)
    weeks, notes = [], []
    day = grid_start
    while day <= grid_end:
        week = []
        for _i in range(7):
            reason = school_days.calendar_reason(day)
            opened = school_days.opened_day(day)
            state = "opened" if reason and opened else "closed" if reason else "open"
            week.append(
                {"day": day, "in_month": day.month == number, "state": state, "reason": reason}
            )
            if day.month == number and (opened or (reason and day.weekday() < 5)):
                last_note = notes[-1] if notes else None
                if (
                    last_note
                    and not opened
                    and not last_note["opened"]
                    and last_note["reason"] == reason
                    and (day - last_note["until"]).days <= 3  # over a weekend
                ):
                    last_note["until"] = day
                else:
                    notes.append({"day": day, "until": day, "reason": reason, "opened": opened})
            day += dt.timedelta(days=1)
        weeks.append(week)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    context = {
        "month": first,
        "weeks": weeks,
        "notes": notes,
        "today": today,
        "previous": {"annee": previous.year, "mois": previous.month},
        "next": {"annee": following.year, "mois": following.month},
        "year_url": _year_url(first),
        "can_edit": request.user.is_director,
    }
    return render(request, "ecoles/calendar_month.html", context)


@role_required(DIRECTOR)
def closure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk) if pk is not None else None
    form = ClosureForm(request.POST or None, instance=closure)
    if request.method == "POST" and form.is_valid():
        closure = form.save()
        messages.success(request, _("The closure was saved."))
        return redirect(_year_url(closure.first_day))
    title = str(closure) if closure else _("New holidays or closing day")
    context = {"form": form, "object": closure, "title": title}
    if closure:
        context["delete_url"] = reverse("closure_delete", args=[closure.pk])
    return render(request, "ecoles/calendar_form.html", context)


@role_required(DIRECTOR)
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Delete %(closure)s?") % {"closure": closure},
            text=_("Those days become school days again."),
            button=_("Yes, delete"),
            cancel_url=reverse("closure_edit", args=[closure.pk]),
        )
    closure.delete()
    messages.success(request, _("The closure was deleted: those days are school days again."))
    return redirect(_year_url(closure.first_day))


@role_required(DIRECTOR)
def opened_day_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    opened = get_object_or_404(OpenedDay, pk=pk) if pk is not None else None
    initial = {}
    if opened is None and request.GET.get("jour"):
        initial["day"] = request.GET["jour"]
    form = OpenedDayForm(request.POST or None, instance=opened, initial=initial)
    if request.method == "POST" and form.is_valid():
        opened = form.save(commit=False)
        if not opened.pk:
            opened.opened_by = request.user
        opened.save()
        messages.success(request, _("The day is open: work, sessions and roll calls are allowed."))
        return redirect(_year_url(opened.day))
    title = str(opened) if opened else _("Open a closed day")
    context = {"form": form, "object": opened, "title": title}
    if opened:
        context["delete_url"] = reverse("opened_day_delete", args=[opened.pk])
    return render(request, "ecoles/calendar_form.html", context)


@role_required(DIRECTOR)
def opened_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opened = get_object_or_404(OpenedDay, pk=pk)
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Delete %(day)s?") % {"day": opened},
            text=_(
                "The day closes again: nothing more can be recorded on it; what was "
                "already recorded stays."
            ),
            button=_("Yes, delete"),
            cancel_url=reverse("opened_day_edit", args=[opened.pk]),
        )
    opened.delete()
    messages.success(request, _("The day is closed again."))
    return redirect(_year_url(opened.day))


@role_required(DIRECTOR)
def calendar_import(request: HttpRequest) -> HttpResponse:
    """Import the ministry's calendar of the school's zone (an .ics file)."""
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                created, known = calendar.import_holidays(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s period of holidays was imported",
                    "%(count)s periods of holidays were imported",
                    len(created),
                )
                % {"count": len(created)}
                + " "
                + _("(%(known)s already entered).") % {"known": known},
            )
            return redirect("calendar")
    return render(request, "ecoles/calendar_import.html", {"form": form})
