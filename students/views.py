"""Pupils' pages: list, record, forms, follow-up notes, import, indicators, personal data.

Scope: `Student.objects.visible_to(user)` (a trainer sees his workshop's pupils, others
get 404); roles by `role_required` (403). Follow-up notes answer 404 to anyone but the
pupil's tutor and the direction, so that their existence shows nowhere else.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.functions import TruncMinute
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import ReadLog
from ecoles.access import role_required
from ecoles.confirm import is_confirmed
from ecoles.exports import csv_response
from ecoles.models import Policy
from ecoles.roles import DIRECTOR, OFFICE, TEACHER, TRAINER
from students import anonymisation, importing, indicators
from students.forms import (
    ConfirmImportForm,
    FollowUpNoteForm,
    GuardianFormSet,
    ImportForm,
    LeavingForm,
    StudentFilterForm,
    StudentForm,
)
from students.models import (
    FollowUpNote,
    Student,
    can_see_contacts,
    manages_records,
)
from students.personal_data import export_zip

PAGE_SIZE = 25
SAMPLE_CSV = "samples/eleves-exemple.csv"
IMPORT_SESSION_KEY = "students_import"
# The checked file (pupils, guardians, contacts) waits in the session for the confirmation
# no longer than this; it goes on import, on cancel, on a new upload and with errors.
IMPORT_LIFETIME_SECONDS = 30 * 60

# Pages other apps provide about one pupil, linked from his record when they exist.
TIME_PAGES = [("training:student_time", gettext_lazy("Hours and the two-thirds balance"))]
DOCUMENT_PAGES = [
    ("training:statement", gettext_lazy("Hours statement (PDF)")),
    ("training:certificate", gettext_lazy("School certificate (PDF)")),
]


def _get_student(request: HttpRequest, pk: int, qs=None) -> Student:
    """The pupil if `request.user` may see him, else 404 (SPEC.md §2)."""
    qs = qs if qs is not None else Student.objects.all()
    return get_object_or_404(qs.visible_to(request.user), pk=pk)


def _get_student_for_notes(request: HttpRequest, pk: int) -> Student:
    """The pupil whose follow-up notes `request.user` may read: 404 for everyone else."""
    student = _get_student(request, pk, Student.objects.select_related("workshop", "tutor"))
    if not student.notes_visible_to(request.user) or student.is_anonymised:
        raise Http404
    return student


def _who_read(notes: list[FollowUpNote]) -> list[dict]:
    """Earlier readings of these notes from the read audit, one line per reader and minute."""
    return list(
        ReadLog.objects.filter(
            content_type=ContentType.objects.get_for_model(FollowUpNote),
            object_id__in=[str(note.pk) for note in notes],
        )
        .annotate(minute=TruncMinute("at"))
        .values("minute", "user__first_name", "user__last_name", "user__username")
        .distinct()
        .order_by("-minute")[:30]
    )


def _links(user, pages, pk: int) -> list[tuple[str, str]]:
    """(label, url) of the pages that exist and whose roles `user` holds."""
    links = []
    for name, label in pages:
        try:
            url = reverse(name, args=[pk])
        except NoReverseMatch:
            continue
        allowed = getattr(resolve(url).func, "allowed_roles", None)
        if allowed is None or user.has_role(*allowed):
            links.append((label, url))
    return links


def _list_queryset(request: HttpRequest):
    form = StudentFilterForm(request.GET or None)
    qs = Student.objects.visible_to(request.user).current().with_record_access(request.user)
    return form, form.filter(qs).select_related("workshop", "tutor")


@role_required(DIRECTOR, OFFICE, TRAINER, TEACHER)
def student_list(request: HttpRequest) -> HttpResponse:
    form, students = _list_queryset(request)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "students/student_list.html",
        {
            "form": form,
            "page_obj": page,
            "students": page.object_list,
            "query_string": query.urlencode(),
            "filtered": any(v for k, v in query.items() if k != "q"),
            "can_manage": manages_records(request.user),
            "can_see_contacts": can_see_contacts(request.user),
        },
    )


@role_required(DIRECTOR, OFFICE, TRAINER, TEACHER)
def student_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as CSV; contacts only of the pupils whose record the user sees
    (a trainer who also teaches: his workshop's pupils)."""
    students = _list_queryset(request)[1]
    header = [
        _("Last name"),
        _("First name"),
        _("Workshop"),
        _("Programme"),
        _("Year"),
        _("Cohort"),
        _("Status"),
    ]
    contacts = can_see_contacts(request.user)
    if contacts:
        students = students.prefetch_related("guardians")
        header += [
            _("Birth date"),
            _("Entry date"),
            _("Leaving date"),
            _("Tutor"),
            _("Phone"),
            _("Email"),
            _("Address"),
            _("Postal code"),
            _("City"),
            _("Guardian receiving the mail"),
            _("Guardian's phone"),
            _("Guardian's email"),
        ]

    def rows():
        for s in students:
            row = [
                s.last_name,
                s.first_name,
                s.workshop,
                s.programme_label,
                s.programme_year,
                s.cohort,
                s.get_status_display(),
            ]
            if contacts and not s.record_visible:
                row += [""] * 12
            elif contacts:
                guardian = next((g for g in s.guardians.all() if g.receives_mail), None)
                row += [
                    s.birth_date.strftime("%d/%m/%Y"),
                    s.entry_date.strftime("%d/%m/%Y"),
                    s.left_on.strftime("%d/%m/%Y") if s.left_on else "",
                    s.tutor or "",
                    s.phone,
                    s.email,
                    s.address,
                    s.postal_code,
                    s.city,
                    f"{guardian.first_name} {guardian.last_name}".strip() if guardian else "",
                    guardian.phone if guardian else "",
                    guardian.email if guardian else "",
                ]
            yield row

    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return csv_response(f"eleves-{stamp}.csv", header, rows())


@role_required(DIRECTOR, OFFICE, TRAINER, TEACHER)
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    qs = Student.objects.select_related("workshop", "tutor").with_record_access(user)
    student = _get_student(request, pk, qs)
    contacts = student.record_visible
    notes_allowed = student.notes_visible_to(user) and not student.is_anonymised
    context = {
        "student": student,
        "can_see_contacts": contacts,
        "can_manage": manages_records(user) and not student.is_anonymised,
        "can_export": manages_records(user),
        "notes_allowed": notes_allowed,
        "note_count": student.followup_notes.count() if notes_allowed else None,
        "guardians": student.guardians.all() if contacts else [],
        "time_links": _links(user, TIME_PAGES, student.pk) if contacts else [],
        "document_links": _links(user, DOCUMENT_PAGES, student.pk) if contacts else [],
        "age": student.age if contacts else None,
    }
    return render(request, "students/student_detail.html", context)


def _save_student(form: StudentForm, formset) -> Student:
    with transaction.atomic():
        student = form.save()
        formset.instance = student
        formset.save()
    return student


@role_required(DIRECTOR, OFFICE)
def student_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    student = _get_student(request, pk) if pk else None
    if student and student.is_anonymised:
        messages.warning(request, _("An anonymised record can no longer be changed."))
        return redirect("students:detail", student.pk)
    instance = student or Student()
    form = StudentForm(request.POST or None, instance=instance)
    formset = GuardianFormSet(request.POST or None, instance=instance, prefix="guardians")
    if request.method == "POST":
        # Both validated so that every error shows at once; the formset after the form,
        # which has filled in the birth date it checks against.
        valid = [form.is_valid(), formset.is_valid()]
        if all(valid):
            student = _save_student(form, formset)
            messages.success(request, _("The record of %(name)s was saved.") % {"name": student})
            return redirect("students:detail", student.pk)
    return render(
        request,
        "students/student_form.html",
        {"form": form, "formset": formset, "student": student},
    )


@role_required(DIRECTOR, OFFICE)
def student_leaving(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student(request, pk, Student.objects.select_related("workshop"))
    if student.status == Student.Status.APPLICANT:
        messages.warning(request, _("An applicant has not started: there is no leaving."))
        return redirect("students:detail", student.pk)
    form = LeavingForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The leaving of %(name)s was saved.") % {"name": student})
        return redirect("students:detail", student.pk)
    return render(request, "students/leaving_form.html", {"form": form, "student": student})


def student_notes(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-up notes of one pupil; each display is a recorded reading."""
    student = _get_student_for_notes(request, pk)
    form = FollowUpNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.student = student
        note.author = request.user
        note.save()
        messages.success(request, _("The note was added."))
        return redirect("students:notes", student.pk)
    # Loading the notes is what the read audit records (accounts.audit): who, when.
    notes = list(student.followup_notes.select_related("author"))
    readings = _who_read(notes) if request.user.is_director else None
    return render(
        request,
        "students/notes.html",
        {"student": student, "notes": notes, "form": form, "readings": readings},
    )


def note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    """Only the author corrects his note; the history keeps what it said before."""
    student = _get_student_for_notes(request, pk)
    note = get_object_or_404(student.followup_notes, pk=note_pk, author=request.user)
    form = FollowUpNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The note was saved."))
        return redirect("students:notes", student.pk)
    return render(
        request, "students/note_form.html", {"student": student, "note": note, "form": form}
    )


@role_required(DIRECTOR, OFFICE)
def personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student(request, pk, Student.objects.select_related("workshop", "tutor"))
    response = HttpResponse(export_zip(student, request.user), content_type="application/zip")
    name = slugify(f"{student.last_name} {student.first_name}") or student.pk
    response["Content-Disposition"] = content_disposition_header(
        True, f"donnees-{name}-{student.pk}.zip"
    )
    return response


def _forget_import(request: HttpRequest) -> None:
    request.session.pop(IMPORT_SESSION_KEY, None)


def _pending_import(request: HttpRequest) -> bytes | None:
    """The file checked on the preview, if it is still recent enough; else forgotten."""
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(stored, dict) or time.time() - stored["at"] > IMPORT_LIFETIME_SECONDS:
        _forget_import(request)
        return None
    return base64.b64decode(stored["data"])


@role_required(DIRECTOR, OFFICE)
def student_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see every line checked; nothing is written here."""
    _forget_import(request)  # a new import, or the page visited again: the last file goes
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            preview = importing.preview(data)
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if preview.can_import:
                request.session[IMPORT_SESSION_KEY] = {
                    "data": base64.b64encode(data).decode(),
                    "at": time.time(),
                }
    return render(
        request,
        "students/import.html",
        {"form": form, "preview": preview, "confirm_form": ConfirmImportForm()},
    )


@require_POST
@role_required(DIRECTOR, OFFICE)
def student_import_confirm(request: HttpRequest) -> HttpResponse:
    """Check the previewed file again and save every pupil, or none."""
    stored = _pending_import(request)
    if not stored:
        messages.error(request, _("No file to import: upload it again."))
        return redirect("students:import")
    try:
        preview = importing.preview(stored)
    except importing.ImportFileError as exc:
        _forget_import(request)
        messages.error(request, str(exc))
        return redirect("students:import")
    confirm_form = ConfirmImportForm(request.POST)
    confirm_form.is_valid()
    if preview.warnings and not confirm_form.cleaned_data.get("confirm_warnings"):
        confirm_form.add_error(
            "confirm_warnings", _("Tick this box to import despite the warnings.")
        )
    if not preview.can_import or confirm_form.errors:
        if not preview.can_import:
            _forget_import(request)
            messages.error(request, _("The file has errors: nothing was imported."))
        return render(
            request,
            "students/import.html",
            {"form": ImportForm(), "preview": preview, "confirm_form": confirm_form},
        )
    created = importing.import_students(preview)
    _forget_import(request)
    count = len(created)
    messages.success(
        request,
        ngettext("%(count)s pupil was imported.", "%(count)s pupils were imported.", count)
        % {"count": count},
    )
    return redirect("students:list")


@require_POST
@role_required(DIRECTOR, OFFICE)
def student_import_cancel(request: HttpRequest) -> HttpResponse:
    """Drop the checked file: its pupils and guardians leave the session."""
    _forget_import(request)
    messages.success(request, _("The file was discarded: nothing was imported."))
    return redirect("students:import")


@role_required(DIRECTOR, OFFICE)
def import_sample(request: HttpRequest) -> HttpResponse:
    path = Path(__file__).resolve().parent / SAMPLE_CSV
    response = HttpResponse(path.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "eleves-exemple.csv")
    return response


def _indicators_year(request: HttpRequest, policy: Policy) -> tuple[int, list[int]]:
    today = timezone.localdate()
    years = indicators.available_years(today, policy)
    current = indicators.current_school_year(today, policy)
    # By default the last complete school year: the current one has no results yet.
    default = current - 1 if current - 1 in years else current
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    return (year if year in years else default), years


@role_required(DIRECTOR, OFFICE)
def indicator_page(request: HttpRequest) -> HttpResponse:
    policy = Policy.load()
    year, years = _indicators_year(request, policy)
    figures = indicators.compute(year, policy)
    current = indicators.current_school_year(timezone.localdate(), policy)
    return render(
        request,
        "students/indicators.html",
        {
            "figures": figures,
            "years": [(y, indicators.school_year_label(y)) for y in years],
            "current_year": current,
            "sections": indicators.sections(year, policy),
        },
    )


@role_required(DIRECTOR, OFFICE)
def indicator_export(request: HttpRequest) -> HttpResponse:
    policy = Policy.load()
    year, _years = _indicators_year(request, policy)
    f = indicators.compute(year, policy)

    def line(label: str, rate: indicators.Rate) -> list:
        share = "" if rate.share is None else f"{rate.share * 100:.1f}".replace(".", ",")
        return [f.label, label, rate.count, rate.total, share]

    rows = [
        [f.label, _("Pupils enrolled during the year"), f.enrolled, "", ""],
        [f.label, _("of whom entered this year"), f.entered, "", ""],
        [f.label, _("Leavers"), f.leavers, "", ""],
    ]
    for exam in f.exams:
        label = exam.label or _("all programmes")
        rows.append(line(_("Exam success: %(programme)s") % {"programme": label}, exam.rate))
    rows += [
        line(_("Drop-out"), f.drop_out),
        line(_("Placement at 6 months"), f.placement_6m),
        line(_("Placement at 12 months"), f.placement_12m),
        line(_("Further study at 6 months"), f.further_study),
    ]
    for section in indicators.sections(year, policy):
        rows += [[f.label, *row] for row in section.csv_rows()]
    header = [_("School year"), _("Indicator"), _("Count"), _("Out of"), _("Rate (%)")]
    return csv_response(f"indicateurs-{f.label}.csv", header, rows)


SHOWN_DUE = 25  # former pupils listed before the anonymise button; the count says the rest


@role_required(DIRECTOR)
def anonymise(request: HttpRequest) -> HttpResponse:
    """The director's button: anonymise former pupils past the retention period. The page
    is the confirmation step (it lists who goes, says it cannot be undone, posts
    ``confirmed=yes``); a POST without it only shows the page again."""
    policy = Policy.load()
    due = anonymisation.due(policy=policy).select_related("workshop")
    if is_confirmed(request):
        count = anonymisation.anonymise(due, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s former pupil was anonymised.",
                "%(count)s former pupils were anonymised.",
                count,
            )
            % {"count": count},
        )
        return redirect("students:anonymise")
    count = due.count()
    return render(
        request,
        "students/anonymise.html",
        {
            "count": count,
            "shown": list(due[:SHOWN_DUE]),
            "more": max(count - SHOWN_DUE, 0),
            "retention_years": policy.retention_years,
        },
    )
