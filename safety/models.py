"""Regulated work for minors (SPEC.md R13; Code du travail L4153-8, L4153-9, R4153-38 to
R4153-52, D4153-15 to D4153-37).

A pupil of 15 to 17 may use a dangerous machine or do a regulated work only if, on the
day: the school's declaration of derogation to the labour inspectorate, in force (three
years from its sending), covers it; his medical fitness opinion of the year is valid and
not restricted for it; he received the safety information and training for it; a
supervisor is named for him. Under 15, no derogation exists. The rule itself is
safety.rules; these models hold what the school keeps for the inspector.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.uploads import FileCheck
from students.models import add_months

DECLARATION_YEARS = 3  # R4153-41: renewed every three years
OPINION_MONTHS = 12  # R4153-40 2°: the opinion of the doctor, renewed each year

validate_scan = FileCheck(("pdf", "jpg", "jpeg", "png"))


def last_valid_day(start: dt.date, months: int) -> dt.date:
    """Valid `months` from `start`: the last valid day is the day before the anniversary
    (an opinion of 15/01/2026 holds until 14/01/2027; on 15/01/2027 it has expired)."""
    return add_months(start, months) - dt.timedelta(days=1)


class Kind(models.TextChoices):
    """The regulated works open to a derogation (décret 2013-915, art. D4153-15 to -37)."""

    CHEMICALS = "chemicals", _("Dangerous chemical agents (art. D4153-17)")
    ELECTRICAL = "electrical", _("Work on electrical installations (art. D4153-24)")
    TRACTORS = "tractors", _("Driving quadricycles and tractors (art. D4153-26)")
    MOBILE = "mobile", _("Driving mobile or lifting equipment (art. D4153-27)")
    MACHINES = "machines", _("Use or upkeep of dangerous machines (art. D4153-28)")
    MAINTENANCE = "maintenance", _("Maintenance on running equipment (art. D4153-29)")
    HEIGHT = "height", _("Temporary work at height (art. D4153-30)")
    PRESSURE = "pressure", _("Pressure equipment (art. D4153-32)")
    CONFINED = "confined", _("Work in a confined space (art. D4153-33)")
    MOLTEN = "molten", _("Molten glass or metal (art. D4153-34)")
    TEMPERATURE = "temperature", _("Extreme temperatures (art. D4153-36)")
    ANIMALS = "animals", _("Work with animals (art. D4153-37)")


class MachineQuerySet(models.QuerySet):
    def visible_to(self, user) -> MachineQuerySet:
        """The direction and the office see every workshop's; a trainer his workshops'."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def editable_by(self, user) -> MachineQuerySet:
        if user.has_role(roles.DIRECTOR):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def in_use(self) -> MachineQuerySet:
        return self.filter(in_use=True)


class Machine(models.Model):
    """A machine or a regulated work of a workshop: what a work log may name (R13)."""

    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="machines",
    )
    inventory_number = models.CharField(_("inventory number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind of regulated work"), max_length=20, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=120, blank=True)
    risk_line = models.CharField(
        _("risk assessment line"),
        max_length=120,
        blank=True,
        help_text=_("The line of the school's risk assessment (DUERP) about it."),
    )
    in_use = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    objects = MachineQuerySet.as_manager()

    class Meta:
        verbose_name = _("machine or regulated work")
        verbose_name_plural = _("machines and regulated works")
        ordering = ["workshop__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.inventory_number})"


def proof_path(instance: Declaration, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"safety/declarations/{uuid.uuid4().hex}.{extension}"


class DeclarationQuerySet(models.QuerySet):
    def in_force(self, day: dt.date) -> DeclarationQuerySet:
        """Sent on or before `day`, less than three years before (R4153-41)."""
        return self.filter(sent_on__lte=day, valid_until__gte=day)


class Declaration(ConstraintErrorsOnFields, models.Model):
    """A declaration of derogation sent to the labour inspector (art. R4153-40 to -45):
    the works and machines it covers, the trainings and places, the supervisors. In
    force three years from its sending; a new declaration renews it."""

    class Method(models.TextChoices):
        REGISTERED_LETTER = "letter", _("Registered letter with acknowledgement")
        EMAIL = "email", _("E-mail")
        HAND = "hand", _("Hand delivered against receipt")
        ONLINE = "online", _("Online service")

    sent_on = models.DateField(_("date sent"))
    method = models.CharField(_("sent by"), max_length=10, choices=Method.choices)
    proof = models.FileField(
        _("proof of the date"),
        upload_to=proof_path,
        blank=True,
        validators=[validate_scan],
        help_text=_("The acknowledgement of receipt or the e-mail sent (PDF or image)."),
    )
    inspection_office = models.CharField(_("labour inspection office"), max_length=200, blank=True)
    # R4153-40 1°: the derogation rests on the risk assessment (L4121-3), made before it.
    # Nullable for the declarations recorded before it was asked; forms require it.
    risk_assessed_on = models.DateField(
        _("risk assessment of"),
        null=True,
        blank=False,
        help_text=_("The date of the risk assessment (DUERP) the declaration rests on."),
    )
    machines = models.ManyToManyField(
        Machine, verbose_name=_("works and machines covered"), related_name="declarations"
    )
    trainings = models.TextField(
        _("trainings covered"), help_text=_("The programmes prepared (one a line).")
    )
    places = models.TextField(
        _("places of training"), help_text=_("The workshops' addresses (one a line).")
    )
    valid_until = models.DateField(_("in force until"), editable=False)
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT
    )
    history = HistoricalRecords(m2m_fields=[machines])

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration of derogation")
        verbose_name_plural = _("declarations of derogation")
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_assessed_on__isnull=True)
                | Q(risk_assessed_on__lte=models.F("sent_on")),
                name="declaration_risk_assessed_before",
                violation_error_code="risk_assessed_on",
                violation_error_message=_("The risks are assessed before the declaration is sent."),
            )
        ]

    def __str__(self) -> str:
        return _("Declaration of %(day)s") % {"day": f"{self.sent_on:%d/%m/%Y}"}

    def save(self, *args, **kwargs) -> None:
        # Stored, so that "in force on a day" is one indexed filter.
        self.valid_until = last_valid_day(self.sent_on, 12 * DECLARATION_YEARS)
        super().save(*args, **kwargs)

    def in_force_on(self, day: dt.date) -> bool:
        return self.sent_on <= day <= self.valid_until

    def clean(self) -> None:
        if self.sent_on and self.sent_on > timezone.localdate():
            raise ValidationError({"sent_on": _("A declaration is recorded once it is sent.")})
        if self.sent_on and self.risk_assessed_on and self.risk_assessed_on > self.sent_on:
            raise ValidationError(
                {
                    "risk_assessed_on": _(
                        "The risk assessment comes before the declaration (R4153-40)."
                    )
                }
            )


UPDATE_DAYS = 8  # R4153-42: "dans un délai de huit jours à compter des changements"


class DeclarationUpdateQuerySet(models.QuerySet):
    def waiting(self) -> DeclarationUpdateQuerySet:
        """Changes whose updated information has not been sent yet."""
        return self.filter(sent_on__isnull=True)


class DeclarationUpdate(ConstraintErrorsOnFields, models.Model):
    """A change to what a declaration of derogation says (Code du travail R4153-42: the
    sector, the trainings, the works and machines of R4153-41 1°, 2° and 4°): the updated
    information goes to the labour inspector "par tout moyen conférant date certaine dans
    un délai de huit jours à compter des changements intervenus". Flagged until sent."""

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    changed_on = models.DateField(_("changed on"))
    what = models.CharField(_("what changed"), max_length=300)
    due_on = models.DateField(_("to send by"), editable=False)
    sent_on = models.DateField(_("update sent on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = DeclarationUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update of a declaration")
        verbose_name_plural = _("updates of declarations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(sent_on__gte=models.F("changed_on")),
                name="declarationupdate_sent_after_change",
                violation_error_code="sent_on",
                violation_error_message=_("An update is sent after the change it declares."),
            )
        ]
        # The homes list the updates not sent, soonest due first.
        indexes = [models.Index(fields=["sent_on", "due_on"], name="declarationupdate_waiting")]

    def __str__(self) -> str:
        return f"{self.declaration} · {self.what}"

    def save(self, *args, **kwargs) -> None:
        self.due_on = self.changed_on + dt.timedelta(days=UPDATE_DAYS)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.changed_on and self.changed_on > timezone.localdate():
            raise ValidationError({"changed_on": _("Record a change once it happened.")})
        if self.sent_on and self.changed_on and self.sent_on < self.changed_on:
            raise ValidationError({"sent_on": _("The update is sent after the change.")})
        if self.sent_on and self.sent_on > timezone.localdate():
            raise ValidationError({"sent_on": _("Record what was sent, not what will be.")})


class DeclarationSupervisor(ConstraintErrorsOnFields, models.Model):
    """A person competent to supervise the young people, and his role (R4153-40 5°)."""

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.CASCADE,
        related_name="supervisors",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("supervisor"), on_delete=models.PROTECT
    )
    role = models.CharField(_("role or function"), max_length=120)

    class Meta:
        verbose_name = _("supervisor of the declaration")
        verbose_name_plural = _("supervisors of the declaration")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "person"],
                name="declaration_supervisor_once",
                violation_error_code="person",
                violation_error_message=_("This person already supervises under this declaration."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.get_full_name() or self.person} ({self.role})"


def scan_path(instance: MedicalOpinion, filename: str) -> str:
    # A random name: the uploaded file's name often names the pupil.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"safety/opinions/{uuid.uuid4().hex}.{extension}"


class MedicalOpinionQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> MedicalOpinionQuerySet:
        return self.filter(date__lte=day, valid_until__gte=day)


class MedicalOpinion(models.Model):
    """The doctor's opinion on a pupil's fitness for the regulated works (R4153-40 2°),
    valid one year. Health data: the doctor and the scan are for the director's eyes only
    (CONFIDENTIAL, `confidential_visible_to`: the pages and the pupil's data export
    read it there); the outcome and its validity are shown to the pupil's trainer."""

    CONFIDENTIAL = ("doctor", "scan")

    class Outcome(models.TextChoices):
        FIT = "fit", _("Fit")
        RESTRICTED = "restricted", _("Fit with restrictions")
        UNFIT = "unfit", _("Unfit")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="medical_opinions",
    )
    date = models.DateField(_("date of the opinion"))
    valid_until = models.DateField(_("valid until"), editable=False)
    doctor = models.CharField(_("doctor"), max_length=120)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    restrictions = models.ManyToManyField(
        Machine,
        verbose_name=_("machines and works excluded"),
        blank=True,
        related_name="+",
        help_text=_("Fit with restrictions: what the pupil may not use."),
    )
    scan = models.FileField(
        _("scan of the opinion"), upload_to=scan_path, blank=True, validators=[validate_scan]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[restrictions])

    objects = MedicalOpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("medical fitness opinion")
        verbose_name_plural = _("medical fitness opinions")
        ordering = ["-date", "-pk"]
        indexes = [
            # The opinions in force for a team on a day (safety.rules, the homes).
            models.Index(fields=["student", "date"], name="opinion_student_date"),
            # Expiries on the homes.
            models.Index(fields=["valid_until"], name="opinion_valid_until"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        self.valid_until = last_valid_day(self.date, OPINION_MONTHS)
        super().save(*args, **kwargs)

    @staticmethod
    def confidential_visible_to(user) -> bool:
        """Who reads the doctor and the scan: the Direction role itself (SPEC.md §2, R13)."""
        return user.reads_confidential

    @classmethod
    def hidden_from(cls, user) -> tuple[str, ...]:
        """The fields `user` may not read (the pupil's data export leaves them out)."""
        return () if cls.confidential_visible_to(user) else cls.CONFIDENTIAL

    def valid_on(self, day: dt.date) -> bool:
        return self.date <= day <= self.valid_until

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("An opinion is recorded once it is given.")})


class SafetyTraining(models.Model):
    """The safety information and training a pupil received for a machine or a work
    (art. R4153-40 4°, L4141-2), signed by him and the trainer."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="safety_trainings",
    )
    machine = models.ForeignKey(
        Machine,
        verbose_name=_("machine or work"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    date = models.DateField(_("date"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed = models.BooleanField(
        _("signed"), default=False, help_text=_("The pupil and the trainer signed the sheet.")
    )
    content = models.CharField(_("content"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("safety training")
        verbose_name_plural = _("safety trainings")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["student", "machine"], name="training_student_machine")]

    def __str__(self) -> str:
        return f"{self.machine.name} · {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A training is recorded once it is given.")})
        if (
            self.machine_id
            and self.student_id
            and self.machine.workshop_id != self.student.workshop_id
        ):
            raise ValidationError({"machine": _("This machine is not in the pupil's workshop.")})


class SupervisionQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> SupervisionQuerySet:
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class Supervision(ConstraintErrorsOnFields, models.Model):
    """The supervisor named for a pupil at the regulated works, from a day (R4153-40 5°)."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervised",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervisor named")
        verbose_name_plural = _("supervisors named")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="supervision_end_after_start",
                violation_error_code="end",
                violation_error_message=_("The end cannot be before the start."),
            )
        ]

    def __str__(self) -> str:
        return self.supervisor.get_full_name() or str(self.supervisor)

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must be on or after the start.")})

    def name(self) -> Supervision:
        """Name this supervisor from `start`: the one named before ends the day before."""
        self.full_clean()
        with transaction.atomic():
            current = list(
                Supervision.objects.select_for_update().filter(
                    student_id=self.student_id, end__isnull=True
                )
            )
            if any(s.start >= self.start for s in current):
                raise ValidationError(
                    {"start": _("A supervisor is already named from this day or a later one.")}
                )
            for previous in current:
                previous.end = self.start - dt.timedelta(days=1)
                previous.save(update_fields=["end"])
            self.save()
        return self
