"""Pages of the regulated work for minors (SPEC.md R13): the pupils' safety status, the
machines, the declarations, each pupil's record and the PDFs for the labour inspector.

Who sees what: the direction and the office everything but the scans of medical
opinions (the director only: health data); a trainer his workshops' machines and pupils,
the outcome and validity of their opinions, and records their trainings and supervisor.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ecoles.access import role_required
from ecoles.pdf import render_pdf
from ecoles.roles import DIRECTOR, OFFICE, TRAINER
from safety import declaring, forms
from safety.models import (
    Declaration,
    DeclarationUpdate,
    Machine,
    MedicalOpinion,
    SafetyTraining,
    Supervision,
)
from students.models import Student

PAGE = 50


def _student(user, pk: int) -> Student:
    """A pupil whose whole record `user` may see, or 404."""
    return get_object_or_404(
        Student.objects.records_visible_to(user).select_related("workshop"), pk=pk
    )


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@role_required(DIRECTOR, OFFICE, TRAINER)
def index(request: HttpRequest) -> HttpResponse:
    """The pupils' status at the regulated works today, the machines, the declarations."""
    today = timezone.localdate()
    form = forms.FilterForm(request.GET, user=request.user)
    latest = MedicalOpinion.objects.filter(student=OuterRef("pk"), date__lte=today).order_by(
        "-date", "-pk"
    )
    trainings = (
        SafetyTraining.objects.filter(student=OuterRef("pk"), signed=True)
        .order_by()
        .values("student")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pupils = (
        Student.objects.records_visible_to(request.user)
        .enrolled()
        .select_related("workshop")
        .annotate(
            opinion_outcome=Subquery(latest.values("outcome")[:1]),
            opinion_until=Subquery(latest.values("valid_until")[:1]),
            trainings_signed=Subquery(trainings),
            supervised=Exists(Supervision.objects.on(today).filter(student=OuterRef("pk"))),
        )
        .order_by("workshop__name", "last_name", "first_name")
    )
    machines = Machine.objects.visible_to(request.user).select_related("workshop")
    if form.is_valid():
        if form.cleaned_data["workshop"]:
            pupils = pupils.filter(workshop=form.cleaned_data["workshop"])
            machines = machines.filter(workshop=form.cleaned_data["workshop"])
        if form.cleaned_data["q"]:
            pupils = pupils.search(form.cleaned_data["q"])
            machines = machines.filter(
                Q(name__icontains=form.cleaned_data["q"])
                | Q(inventory_number__icontains=form.cleaned_data["q"])
            )
    page = Paginator(pupils, PAGE).get_page(request.GET.get("page"))
    outcomes = dict(MedicalOpinion.Outcome.choices)
    rows = [
        {
            "pupil": p,
            "age": p.age_on(today),
            "outcome": outcomes.get(p.opinion_outcome, ""),
            "opinion_valid": p.opinion_until is not None and p.opinion_until >= today,
        }
        for p in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safety/index.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "query_string": query.urlencode(),
            "machines": list(machines.order_by("workshop__name", "name")[:200]),
            "declarations": list(
                Declaration.objects.annotate(covered=Count("machines")).order_by("-sent_on")[:20]
            ),
            "updates_due": list(
                DeclarationUpdate.objects.waiting().select_related("declaration")[:20]
            ),
            "today": today,
            "can_edit_machines": request.user.has_role(DIRECTOR, TRAINER),
            "can_see_declarations": request.user.has_role(DIRECTOR, OFFICE),
        },
    )


@role_required(DIRECTOR, TRAINER)
def machine_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    machine = None
    if pk is not None:
        machine = get_object_or_404(Machine.objects.editable_by(request.user), pk=pk)
    kind_before = machine.kind if machine else None
    form = forms.MachineForm(request.POST or None, instance=machine, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            update = declaring.flag_machine(saved, request.user, timezone.localdate(), kind_before)
        messages.success(request, _("The machine was saved."))
        if update is not None:
            messages.warning(
                request,
                _("The declaration of derogation is to update with the labour inspector "
                  "by %(day)s (R4153-42).") % {"day": f"{update.due_on:%d/%m/%Y}"},
            )  # fmt: skip
        return redirect("safety:index")
    title = _("Edit a machine") if machine else _("New machine or regulated work")
    return render(request, "safety/form.html", {"form": form, "title": title})


@role_required(DIRECTOR)
def declaration_add(request: HttpRequest) -> HttpResponse:
    form = forms.DeclarationForm(request.POST or None, request.FILES or None)
    formset = forms.SupervisorFormSet(request.POST or None, prefix="supervisors")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            declaration = form.save(commit=False)
            declaration.created_by = request.user
            declaration.save()
            form.save_m2m()
            formset.instance = declaration
            formset.save()
        messages.success(request, _("The declaration was recorded."))
        return redirect("safety:declaration", pk=declaration.pk)
    return render(
        request,
        "safety/declaration_form.html",
        {"form": form, "formset": formset},
    )


def _declaration(pk: int) -> Declaration:
    return get_object_or_404(Declaration.objects.select_related("created_by", "renews"), pk=pk)


def _declaration_context(declaration: Declaration) -> dict:
    return {
        "declaration": declaration,
        "machines": list(declaration.machines.select_related("workshop")),
        "supervisors": list(declaration.supervisors.select_related("person")),
        "today": timezone.localdate(),
    }


@role_required(DIRECTOR, OFFICE)
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The declaration, its changes and their updates sent (R4153-42); the director
    records a change, or that an update was sent."""
    declaration = _declaration(pk)
    action = request.POST.get("action")
    change_form = forms.DeclarationChangeForm(
        request.POST if action == "change" else None,
        instance=DeclarationUpdate(declaration=declaration, recorded_by=request.user),
    )
    sent_form = forms.UpdateSentForm(
        request.POST if action == "sent" else None, declaration=declaration
    )
    if request.method == "POST":
        if not request.user.is_director:
            raise PermissionDenied
        if action == "change" and change_form.is_valid():
            change_form.save()
            messages.success(request, _("The change was recorded."))
            return redirect("safety:declaration", pk=declaration.pk)
        if action == "sent" and sent_form.is_valid():
            sent_form.save()
            messages.success(request, _("The update sent was recorded."))
            return redirect("safety:declaration", pk=declaration.pk)
    context = _declaration_context(declaration)
    context.update(
        {
            "updates": list(declaration.updates.order_by("-changed_on", "-pk")),
            "change_form": change_form,
            "sent_form": sent_form,
        }
    )
    return render(request, "safety/declaration.html", context)


@role_required(DIRECTOR, OFFICE)
def declaration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(pk)
    pdf = render_pdf("pdf/declaration.html", _declaration_context(declaration))
    return _pdf_response(pdf, f"declaration-derogation-{declaration.sent_on:%Y%m%d}.pdf")


@role_required(DIRECTOR, OFFICE)
def declaration_proof(request: HttpRequest, pk: int) -> FileResponse:
    declaration = _declaration(pk)
    if not declaration.proof:
        raise Http404
    return FileResponse(declaration.proof.open("rb"), as_attachment=True)


def _pupil_context(student: Student, user) -> dict:
    today = timezone.localdate()
    return {
        "student": student,
        "today": today,
        "age": student.age_on(today),
        "opinions": list(
            MedicalOpinion.objects.filter(student=student).prefetch_related("restrictions")
        ),
        "trainings": list(
            SafetyTraining.objects.filter(student=student).select_related("machine", "given_by")
        ),
        "supervisions": list(
            Supervision.objects.filter(student=student).select_related("supervisor")
        ),
        "declarations": list(
            Declaration.objects.in_force(today)
            .filter(machines__workshop=student.workshop_id)
            .distinct()
        ),
        "sees_scans": MedicalOpinion.confidential_visible_to(user),
        "can_record": user.has_role(DIRECTOR, TRAINER),
        "can_print": user.has_role(DIRECTOR, OFFICE),
    }


@role_required(DIRECTOR, OFFICE, TRAINER)
def pupil(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request.user, pk)
    return render(request, "safety/pupil.html", _pupil_context(student, request.user))


@role_required(DIRECTOR, OFFICE)
def register_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request.user, pk)
    pdf = render_pdf("pdf/safety_register.html", _pupil_context(student, request.user))
    return _pdf_response(pdf, f"registre-travaux-reglementes-{student.last_name}.pdf")


def _record_form(request, pk: int, form_class, title: str, **extra) -> HttpResponse:
    student = _student(request.user, pk)
    form = form_class(request.POST or None, request.FILES or None, student=student, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(commit=False)
            if isinstance(saved, Supervision):
                saved.name()
            else:
                if isinstance(saved, MedicalOpinion):
                    saved.recorded_by = request.user
                with transaction.atomic():
                    saved.save()
                    form.save_m2m()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved on %(pupil)s's record.") % {"pupil": student})
            return redirect("safety:pupil", pk=student.pk)
    return render(request, "safety/form.html", {"form": form, "title": title, "student": student})


@role_required(DIRECTOR)
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    if not MedicalOpinion.confidential_visible_to(request.user):  # health data (R13)
        raise Http404
    return _record_form(request, pk, forms.OpinionForm, _("New medical fitness opinion"))


@role_required(DIRECTOR)
def opinion_scan(request: HttpRequest, pk: int) -> FileResponse:
    """Health data: the director only (SPEC.md R13), not the technical superuser."""
    opinion = get_object_or_404(MedicalOpinion, pk=pk)
    if not opinion.scan or not MedicalOpinion.confidential_visible_to(request.user):
        raise Http404
    return FileResponse(opinion.scan.open("rb"), as_attachment=True)


@role_required(DIRECTOR, TRAINER)
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form(
        request, pk, forms.TrainingForm, _("New safety training"), user=request.user
    )


@role_required(DIRECTOR, TRAINER)
def supervision_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_form(request, pk, forms.SupervisionForm, _("Name a supervisor"))
