"""School life (vie scolaire, SPEC.md R9): the workshop roll call, absences and their
reasons, the families' notices, and what was sent to the authorities.

The state of a pupil's half-day is derived in one place, `schoollife.register`, from the
workshop roll calls here, the theory roll calls (training.Attendance) and work logged.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.uploads import FileCheck
from students.models import Guardian


class HalfDay(models.TextChoices):
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


HALVES = [HalfDay.MORNING, HalfDay.AFTERNOON]


class RollCallQuerySet(models.QuerySet):
    def visible_to(self, user) -> RollCallQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()


class RollCall(ConstraintErrorsOnFields, models.Model):
    """The workshop roll call (appel) the trainer takes at the start of a half-day: every
    pupil it called is present but the exceptions marked (SPEC.md R9)."""

    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="roll_calls",
    )
    day = models.DateField(_("day"))
    half = models.CharField(_("half-day"), max_length=2, choices=HalfDay)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    # Who the roll call listed: "all present" speaks for them only, never for a pupil
    # typed in later with an earlier entry date (R9: presence is what was recorded).
    called = models.ManyToManyField(
        "students.Student", verbose_name=_("pupils called"), related_name="+", blank=True
    )
    history = HistoricalRecords()

    objects = RollCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop roll call")
        verbose_name_plural = _("workshop roll calls")
        ordering = ["-day", "-half"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "day", "half"],
                name="rollcall_unique",
                violation_error_code="half",
                violation_error_message=_(
                    "This workshop's roll call for this half-day is already taken."
                ),
            ),
            models.CheckConstraint(
                condition=Q(half__in=["am", "pm"]),
                name="rollcall_half_valid",
                violation_error_code="half",
                violation_error_message=_("Choose the morning or the afternoon."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.day:%d/%m/%Y} {self.get_half_display()}"

    def clean(self) -> None:
        if self.day and self.day > timezone.localdate():
            raise ValidationError({"day": _("A roll call is taken on the day, not before.")})


class Mark(models.TextChoices):
    """A pupil's state in a half-day; a roll call stores only the exceptions to PRESENT."""

    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    AWAY = "away", _("Away on a school activity")


class Activity(models.TextChoices):
    DELIVERY = "delivery", _("Delivery at a customer's")
    EXAM = "exam", _("Exam")
    OUTING = "outing", _("School outing")
    OTHER = "other", _("Other school activity")


class RollCallMark(ConstraintErrorsOnFields, models.Model):
    """One exception in a workshop roll call: absent, late (minutes) or away."""

    roll_call = models.ForeignKey(
        RollCall, verbose_name=_("roll call"), on_delete=models.CASCADE, related_name="marks"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="roll_call_marks",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Mark)
    late_minutes = models.PositiveSmallIntegerField(_("minutes late"), default=0)
    activity = models.CharField(_("activity"), max_length=10, choices=Activity, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roll call mark")
        verbose_name_plural = _("roll call marks")
        constraints = [
            models.UniqueConstraint(
                fields=["roll_call", "student"],
                name="rollcallmark_unique",
                violation_error_code="student",
                violation_error_message=_("This pupil is already marked in this roll call."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["late", "absent", "away"]),
                name="rollcallmark_status",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status="late", late_minutes__gt=0)
                | (~Q(status="late") & Q(late_minutes=0)),
                name="rollcallmark_late_minutes",
                violation_error_code="late_minutes",
                violation_error_message=_("A pupil marked late has minutes late, and only he."),
            ),
            models.CheckConstraint(
                condition=Q(status="away") | Q(activity=""),
                name="rollcallmark_activity_if_away",
                violation_error_code="activity",
                violation_error_message=_(
                    "An activity is only for a pupil away from the workshop."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.get_status_display()}"

    def clean(self) -> None:
        if self.status == Mark.LATE and not self.late_minutes:
            raise ValidationError({"late_minutes": _("Say how many minutes late.")})
        if self.status == Mark.AWAY and not self.activity:
            raise ValidationError({"activity": _("Say which school activity.")})


# The list a school starts with (schoollife.reasons, after migrate): the legal reasons first.
DEFAULT_REASONS = [
    ("Maladie de l'élève", True),
    ("Maladie contagieuse d'un membre de la famille", True),
    ("Réunion solennelle de famille", True),
    ("Difficulté accidentelle de transport", True),
    ("Absence temporaire de la famille que l'élève accompagne", True),
    ("Rendez-vous médical", False),
    ("Convocation administrative ou judiciaire", False),
    ("Autre", False),
]


class AbsenceReasonQuerySet(models.QuerySet):
    def ensure_defaults(self) -> None:
        """The starting list again where it is missing (a database emptied by hand or by a
        test's flush, which undoes what migration 0002 wrote)."""
        for position, (name, legal) in enumerate(DEFAULT_REASONS):
            self.get_or_create(name=name, defaults={"legal": legal, "position": position})


class AbsenceReason(models.Model):
    """The school's list of reasons; the legal ones (Code de l'éducation L131-8: illness of
    the child, a contagious illness in the family, a solemn family gathering, an accidental
    transport problem, the temporary absence of the family the child follows) come with it."""

    name = models.CharField(_("reason"), max_length=100, unique=True)
    legal = models.BooleanField(_("legal reason (L131-8)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AbsenceReasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence reason")
        verbose_name_plural = _("absence reasons")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AbsenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> AbsenceQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__workshop__trainers=user)
        return self.none()

    def between(self, start: dt.date, end: dt.date) -> AbsenceQuerySet:
        return self.filter(day__gte=start, day__lte=end)

    def to_decide(self) -> AbsenceQuerySet:
        """Not accepted yet though the family gave a reason or told the school."""
        return self.filter(accepted=False).filter(Q(reason__isnull=False) | ~Q(reported_how=""))


class Absence(ConstraintErrorsOnFields, models.Model):
    """A pupil's absence for a half-day: its reason, how the family reported it, an
    optional document, and whether the school accepted it. Until accepted it is
    unjustified (SPEC.md R9), and counts for the law's threshold (L131-8)."""

    class Reported(models.TextChoices):
        PHONE = "phone", _("Phone")
        MAIL = "mail", _("Mail")
        NOTE = "note", _("Written note")
        IN_PERSON = "in_person", _("In person")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="absences",
    )
    day = models.DateField(_("day"))
    half = models.CharField(_("half-day"), max_length=2, choices=HalfDay)
    reason = models.ForeignKey(
        AbsenceReason,
        verbose_name=_("reason"),
        on_delete=models.PROTECT,
        related_name="absences",
        null=True,
        blank=True,
    )
    reason_detail = models.CharField(_("details"), max_length=200, blank=True)
    reported_how = models.CharField(
        _("reported by the family"),
        max_length=10,
        choices=Reported,
        blank=True,
        help_text=_("Left empty: the family has not told the school."),
    )
    document = models.FileField(
        _("document"),
        upload_to="absences/%Y/",
        blank=True,
        validators=[FileCheck(("pdf", "jpg", "jpeg", "png", "heic"))],
    )
    accepted = models.BooleanField(_("accepted by the school"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The half-days recorded together by one form over a range of days (R9: a week of
    # illness is one report): the family is told once for all of them, by the notices
    # of the report's first half-day.
    report = models.UUIDField(_("report"), null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-day", "-half", "student__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "day", "half"],
                name="absence_unique",
                violation_error_code="half",
                violation_error_message=_(
                    "This pupil's absence for this half-day is already recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(half__in=["am", "pm"]),
                name="absence_half_valid",
                violation_error_code="half",
                violation_error_message=_("Choose the morning or the afternoon."),
            ),
            models.CheckConstraint(
                condition=Q(accepted=False) | Q(reason__isnull=False),
                name="absence_accepted_has_reason",
                violation_error_code="reason",
                violation_error_message=_("An accepted absence has a reason."),
            ),
        ]
        # The month's absences of a pupil (the threshold) and of a day (the register).
        indexes = [models.Index(fields=["day"], name="absence_day")]

    def __str__(self) -> str:
        return f"{self.student} · {self.day:%d/%m/%Y} {self.get_half_display()}"

    @property
    def reported_by_family(self) -> bool:
        return bool(self.reported_how)

    def clean(self) -> None:
        if self.accepted and not self.reason_id:
            raise ValidationError({"reason": _("An accepted absence has its reason.")})

    def report_half_days(self) -> AbsenceQuerySet:
        """The half-days recorded with this one (itself alone outside a range), in order."""
        if not self.report:
            return Absence.objects.filter(pk=self.pk)
        return Absence.objects.filter(report=self.report).order_by("day", "half")

    @property
    def report_span(self) -> tuple[Absence, Absence] | None:
        """The first and last half-days of its report when it covers more than this one."""
        if not self.report:
            return None
        rows = list(self.report_half_days())
        return (rows[0], rows[-1]) if len(rows) > 1 else None

    def family_notices(self):
        """What the family was told of it: the notices of its report (one per guardian
        for a whole range, kept on its first half-day), or its own."""
        if self.report:
            return FamilyNotice.objects.filter(absence__report=self.report)
        return self.notices.all()


class FamilyNotice(ConstraintErrorsOnFields, models.Model):
    """Telling a guardian, the same day, of an absence the family did not report (SPEC.md
    R9): a mail, or a call the office makes for a guardian who asked for one or has no
    email; when it may happen (never 20:00-07:00 nor on Sunday), and its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not needed any more")

    Channel = Guardian.Channel

    absence = models.ForeignKey(
        Absence, verbose_name=_("absence"), on_delete=models.CASCADE, related_name="notices"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="family_notices",
    )
    guardian = models.ForeignKey(
        "students.Guardian",
        verbose_name=_("guardian"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.EMAIL)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    send_after = models.DateTimeField(_("to send after"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    result = models.CharField(_("result"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("family notice")
        verbose_name_plural = _("family notices")
        ordering = ["-send_after"]
        constraints = [
            # Two guardians sharing one address get one mail; sharing one phone, one call.
            models.UniqueConstraint(
                fields=["absence", "email"],
                condition=models.Q(channel="email"),
                name="familynotice_unique",
                violation_error_code="email",
                violation_error_message=_("This family was already written to about this absence."),
            ),
            models.UniqueConstraint(
                fields=["absence", "phone"],
                condition=models.Q(channel="phone"),
                name="familynotice_unique_call",
                violation_error_code="phone",
                violation_error_message=_("This number was already called about this absence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absence} → {self.email or self.phone}"


class AuthorityReport(ConstraintErrorsOnFields, models.Model):
    """What the school did about a pupil's unjustified absences, when and by whom.

    Code de l'éducation L131-8, as in force since loi n° 2019-791 du 26 juillet 2019: for
    a pupil under 16 absent without a valid reason at least four half-days in the month,
    the director refers him to the academic authority (the DASEN), which warns the family;
    "en cas de persistance du défaut d'assiduité", the director gathers the educational
    community concerned and "un personnel d'éducation référent est désigné" (R131-7 II).
    The article no longer asks the school to tell the mayor. From 16 to 18 (obligation of
    training, L114-1) the school may contact the local youth mission."""

    class Kind(models.TextChoices):
        DASEN = "dasen", _("Referral to the DASEN")
        MEETING = "meeting", _("Meeting of the educational community")
        MISSION = "mission", _("Local youth mission contacted")

    class Method(models.TextChoices):
        LETTER = "letter", _("Letter")
        REGISTERED = "registered", _("Registered letter")
        EMAIL = "email", _("Email")
        HAND = "hand", _("Handed over")
        ONLINE = "online", _("Online service")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="authority_reports",
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    kind = models.CharField(_("what was done"), max_length=10, choices=Kind)
    half_days = models.PositiveSmallIntegerField(_("unjustified half-days"))
    sent_on = models.DateField(_("on"), default=timezone.localdate)
    method = models.CharField(
        _("sent by"),
        max_length=10,
        choices=Method,
        blank=True,
        help_text=_("How the referral left (empty on records made before it was asked)."),
    )
    referent = models.CharField(
        _("referent"),
        max_length=200,
        blank=True,
        help_text=_("The member of staff named to follow the measures (L131-8)."),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action on absences")
        verbose_name_plural = _("actions on absences")
        ordering = ["-month", "student__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "month", "kind"],
                name="authorityreport_unique",
                violation_error_code="kind",
                violation_error_message=_(
                    "This report is already recorded for this pupil this month."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["dasen", "meeting", "mission"]),
                name="authorityreport_kind_in_force",
                violation_error_code="kind",
                violation_error_message=_("Choose a kind of report from the list."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="authorityreport_month_first",
                violation_error_code="month",
                violation_error_message=_("A report's month starts on its first day."),
            ),
            # The meeting on persistence names its referent (L131-8).
            models.CheckConstraint(
                condition=~Q(kind="meeting") | ~Q(referent=""),
                name="authorityreport_meeting_has_referent",
                violation_error_code="referent",
                violation_error_message=_("A meeting on persistence names its referent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.month:%m/%Y} · {self.get_kind_display()}"

    def clean(self) -> None:
        """A referral to the DASEN says how it left, a meeting on persistence names its
        referent (L131-8); referrals recorded before the method was asked keep none."""
        errors = {}
        if self.kind == self.Kind.DASEN and not self.method and self._state.adding:
            errors["method"] = _("Say how the referral was sent.")
        if self.kind == self.Kind.MEETING and not self.referent.strip():
            errors["referent"] = _("Name the referent designated at the meeting.")
        if errors:
            raise ValidationError(errors)


class DeclarationSent(ConstraintErrorsOnFields, models.Model):
    """A hors-contrat school's declaration sent to the academic authority and the mayor
    (SPEC.md R9): the year's pupils (due within 8 days of the school year's start) or a
    month's arrivals and departures; when it was sent and by whom."""

    class Kind(models.TextChoices):
        YEAR = "year", _("Pupils at the year's start")
        MONTH = "month", _("Month's arrivals and departures")

    kind = models.CharField(_("declaration"), max_length=10, choices=Kind)
    period = models.DateField(
        _("period"), help_text=_("The school year's first day, or the month's first day.")
    )
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declaration sent")
        verbose_name_plural = _("declarations sent")
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                name="declarationsent_unique",
                violation_error_code="period",
                violation_error_message=_("This declaration is already sent for this period."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["year", "month"]),
                name="declarationsent_kind",
                violation_error_code="kind",
                violation_error_message=_("Choose a yearly or a monthly declaration."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.period:%d/%m/%Y}"
