"""Pages of pupils' time: team entry, logs, theory sessions and roll call, balances, PDFs."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoles import charts, pickers
from ecoles.access import role_required
from ecoles.bounds import parse_school_date
from ecoles.confirm import ask, is_confirmed, would_pass
from ecoles.models import Policy, School, User, Workshop
from ecoles.pdf import render_pdf
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from orders.models import Order
from students.models import Student
from training import balance, recording
from training.forms import (
    AttendanceForm,
    ClosePeriodForm,
    PeriodFilterForm,
    SessionForm,
    TeamEntryForm,
    WorkLogForm,
    log_pupils_for,
    orders_for,
)
from training.models import (
    DURATION,
    Attendance,
    ClosedPeriod,
    Override,
    TheorySession,
    WorkLog,
    local_bounds,
)

PERIOD_NAMES = {
    "week": gettext_lazy("This week"),
    "month": gettext_lazy("This month"),
    "year": gettext_lazy("School year to date"),
}


def _student(user, pk: int) -> Student:
    """The pupil whose hours `user` may see (a teacher's role shows none: SPEC.md §2)."""
    qs = Student.objects.records_visible_to(user).select_related("workshop")
    return get_object_or_404(qs, pk=pk)


def _can_log(user) -> bool:
    return user.has_role(TRAINER, DIRECTOR)


# A refusal the director may lift says so to whoever else meets it (issue #16).
OVERRIDE_HINT = gettext_lazy(
    "The director may let this through with a written reason: ask the direction for an exception."
)


def _refusal_errors(form, exc: recording.Refused | ValidationError, user) -> None:
    if isinstance(exc, recording.Refused):
        for text in exc.messages:
            form.add_error(None, text)
        if exc.overridable and user.is_director:
            form.add_error(
                None, _("As director you may let this through: write the reason and save again.")
            )
        elif exc.overridable:
            form.add_error(None, OVERRIDE_HINT)
    else:
        for text in exc.messages:
            form.add_error(None, text)


# --- production: team entry and work logs ----------------------------------------------


# What a team entry may be opened with (a link, or the order search without JavaScript).
TEAM_ENTRY_QUERY = ("order", "date", "slot", "start_time", "end_time", "machine")


@role_required(TRAINER, DIRECTOR)
def team_entry(request: HttpRequest) -> HttpResponse:
    search = pickers.search_text(request, "order")
    initial = {k: request.GET[k][:20] for k in TEAM_ENTRY_QUERY if request.GET.get(k)}
    form = TeamEntryForm(
        request.POST or None, user=request.user, initial=initial, order_search=search
    )
    checking = "check" in request.POST  # "Check the machine": warnings only, nothing saved
    if request.method == "POST" and form.is_valid() and not checking:
        data = form.cleaned_data
        try:
            logs = recording.save_team_entry(
                order=data["order"],
                day=data["date"],
                start=data["start_time"],
                end=data["end_time"],
                students=list(data["students"]),
                task=data["task"],
                by=request.user,
                override_reason=data.get("override_reason", ""),
                machine=data.get("machine"),
            )
        except (recording.Refused, ValidationError) as exc:
            _refusal_errors(form, exc, request.user)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s work log saved on %(order)s.",
                    "%(count)s work logs saved on %(order)s.",
                    len(logs),
                )
                % {"count": len(logs), "order": data["order"]},
            )
            return redirect("training:team_entry")
    keep = [(k, v) for k, v in initial.items() if k != "order"]
    return render(
        request,
        "training/team_entry.html",
        {"form": form, "order_q": search, "keep": keep},
    )


@role_required(TRAINER, DIRECTOR)
def order_choices(request: HttpRequest) -> HttpResponse:
    """The orders a user may log time on, as he types (static/js/picker.js)."""
    text = request.GET.get("q", "").strip()[:100]
    return pickers.choices_response(orders_for(request.user).search(text).order_by("title"))


@role_required(TRAINER, DIRECTOR, OFFICE)
def pupil_choices(request: HttpRequest) -> HttpResponse:
    """The pupils of this school year whose time the user sees, as he types."""
    text = request.GET.get("q", "").strip()[:100]
    pupils = log_pupils_for(request.user).search(text).order_by("last_name", "first_name")
    return pickers.choices_response(pupils)


@role_required(TRAINER, DIRECTOR, OFFICE)
def worklog_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    search = pickers.search_text(request, "student")
    form = PeriodFilterForm(
        request.GET,
        user=request.user,
        year_start=Policy.load().school_year_start(today),
        today=today,
        search=search,
    )
    logs = WorkLog.objects.visible_to(request.user).select_related("student", "order", "logged_by")
    if form.is_valid():
        data = form.cleaned_data
        if data["start"]:
            logs = logs.filter(start__gte=balance_bounds(data["start"])[0])
        if data["end"]:
            logs = logs.filter(start__lt=balance_bounds(data["end"])[1])
        if data["student"]:
            logs = logs.filter(student=data["student"])
    page = Paginator(logs.order_by("-start", "student__last_name"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    keep = [(k, v) for k, v in query.items() if k in ("start", "end")]
    closed = set(ClosedPeriod.objects.values_list("month", flat=True))
    rows = [
        {
            "log": log,
            "editable": log.day.replace(day=1) not in closed
            and _can_log(request.user)
            and (request.user.is_director or log.order.status not in recording.CLOSED_ORDER),
        }
        for log in page
    ]
    return render(
        request,
        "training/worklog_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "student_q": search,
            "keep": keep,
        },
    )


def balance_bounds(day: dt.date):
    return local_bounds(day, day)


@role_required(TRAINER, DIRECTOR)
def worklog_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    log = None
    if pk is not None:
        log = get_object_or_404(
            WorkLog.objects.visible_to(request.user).select_related("order", "student"), pk=pk
        )
    search = {name: pickers.search_text(request, name) for name in ("order", "student")}
    form = WorkLogForm(request.POST or None, user=request.user, log=log, search=search)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = log or WorkLog()
        target.order = data["order"]
        target.student = data["student"]
        target.start = recording.aware(data["date"], data["start_time"])
        target.end = recording.aware(data["date"], data["end_time"])
        target.task = data["task"]
        target.machine = data.get("machine")
        try:
            recording.save_work_log(
                target, by=request.user, override_reason=data.get("override_reason", "")
            )
        except (recording.Refused, ValidationError) as exc:
            _refusal_errors(form, exc, request.user)
        else:
            messages.success(request, _("The work log was saved."))
            return redirect("training:worklogs")
    frozen = log is not None and log.order.status in recording.CLOSED_ORDER
    return render(
        request,
        "training/worklog_form.html",
        {
            "form": form,
            "log": log,
            "frozen": frozen,
            "order_q": search["order"],
            "student_q": search["student"],
        },
    )


@role_required(TRAINER, DIRECTOR)
def worklog_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (the page says which pupil, day and hours go), then deletes."""
    log = get_object_or_404(
        WorkLog.objects.visible_to(request.user).select_related("student__workshop", "order"),
        pk=pk,
    )
    if not is_confirmed(request):
        reason = request.POST.get("override_reason", "")
        return render(
            request,
            "training/worklog_confirm_delete.html",
            {
                "log": log,
                "confirm_extra": {"override_reason": reason} if reason else {},
                "cancel_url": reverse("training:worklog_edit", args=[log.pk]),
            },
        )
    try:
        recording.delete_work_log(
            log, by=request.user, override_reason=request.POST.get("override_reason", "")
        )
    except (recording.Refused, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
        if isinstance(exc, recording.Refused) and exc.overridable and request.user.is_director:
            messages.error(
                request, _("As director you may delete it: write the reason and delete again.")
            )
        elif isinstance(exc, recording.Refused) and exc.overridable:
            messages.error(request, OVERRIDE_HINT)
        return redirect("training:worklog_edit", pk=log.pk)
    messages.success(request, _("The work log was deleted."))
    return redirect("training:worklogs")


# --- theory: sessions and roll call -------------------------------------------------------


def _with_counts(sessions):
    return sessions.select_related("teacher", "workshop").annotate(
        expected=Count("attendances"),
        pending=Count("attendances", filter=Q(attendances__status=Attendance.Status.PENDING)),
    )


@role_required(TEACHER, DIRECTOR, OFFICE)
def sessions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = TheorySession.objects.all()
    if request.user.has_role(TEACHER) and not request.user.has_role(DIRECTOR, OFFICE):
        mine = mine.filter(teacher=request.user)
    todays = _with_counts(mine.between(today, today)).order_by("start")
    to_take = _with_counts(mine.roll_call_to_take(today)).order_by("-start")[:30]
    upcoming = _with_counts(
        mine.between(today + dt.timedelta(days=1), today + dt.timedelta(days=14))
    ).order_by("start")
    return render(
        request,
        "training/sessions.html",
        {
            "today": today,
            "todays": todays,
            "to_take": to_take,
            "upcoming": upcoming,
            "can_add": request.user.has_role(TEACHER, DIRECTOR),
        },
    )


@role_required(TEACHER, DIRECTOR)
def session_add(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = recording.aware(data["date"], data["start_time"])
        end = recording.aware(data["date"], data["end_time"])
        pupils = list(form.expected())
        try:
            session = recording.plan_session(
                subject=data["subject"],
                title=data["title"],
                teacher=data["teacher"],
                start=start,
                end=end,
                audience=data["audience"],
                cohort=data.get("cohort") or None,
                workshop=data.get("workshop"),
                students=pupils,
                by=request.user,
            )
        except (recording.Refused, ValidationError) as exc:
            _refusal_errors(form, exc, request.user)
        else:
            messages.success(request, _("The session was planned."))
            return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


@role_required(TEACHER, DIRECTOR, OFFICE)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        TheorySession.objects.visible_to(request.user).select_related(
            "teacher", "workshop", "cancelled_by"
        ),
        pk=pk,
    )
    rows = list(
        session.attendances.select_related("student", "student__workshop", "session").order_by(
            "student__last_name", "student__first_name"
        )
    )
    # Its own teacher takes the roll call (or the direction, the office); another teacher
    # sees the session without the form.
    can_call = session.teacher_id == request.user.pk or request.user.has_role(DIRECTOR, OFFICE)
    closed = ClosedPeriod.objects.covering(session.day).exists()
    form = AttendanceForm(request.POST or None, rows=rows, can_override=request.user.is_director)
    if not can_call:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not can_call:
            raise Http404
        if form.is_valid():
            try:
                count = recording.record_attendance(
                    session,
                    form.calls(),
                    by=request.user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except (recording.Refused, ValidationError) as exc:
                _refusal_errors(form, exc, request.user)
            else:
                messages.success(
                    request, _("Roll call saved (%(count)s changes).") % {"count": count}
                )
                return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "form": form,
            "can_call": can_call and not closed and not session.is_cancelled,
            "closed": closed,
            "can_change": can_call and not closed,
            "can_move": can_call and request.user.has_role(DIRECTOR, TEACHER),
        },
    )


# --- balances --------------------------------------------------------------------------


def _period_table(ids: list[int], today: dt.date, policy) -> dict:
    """Per period, {id: Balance} and the group total (nine aggregate queries at most)."""
    result = {}
    for name, (start, end) in balance.periods(today, policy).items():
        values = balance.balances(ids, start, end, policy=policy)
        result[name] = {
            "label": str(PERIOD_NAMES[name]),
            "start": start,
            "end": end,
            "by_student": values,
            "total": balance.total(values.values(), policy),
        }
    return result


@role_required(DIRECTOR, OFFICE, TRAINER)
def student_time(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request.user, pk)
    policy = Policy.load()
    today = timezone.localdate()
    table = _period_table([student.pk], today, policy)
    year_start = balance.year_start_for(student, today, policy)
    target, _band, allowance = balance.policy_numbers(policy)
    year = table["year"]["total"]
    series = balance.weekly_series([student.pk], year_start, today)
    orders = (
        WorkLog.objects.filter(student=student)
        .between(year_start, today)
        .order_by()
        .values("order", "order__title")
        .annotate(total=Sum(DURATION))
        .order_by("-total")
    )
    recent = (
        WorkLog.objects.filter(student=student)
        .select_related("order", "logged_by")
        .order_by("-start")[:15]
    )
    absences = (
        Attendance.objects.filter(student=student)
        .between(year_start, today)
        .values("status")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "training/student_time.html",
        {
            "student": student,
            "periods": [(name, data, data["total"]) for name, data in table.items()],
            "chart": charts.weekly_chart(series, target),
            "year": year,
            "allowance": allowance,
            "over_allowance": year.over_allowance,
            "theory_alert": year.theory_alert,
            "theory_short": year.theory_short_hours,
            "overrides": student.time_overrides.select_related("granted_by")[:50],
            "orders": [{**o, "hours": o["total"]} for o in orders],
            "recent": recent,
            "attendance_counts": {row["status"]: row["n"] for row in absences},
            "can_log": _can_log(request.user),
            "can_print": request.user.has_role(DIRECTOR, OFFICE, TRAINER),
        },
    )


def _group_page(request, title: str, pupils, back=None) -> HttpResponse:
    policy = Policy.load()
    today = timezone.localdate()
    pupils = list(pupils.order_by("last_name", "first_name"))
    ids = [p.pk for p in pupils]
    table = _period_table(ids, today, policy)
    target, _band, allowance = balance.policy_numbers(policy)
    start = policy.school_year_start(today)
    rows = [
        {
            "student": p,
            "week": table["week"]["by_student"][p.pk],
            "month": table["month"]["by_student"][p.pk],
            "year": table["year"]["by_student"][p.pk],
        }
        for p in pupils
    ]
    return render(
        request,
        "training/group_balance.html",
        {
            "title": title,
            "rows": rows,
            "periods": [(name, data, data["total"]) for name, data in table.items()],
            "chart": charts.weekly_chart(balance.weekly_series(ids, start, today), target),
            "allowance": allowance,
        },
    )


@role_required(DIRECTOR, OFFICE, TRAINER)
def workshop_balance(request: HttpRequest, pk: int) -> HttpResponse:
    workshops = Workshop.objects.all()
    if not request.user.has_role(DIRECTOR, OFFICE):
        workshops = workshops.led_by(request.user)
    workshop = get_object_or_404(workshops, pk=pk)
    pupils = Student.objects.records_visible_to(request.user).enrolled().filter(workshop=workshop)
    return _group_page(request, _("Workshop %(name)s") % {"name": workshop.name}, pupils)


@role_required(DIRECTOR, OFFICE, TRAINER)
def cohort_balance(request: HttpRequest, year: int) -> HttpResponse:
    pupils = Student.objects.records_visible_to(request.user).enrolled().filter(cohort=year)
    if not pupils.exists():
        raise Http404
    return _group_page(request, _("Cohort %(year)s") % {"year": year}, pupils)


@role_required(DIRECTOR, OFFICE, TRAINER)
def balances_index(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.active()
    if not request.user.has_role(DIRECTOR, OFFICE):
        workshops = workshops.led_by(request.user)
    cohorts = (
        Student.objects.records_visible_to(request.user)
        .enrolled()
        .order_by("-cohort")
        .values_list("cohort", flat=True)
        .distinct()
    )
    return render(
        request,
        "training/balances_index.html",
        {"workshops": workshops, "cohorts": cohorts, "is_director": request.user.is_director},
    )


@role_required(DIRECTOR)
def out_of_balance(request: HttpRequest) -> HttpResponse:
    policy = Policy.load()
    today = timezone.localdate()
    _target, _band, allowance = balance.policy_numbers(policy)
    pupils = list(Student.objects.enrolled().select_related("workshop"))
    found = balance.out_of_balance(pupils, today, policy)
    rows = [{"student": p, "balance": b} for p, b in found]
    rows.sort(key=lambda r: r["balance"].gap, reverse=True)
    return render(
        request,
        "training/out_of_balance.html",
        {"rows": rows, "allowance": allowance, "total": len(pupils)},
    )


@role_required(DIRECTOR, OFFICE)
def overrides(request: HttpRequest) -> HttpResponse:
    items = Override.objects.visible_to(request.user).select_related(
        "student", "granted_by", "work_log__order"
    )
    rule = request.GET.get("rule")
    if rule in Override.Rule.values:
        items = items.filter(rule=rule)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/overrides.html",
        {
            "page_obj": page,
            "rules": Override.Rule.choices,
            "rule": rule,
            "query_string": f"rule={rule}" if rule else "",
        },
    )


@require_POST
@role_required(DIRECTOR)
def legal_overrides_acknowledge(request: HttpRequest) -> HttpResponse:
    """The director acknowledges the overrides of legal limits listed on his home page
    (training.home): each keeps who acknowledged it and when, and the notice is gone."""
    pending = Override.objects.to_acknowledge()
    if not is_confirmed(request):
        count = pending.count()
        return ask(
            request,
            title=_("Acknowledge the overrides of legal limits?"),
            text=ngettext(
                "%(count)d override of a legal limit, granted before such overrides were "
                "refused, will no longer be shown on your home page. It stays in the "
                "pupil's record and on the overrides page.",
                "%(count)d overrides of legal limits, granted before such overrides were "
                "refused, will no longer be shown on your home page. They stay in the "
                "pupils' records and on the overrides page.",
                count,
            )
            % {"count": count},
            button=_("Acknowledge"),
            cancel_url=reverse("home"),
            danger=False,
        )
    done = pending.update(acknowledged_by=request.user, acknowledged_at=timezone.now())
    messages.success(
        request,
        ngettext("%(count)d override acknowledged.", "%(count)d overrides acknowledged.", done)
        % {"count": done},
    )
    return redirect("home")


@role_required(DIRECTOR)
def closed_periods(request: HttpRequest) -> HttpResponse:
    form = ClosePeriodForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and not is_confirmed(request)
        and would_pass(
            form, ClosedPeriod(month=form.cleaned_data["month"], closed_by=request.user).full_clean
        )
    ):
        return ask(
            request,
            title=_("Close %(month)s?") % {"month": date_format(form.cleaned_data["month"], "F Y")},
            text=_(
                "Once the month is closed, its work logs and attendance can no longer be "
                "added, changed or deleted, by anyone."
            ),
            button=_("Close the month"),
            cancel_url=reverse("training:closed_periods"),
            form=form,
        )
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        period = ClosedPeriod(month=month, closed_by=request.user)
        period.full_clean()  # the model's rules too (a month that has started)
        period.save()
        messages.success(request, _("%(month)s is closed.") % {"month": f"{month:%m/%Y}"})
        return redirect("training:closed_periods")
    return render(
        request,
        "training/closed_periods.html",
        {"form": form, "periods": ClosedPeriod.objects.select_related("closed_by")},
    )


@role_required(DIRECTOR, OFFICE, TRAINER)
def order_hours(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "training/order_hours.html",
        {"order": order, **order_hours_context(order)},
    )


def order_hours_context(order) -> dict:
    """Hours logged on an order, by pupil (for the order page: two queries)."""
    rows = WorkLog.objects.filter(order=order).hours_by_student()
    total = sum((r["total"] for r in rows), dt.timedelta())
    return {"hours_rows": rows, "hours_total": total}


# --- documents ----------------------------------------------------------------------------


def _statement_period(request, policy, today: dt.date) -> tuple[str, dt.date, dt.date]:
    name = request.GET.get("period", "month")
    if name not in PERIOD_NAMES:
        name = "month"
    day = parse_school_date(request.GET.get("date")) or today
    start, end = balance.periods(day, policy)[name]
    if name == "year":
        end = min(
            dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1),
            max(day, today),
        )
    return name, start, end


@role_required(DIRECTOR, OFFICE, TRAINER)
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request.user, pk)
    policy = Policy.load()
    today = timezone.localdate()
    name, start, end = _statement_period(request, policy, today)
    figures = balance.statement(student, start, end, policy)
    target = balance.policy_numbers(policy)[0]
    pdf = render_pdf(
        "pdf/statement.html",
        {
            "student": student,
            "period_name": name,
            "start": start,
            "end": end,
            "weeks": figures.weeks,
            "total": figures.total,
            "total_hours": figures.total_hours,
            "orders": figures.orders,
            "chart": charts.weekly_chart(figures.series, target) if name != "week" else "",
            "today": today,
            "signer": request.user,
        },
    )
    return _pdf_response(pdf, f"releve-heures-{student.last_name}-{start:%Y%m%d}.pdf")


def _of_school(name: str) -> str:
    """'de l'École de Production de Lyon', 'de Saint-Joseph': French elides before a vowel."""
    if get_language().startswith("fr"):
        return ("de l'" if name[:1].lower() in "aeiouyhéèêàâîôû" else "de ") + name
    return _("of %(name)s") % {"name": name}


@role_required(DIRECTOR, OFFICE)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """Signed by the director: whoever prints it (the office often does), the certificate
    names the school's director, the first active user of the Direction group."""
    student = _student(request.user, pk)
    signatory = (
        request.user
        if request.user.is_director
        else User.objects.filter(groups__name=DIRECTOR, is_active=True).order_by("pk").first()
    )
    policy = Policy.load()
    today = timezone.localdate()
    year_start = policy.school_year_start(today)
    pdf = render_pdf(
        "pdf/certificate.html",
        {
            "student": student,
            "today": today,
            "year_start": year_start,
            "year_end": dt.date(year_start.year + 1, year_start.month, year_start.day)
            - dt.timedelta(days=1),
            "signer": request.user,
            "signatory": signatory,
            "of_school": _of_school(School.load().name),
        },
    )
    return _pdf_response(pdf, f"certificat-scolarite-{student.last_name}.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # Quoted by Django: a quote in a pupil's name cannot add a parameter, accents survive.
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
