"""Competencies of a diploma evidenced by real work, the booklet and the exams (SPEC.md R10).

A diploma's référentiel (a DiplomaVersion) has blocs (exam units), each with its
competencies. A renewed référentiel is a new version; CompetencyMapping says which new
competency an old one became, so that a pupil who started under the old version keeps
his evidence. Evidence ties a pupil's competency to the work that proves it (a work log,
an order, a theory session, an observation); once validated it never changes, a
correction is new evidence that supersedes it. Whether a competency is acquired is
computed (skills/acquisition.py), never stored and never averaged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ecoles import roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.uploads import IMAGE_TYPES, FileCheck

validate_photo = FileCheck(IMAGE_TYPES)


class Diploma(models.Model):
    class Kind(models.TextChoices):
        CAP = "cap", _("CAP")
        BAC_PRO = "bac_pro", _("Bac Pro")
        TITLE = "title", _("Professional title")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    code = models.CharField(_("code"), max_length=30, unique=True)
    rncp = models.CharField(
        _("RNCP number"), max_length=12, blank=True, help_text=_("e.g. RNCP12345, if known.")
    )
    name = models.CharField(_("name"), max_length=200)
    years = models.PositiveSmallIntegerField(
        _("length (years)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class DiplomaVersion(ConstraintErrorsOnFields, models.Model):
    """One référentiel of a diploma (the arrêté that defines it); renewing it is a new
    version whose `previous` is the old one."""

    diploma = models.ForeignKey(
        Diploma, verbose_name=_("diploma"), on_delete=models.PROTECT, related_name="versions"
    )
    label = models.CharField(_("version"), max_length=60, help_text=_("e.g. the arrêté's year."))
    valid_from = models.DateField(_("first session"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    source = models.TextField(_("source"), blank=True)
    # The RNCP fiche of this version: a renewed diploma has a new fiche, so the number
    # belongs to the version (Diploma.rncp keeps the latest one imported).
    rncp = models.CharField(_("RNCP fiche"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("référentiel version")
        verbose_name_plural = _("référentiel versions")
        ordering = ["diploma__name", "-label"]
        constraints = [
            models.UniqueConstraint(
                fields=["diploma", "label"],
                name="diplomaversion_unique",
                violation_error_code="label",
                violation_error_message=_("This diploma already has a version with this label."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diploma} ({self.label})"

    def clean(self) -> None:
        if self.previous_id and self.previous_id == self.pk:
            raise ValidationError({"previous": _("A version cannot replace itself.")})
        if self.previous_id and self.diploma_id and self.previous.diploma_id != self.diploma_id:
            raise ValidationError({"previous": _("It must be a version of the same diploma.")})


class RncpFiche(models.Model):
    """A fiche of the Répertoire national des certifications professionnelles as France
    compétences publishes it in its open data (skills/rncp.py): status, validity and the
    fiches it replaces or that replace it, with its blocs as published. `version` is
    the school's référentiel whose blocs were checked against it; fiches kept only
    because one of the school's fiches names them (its replacement) have none."""

    number = models.CharField(_("RNCP fiche"), max_length=12, unique=True)
    title = models.CharField(_("title"), max_length=400)
    active = models.BooleanField(pgettext_lazy("feminine", "active"), default=True)
    registration_ends = models.DateField(_("registration ends"), null=True, blank=True)
    replaces = models.CharField(_("replaces"), max_length=200, blank=True)
    replaced_by = models.CharField(_("replaced by"), max_length=200, blank=True)
    # [{"code": "RNCP38430BC01", "wording": "..."}], in the published order.
    blocs = models.JSONField(_("blocs"), default=list, blank=True)
    exported_on = models.DateField(_("export of"))
    imported_at = models.DateTimeField(
        pgettext_lazy("feminine", "imported at"), default=timezone.now
    )
    version = models.ForeignKey(
        "DiplomaVersion",
        verbose_name=_("référentiel"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rncp_fiches",
    )

    class Meta:
        verbose_name = _("RNCP fiche")
        verbose_name_plural = _("RNCP fiches")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def replaced_by_numbers(self) -> list[str]:
        return self.replaced_by.split()

    @property
    def url(self) -> str:
        return (
            f"https://www.francecompetences.fr/recherche/rncp/{self.number.removeprefix('RNCP')}/"
        )


class Bloc(ConstraintErrorsOnFields, models.Model):
    """A bloc of competencies, which is a unit of the exam (épreuve / unité)."""

    class Subject(models.TextChoices):
        # Empty: the workshop's; otherwise the theory subject whose teachers assess it
        # (the values of training.TheorySession.Subject).
        WORKSHOP = "", _("Workshop (professional)")
        GENERAL = "general", _("General education")
        TECHNOLOGICAL = "technological", _("Technological education")

    version = models.ForeignKey(
        DiplomaVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="blocs"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("unit"), max_length=20, help_text=_("e.g. UP1, EP2, U31."))
    rncp_code = models.CharField(
        _("RNCP bloc code"), max_length=20, blank=True, help_text=_("RNCPxxxxxBCyy, if any.")
    )
    name = models.CharField(_("name"), max_length=300)
    subject = models.CharField(
        _("assessed by"), max_length=20, choices=Subject, blank=True, default=""
    )

    class Meta:
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="bloc_unique_code",
                violation_error_code="code",
                violation_error_message=_("This version already has a block with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CompetencyQuerySet(models.QuerySet):
    def assessable_by(self, user) -> CompetencyQuerySet:
        """Competencies `user` may record evidence for: trainers and the director the
        workshop's (and all), teachers those of the blocs of the subjects they teach."""
        if user.has_role(roles.DIRECTOR, roles.TRAINER):
            return self
        if user.has_role(roles.TEACHER):
            return self.filter(bloc__subject__in=teacher_subjects(user))
        return self.none()


def teacher_subjects(user) -> list[str]:
    """The theory subjects `user` teaches: those of his sessions (one query)."""
    sessions = user.theory_sessions.order_by().values_list("subject", flat=True).distinct()
    return [s for s in sessions if s]


class Competency(ConstraintErrorsOnFields, models.Model):
    bloc = models.ForeignKey(
        Bloc, verbose_name=_("bloc"), on_delete=models.CASCADE, related_name="competencies"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20)
    wording = models.CharField(_("wording"), max_length=400)
    # The orders that exercise it, tagged at quote or production time.
    orders = models.ManyToManyField(
        "orders.Order", verbose_name=_("orders"), blank=True, related_name="competencies"
    )

    objects = CompetencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["bloc__position", "bloc__code", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "code"],
                name="competency_unique_code",
                violation_error_code="code",
                violation_error_message=_("This block already has a competency with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.wording}"


class KnowledgeItem(models.Model):
    """A savoir associé attached to a competency (optional)."""

    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="knowledge"
    )
    wording = models.CharField(_("wording"), max_length=400)

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        ordering = ["competency", "pk"]

    def __str__(self) -> str:
        return self.wording


class CompetencyMapping(ConstraintErrorsOnFields, models.Model):
    """Old competency -> new one, between a version and the version that replaces it: the
    evidence of a pupil who started under the old référentiel counts for the new one."""

    old = models.ForeignKey(
        Competency, verbose_name=_("old competency"), on_delete=models.CASCADE, related_name="+"
    )
    new = models.ForeignKey(
        Competency,
        verbose_name=_("new competency"),
        on_delete=models.CASCADE,
        related_name="mapped_from",
    )

    class Meta:
        verbose_name = _("competency mapping")
        verbose_name_plural = _("competency mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["old", "new"],
                name="mapping_unique",
                violation_error_code="new",
                violation_error_message=_("These two competencies are already mapped."),
            ),
            models.CheckConstraint(
                condition=~Q(old=models.F("new")),
                name="mapping_not_itself",
                violation_error_code="new",
                violation_error_message=_("A competency cannot map to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old.code} → {self.new.code}"

    def clean(self) -> None:
        if self.old_id and self.new_id:
            old_version = self.old.bloc.version
            new_version = self.new.bloc.version
            if new_version.previous_id != old_version.pk:
                raise ValidationError(
                    _("The new competency's version must replace the old competency's version.")
                )


class Programme(ConstraintErrorsOnFields, models.Model):
    """The référentiel a pupil prepares. Here rather than on students.Student so that the
    pupils' app stays ignorant of the référentiels; a ForeignKey with a unique constraint
    (not a one-to-one) so that the pupil's data export lists it with the rest."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="skills_programmes",
    )
    version = models.ForeignKey(
        DiplomaVersion, verbose_name=_("référentiel"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("started on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                name="programme_one_per_pupil",
                violation_error_code="student",
                violation_error_message=_("This pupil already has a programme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.version}"


class Level(models.IntegerChoices):
    INSUFFICIENT = 1, _("Insufficient mastery")
    FRAGILE = 2, _("Fragile mastery")
    SATISFACTORY = 3, _("Satisfactory mastery")
    VERY_GOOD = 4, _("Very good mastery")


class Autonomy(models.TextChoices):
    GUIDED = "guided", _("Guided")
    PARTLY = "partly", _("Partly autonomous")
    AUTONOMOUS = "autonomous", _("Autonomous")


class EvidenceLocked(ValidationError):
    """Raised when something would change or delete validated evidence."""


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceQuerySet:
        """Trainers their workshops' pupils'; teachers their subjects'; office and
        director all (office read-only: the views say so); others none."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        scope = Q(pk__in=[])
        if user.has_role(roles.TRAINER):
            scope |= Q(student__workshop__trainers=user)
        if user.has_role(roles.TEACHER):
            scope |= Q(competency__bloc__subject__in=teacher_subjects(user))
        return self.filter(scope).distinct() if user.has_role(roles.TRAINER) else self.filter(scope)

    def validated(self) -> EvidenceQuerySet:
        return self.filter(validated_at__isnull=False)

    def pending(self) -> EvidenceQuerySet:
        return self.filter(validated_at__isnull=True)

    def current(self) -> EvidenceQuerySet:
        """Not superseded by a correction."""
        return self.filter(superseded_by__isnull=True)

    def with_flags(self) -> EvidenceQuerySet:
        """Each row with `has_correction` (superseded), in the same query."""
        corrections = Evidence.objects.filter(supersedes=models.OuterRef("pk"))
        return self.annotate(has_correction=models.Exists(corrections))

    # Validated evidence never changes, not even through a queryset.
    def update(self, **kwargs) -> int:
        if self.validated().exists():
            raise EvidenceLocked(_("Validated evidence never changes."), code="locked")
        return super().update(**kwargs)

    def delete(self):
        if self.validated().exists():
            raise EvidenceLocked(_("Validated evidence is never deleted."), code="locked")
        return super().delete()


class Evidence(ConstraintErrorsOnFields, models.Model):
    """What proves a pupil's competency (SPEC.md R10): immutable once validated."""

    class Source(models.TextChoices):
        WORK_LOG = "work_log", _("Work log")
        ORDER = "order", _("Order")
        THEORY = "theory", _("Theory session")
        OBSERVATION = "observation", _("Observation")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="evidence"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    work_log = models.ForeignKey(
        "training.WorkLog",
        verbose_name=_("work log"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    theory_session = models.ForeignKey(
        "training.TheorySession",
        verbose_name=_("theory session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    autonomy = models.CharField(_("autonomy"), max_length=20, choices=Autonomy)
    comment = models.TextField(_("comment"), blank=True)
    self_level = models.PositiveSmallIntegerField(
        _("pupil's self-assessment"), choices=Level, null=True, blank=True
    )
    self_comment = models.CharField(_("pupil's words"), max_length=500, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-date", "-pk"]
        indexes = [
            # A pupil's booklet: his evidence by date.
            models.Index(fields=["student", "date"], name="evidence_student_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4),
                name="evidence_level",
                violation_error_code="level",
                violation_error_message=_("A level is from 1 to 4."),
            ),
            models.CheckConstraint(
                condition=Q(self_level__isnull=True) | Q(self_level__gte=1, self_level__lte=4),
                name="evidence_self_level",
                violation_error_code="self_level",
                violation_error_message=_("A level is from 1 to 4."),
            ),
            models.CheckConstraint(
                condition=Q(validated_at__isnull=True, validated_by__isnull=True)
                | Q(validated_at__isnull=False, validated_by__isnull=False),
                name="evidence_validated_by_and_at",
                violation_error_code="validated_by",
                violation_error_message=_("A validation names who validated it and when."),
            ),
            models.CheckConstraint(
                condition=~Q(source="work_log") | Q(work_log__isnull=False),
                name="evidence_work_log_source",
                violation_error_code="work_log",
                violation_error_message=_("Evidence from the workshop names its work log."),
            ),
            models.CheckConstraint(
                condition=~Q(source="order") | Q(order__isnull=False),
                name="evidence_order_source",
                violation_error_code="order",
                violation_error_message=_("Evidence from an order names the order."),
            ),
            models.CheckConstraint(
                condition=~Q(source="theory") | Q(theory_session__isnull=False),
                name="evidence_theory_source",
                violation_error_code="theory_session",
                violation_error_message=_("Evidence from a lesson names the session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.competency.code} · {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and Evidence.objects.filter(pk=self.pk, validated_at__isnull=False).exists():
            raise EvidenceLocked(
                _("Validated evidence never changes: record a correction instead."), code="locked"
            )
        if self.work_log_id and not self.order_id:
            self.order_id = self.work_log.order_id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and Evidence.objects.filter(pk=self.pk, validated_at__isnull=False).exists():
            raise EvidenceLocked(_("Validated evidence is never deleted."), code="locked")
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("Evidence records work done: not a date in the future.")
        required = {
            self.Source.WORK_LOG: "work_log",
            self.Source.ORDER: "order",
            self.Source.THEORY: "theory_session",
        }.get(self.source)
        if required and not getattr(self, f"{required}_id"):
            errors[required] = _("Say which one the evidence comes from.")
        if self.work_log_id and self.student_id and self.work_log.student_id != self.student_id:
            errors["work_log"] = _("This work log is another pupil's.")
        if self.supersedes_id:
            old = self.supersedes
            if (old.student_id, old.competency_id) != (self.student_id, self.competency_id):
                errors["supersedes"] = _("A correction is about the same pupil and competency.")
            elif not old.is_validated:
                errors["supersedes"] = _("Evidence not yet validated is edited, not corrected.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None

    @property
    def is_superseded(self) -> bool:
        if hasattr(self, "has_correction"):
            return self.has_correction
        return Evidence.objects.filter(supersedes=self).exists()

    def may_validate(self, user) -> bool:
        """A trainer of the pupil's workshop, the director, or a teacher of the bloc's
        subject (SPEC.md R10)."""
        if user.has_role(roles.DIRECTOR):
            return True
        if (
            user.has_role(roles.TRAINER)
            and self.student.workshop.trainers.filter(pk=user.pk).exists()
        ):
            return True
        subject = self.competency.bloc.subject
        return bool(subject) and user.has_role(roles.TEACHER) and subject in teacher_subjects(user)

    def validate(self, by) -> None:
        if not self.may_validate(by):
            raise ValidationError(
                _(
                    "Only a trainer of the pupil's workshop, the director or a "
                    "teacher of the subject validates evidence."
                )
            )
        with transaction.atomic():
            # Locked and still pending: two clicks validate it once.
            row = Evidence.objects.select_for_update().filter(pk=self.pk, validated_at__isnull=True)
            evidence = row.first()
            if evidence is None:
                return
            evidence.validated_at, evidence.validated_by = timezone.now(), by
            evidence._change_reason = "validated"
            evidence.save(update_fields=["validated_at", "validated_by"])
        self.validated_at, self.validated_by = evidence.validated_at, by


MAX_PHOTOS = 6  # per piece of evidence: the work at a few stages, not an album


def photo_path(photo: EvidencePhoto, filename: str) -> str:
    return f"evidence/{photo.student_id}/{filename}"


class EvidencePhotoQuerySet(models.QuerySet):
    # A validated piece of evidence never changes, its photos included.
    def update(self, **kwargs) -> int:
        if self.filter(evidence__validated_at__isnull=False).exists():
            raise EvidenceLocked(_("Validated evidence never changes."), code="locked")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(evidence__validated_at__isnull=False).exists():
            raise EvidenceLocked(_("Validated evidence is never deleted."), code="locked")
        return super().delete()


class EvidencePhoto(models.Model):
    """A photo of the work behind a piece of evidence, served through a view that checks
    who asks (skills:photo), never from /media/. It carries the pupil too, so that
    anonymising him drops it (students/anonymisation.py follows the links to Student)."""

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.PROTECT, related_name="photos"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="evidence_photos",
    )
    image = models.ImageField(
        _("photo of the work"), upload_to=photo_path, validators=[validate_photo]
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    objects = EvidencePhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo of the work")
        verbose_name_plural = _("photos of the work")
        ordering = ["evidence", "pk"]

    def __str__(self) -> str:
        return self.image.name

    def save(self, *args, **kwargs) -> None:
        if self._locked():
            raise EvidenceLocked(
                _("Validated evidence never changes, its photos neither."), code="locked"
            )
        self.student_id = self.evidence.student_id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._locked():
            raise EvidenceLocked(
                _("Validated evidence never changes, its photos neither."), code="locked"
            )
        storage, name = self.image.storage, self.image.name
        result = super().delete(*args, **kwargs)
        if name:
            storage.delete(name)
        return result

    def _locked(self) -> bool:
        return Evidence.objects.filter(pk=self.evidence_id, validated_at__isnull=False).exists()


class ChefDoeuvre(ConstraintErrorsOnFields, models.Model):
    """The chef-d'œuvre of the CAP and Bac Pro reforms (2019): a multi-year project made
    of real orders, presented at an oral."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="chefs_doeuvre",
    )
    subject = models.CharField(_("subject"), max_length=300)
    orders = models.ManyToManyField(
        "orders.Order", verbose_name=_("orders"), blank=True, related_name="chefs_doeuvre"
    )
    oral_date = models.DateField(_("oral presentation"), null=True, blank=True)
    oral_mark = models.DecimalField(
        _("mark (/20)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chef-d'œuvre")
        verbose_name_plural = _("chefs-d'œuvre")
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                name="chefdoeuvre_one_per_pupil",
                violation_error_code="student",
                violation_error_message=_("This pupil already has a chef-d'oeuvre."),
            ),
            models.CheckConstraint(
                condition=Q(oral_mark__isnull=True) | Q(oral_mark__gte=0, oral_mark__lte=20),
                name="chefdoeuvre_mark_range",
                violation_error_code="oral_mark",
                violation_error_message=_("A mark is from 0 to 20."),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class ChefDoeuvreStep(models.Model):
    chef_doeuvre = models.ForeignKey(
        ChefDoeuvre, verbose_name=_("chef-d'œuvre"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("step"), max_length=200)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        # Undated steps last on every database (SQLite sorts NULL first, PostgreSQL last).
        ordering = ["chef_doeuvre", F("planned_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class Appraisal(ConstraintErrorsOnFields, models.Model):
    """A trainer's or a teacher's appraisal of a pupil for a term of the booklet."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        related_name="appraisals",
    )
    term_start = models.DateField(_("term"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("appraisal"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["term_start", "written_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term_start", "author"],
                name="appraisal_one_per_author",
                violation_error_code="term_start",
                violation_error_message=_("You already appraised this pupil for this term."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.term_start:%m/%Y}"


class ExamRegistrationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExamRegistrationQuerySet:
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__workshop__trainers=user)
        return self.none()


class ExamRegistration(ConstraintErrorsOnFields, models.Model):
    """A pupil's registration for a diploma's final (ponctuel) exam session."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Not known yet")
        PASSED = "passed", _("Passed")
        PASSED_FAIRLY_GOOD = "fairly_good", _("Passed, assez bien")
        PASSED_GOOD = "good", _("Passed, bien")
        PASSED_VERY_GOOD = "very_good", _("Passed, très bien")
        FAILED = "failed", _("Failed")
        ABSENT = "absent", _("Absent")

    PASSED_OUTCOMES = (
        Outcome.PASSED,
        Outcome.PASSED_FAIRLY_GOOD,
        Outcome.PASSED_GOOD,
        Outcome.PASSED_VERY_GOOD,
    )
    SAT_OUTCOMES = (*PASSED_OUTCOMES, Outcome.FAILED)

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="exam_registrations",
    )
    version = models.ForeignKey(
        DiplomaVersion, verbose_name=_("diploma"), on_delete=models.PROTECT, related_name="+"
    )
    session_year = models.PositiveSmallIntegerField(
        _("session"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    number = models.CharField(_("registration number"), max_length=40, blank=True)
    centre = models.CharField(_("exam centre"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    history = HistoricalRecords()

    objects = ExamRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam registration")
        verbose_name_plural = _("exam registrations")
        ordering = ["-session_year", "student__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "version", "session_year"],
                name="examregistration_unique",
                violation_error_code="session_year",
                violation_error_message=_(
                    "This pupil is already registered for this exam session."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.version.diploma} · {self.session_year}"

    def check_outcome(self, outcome: str) -> None:
        """A diploma is passed or failed on the units' results: every unit must have one
        first (units prefetched or not)."""
        if outcome in self.SAT_OUTCOMES:
            units = list(self.units.all())
            if not units:
                raise ValidationError(_("Record the exam units and their results first."))
            unknown = [u.bloc.code for u in units if not u.result]
            if unknown:
                raise ValidationError(
                    _("The result of these units is not known yet: %(units)s.")
                    % {"units": ", ".join(unknown)}
                )

    def record_outcome(self, outcome: str) -> None:
        self.check_outcome(outcome)
        self.outcome = outcome
        self._change_reason = "outcome"
        self.save(update_fields=["outcome"])

    @property
    def missing(self) -> list[str]:
        """What the registration still lacks before the deadline (units: prefetched)."""
        lacks = []
        if not self.number:
            lacks.append(str(_("registration number")))
        if not self.centre:
            lacks.append(str(_("exam centre")))
        if not self.units.all():
            lacks.append(str(_("exam units")))
        return lacks


class UnitResult(ConstraintErrorsOnFields, models.Model):
    """One exam unit of a registration and, once known, its result."""

    class Result(models.TextChoices):
        PENDING = "", _("Not known yet")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        ABSENT = "absent", _("Absent")
        EXEMPT = "exempt", _("Exempted (kept from before)")

    registration = models.ForeignKey(
        ExamRegistration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="units",
    )
    bloc = models.ForeignKey(
        Bloc, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    mark = models.DecimalField(
        _("mark (/20)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
    )
    result = models.CharField(_("result"), max_length=10, choices=Result, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        ordering = ["registration", "bloc__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "bloc"],
                name="unitresult_unique",
                violation_error_code="bloc",
                violation_error_message=_("This block already has a result for this registration."),
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=0, mark__lte=20),
                name="unitresult_mark_range",
                violation_error_code="mark",
                violation_error_message=_("A mark is from 0 to 20."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration} · {self.bloc.code}"

    def clean(self) -> None:
        if (
            self.bloc_id
            and self.registration_id
            and self.bloc.version_id != self.registration.version_id
        ):
            raise ValidationError(
                {"bloc": _("This unit is not one of the registration's diploma.")}
            )


def term_bounds(day: dt.date, year_start: dt.date) -> tuple[dt.date, dt.date, int]:
    """The term (trimestre) holding `day`: September-December, January-March, April to the
    end of the school year; returns (start, end, number 1-3)."""
    y = year_start.year
    terms = [
        (year_start, dt.date(y, 12, 31)),
        (dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)),
        (dt.date(y + 1, 4, 1), year_start.replace(year=y + 1) - dt.timedelta(days=1)),
    ]
    for number, (start, end) in enumerate(terms, 1):
        if start <= day <= end:
            return start, end, number
    return terms[-1][0], terms[-1][1], 3
