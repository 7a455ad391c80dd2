"""Pages of the timetable (R8): the week of a pupil, a cohort, a workshop or a teacher;
the weekly sessions; moving and cancelling a session; a workshop's usual half-days."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecoles.access import role_required
from ecoles.bounds import parse_id, parse_school_date
from ecoles.calendar import monday_of
from ecoles.confirm import ask, is_confirmed, would_pass
from ecoles.models import User, Workshop
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from students.models import Student
from training import recording, timetable
from training.forms import CancelSessionForm, MoveSessionForm, PatternForm, WorkshopWeekForm
from training.models import SessionPattern, TheorySession, WorkshopSlot

READERS = (DIRECTOR, OFFICE, TRAINER, TEACHER)


def _target(request: HttpRequest) -> tuple[str, str]:
    """What the timetable shows: ?voir=eleve-12 | promotion-2025 | atelier-3 | enseignant-7;
    by default the teacher's own week, the trainer's workshop, the first workshop."""
    kind, _sep, value = request.GET.get("voir", "").partition("-")
    if kind in ("eleve", "promotion", "atelier", "enseignant") and parse_id(value):
        return kind, str(parse_id(value))  # not isdigit(): "²" is a digit to it
    user = request.user
    if user.has_role(TEACHER) and not user.has_role(DIRECTOR, OFFICE):
        return "enseignant", str(user.pk)
    workshop = (
        Workshop.objects.led_by(user).first() if user.has_role(TRAINER) else None
    ) or Workshop.objects.active().first()
    return ("atelier", str(workshop.pk)) if workshop else ("enseignant", str(user.pk))


def _workshops_for(user):
    if user.has_role(DIRECTOR, OFFICE, TEACHER):
        return Workshop.objects.active()
    return Workshop.objects.led_by(user)


@role_required(*READERS)
def week(request: HttpRequest) -> HttpResponse:
    """One week's timetable, on a phone: day cards, the week before and after."""
    day = parse_school_date(request.GET.get("semaine", "")) or timezone.localdate()
    monday = monday_of(day)
    kind, value = _target(request)
    pk = int(value)
    pupils = Student.objects.visible_to(request.user)
    sessions = TheorySession.objects.all()
    one_pupil = False
    edit_workshop = None
    if kind == "eleve":
        pupil = get_object_or_404(pupils.select_related("workshop"), pk=pk)
        title = str(pupil)
        sessions = sessions.filter(attendances__student=pupil)
        workshops = [pupil.workshop] if pupil.workshop_id else []
        one_pupil = True
    elif kind == "promotion":
        group = pupils.enrolled().filter(cohort=pk)
        title = _("Cohort %(year)s") % {"year": pk}
        sessions = sessions.filter(attendances__student__in=group).distinct()
        workshops = list(_workshops_for(request.user).filter(students__in=group).distinct())
    elif kind == "atelier":
        workshop = get_object_or_404(_workshops_for(request.user), pk=pk)
        title = str(workshop)
        sessions = sessions.filter(attendances__student__workshop=workshop).distinct()
        workshops = [workshop]
        if request.user.is_director or (
            request.user.has_role(TRAINER) and workshop in Workshop.objects.led_by(request.user)
        ):
            edit_workshop = workshop
    else:
        teacher = get_object_or_404(User.objects.filter(groups__name=TEACHER), pk=pk)
        title = str(teacher)
        sessions = sessions.filter(teacher=teacher)
        workshops = []
    days = timetable.week(monday, sessions, workshops, one_pupil=one_pupil)
    here = f"{kind}-{pk}"
    choices = {
        _("Workshops"): [(f"atelier-{w.pk}", str(w)) for w in _workshops_for(request.user)],
        _("Cohorts"): [
            (f"promotion-{c}", _("Cohort %(year)s") % {"year": c})
            for c in pupils.enrolled()
            .order_by("-cohort")
            .values_list("cohort", flat=True)
            .distinct()
        ],
        _("Teachers"): [
            (f"enseignant-{t.pk}", str(t))
            for t in User.objects.filter(groups__name=TEACHER, is_active=True)
        ],
    }

    def link(offset: int) -> str:
        target = monday + dt.timedelta(weeks=offset)
        return "?" + urlencode({"voir": here, "semaine": target.isoformat()})

    context = {
        "title": title,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "days": days,
        "here": here,
        "choices": choices,
        "previous": link(-1),
        "next": link(1),
        "this_week": "?" + urlencode({"voir": here}),
        "today": timezone.localdate(),
        "can_plan": request.user.has_role(DIRECTOR, OFFICE, TEACHER),
        "can_open": request.user.has_role(DIRECTOR, OFFICE, TEACHER),
        "edit_workshop": edit_workshop,
    }
    return render(request, "training/timetable_week.html", context)


@role_required(DIRECTOR, OFFICE, TEACHER)
def patterns(request: HttpRequest) -> HttpResponse:
    rows = SessionPattern.objects.select_related("teacher", "workshop").order_by(
        "weekday", "start_time", "title"
    )
    mine = request.GET.get("moi") == "1"
    if mine:
        rows = rows.filter(teacher=request.user)
    today = timezone.localdate()
    current = request.GET.get("toutes") != "1"
    if current:
        rows = rows.filter(last_day__gte=today)
    return render(
        request,
        "training/patterns.html",
        {
            "patterns": rows,
            "mine": mine,
            "current": current,
            "can_add": request.user.has_role(TEACHER, DIRECTOR),
        },
    )


@role_required(DIRECTOR, TEACHER)
def pattern_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    pattern = None
    if pk is not None:
        pattern = get_object_or_404(SessionPattern.objects.visible_to(request.user), pk=pk)
        if not (request.user.is_director or pattern.teacher_id == request.user.pk):
            raise PermissionDenied
    form = PatternForm(request.POST or None, instance=pattern, user=request.user)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            planned = timetable.save_pattern(
                edited, list(form.cleaned_data.get("students") or []), by=request.user
            )
        except (recording.Refused, ValidationError) as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            count = len(planned.created)
            messages.success(
                request,
                ngettext(
                    "The weekly session is saved: %(count)s session planned.",
                    "The weekly session is saved: %(count)s sessions planned.",
                    count,
                )
                % {"count": count},
            )
            for day, reason in planned.skipped:
                messages.info(request, f"{day:%d/%m/%Y} : {reason}")
            return redirect("training:patterns")
    held = pattern.sessions.filter(start__lte=timezone.now()).count() if pattern is not None else 0
    return render(
        request, "training/pattern_form.html", {"form": form, "pattern": pattern, "held": held}
    )


def _session_to_change(request: HttpRequest, pk: int) -> TheorySession:
    session = get_object_or_404(
        TheorySession.objects.visible_to(request.user).select_related("teacher"), pk=pk
    )
    if not (request.user.has_role(DIRECTOR, OFFICE) or session.teacher_id == request.user.pk):
        raise PermissionDenied
    return session


@role_required(DIRECTOR, TEACHER)
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_change(request, pk)
    form = MoveSessionForm(request.POST or None, user=request.user, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            timetable.move_session(
                session,
                start=recording.aware(data["date"], data["start_time"]),
                end=recording.aware(data["date"], data["end_time"]),
                title=data["title"],
                teacher=data["teacher"],
                by=request.user,
            )
        except (recording.Refused, ValidationError, PermissionDenied) as exc:
            for text in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, text)
        else:
            messages.success(request, _("The session was moved."))
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_move.html", {"form": form, "session": session})


@role_required(DIRECTOR, OFFICE, TEACHER)
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_to_change(request, pk)
    form = CancelSessionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and not is_confirmed(request)
        and would_pass(
            form,
            timetable.check_cancel_session,
            session,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    ):
        return ask(
            request,
            title=_("Cancel the session %(session)s?") % {"session": session},
            facts=[(_("Reason"), form.cleaned_data["reason"])],
            text=_("A cancelled session counts no theory and frees its pupils."),
            warning=_("This cannot be undone: plan another session instead."),
            button=_("Yes, cancel the session"),
            cancel_url=reverse("training:session", args=[session.pk]),
            form=form,
        )
    if request.method == "POST" and form.is_valid():
        try:
            timetable.cancel_session(session, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("The session was cancelled: its pupils are free."))
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_cancel.html", {"form": form, "session": session})


@role_required(DIRECTOR, TRAINER)
def workshop_week(request: HttpRequest, pk: int) -> HttpResponse:
    workshops = (
        Workshop.objects.all()
        if request.user.is_director
        else Workshop.objects.led_by(request.user)
    )
    workshop = get_object_or_404(workshops, pk=pk)
    current = [
        f"{w}{h}"
        for w, h in WorkshopSlot.objects.filter(workshop=workshop).values_list(
            "weekday", "half_day"
        )
    ]
    form = WorkshopWeekForm(request.POST or None, initial={"slots": current})
    if request.method == "POST" and form.is_valid():
        timetable.set_workshop_week(workshop, form.half_days())
        messages.success(request, _("The workshop's week was saved."))
        week_url = reverse("training:timetable")
        return redirect(f"{week_url}?{urlencode({'voir': f'atelier-{workshop.pk}'})}")
    return render(request, "training/workshop_week.html", {"form": form, "workshop": workshop})
