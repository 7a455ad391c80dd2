"""The families' and pupils' spaces (SPEC.md R14): who holds an account for whom, the
invitations that make them, what a family reports and acknowledges.

A guardian's account is linked to one Guardian row per child (siblings: one account,
several rows); a pupil's account to his Student. What an account may see is decided in
one place, `families.access`.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from ecoles.uploads import FileCheck
from schoollife.models import HalfDay

# No 0/O nor 1/I/L: a code is read on paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def digest(secret: str) -> str:
    """What is stored of a link's or a code's secret: its hash, never the secret."""
    normalised = secret.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class GuardianAccount(models.Model):
    """A guardian's login for one child: one row per Guardian row, the same user for a
    guardian of siblings."""

    guardian = models.OneToOneField(
        "students.Guardian",
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="account",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="guardian_accounts",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("guardian's account")
        verbose_name_plural = _("guardians' accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.guardian}"


class PupilAccount(models.Model):
    """A pupil's own login: himself only."""

    student = models.OneToOneField(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="account",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="pupil_account",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pupil's account")
        verbose_name_plural = _("pupils' accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.student}"


class AdultConsent(models.Model):
    """R14 (Code civil art. 414: majority at 18 ends parental authority): an adult pupil
    lets his guardians keep seeing his space. Given and withdrawn by the pupil himself in
    his space; each consent is a row, withdrawn by its date, so the history stays."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="adult_consents",
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("adult pupil's consent")
        verbose_name_plural = _("adult pupils' consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(withdrawn_at__isnull=True),
                name="adult_consent_one_in_force",
                violation_error_message=_("The pupil's agreement is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.given_at:%d/%m/%Y}"


class InvitationQuerySet(models.QuerySet):
    def usable(self) -> InvitationQuerySet:
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).exclude(secret_hash="")


class Invitation(models.Model):
    """The office invites a guardian or a pupil (R14): a mail with a one-time link, or a
    printed letter with a one-time code. Only the secret's hash is kept; the mail's link
    is made by the worker (the queue holds ids only), the letter's code when it is
    printed. Single use, expires (FAMILY_INVITATION_DAYS), revocable."""

    class Channel(models.TextChoices):
        MAIL = "mail", _("Mail with a link")
        LETTER = "letter", _("Printed letter with a code")

    guardian = models.ForeignKey(
        "students.Guardian",
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel)
    secret_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account made"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.guardian or self.student} {self.created_at:%d/%m/%Y}"

    @property
    def for_pupil(self) -> bool:
        return self.guardian_id is None

    @property
    def state(self) -> str:
        if self.used_at:
            return _("Used")
        if self.revoked_at:
            return _("Revoked")
        if self.expires_at <= timezone.now():
            return pgettext("invitation", "Expired")
        return _("Waiting")

    @property
    def is_open(self) -> bool:
        return not (self.used_at or self.revoked_at) and self.expires_at > timezone.now()


class AbsenceReportQuerySet(models.QuerySet):
    def pending(self) -> AbsenceReportQuerySet:
        return self.filter(status=AbsenceReport.Status.PENDING)


class AbsenceReport(models.Model):
    """A guardian reports an absence in advance or justifies one (R14): the office
    accepts it, which records or justifies the half-days (schoollife.absences, R9), or
    refuses it with a word."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the school")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="absence_reports",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.ForeignKey(
        "schoollife.AbsenceReason",
        verbose_name=_("reason"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_day = models.DateField(_("first day"))
    first_half = models.CharField(_("from"), max_length=2, choices=HalfDay, default=HalfDay.MORNING)
    last_day = models.DateField(_("last day"))
    last_half = models.CharField(
        _("until"), max_length=2, choices=HalfDay, default=HalfDay.AFTERNOON
    )
    detail = models.CharField(_("details"), max_length=200, blank=True)
    document = models.FileField(
        _("document"),
        upload_to="absences/families/%Y/",
        blank=True,
        validators=[FileCheck(("pdf", "jpg", "jpeg", "png", "heic"))],
        help_text=_("A photo of the note or the certificate."),
    )
    status = models.CharField(
        _("state"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    answer = models.CharField(_("the school's answer"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = AbsenceReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence reported by the family")
        verbose_name_plural = _("absences reported by families")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="absence_report_range_in_order",
                violation_error_message=_("The last day must not be before the first."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="absence_report_decided_at",
                violation_error_message=_("A report accepted or refused says when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.first_day:%d/%m/%Y}–{self.last_day:%d/%m/%Y}"

    def clean(self) -> None:
        if (
            self.first_day
            and self.last_day
            and (self.last_day, self.last_half)
            < (
                self.first_day,
                self.first_half,
            )
        ):
            raise ValidationError(
                {"last_day": _("The last half-day must not be before the first.")}
            )


def publication_path(publication: Publication, filename: str) -> str:
    return f"publications/{timezone.now():%Y}/{filename}"


class Publication(models.Model):
    """A document the school publishes to families (R14), asking them to acknowledge it
    or to consent (the school rules, consent to photos, the information on regulated
    work): its version is kept with every answer."""

    class Audience(models.TextChoices):
        ALL = "all", _("All families")
        COHORT = "cohort", _("One cohort")

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("document"), upload_to=publication_path, validators=[FileCheck(("pdf",))]
    )
    version = models.CharField(_("version"), max_length=40, default="1")
    audience = models.CharField(_("to whom"), max_length=10, choices=Audience, default="all")
    cohort = models.PositiveSmallIntegerField(_("cohort"), null=True, blank=True)
    asks_consent = models.BooleanField(
        _("asks for consent"),
        default=False,
        help_text=_("Unticked: the family acknowledges having read it."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="all") | Q(cohort__isnull=False),
                name="publication_cohort_given",
                violation_error_message=_("Say which cohort."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def clean(self) -> None:
        if self.audience == self.Audience.COHORT and not self.cohort:
            raise ValidationError({"cohort": _("Say which cohort.")})


class Acknowledgement(models.Model):
    """A guardian's answer to a publication, for one child: the date, the account and
    the document's version are kept (R14)."""

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.CharField(_("version"), max_length=40)
    consents = models.BooleanField(_("consents"), default=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "student", "user", "version"],
                name="acknowledgement_once_per_version",
                violation_error_message=_("This version of the document is already answered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.publication} · {self.user} {self.at:%d/%m/%Y}"


class Preference(models.Model):
    """How a family account is told (mail now; the channel is ready for SMS), and its
    quiet hours."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message (not available yet)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_preference"
    )
    channel = models.CharField(_("tell me by"), max_length=10, choices=Channel, default="email")
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
