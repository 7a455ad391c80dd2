"""Pages of school life: the workshop roll call, the register, absences, the law's
alerts and their letters, early signs of dropping out, the declarations."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ecoles import confirm, pickers
from ecoles.access import role_required
from ecoles.bounds import parse_id
from ecoles.exports import csv_response
from ecoles.models import Policy, Workshop
from ecoles.pdf import render_pdf
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from schoollife import declarations as school_declarations
from schoollife import dropout, families, letters, register, rollcall, threshold
from schoollife.absences import describe as half_day_words
from schoollife.days import month_bounds, school_days
from schoollife.forms import (
    AbsenceForm,
    AbsenceRangeForm,
    DeclarationSentForm,
    MonthForm,
    RegisterFilterForm,
    ReportForm,
    RollCallForm,
)
from schoollife.forms import cohorts as enrolled_cohorts
from schoollife.models import (
    HALVES,
    Absence,
    AuthorityReport,
    DeclarationSent,
    FamilyNotice,
    HalfDay,
    Mark,
    RollCall,
)
from students.models import Student
from training import timetable


def _workshops(user):
    if user.has_role(DIRECTOR, OFFICE, TEACHER):
        return Workshop.objects.active()
    return Workshop.objects.active().led_by(user)


def _current_half(policy: Policy) -> str:
    now = timezone.localtime().time()
    return HalfDay.MORNING if now < policy.afternoon_start else HalfDay.AFTERNOON


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@role_required(TRAINER, DIRECTOR)
def roll_call(request: HttpRequest) -> HttpResponse:
    """The trainer's roll call at the start of a half-day, on his phone."""
    policy = Policy.load()
    workshops = _workshops(request.user)
    chosen = request.GET.get("workshop")
    # A workshop named must be a valid id of the user's (404 otherwise); none: his first.
    workshop_id = parse_id(chosen) if chosen else workshops.values_list("pk", flat=True).first()
    workshop = get_object_or_404(workshops, pk=workshop_id or 0)
    today = timezone.localdate()
    half = request.GET.get("half") if request.GET.get("half") in HALVES else _current_half(policy)
    pupils = list(Student.objects.enrolled().filter(workshop=workshop, entry_date__lte=today))
    # Who the timetable sends to a theory session this half-day: the trainer sees it.
    places = timetable.expected_place([p.pk for p in pupils], today)
    for p in pupils:
        place = places[p.pk][half]
        p.expected_theory = place.label if place and place.kind == "theory" else ""
    call = RollCall.objects.filter(workshop=workshop, day=today, half=half).first()
    # A recorded absence shows ticked: re-taking the roll call keeps it unless changed (R9).
    initial = {
        f"s{pk}": Mark.ABSENT
        for pk in Absence.objects.filter(student__in=pupils, day=today, half=half).values_list(
            "student_id", flat=True
        )
    }
    if call:
        for mark in call.marks.all():
            initial[f"s{mark.student_id}"] = mark.status
            initial[f"m{mark.student_id}"] = mark.late_minutes or None
            initial[f"a{mark.student_id}"] = mark.activity
    all_present = "all_present" in request.POST
    form = RollCallForm(
        None if all_present else (request.POST or None), pupils=pupils, initial=initial
    )
    here = f"{request.path}?workshop={workshop.pk}&half={half}"
    endings = rollcall.would_end(workshop, today, half, pupils) if all_present else []
    if endings and not confirm.is_confirmed(request):
        return _ask_all_present(request, endings, here)
    if request.method == "POST" and (all_present or form.is_valid()):
        exceptions = {} if all_present else form.exceptions()
        try:
            rollcall.take(workshop, today, half, exceptions, request.user, pupils)
        except ValidationError as exc:
            for text in exc.messages:
                if all_present:
                    messages.error(request, text)
                else:
                    form.add_error(None, text)
        else:
            messages.success(
                request,
                ngettext(
                    "Roll call saved: %(absent)s exception.",
                    "Roll call saved: %(absent)s exceptions.",
                    len(exceptions),
                )
                % {"absent": len(exceptions)},
            )
            return redirect(here)
    return render(
        request,
        "schoollife/roll_call.html",
        {
            "form": form,
            "workshop": workshop,
            "workshops": workshops,
            "half": half,
            "halves": HalfDay.choices,
            "today": today,
            "call": call,
        },
    )


def _ask_all_present(request: HttpRequest, endings: list, here: str) -> HttpResponse:
    """ "All present" over a roll call with exceptions or recorded absences: which it ends."""
    facts = []
    for e in endings:
        if e.kept:
            what = _("absence kept (%(reason)s): the office changes it") % {
                "reason": e.absence.reason or e.absence.get_reported_how_display()
            }
        elif e.absence is not None:
            what = _("absence ended")
        else:
            what = _("%(status)s no longer recorded") % {"status": Mark(e.status).label}
        facts.append((str(e.pupil), what))
    return confirm.ask(
        request,
        title=_("Mark everyone present?"),
        facts=facts,
        text=_(
            "This roll call already has exceptions or recorded absences. Marked present, "
            "the pupils above lose them; an absence the office or the family gave a reason "
            "stays until the office withdraws it."
        ),
        warning=_("The absences ended are kept in their history."),
        button=_("Mark everyone present"),
        cancel_url=here,
        extra={"all_present": "1"},
        action=here,
    )


@role_required(DIRECTOR, OFFICE, TRAINER, TEACHER)
def register_day(request: HttpRequest) -> HttpResponse:
    """A group's day: who was expected where, and whether each roll call was taken."""
    policy = Policy.load()
    workshops = _workshops(request.user)
    form = RegisterFilterForm(request.GET or None, workshops=workshops, cohorts=enrolled_cohorts())
    day = timezone.localdate()
    pupils = Student.objects.none()
    group = None
    if form.is_valid():
        day = form.cleaned_data["day"]
        if form.cleaned_data["workshop"]:
            group = form.cleaned_data["workshop"]
            pupils = Student.objects.filter(workshop=group)
        elif form.cleaned_data["cohort"]:
            group = _("Cohort %(year)s") % {"year": form.cleaned_data["cohort"]}
            pupils = Student.objects.filter(cohort=form.cleaned_data["cohort"])
            if not request.user.has_role(DIRECTOR, OFFICE, TEACHER):
                pupils = pupils.filter(workshop__in=workshops)
    elif not request.GET and workshops.exists():
        group = workshops.first()
        pupils = Student.objects.filter(workshop=group)
    pupils = list(
        pupils.current()
        .present_during(day, day)
        .select_related("workshop")
        .order_by("last_name", "first_name")
    )
    cells = register.build(pupils, day, day, policy)
    taken = register.taken({p.workshop_id for p in pupils}, day)
    places = timetable.expected_place([p.pk for p in pupils], day)
    rows = [
        {
            "pupil": p,
            "cells": [
                (h, cells.get((p.pk, day, h)), (p.workshop_id, h) in taken, places[p.pk][h])
                for h in HALVES
            ],
        }
        for p in pupils
    ]
    return render(
        request,
        "schoollife/register.html",
        {
            "form": form,
            "rows": rows,
            "day": day,
            "group": group,
            "school_day": bool(school_days(day, day)),
        },
    )


@role_required(DIRECTOR, OFFICE, TRAINER, TEACHER)
def register_pdf(request: HttpRequest) -> HttpResponse:
    """The month's register of a workshop: the half-day grid with totals, to sign."""
    policy = Policy.load()
    # Without a workshop named, the user's first (a trainer's own, for the others the first
    # by name), so that the link from the register needs no choice to be made.
    workshops = _workshops(request.user).order_by("name")
    chosen = request.GET.get("workshop")
    workshop = (
        get_object_or_404(workshops, pk=parse_id(chosen) or 0) if chosen else workshops.first()
    )
    if workshop is None:
        raise Http404
    form = MonthForm(request.GET)
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    first, last = month_bounds(month)
    last = min(last, timezone.localdate())
    pupils = list(
        Student.objects.current()
        .filter(workshop=workshop)
        .present_during(first, last)
        .order_by("last_name", "first_name")
    )
    days = school_days(first, last)
    cells = register.build(pupils, first, last, policy)
    rows = [
        {
            "pupil": p,
            "cells": [cells.get((p.pk, d, h)) for d in days for h in HALVES],
            "totals": register.totals(cells, p.pk),
        }
        for p in pupils
    ]
    pdf = render_pdf(
        "pdf/register.html",
        {"workshop": workshop, "month": first, "days": days, "rows": rows, "signer": request.user},
    )
    return _pdf(pdf, f"registre-appel-{workshop.name}-{first:%Y-%m}.pdf")


@role_required(DIRECTOR, OFFICE, TRAINER)
def absences(request: HttpRequest) -> HttpResponse:
    qs = Absence.objects.visible_to(request.user).select_related(
        "student", "student__workshop", "reason"
    )
    shown = request.GET.get("show", "to_decide")
    if shown == "to_decide":
        qs = qs.to_decide()
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(student__in=Student.objects.search(text))
    page = Paginator(qs.order_by("-day", "-half", "student__last_name"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "schoollife/absences.html",
        {
            "page": page,
            "show": shown,
            "q": text,
            "can_edit": request.user.has_role(DIRECTOR, OFFICE),
        },
    )


@role_required(DIRECTOR, OFFICE)
def absence_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    absence = get_object_or_404(Absence.objects.select_related("student"), pk=pk) if pk else None
    was_accepted = absence.accepted if absence else False
    students = Student.objects.enrolled().current().select_related("workshop")
    search = pickers.search_text(request, "student")
    if absence is None:
        return _absence_range(request, students, search)
    form = AbsenceForm(
        request.POST or None,
        request.FILES or None,
        instance=absence,
        students=students,
        search=search,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.accepted != was_accepted:
            saved.decided_by, saved.decided_at = request.user, timezone.now()
        try:
            with transaction.atomic():
                saved.save()
                if saved.reported_by_family:
                    families.cancel(saved)
        except IntegrityError:
            form.add_error(None, _("This pupil already has an absence for this half-day."))
        else:
            messages.success(request, _("Absence saved."))
            return redirect("schoollife:absences")
    notices = list(absence.family_notices().select_related("done_by")) if absence else []
    untold = []
    if absence and not absence.reported_by_family:
        guardians = absence.student.guardians.filter(legal_representative=True)
        untold = [g for g in guardians if families.addressee(g) is None]
    return render(
        request,
        "schoollife/absence_form.html",
        {
            "form": form,
            "absence": absence,
            "notices": notices,
            "untold": untold,
            "student_q": search,
        },
    )


def _absence_range(request: HttpRequest, students, search: str) -> HttpResponse:
    """A new absence: one form for a range of days (R9), each school half-day recorded,
    the family told once."""
    form = AbsenceRangeForm(
        request.POST or None, request.FILES or None, students=students, search=search
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = form.record(by=request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
        except IntegrityError:  # someone recorded one of its half-days meanwhile
            form.add_error(None, _("This pupil already has an absence for this half-day."))
        else:
            count = len(recorded.created)
            messages.success(
                request,
                ngettext(
                    "Absence saved: %(count)s half-day.",
                    "Absence saved: %(count)s half-days.",
                    count,
                )
                % {"count": count},
            )
            if recorded.already:
                messages.warning(
                    request,
                    _("Already recorded, kept as it was: %(half_days)s.")
                    % {"half_days": ", ".join(half_day_words(a) for a in recorded.already)},
                )
            return redirect("schoollife:absences")
    return render(
        request,
        "schoollife/absence_form.html",
        {"form": form, "absence": None, "notices": [], "untold": [], "student_q": search},
    )


@role_required(DIRECTOR, OFFICE)
def calls(request: HttpRequest) -> HttpResponse:
    """The calls to the families the office has to make today (R9: the guardians told by
    phone, or without an email), and recording one once made."""
    if request.method == "POST":
        notice = get_object_or_404(
            FamilyNotice.objects.select_related("guardian", "student"),
            pk=parse_id(request.POST.get("notice")),
            channel=FamilyNotice.Channel.PHONE,
        )
        said = " ".join(request.POST.get("result", "").split())
        if families.record_call(notice, request.user, said):
            messages.success(
                request,
                _("Call to the family of %(name)s recorded.") % {"name": notice.student},
            )
        else:
            messages.info(
                request,
                _("This call was not waiting any more: the family reported the absence, "
                  "or a colleague recorded the call."),
            )  # fmt: skip
        return redirect("schoollife:calls")
    return render(
        request,
        "schoollife/calls.html",
        {"calls": list(families.calls_to_make()), "now": timezone.now()},
    )


@role_required(DIRECTOR, OFFICE)
def pupil_choices(request: HttpRequest) -> HttpResponse:
    """The absence form's pupil picker, as the user types (static/js/picker.js)."""
    text = request.GET.get("q", "").strip()[:100]
    pupils = Student.objects.enrolled().current().search(text)
    return pickers.choices_response(pupils.order_by("last_name", "first_name"))


@role_required(DIRECTOR, OFFICE)
def alerts(request: HttpRequest) -> HttpResponse:
    """L131-8 and the obligation of training: the month's pupils over the threshold, and
    what the director did for each (referral, meeting on persistence, youth mission)."""
    form = MonthForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    report_form = ReportForm(request.POST or None)
    month_alerts = threshold.alerts(month)
    if request.method == "POST":
        if not request.user.is_director:
            raise PermissionDenied
        kind = request.POST.get("kind")
        if kind not in AuthorityReport.Kind.values:
            raise Http404
        student_id = parse_id(request.POST.get("student"))
        wanted = threshold.OBLIGATION if kind == AuthorityReport.Kind.MISSION else threshold.LAW
        found = [a for a in month_alerts if a.student.pk == student_id and a.kind == wanted]
        if not found:
            raise Http404
        if report_form.is_valid():
            data = report_form.cleaned_data
            AuthorityReport.objects.update_or_create(
                student=found[0].student,
                month=month,
                kind=kind,
                defaults={
                    "half_days": found[0].count,
                    "sent_on": data["sent_on"],
                    "method": data["method"],
                    "referent": data["referent"],
                    "sent_by": request.user,
                },
            )
            messages.success(request, _("Recorded."))
            return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(
        request,
        "schoollife/alerts.html",
        {
            "month": month,
            "form": form,
            "report_form": report_form,
            "alerts": month_alerts,
            "methods": AuthorityReport.Method.choices,
            "today": timezone.localdate(),
        },
    )


@role_required(DIRECTOR, OFFICE)
def alert_letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The prepared referral to the DASEN (L131-8), saying how and when each guardian was
    told of each half-day it counts. There is no letter to the mayor any more."""
    if kind != "dasen":
        raise Http404
    form = MonthForm(request.GET)
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    student = get_object_or_404(Student.objects.current(), pk=pk)
    found = [
        a
        for a in threshold.alerts(month, Student.objects.filter(pk=student.pk))
        if a.kind == threshold.LAW
    ]
    if not found:
        raise Http404
    pdf = render_pdf(
        "pdf/absence_letter.html",
        {
            "alert": found[0],
            "student": student,
            "guardians": letters.how_told(student, found[0].half_days),
            "month": month,
            "today": timezone.localdate(),
            "signer": request.user,
        },
    )
    return _pdf(pdf, f"signalement-dasen-{student.last_name}-{month:%Y-%m}.pdf")


@role_required(DIRECTOR, TRAINER)
def dropout_signals(request: HttpRequest) -> HttpResponse:
    """Every pupil's signals; a trainer sees his tutees."""
    today = timezone.localdate()
    pupils = Student.objects.enrolled().current().select_related("workshop", "tutor")
    if not request.user.is_director:
        pupils = pupils.filter(tutor=request.user)
    signals = dropout.compute(pupils, today)
    rows = sorted(signals.values(), key=lambda s: (not s.flagged, -s.unjustified))
    return render(
        request,
        "schoollife/dropout.html",
        {"rows": rows, "reasons": dropout.REASONS, "today": today},
    )


@role_required(DIRECTOR, OFFICE)
def declarations(request: HttpRequest) -> HttpResponse:
    """What a hors-contrat school declares: the year's pupils (within 8 days of the start)
    and each month's arrivals and departures; CSV or PDF, and when each was sent."""
    policy = Policy.load()
    today = timezone.localdate()
    form = MonthForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else today.replace(day=1)
    kind = "year" if request.GET.get("kind") == "year" else ""
    year_start = policy.school_year_start(month)
    first, last = month_bounds(month)
    period = year_start if kind == "year" else first
    sent_kind = DeclarationSent.Kind.YEAR if kind == "year" else DeclarationSent.Kind.MONTH
    # The declaration recorded is the one shown (the page's kind and month), never a posted one.
    sent_form = DeclarationSentForm(request.POST or None)
    if request.method == "POST" and sent_form.is_valid():
        DeclarationSent.objects.update_or_create(
            kind=sent_kind,
            period=period,
            defaults={"sent_on": sent_form.cleaned_data["sent_on"], "sent_by": request.user},
        )
        messages.success(request, _("Recorded."))
        return redirect(f"{request.path}?kind={kind}&month={month:%Y-%m}")
    if kind == "year":
        pupils = Student.objects.current().present_during(
            year_start, year_start + dt.timedelta(days=7)
        )
        title = _("Pupils at the start of the school year %(year)s") % {
            "year": f"{year_start.year}-{year_start.year + 1}"
        }
    else:
        arrivals = (
            Student.objects.current()
            .exclude(status="applicant")
            .filter(entry_date__gte=first, entry_date__lte=last)
        )
        departures = Student.objects.current().left_during(first, last)
        pupils = (arrivals | departures).distinct()
        title = _("Arrivals and departures of %(month)s") % {"month": f"{first:%m/%Y}"}
    pupils = school_declarations.declared(pupils, year_start)
    fmt = request.GET.get("format")
    if fmt == "csv":
        header, rows = school_declarations.csv_rows(pupils)
        return csv_response(f"declaration-{kind or 'mois'}-{first:%Y-%m}.csv", header, rows)
    year = school_declarations.year_declaration(today, policy, year_start)
    context = {
        "form": form,
        "kind": kind,
        "pupils": pupils,
        "title": title,
        "month": first,
        "year_start": year_start,
        "deadline": year.deadline,
        "year": year,
        "sent": year.sent
        if kind == "year"
        else DeclarationSent.objects.filter(kind=sent_kind, period=first).first(),
        "sent_form": sent_form,
        "today": today,
    }
    if fmt == "pdf":
        return _pdf(
            render_pdf("pdf/pupils_declaration.html", {**context, "signer": request.user}),
            f"declaration-{kind or 'mois'}-{first:%Y-%m}.pdf",
        )
    return render(request, "schoollife/declarations.html", context)


__all__ = ["require_POST"]
