"""Competencies' pages: evidence entry and validation, orders' competencies, the booklet
(page and PDF), the workshop at a glance, exams, the référentiel import."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecoles import pickers
from ecoles.access import role_required
from ecoles.bounds import parse_id, parse_year
from ecoles.confirm import is_confirmed
from ecoles.models import Policy, Workshop
from ecoles.pdf import render_pdf
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from orders.models import Order
from skills import booklet as booklets
from skills import evidencing, importing, rncp
from skills import photos as photo_files
from skills.forms import (
    AddOrderForm,
    AppraisalForm,
    ChefDoeuvreForm,
    EvidenceForm,
    ImportForm,
    OrderCompetenciesForm,
    OutcomeForm,
    PhotosForm,
    RegistrationForm,
    RncpImportForm,
    StepFormSet,
    TeamEvidenceForm,
    UnitResultFormSet,
    UnitsForm,
    search_orders,
)
from skills.models import (
    Appraisal,
    ChefDoeuvre,
    Competency,
    DiplomaVersion,
    Evidence,
    EvidencePhoto,
    ExamRegistration,
    Programme,
    RncpFiche,
    UnitResult,
    teacher_subjects,
)
from students.models import Student
from training.models import TheorySession

STAFF = (DIRECTOR, OFFICE, TRAINER, TEACHER)


def _query(request: HttpRequest) -> str:
    """The filters of the page, without its page number (the pagination adds it)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _competencies_for(user, version_ids=None):
    qs = Competency.objects.assessable_by(user).select_related("bloc")
    if version_ids is not None:
        qs = qs.filter(bloc__version_id__in=version_ids)
    return qs.order_by("bloc__version", "bloc__position", "position", "code")


@role_required(*STAFF)
def index(request: HttpRequest) -> HttpResponse:
    """Pupils and their booklets; the trainer's workshops; what waits for validation."""
    pupils = (
        Student.objects.visible_to(request.user)
        .enrolled()
        .current()
        .select_related("workshop")
        .order_by("last_name", "first_name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        pupils = pupils.search(query)
    page = Paginator(pupils, 30).get_page(request.GET.get("page"))
    workshops = Workshop.objects.active()
    if not request.user.has_role(DIRECTOR, OFFICE):
        workshops = workshops.filter(trainers=request.user)
    pending = Evidence.objects.visible_to(request.user).pending().count()
    return render(
        request,
        "skills/index.html",
        {
            "page_obj": page,
            "query_string": _query(request),
            "query": query,
            "workshops": list(workshops),
            "pending": pending,
            "can_exams": request.user.has_role(DIRECTOR, OFFICE),
            "can_import": request.user.has_role(DIRECTOR),
            "can_record": request.user.has_role(DIRECTOR, TRAINER, TEACHER),
        },
    )


# --- evidence ------------------------------------------------------------------------


@role_required(TRAINER, DIRECTOR, TEACHER)
def evidence_entry(request: HttpRequest) -> HttpResponse:
    """From an order (its team: the pupils who worked on it) or from a theory session
    (its pupils): one competency, a level per pupil, saved at once."""
    user = request.user
    order = session = None
    # An id that is not one (abc, 1.5, past 64 bits) is a 404, as an id of no order.
    if request.GET.get("order") and user.has_role(TRAINER, DIRECTOR):
        order_id = parse_id(request.GET["order"]) or 0
        order = get_object_or_404(Order.objects.visible_to(user), pk=order_id)
    elif request.GET.get("session") and user.has_role(TEACHER, DIRECTOR):
        sessions = TheorySession.objects.all()
        if not user.has_role(DIRECTOR):
            sessions = sessions.filter(teacher=user)
        session = get_object_or_404(sessions, pk=parse_id(request.GET["session"]) or 0)
    if order is None and session is None:
        return _choose_source(request)
    if order is not None:
        visible = Student.objects.records_visible_to(user)
        pupils = visible.filter(pk__in=order.work_logs.values("student"))
        if not pupils.exists():  # not started yet: the workshop's team
            pupils = visible.enrolled().filter(workshop=order.workshop_id)
        competencies = _competencies_for(user).filter(orders=order)
        if not competencies.exists():
            competencies = _competencies_for(
                user, Programme.objects.filter(student__in=pupils).values("version")
            )
    else:
        pupils = Student.objects.filter(pk__in=session.attendances.values("student"))
        competencies = _competencies_for(user).exclude(bloc__subject="")
    pupils = pupils.order_by("last_name", "first_name")
    labels = [(s.value, s.label) for s in booklets.shades(Policy.load()).values()]
    form = TeamEvidenceForm(
        request.POST or None,
        request.FILES or None,
        pupils=pupils,
        competencies=competencies,
        labels=labels,
    )
    if not user.has_role(TRAINER, DIRECTOR) and session is None:
        form.fields.pop("validate_now")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = evidencing.record_team(
                competency=data["competency"],
                day=data["date"],
                marks=form.marks,
                by=user,
                comment=data["comment"],
                order=order,
                session=session,
                validate=data.get("validate_now", False),
                photos=form.photos,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s piece of evidence saved.",
                    "%(count)s pieces of evidence saved.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "skills/evidence_entry.html",
        {"form": form, "order": order, "session": session},
    )


def _choose_source(request: HttpRequest) -> HttpResponse:
    """The orders in work of the user's workshops (the day's logs first) or his sessions
    of the last fortnight."""
    user = request.user
    today = timezone.localdate()
    orders = []
    if user.has_role(TRAINER, DIRECTOR):
        orders = list(
            Order.objects.visible_to(user)
            .open_for_work()
            .annotate(
                today_logs=Count(
                    "work_logs",
                    filter=Q(work_logs__start__date=today),
                )
            )
            .select_related("customer", "workshop")
            .order_by("-today_logs", "title")[:40]
        )
    sessions = []
    if user.has_role(TEACHER, DIRECTOR):
        recent = TheorySession.objects.between(today - dt.timedelta(days=14), today)
        if not user.has_role(DIRECTOR):
            recent = recent.filter(teacher=user)
        sessions = list(recent.order_by("-start")[:20])
    return render(request, "skills/evidence_choose.html", {"orders": orders, "sessions": sessions})


def _evidence_for(user, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.visible_to(user)
        .with_flags()
        .select_related(
            "student__workshop", "competency__bloc", "order", "recorded_by", "validated_by"
        ),
        pk=pk,
    )


@role_required(*STAFF)
def evidence_pending(request: HttpRequest) -> HttpResponse:
    evidence = (
        Evidence.objects.visible_to(request.user)
        .pending()
        .select_related("student", "competency", "order", "recorded_by")
        .order_by("-date", "-pk")
    )
    page = Paginator(evidence, 30).get_page(request.GET.get("page"))
    return render(request, "skills/evidence_pending.html", {"page_obj": page})


@role_required(*STAFF)
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One piece of evidence; validating it (irreversible) is confirmed here: this page is
    the confirmation step (it shows the evidence, says it will never change and posts
    ``confirmed=yes``); a POST without it only shows the page again."""
    user = request.user
    evidence = _evidence_for(user, pk)
    photos = list(evidence.photos.all())
    may_validate = not evidence.is_validated and evidence.may_validate(user)
    # Photos go on while it waits: by whoever recorded it or may validate it.
    may_add_photos = not evidence.is_validated and (
        may_validate or evidence.recorded_by_id == user.pk
    )
    photos_form = None
    if may_add_photos:
        photos_form = PhotosForm(
            request.POST if request.POST.get("action") == "photos" else None,
            request.FILES or None,
            already=len(photos),
        )
    if request.method == "POST":
        if request.POST.get("action") == "photos":
            if not may_add_photos:
                raise PermissionDenied
            if photos_form.is_valid():
                photo_files.attach(evidence, photos_form.cleaned_data["photos"])
                messages.success(request, _("Photos added."))
                return redirect("skills:evidence", pk=evidence.pk)
        elif not may_validate:
            raise PermissionDenied
        elif is_confirmed(request):
            evidence.validate(user)
            messages.success(request, _("Evidence validated: it will no longer change."))
            return redirect("skills:evidence", pk=evidence.pk)
    return render(
        request,
        "skills/evidence_detail.html",
        {
            "evidence": evidence,
            "photos": photos,
            "may_validate": may_validate,
            "photos_form": photos_form,
        },
    )


@role_required(*STAFF)
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of the work, for those who see its evidence (never a public /media/ URL)."""
    item = get_object_or_404(
        EvidencePhoto.objects.filter(evidence__in=Evidence.objects.visible_to(request.user)),
        pk=pk,
    )
    if not item.image:  # dropped on anonymisation
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@role_required(TRAINER, DIRECTOR, TEACHER)
def evidence_correct(request: HttpRequest, pk: int) -> HttpResponse:
    old = _evidence_for(request.user, pk)
    if not old.is_validated or old.is_superseded or not old.may_validate(request.user):
        raise PermissionDenied
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        # Opens with what it corrects: every field of the evidence (its comment too).
        initial={name: getattr(old, name) for name in EvidenceForm._meta.fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = evidencing.correct(
                old,
                form.save(commit=False),
                request.user,
                validate=True,
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Correction recorded and validated."))
            return redirect("skills:evidence", pk=new.pk)
    return render(request, "skills/evidence_correct.html", {"form": form, "old": old})


# --- orders -------------------------------------------------------------------------


@role_required(TRAINER, DIRECTOR, OFFICE)
def order_competencies(request: HttpRequest, pk: int) -> HttpResponse:
    """The competencies an order exercises, ticked at quote or production time."""
    order = get_object_or_404(
        Order.objects.visible_to(request.user).select_related("workshop"), pk=pk
    )
    versions = Programme.objects.filter(student__workshop=order.workshop).values("version")
    competencies = (
        Competency.objects.filter(Q(bloc__version__in=versions) | Q(orders=order), bloc__subject="")
        .distinct()
        .select_related("bloc")
        .order_by("bloc__version", "bloc__position", "position", "code")
    )
    read_only = not request.user.has_role(TRAINER, DIRECTOR)
    form = OrderCompetenciesForm(
        # Unticking everything posts nothing: still a submission.
        request.POST if request.method == "POST" else None,
        competencies=competencies,
        initial={"competencies": list(order.competencies.values_list("pk", flat=True))},
    )
    if request.method == "POST":
        if read_only:
            raise PermissionDenied
        if form.is_valid():
            order.competencies.set(form.cleaned_data["competencies"])
            messages.success(request, _("Competencies of the order saved."))
            return redirect("skills:order", pk=order.pk)
    return render(
        request,
        "skills/order_competencies.html",
        {"order": order, "form": form, "read_only": read_only},
    )


# --- the booklet ---------------------------------------------------------------------


def _pupil_for_booklet(user, pk: int) -> tuple[Student, bool]:
    """The pupil and whether `user` sees his whole booklet (trainers of his workshop,
    office, director) or only his subjects' blocs (a teacher)."""
    if user.has_role(DIRECTOR, OFFICE, TRAINER):
        qs = Student.objects.records_visible_to(user)
        student = qs.filter(pk=pk).select_related("workshop").first()
        if student:
            return student, True
    if user.has_role(TEACHER):
        return get_object_or_404(Student.objects.select_related("workshop"), pk=pk), False
    raise Http404


def _booklet_for(request: HttpRequest, pk: int):
    student, whole = _pupil_for_booklet(request.user, pk)
    try:
        day = dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        day = timezone.localdate()
    if day.year < 2000:  # no booklet before the app; year 1 has no previous school year
        day = timezone.localdate()
    day = min(day, timezone.localdate())
    book = booklets.booklet(student, day)
    if not whole:
        subjects = set(teacher_subjects(request.user))
        book.blocs = [b for b in book.blocs if b.bloc.subject in subjects]
        book.balance = None
    return student, book, whole


@role_required(*STAFF)
def booklet(request: HttpRequest, pk: int) -> HttpResponse:
    student, book, whole = _booklet_for(request, pk)
    user = request.user
    may_appraise = user.has_role(TEACHER) or (whole and user.has_role(TRAINER, DIRECTOR))
    form = None
    if may_appraise:
        mine = Appraisal.objects.filter(
            student=student, term_start=book.term[0], author=user
        ).first()
        form = AppraisalForm(request.POST or None, instance=mine)
        if request.method == "POST" and form.is_valid():
            appraisal = form.save(commit=False)
            appraisal.student, appraisal.term_start, appraisal.author = student, book.term[0], user
            appraisal.save()
            messages.success(request, _("Appraisal saved."))
            return redirect(request.get_full_path())
    elif request.method == "POST":
        raise PermissionDenied
    year_start = Policy.load().school_year_start(book.term[0])
    terms = [
        booklets.term_bounds(d, year_start)
        for d in (
            year_start,
            year_start.replace(year=year_start.year + 1, month=1, day=1),
            year_start.replace(year=year_start.year + 1, month=4, day=1),
        )
    ]
    return render(
        request,
        "skills/booklet.html",
        {"student": student, "book": book, "form": form, "terms": terms, "whole": whole},
    )


@role_required(*STAFF)
def booklet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    student, book, whole = _booklet_for(request, pk)
    pdf = render_pdf("pdf/booklet.html", {"student": student, "book": book, "whole": whole})
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"livret-{student.pk}-{book.term[0]:%Y-%m}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@role_required(TRAINER, DIRECTOR, OFFICE)
def workshop_grid(request: HttpRequest, pk: int) -> HttpResponse:
    workshops = Workshop.objects.all()
    if not request.user.has_role(DIRECTOR, OFFICE):
        workshops = workshops.filter(trainers=request.user)
    workshop = get_object_or_404(workshops, pk=pk)
    grid = booklets.workshop_grid(workshop, timezone.localdate())
    return render(request, "skills/workshop_grid.html", {"workshop": workshop, "grid": grid})


# --- the chef-d'oeuvre ---------------------------------------------------------------


def _may_edit_chef(user, student: Student) -> bool:
    """The trainers of the pupil's workshop and the director; the office and the
    teachers read it."""
    if user.has_role(DIRECTOR):
        return True
    return user.has_role(TRAINER) and student.workshop.trainers.filter(pk=user.pk).exists()


@role_required(*STAFF)
def chef_doeuvre(request: HttpRequest, pk: int) -> HttpResponse:
    """A pupil's chef-d'œuvre: its subject, the orders it is made of, its steps and the
    oral presentation's date and mark."""
    user = request.user
    student, _whole = _pupil_for_booklet(user, pk)
    chef = ChefDoeuvre.objects.filter(student=student).first() or ChefDoeuvre(student=student)
    may_edit = _may_edit_chef(user, student)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    order_q = pickers.search_text(request, "add_order")
    action = request.POST.get("action", "")
    posted = request.POST if request.method == "POST" else None
    form = ChefDoeuvreForm(posted if action == "chef" else None, instance=chef)
    steps = StepFormSet(posted if action == "chef" else None, instance=chef, prefix="steps")
    adding = None
    if chef.pk and may_edit:
        orders = Order.objects.visible_to(user).filter(workshop=student.workshop_id)
        adding = AddOrderForm(
            posted if action == "add_order" else None,
            chef=chef,
            orders=orders,
            order_search=order_q,
        )
    if action == "chef" and form.is_valid() and steps.is_valid():
        with transaction.atomic():
            chef = form.save()
            if "keep_orders" in form.fields:
                chef.orders.set(form.cleaned_data["keep_orders"])
            steps.instance = chef
            steps.save()
        messages.success(request, _("Chef-d'œuvre saved."))
        return redirect("skills:chef", pk=student.pk)
    if action == "add_order" and adding is not None and adding.is_valid():
        chef.orders.add(adding.cleaned_data["add_order"])
        messages.success(request, _("Order added to the chef-d'œuvre."))
        return redirect("skills:chef", pk=student.pk)
    return render(
        request,
        "skills/chef_doeuvre.html",
        {
            "student": student,
            "chef": chef,
            "form": form,
            "steps": steps,
            "adding": adding,
            "may_edit": may_edit,
            "add_order_q": order_q,
        },
    )


@role_required(TRAINER, DIRECTOR)
def order_choices(request: HttpRequest) -> HttpResponse:
    """The chef-d'œuvre's order picker, as the user types (static/js/picker.js)."""
    text = request.GET.get("q", "").strip()[:100]
    return pickers.choices_response(search_orders(Order.objects.visible_to(request.user), text))


# --- exams --------------------------------------------------------------------------


@role_required(DIRECTOR, OFFICE)
def exams(request: HttpRequest) -> HttpResponse:
    """Who is registered for what in a session, and what is missing before the deadline."""
    policy = Policy.load()
    today = timezone.localdate()
    current = policy.school_year_start(today).year + 1
    year = parse_year(request.GET.get("session")) or current
    registrations = (
        ExamRegistration.objects.filter(session_year=year)
        .select_related("student__workshop", "version__diploma")
        .prefetch_related(Prefetch("units", UnitResult.objects.select_related("bloc")))
        .order_by("student__last_name", "student__first_name")
    )
    finalists = (
        Student.objects.enrolled()
        .filter(programme_year=2)
        .exclude(exam_registrations__session_year=year)
        .select_related("workshop")
        .order_by("last_name")
        if year == current
        else Student.objects.none()
    )
    page = Paginator(registrations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/exams.html",
        {
            "page_obj": page,
            "query_string": _query(request),
            "year": year,
            "years": list(range(current, current - 4, -1)),
            "deadline": policy.exam_registration_deadline,
            "finalists": list(finalists),
            "may_edit": request.user.has_role(DIRECTOR),
        },
    )


# --- import -------------------------------------------------------------------------


@role_required(DIRECTOR)
def import_referentiel(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = importing.import_file(form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request,
                _("Référentiel imported: %(blocs)s blocs, %(competencies)s competencies.")
                % {"blocs": report.blocs, "competencies": report.competencies},
            )
            return redirect("skills:import")
    return render(request, "skills/import.html", {"form": form, "report": report})


@role_required(DIRECTOR)
def rncp_fiches(request: HttpRequest) -> HttpResponse:
    """Each référentiel with the RNCP fiche its blocs were checked against (or none:
    "not checked"), the fiche's status, end and replacement; and the import."""
    form = RncpImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = rncp.import_export(upload.name, upload)
        except rncp.RncpFileError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _(
                    "Export of %(date)s imported: %(checked)s fiches checked, "
                    "%(renewed)s référentiels renewed, %(unchanged)s unchanged."
                )
                % {
                    "date": report.exported_on.strftime("%d/%m/%Y"),
                    "checked": len(report.checked),
                    "renewed": len(report.renewed),
                    "unchanged": len(report.unchanged),
                },
            )
            for number in report.older:
                messages.warning(
                    request,
                    _("%(number)s: a later export is already imported; left as is.")
                    % {"number": number},
                )
            return redirect("skills:rncp")
    fiches = {f.number: f for f in RncpFiche.objects.all()}
    versions = list(
        DiplomaVersion.objects.select_related("diploma")
        .prefetch_related("blocs")
        .order_by("diploma__name", "-pk")
    )
    rows = []
    for version in versions:
        fiche = next((f for f in fiches.values() if f.version_id == version.pk), None)
        published = {b["code"] for b in fiche.blocs} if fiche else set()
        blocs = list(version.blocs.all())
        rows.append(
            {
                "version": version,
                "fiche": fiche,
                "blocs": blocs,
                "checked": [b for b in blocs if b.rncp_code and b.rncp_code in published],
                "replacements": [
                    fiches.get(n) or n for n in (fiche.replaced_by_numbers if fiche else [])
                ],
            }
        )
    return render(request, "skills/rncp.html", {"form": form, "error": error, "rows": rows})


def _registration_for(user, pk: int) -> ExamRegistration:
    return get_object_or_404(
        ExamRegistration.objects.visible_to(user).select_related(
            "student__workshop", "version__diploma"
        ),
        pk=pk,
    )


@role_required(DIRECTOR)
def registration_add(request: HttpRequest) -> HttpResponse:
    """Register a pupil for a session; every unit of the diploma is registered with it
    (untick those he does not sit on the next page)."""
    policy = Policy.load()
    session = policy.school_year_start(timezone.localdate()).year + 1
    initial = {"session_year": session}
    if parse_id(request.GET.get("eleve")):  # "²" is a digit to isdigit(), not an id
        initial["student"] = parse_id(request.GET["eleve"])
        programme = Programme.objects.filter(student=initial["student"]).first()
        if programme:
            initial["version"] = programme.version_id
    search = pickers.search_text(request, "student")
    form = RegistrationForm(request.POST or None, initial=initial, student_search=search)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            registration = form.save()
            UnitResult.objects.bulk_create(
                UnitResult(registration=registration, bloc=bloc)
                for bloc in registration.version.blocs.all()
            )
        messages.success(request, _("Registration recorded."))
        return redirect("skills:registration", pk=registration.pk)
    return render(request, "skills/registration_add.html", {"form": form, "student_q": search})


@role_required(DIRECTOR, OFFICE, TRAINER)
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    """One registration: its number, centre and units; each unit's result; then the
    diploma's outcome, confirmed first. Entered by the director; the office and the
    pupil's trainers read it. Every change is kept in the history."""
    user = request.user
    registration = _registration_for(user, pk)
    may_edit = user.has_role(DIRECTOR)
    action = request.POST.get("action", "")
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    units = UnitResult.objects.filter(registration=registration).select_related("bloc")
    posted = request.POST if request.method == "POST" else None
    details = RegistrationForm(posted if action == "details" else None, instance=registration)
    units_form = UnitsForm(posted if action == "details" else None, registration=registration)
    results = UnitResultFormSet(
        posted if action == "results" else None, queryset=units, prefix="units"
    )
    outcome = OutcomeForm(posted if action == "outcome" else None, registration=registration)
    if action == "details" and details.is_valid() and units_form.is_valid():
        with transaction.atomic():
            details.save()
            chosen = set(units_form.cleaned_data["units"])
            kept = {u.bloc for u in registration.units.all()}
            UnitResult.objects.filter(registration=registration, bloc__in=kept - chosen).delete()
            UnitResult.objects.bulk_create(
                UnitResult(registration=registration, bloc=bloc) for bloc in chosen - kept
            )
        messages.success(request, _("Registration saved."))
        return redirect("skills:registration", pk=registration.pk)
    if action == "results" and results.is_valid():
        with transaction.atomic():
            for item in results.save(commit=False):
                item._change_reason = "result"
                item.save()
        messages.success(request, _("Results saved."))
        return redirect("skills:registration", pk=registration.pk)
    if action == "outcome" and outcome.is_valid():
        if is_confirmed(request):
            registration.record_outcome(outcome.cleaned_data["outcome"])
            messages.success(request, _("Outcome recorded."))
            return redirect("skills:registration", pk=registration.pk)
        return render(
            request,
            "skills/outcome_confirm.html",
            {
                "registration": registration,
                "new_outcome": dict(ExamRegistration.Outcome.choices)[
                    outcome.cleaned_data["outcome"]
                ],
                "confirm_form": outcome,
                "confirm_extra": {"action": "outcome"},
                "cancel_url": reverse("skills:registration", args=[registration.pk]),
            },
        )
    if not may_edit:
        for form in (details, units_form, outcome, *results.forms):
            for field in form.fields.values():
                field.disabled = True
    return render(
        request,
        "skills/registration.html",
        {
            "registration": registration,
            "details": details,
            "units_form": units_form,
            "results": results,
            "outcome": outcome,
            "may_edit": may_edit,
            "history": list(
                ExamRegistration.history.filter(id=registration.pk)
                .select_related("history_user")
                .order_by("-history_date")[:10]
            ),
        },
    )


@role_required(DIRECTOR)
def pupil_choices(request: HttpRequest) -> HttpResponse:
    """The registration's pupil picker, as the user types (static/js/picker.js)."""
    text = request.GET.get("q", "").strip()[:100]
    pupils = Student.objects.exclude(status=Student.Status.APPLICANT).search(text)
    return pickers.choices_response(pupils.order_by("last_name", "first_name"))
