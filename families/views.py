"""The families' and pupils' spaces (SPEC.md R14), and the office's pages for them.

Every child is fetched through families.access (another child: 404); the spaces' roles
never reach a staff page (families.middleware)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoles import charts, roles
from ecoles import mail as outgoing
from ecoles.access import role_required
from ecoles.bounds import parse_school_date
from ecoles.calendar import monday_of
from ecoles.confirm import ask, is_confirmed
from ecoles.models import Policy, School, User
from ecoles.pdf import render_pdf
from families import access, invitations, reports
from families.forms import (
    AbsenceReportForm,
    DecisionForm,
    PreferenceForm,
    PublicationForm,
    RedeemForm,
    SelfAssessmentForm,
)
from families.mails import REMINDER_KIND
from families.models import (
    AbsenceReport,
    Acknowledgement,
    AdultConsent,
    GuardianAccount,
    Invitation,
    Preference,
    Publication,
    PupilAccount,
)
from schoollife import register
from schoollife.models import Absence, FamilyNotice, RollCallMark
from skills.booklet import booklet
from skills.models import ChefDoeuvre, Evidence, EvidencePhoto, ExamRegistration
from students.models import Guardian, Student
from training import balance, timetable
from training.models import TheorySession
from training.views import _of_school as of_school

OFFICE_ROLES = (roles.DIRECTOR, roles.OFFICE)


def _monday(request: HttpRequest) -> dt.date:
    return monday_of(parse_school_date(request.GET.get("semaine", "")) or timezone.localdate())


def _week_of(student: Student, monday: dt.date) -> list[dict]:
    sessions = TheorySession.objects.filter(attendances__student=student)
    workshops = [student.workshop] if student.workshop_id else []
    return timetable.week(monday, sessions, workshops, one_pupil=True)


def _week_nav(monday: dt.date) -> dict:
    return {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": "?semaine=" + (monday - dt.timedelta(days=7)).isoformat(),
        "next": "?semaine=" + (monday + dt.timedelta(days=7)).isoformat(),
        "today": timezone.localdate(),
    }


def _publications_for(student: Student):
    return Publication.objects.filter(Q(audience="all") | Q(cohort=student.cohort))


# -- the guardian's space ----------------------------------------------------------------


@role_required(roles.FAMILY, roles.PUPIL)
def home(request: HttpRequest) -> HttpResponse:
    """A pupil's space, or the list of a guardian's children with what awaits him."""
    if not request.user.has_role(roles.FAMILY):
        return pupil(request)
    children = list(access.children_of(request.user))
    waiting = {}
    for child in children:
        answered = Acknowledgement.objects.filter(
            publication=OuterRef("pk"), student=child, user=request.user,
            version=OuterRef("version"),
        )  # fmt: skip
        waiting[child.pk] = (
            _publications_for(child).annotate(done=Exists(answered)).filter(done=False).count()
        )
    return render(
        request,
        "families/home.html",
        {"children": [(c, waiting[c.pk]) for c in children]},
    )


@role_required(roles.FAMILY)
def child_week(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's week: timetable, the register as recorded, absences, late arrivals
    and the notices the school sent."""
    child = access.child_of(request.user, pk)
    monday = _monday(request)
    sunday = monday + dt.timedelta(days=6)
    cells = register.build([child], monday, sunday)
    days = _week_of(child, monday)
    today = timezone.localdate()
    for day in days:
        for half in day["halves"]:
            cell = cells.get((child.pk, day["day"], half["half"]))
            # A half-day still to come has no state (the staff's register stops at today
            # too), unless an absence was already reported for it.
            if day["day"] > today and cell is not None and cell.state == register.UNKNOWN:
                cell = None
            half["cell"] = cell
    absences = (
        Absence.objects.filter(student=child).between(monday, sunday).select_related("reason")
    )
    lates = (
        RollCallMark.objects.filter(student=child, late_minutes__gt=0)
        .filter(roll_call__day__gte=monday, roll_call__day__lte=sunday)
        .select_related("roll_call")
    )
    notices = FamilyNotice.objects.filter(student=child).select_related("absence")[:10]
    reports_ = AbsenceReport.objects.filter(student=child).select_related("reason")[:10]
    return render(
        request,
        "families/child_week.html",
        {
            "child": child,
            "days": days,
            "absences": absences,
            "lates": lates,
            "notices": notices,
            "reports": reports_,
            **_week_nav(monday),
        },
    )


@role_required(roles.FAMILY)
def report_absence(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.child_of(request.user, pk)
    form = AbsenceReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.student, report.reported_by = child, request.user
        report.save()
        messages.success(request, _("Sent: the school will answer here."))
        return redirect("families:child_week", pk=child.pk)
    return render(request, "families/report_form.html", {"child": child, "form": form})


@role_required(roles.FAMILY)
def child_booklet(request: HttpRequest, pk: int) -> HttpResponse:
    """The booklet of the term (validated evidence only, with its photos), the exams."""
    child = access.child_of(request.user, pk)
    day = parse_school_date(request.GET.get("jour", "")) or timezone.localdate()
    book = booklet(child, day)
    exams = ExamRegistration.objects.filter(student=child).select_related("version__diploma")
    return render(
        request,
        "families/booklet.html",
        {"child": child, "book": book, "exams": exams, "photo_url": "families:child_photo"},
    )


@role_required(roles.FAMILY)
def child_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    child = access.child_of(request.user, pk)
    return _photo(child, photo, validated_only=True)


def _photo(student: Student, pk: int, *, validated_only: bool) -> FileResponse:
    photos = EvidencePhoto.objects.filter(evidence__student=student)
    if validated_only:
        photos = photos.filter(evidence__validated_at__isnull=False)
    item = get_object_or_404(photos, pk=pk)
    if not item.image:
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@role_required(roles.FAMILY)
def child_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """What the school publishes to this child's family, and the answers asked for."""
    child = access.child_of(request.user, pk)
    answers = Acknowledgement.objects.filter(student=child, user=request.user)
    publications = list(
        _publications_for(child).prefetch_related(Prefetch("acknowledgements", answers))
    )
    for p in publications:
        p.answer = next((a for a in p.acknowledgements.all() if a.version == p.version), None)
    return render(
        request, "families/documents.html", {"child": child, "publications": publications}
    )


@role_required(roles.FAMILY)
@require_POST
def acknowledge(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    child = access.child_of(request.user, pk)
    publication = get_object_or_404(_publications_for(child), pk=doc)
    consents = request.POST.get("answer") != "no"
    Acknowledgement.objects.get_or_create(
        publication=publication,
        student=child,
        user=request.user,
        version=publication.version,
        defaults={"consents": consents},
    )
    messages.success(request, _("Your answer is recorded."))
    return redirect("families:child_documents", pk=child.pk)


@role_required(roles.FAMILY, roles.OFFICE, roles.DIRECTOR)
def publication_file(request: HttpRequest, pk: int) -> FileResponse:
    if request.user.has_role(*OFFICE_ROLES):
        publication = get_object_or_404(Publication, pk=pk)
    else:
        mine = access.children_of(request.user)
        cohorts = set(mine.values_list("cohort", flat=True))
        publication = get_object_or_404(
            Publication.objects.filter(Q(audience="all") | Q(cohort__in=cohorts))
            if cohorts
            else Publication.objects.none(),
            pk=pk,
        )
    response = FileResponse(publication.file.open("rb"), content_type="application/pdf")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _director():
    return User.objects.filter(groups__name=roles.DIRECTOR, is_active=True).order_by("pk").first()


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(roles.FAMILY)
def child_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The hours statement of the school year to date, as the office prints it."""
    child = access.child_of(request.user, pk)
    policy = Policy.load()
    today = timezone.localdate()
    start, _end = balance.periods(today, policy)["year"]
    figures = balance.statement(child, start, today, policy)
    target = balance.policy_numbers(policy)[0]
    pdf = render_pdf(
        "pdf/statement.html",
        {
            "student": child, "period_name": "year", "start": start, "end": today,
            "weeks": figures.weeks, "total": figures.total,
            "total_hours": figures.total_hours, "orders": figures.orders,
            "chart": charts.weekly_chart(figures.series, target), "today": today,
            "signer": _director(),
        },
    )  # fmt: skip
    return _pdf(pdf, f"releve-heures-{child.pk}.pdf")


@role_required(roles.FAMILY)
def child_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate of schooling of this school year, signed by the director."""
    child = access.child_of(request.user, pk)
    policy = Policy.load()
    today = timezone.localdate()
    year_start = policy.school_year_start(today)
    director = _director()
    pdf = render_pdf(
        "pdf/certificate.html",
        {
            "student": child, "today": today, "year_start": year_start,
            "year_end": dt.date(year_start.year + 1, year_start.month, year_start.day)
            - dt.timedelta(days=1),
            "signer": director, "signatory": director,
            "of_school": of_school(School.load().name),
        },
    )  # fmt: skip
    return _pdf(pdf, f"certificat-scolarite-{child.pk}.pdf")


@role_required(roles.FAMILY)
def preferences(request: HttpRequest) -> HttpResponse:
    preference = Preference.objects.filter(user=request.user).first() or Preference(
        user=request.user
    )
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("families:preferences")
    return render(request, "families/preferences.html", {"form": form})


@role_required(roles.FAMILY, roles.PUPIL)
def data_kept(request: HttpRequest) -> HttpResponse:
    return render(request, "families/data_kept.html", {})


# -- the pupil's space ---------------------------------------------------------------------


@role_required(roles.PUPIL)
def pupil(request: HttpRequest) -> HttpResponse:
    """His week, where he is expected today, his hours and balance as the staff see them."""
    student = access.pupil_of(request.user)
    policy = Policy.load()
    today = timezone.localdate()
    monday = _monday(request)
    place = timetable.expected_place([student.pk], today)[student.pk]
    periods = balance.periods(today, policy)
    week = balance.balances([student.pk], *periods["week"], policy=policy).get(student.pk)
    year = balance.balances([student.pk], *periods["year"], policy=policy).get(student.pk)
    target, _band, _allowance = balance.policy_numbers(policy)
    series = balance.weekly_series([student.pk], periods["year"][0], today)
    return render(
        request,
        "families/pupil.html",
        {
            "student": student,
            "days": _week_of(student, monday),
            "place": place,
            "week_balance": week,
            "year_balance": year,
            "chart": charts.weekly_chart(series, target),
            "is_adult": not access.is_minor(student, today),
            "consent": AdultConsent.objects.filter(
                student=student, withdrawn_at__isnull=True
            ).first(),
            **_week_nav(monday),
        },
    )


@role_required(roles.PUPIL)
def pupil_skills(request: HttpRequest) -> HttpResponse:
    """His competencies with the evidence proving them; his self-assessment beside the
    trainer's level; his chef-d'oeuvre's steps."""
    student = access.pupil_of(request.user)
    evidence = (
        Evidence.objects.filter(student=student)
        .current()
        .select_related("competency", "order")
        .prefetch_related(Prefetch("photos", EvidencePhoto.objects.exclude(image="")))
        .order_by("-date", "-pk")[:100]
    )
    chef = ChefDoeuvre.objects.filter(student=student).prefetch_related("steps").first()
    return render(
        request,
        "families/pupil_skills.html",
        {"student": student, "evidence": evidence, "chef": chef},
    )


@role_required(roles.PUPIL)
def pupil_photo(request: HttpRequest, photo: int) -> FileResponse:
    return _photo(access.pupil_of(request.user), photo, validated_only=False)


@role_required(roles.PUPIL)
def self_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """R14: the pupil says how well he masters it, before the trainer validates."""
    student = access.pupil_of(request.user)
    evidence = get_object_or_404(
        Evidence.objects.filter(student=student).select_related("competency"), pk=pk
    )
    if evidence.is_validated:
        messages.info(request, _("Validated evidence no longer changes."))
        return redirect("families:pupil_skills")
    form = SelfAssessmentForm(
        request.POST or None,
        initial={"self_level": evidence.self_level, "self_comment": evidence.self_comment},
    )
    if request.method == "POST" and form.is_valid():
        evidence.self_level = form.cleaned_data["self_level"]
        evidence.self_comment = form.cleaned_data["self_comment"]
        evidence.save(update_fields=["self_level", "self_comment"])
        messages.success(request, _("Your self-assessment is saved."))
        return redirect("families:pupil_skills")
    return render(request, "families/self_assess.html", {"evidence": evidence, "form": form})


@role_required(roles.PUPIL)
@require_POST
def adult_consent(request: HttpRequest) -> HttpResponse:
    """An adult pupil lets his guardians see his space, or withdraws it (R14)."""
    student = access.pupil_of(request.user)
    if access.is_minor(student):
        raise Http404
    current = AdultConsent.objects.filter(student=student, withdrawn_at__isnull=True).first()
    if request.POST.get("agree") == "yes" and current is None:
        AdultConsent.objects.create(student=student)
        messages.success(request, _("Your guardians see your space again."))
    elif request.POST.get("agree") == "no" and current is not None:
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        messages.success(request, _("Your guardians no longer see your space."))
    return redirect("families:pupil")


# -- invitations ---------------------------------------------------------------------------


def _redeem(request: HttpRequest, secret: str | None) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    linking = user is not None and user.has_role(roles.FAMILY)
    if user is not None and not linking:
        raise Http404  # staff and pupils: an invitation makes an account of its own
    initial = {"code": secret} if secret else {}
    form = RedeemForm(request.POST or None, initial=initial, link=bool(secret), linking=linking)
    if request.method == "POST" and form.is_valid():
        try:
            made = invitations.redeem(
                form.cleaned_data["code"],
                username=form.cleaned_data.get("username", ""),
                password=form.cleaned_data.get("password1", ""),
                user=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if user is None:
                login(request, made, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to your space."))
            return redirect("families:home")
    valid = secret is None or invitations.find(secret) is not None
    return render(
        request,
        "families/redeem.html",
        {"form": form, "valid": valid, "linking": linking},
    )


@login_not_required
def redeem(request: HttpRequest) -> HttpResponse:
    return _redeem(request, None)


@login_not_required
def redeem_link(request: HttpRequest, secret: str) -> HttpResponse:
    return _redeem(request, secret[:100])


@role_required(*OFFICE_ROLES)
def invitations_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A pupil's and his guardians' accounts and invitations, from his record."""
    student = get_object_or_404(Student.objects.current(), pk=pk)
    guardians = list(Guardian.objects.filter(student=student).select_related("account__user"))
    sent = Invitation.objects.filter(student=student).select_related("guardian", "created_by")
    return render(
        request,
        "families/invitations.html",
        {
            "student": student,
            "guardians": guardians,
            "pupil_account": PupilAccount.objects.filter(student=student)
            .select_related("user")
            .first(),
            "sent": sent[:30],
            "is_minor": access.is_minor(student),
        },
    )


@role_required(*OFFICE_ROLES)
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite the pupil or one of his guardians: a mail, or a letter to print now."""
    student = get_object_or_404(Student.objects.current(), pk=pk)
    guardian = None
    if request.POST.get("guardian"):
        guardian = get_object_or_404(
            Guardian.objects.filter(student=student), pk=_int(request.POST.get("guardian"))
        )
    back = reverse("families:invitations", args=[student.pk])
    person = guardian or student
    if not is_confirmed(request):
        how = request.POST.get("how")
        return ask(
            request,
            title=_("Invite %(name)s?") % {"name": person},
            facts=[(_("Pupil"), student), (_("By"), _("mail") if how == "mail" else _("letter"))],
            text=_("An open invitation of this person is replaced by this one."),
            warning="",
            button=_("Invite"),
            cancel_url=back,
            extra={"guardian": guardian.pk if guardian else "", "how": how},
            danger=False,
        )
    try:
        if request.POST.get("how") == "mail":
            invitations.invite_by_mail(student, guardian, by=request.user)
            messages.success(request, _("The invitation will be mailed."))
            return redirect(back)
        invitation, code = invitations.invite_by_letter(student, guardian, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    pdf = render_pdf(
        "pdf/family_invitation.html",
        {
            "invitation": invitation,
            "person": person,
            "code": code,
            "url": request.build_absolute_uri(reverse("families:redeem")),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invitation-{invitation.pk}.pdf"'
    return response


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**31:
        raise Http404
    return number


@role_required(*OFFICE_ROLES)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    back = reverse("families:invitations", args=[invitation.student_id])
    if not is_confirmed(request):
        return ask(
            request,
            title=_("Revoke this invitation?"),
            facts=[(_("For"), invitation.guardian or invitation.student)],
            text=_("Its link or code will no longer work."),
            button=_("Revoke"),
            cancel_url=back,
        )
    invitations.revoke(invitation)
    messages.success(request, _("The invitation is revoked."))
    return redirect(back)


# -- the office: reported absences, published documents ---------------------------------


@role_required(*OFFICE_ROLES)
def reports_page(request: HttpRequest) -> HttpResponse:
    pending = AbsenceReport.objects.pending().select_related("student", "reason", "reported_by")
    decided = AbsenceReport.objects.exclude(status=AbsenceReport.Status.PENDING).select_related(
        "student", "reason", "decided_by"
    )[:30]
    return render(request, "families/reports.html", {"pending": pending, "decided": decided})


@role_required(*OFFICE_ROLES)
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        AbsenceReport.objects.select_related("student", "reason", "reported_by"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        try:
            if request.POST.get("decision") == "refuse":
                reports.refuse(report, by=request.user, answer=answer)
                messages.success(request, _("Refused: the family sees your word."))
            else:
                count = reports.accept(report, by=request.user, answer=answer)
                messages.success(
                    request, _("Accepted: %(n)s half-days recorded or justified.") % {"n": count}
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("families:reports")
    return render(request, "families/report_decide.html", {"report": report, "form": form})


@role_required(*OFFICE_ROLES)
def report_document(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(AbsenceReport.objects.exclude(document=""), pk=pk)
    return FileResponse(report.document.open("rb"), as_attachment=False)


@role_required(*OFFICE_ROLES)
def publications(request: HttpRequest) -> HttpResponse:
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        publication = form.save(commit=False)
        publication.published_by = request.user
        publication.save()
        messages.success(request, _("Published to the families."))
        return redirect("families:publication", pk=publication.pk)
    rows = Publication.objects.annotate(answers=Count("acknowledgements"))[:50]
    return render(request, "families/publications.html", {"form": form, "rows": rows})


def _addressees(publication: Publication):
    """(guardian account, child) the publication asks an answer of: the accounts of
    guardians with parental authority of the enrolled children it is for."""
    children = Student.objects.current().enrolled()
    if publication.audience == Publication.Audience.COHORT:
        children = children.filter(cohort=publication.cohort)
    return GuardianAccount.objects.filter(
        guardian__student__in=children, guardian__legal_representative=True
    ).select_related("user", "guardian__student")


@role_required(*OFFICE_ROLES)
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Who answered, who has not; remind those who have not (a mail each)."""
    item = get_object_or_404(Publication, pk=pk)
    answered = {
        (a.user_id, a.student_id): a
        for a in Acknowledgement.objects.filter(publication=item, version=item.version)
    }
    rows = [
        (link, answered.get((link.user_id, link.guardian.student_id))) for link in _addressees(item)
    ]
    missing = [link for link, answer in rows if answer is None]
    if request.method == "POST":
        if not is_confirmed(request):
            return ask(
                request,
                title=_("Remind the families who have not answered?"),
                facts=[(_("Document"), item), (_("Accounts"), len({m.user_id for m in missing}))],
                text=_("Each gets a mail (quiet hours kept)."),
                warning="",
                button=_("Send the reminders"),
                cancel_url=reverse("families:publication", args=[item.pk]),
                danger=False,
            )
        for user_id in sorted({m.user_id for m in missing}):
            outgoing.queue(REMINDER_KIND, item.pk, to_kind="user", to_id=user_id)
        messages.success(request, _("Reminders queued."))
        return redirect("families:publication", pk=item.pk)
    return render(
        request,
        "families/publication.html",
        {"item": item, "rows": rows, "missing": len(missing)},
    )
