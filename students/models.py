"""Pupils (élèves) and what the school keeps about them (SPEC.md R6).

A pupil's record (identity, contact, guardians, programme, workshop, tutor), the tutor's
confidential follow-up notes (suivi social) and who read them, and what became of him
after leaving (the network's indicators are computed from it, see students.indicators).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.models import Workshop
from ecoles.shapes import validate_french_postal_code, validate_phone
from students.ine import normalise as normalise_ine
from students.ine import validate_ine

# Écoles de Production take pupils of 14 to 18 (Code de l'éducation, L443-6).
MIN_ENTRY_AGE = 14
MAX_ENTRY_AGE = 18


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on `day` (a pupil born on 29 February ages on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def fold(text: str) -> str:
    """Lower case without accents: what a search compares ('Léa' matches 'lea')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def can_see_contacts(user) -> bool:
    """Whether one of `user`'s roles shows some pupils' whole records (the columns exist);
    which pupils is `Student.objects.records_visible_to(user)`. Teachers see pupils' names,
    cohorts and workshops only (SPEC.md §2)."""
    return user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TRAINER)


def manages_records(user) -> bool:
    """Who creates and edits pupils' records: the office and the direction."""
    return user.has_role(roles.DIRECTOR, roles.OFFICE)


class StudentQuerySet(models.QuerySet):
    # Each kind of data has its own rule, and a user with several roles gets, for each
    # kind, what any of his roles grants of it (SPEC.md §2): a trainer who also teaches
    # sees every pupil's name but only his workshop's pupils' contacts and hours.

    def visible_to(self, user) -> StudentQuerySet:
        """Pupils whose name, cohort and workshop `user` may see: trainers their
        workshops' pupils, other staff all. Not their contacts: `records_visible_to`."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def records_visible_to(self, user) -> StudentQuerySet:
        """Pupils whose whole record `user` may see (birth date, contacts, guardians,
        tutor, hours and work logs): the office and the direction all, a trainer his
        workshops' pupils; a teacher none, whatever his other roles."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def with_record_access(self, user) -> StudentQuerySet:
        """Each pupil with `record_visible`: whether `user` sees his whole record (in the
        same query, for lists that show names to all and contacts to some)."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE):
            flag = models.Value(True)
        elif user.has_role(roles.TRAINER):
            trainers = Workshop.trainers.through.objects.filter(
                workshop_id=models.OuterRef("workshop_id"), user_id=user.pk
            )
            flag = models.Exists(trainers)
        else:
            flag = models.Value(False)
        return self.annotate(record_visible=models.ExpressionWrapper(flag, models.BooleanField()))

    def enrolled(self) -> StudentQuerySet:
        return self.filter(status=Student.Status.ENROLLED)

    def current(self) -> StudentQuerySet:
        """Not anonymised: the pupils whose record still names them."""
        return self.filter(anonymised_at__isnull=True)

    def search(self, text: str) -> StudentQuerySet:
        """Every word of `text` in the pupil's names, accents and case ignored."""
        qs = self
        for word in fold(text).split():
            qs = qs.filter(search_name__contains=word)
        return qs

    def present_during(self, start: dt.date, end: dt.date) -> StudentQuerySet:
        """Pupils enrolled at some point between `start` and `end` (applicants excluded)."""
        return self.exclude(status=Student.Status.APPLICANT).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start), entry_date__lte=end
        )

    def left_during(self, start: dt.date, end: dt.date) -> StudentQuerySet:
        return self.filter(
            status__in=[Student.Status.LEFT, Student.Status.GRADUATED],
            left_on__gte=start,
            left_on__lte=end,
        )

    def due_for_anonymisation(self, today: dt.date, retention_years: int) -> StudentQuerySet:
        """Former pupils who left more than `retention_years` ago and still carry names."""
        limit = add_months(today, -12 * retention_years)
        return self.current().filter(
            status__in=[Student.Status.LEFT, Student.Status.GRADUATED], left_on__lt=limit
        )


class Student(ConstraintErrorsOnFields, models.Model):
    """A pupil of 14 to 18 under school status (SPEC.md R6).

    Leaving data (date, reason, exam result) and the destinations at 6 and 12 months feed
    the network's indicators; they survive anonymisation, the names and contacts do not.
    """

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ENROLLED = "enrolled", _("Enrolled")
        LEFT = "left", _("Left")
        GRADUATED = "graduated", _("Graduated")

    class Programme(models.TextChoices):
        CAP = "cap", _("CAP")
        BAC_PRO = "bac_pro", _("Bac Pro")
        OTHER = "other", _("Other title")

    class LeavingReason(models.TextChoices):
        END_OF_PROGRAMME = "end_of_programme", _("End of the programme")
        JOB = "job", _("Left for a job or an apprenticeship")
        REORIENTATION = "reorientation", _("Changed to another school or programme")
        MOVED = "moved", _("Family moved away")
        DROPPED_OUT = "dropped_out", _("Dropped out")
        EXCLUDED = "excluded", _("Excluded")
        OTHER = "other", _("Other reason")

    class ExamResult(models.TextChoices):
        PASSED = "passed", _("Qualification obtained")
        FAILED = "failed", _("Sat the exam, not obtained")
        NOT_TAKEN = "not_taken", _("Did not sit the exam")

    class Destination(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
        FURTHER_STUDY = "further_study", _("Further study")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        SEEKING = "seeking", _("Seeking work or training")
        UNKNOWN = "unknown", _("Unknown")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class PreviousSituation(models.TextChoices):
        SCHOOL = "school", _("At school (class left)")
        OUT_OF_SCHOOL = "out_of_school", _("Out of school")
        PROGRAMME = "programme", _("In another programme")

    class Contract(models.TextChoices):
        CDI = "cdi", _("Permanent contract (CDI)")
        CDD = "cdd", _("Fixed-term contract (CDD)")
        TEMPORARY = "temporary", _("Temporary work (intérim)")
        PROFESSIONALISATION = "professionalisation", _("Contrat de professionnalisation")
        OTHER = "other", _("Other contract")

    # What the leaving form records, and a re-admission clears.
    LEAVING_FIELDS = (
        "left_on",
        "leaving_reason",
        "exam_result",
        "destination_6m",
        "contract_6m",
        "destination_12m",
        "contract_12m",
    )
    # Reasons the network counts as a drop-out (a departure without a solution).
    DROP_OUT_REASONS = (LeavingReason.DROPPED_OUT, LeavingReason.EXCLUDED)
    # Destinations counted as placed (insertion): a job, a contract or a school.
    PLACED = (
        Destination.EMPLOYMENT,
        Destination.APPRENTICESHIP,
        Destination.FURTHER_STUDY,
        Destination.SELF_EMPLOYED,
    )

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    # Code de l'éducation R131-3 I 1°: the declarations give the place of birth.
    birth_place = models.CharField(
        _("place of birth"), max_length=120, blank=True, help_text=_("Town (and country).")
    )
    # Contact of the pupil himself; the family's is on each Guardian.
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_french_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="students",
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutored_students",
    )
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme, default=Programme.CAP
    )
    programme_title = models.CharField(
        _("programme title"),
        max_length=200,
        blank=True,
        help_text=_("E.g. CAP Menuisier fabricant; required for another title."),
    )
    programme_year = models.PositiveSmallIntegerField(
        _("year of the programme"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    entry_date = models.DateField(_("entry date"))
    cohort = models.PositiveSmallIntegerField(
        _("cohort"), help_text=_("Year of entry, e.g. 2026 for the promotion 2026."), db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ENROLLED, db_index=True
    )
    # Leaving and what became of him (SPEC.md R6).
    left_on = models.DateField(_("leaving date"), null=True, blank=True, db_index=True)
    leaving_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeavingReason, blank=True
    )
    exam_result = models.CharField(
        _("qualification"), max_length=20, choices=ExamResult, blank=True
    )
    destination_6m = models.CharField(
        _("destination at 6 months"), max_length=20, choices=Destination, blank=True
    )
    contract_6m = models.CharField(
        _("contract at 6 months"), max_length=20, choices=Contract, blank=True
    )
    destination_12m = models.CharField(
        _("destination at 12 months"), max_length=20, choices=Destination, blank=True
    )
    contract_12m = models.CharField(
        _("contract at 12 months"), max_length=20, choices=Contract, blank=True
    )
    # Folded "first last" for accent-blind search on SQLite and PostgreSQL alike
    # (neither compares 'é' with 'e' out of the box); kept in step by save().
    # SPEC.md §6: the register, the declarations and the network's indicators.
    ine = models.CharField(
        _("INE"),
        max_length=11,
        blank=True,
        validators=[validate_ine],
        help_text=_("National pupil identifier (11 characters)."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex, blank=True)
    previous_situation = models.CharField(
        _("situation before entry"), max_length=20, choices=PreviousSituation, blank=True
    )
    previous_class = models.CharField(_("class left"), max_length=100, blank=True)
    out_of_school_since = models.DateField(_("out of school since"), null=True, blank=True)
    previous_programme = models.CharField(_("previous programme"), max_length=200, blank=True)
    search_name = models.CharField(max_length=201, blank=True, editable=False, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        # pk last: two pupils of the same name keep their order from page to page.
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applicant", "enrolled", "left", "graduated"]),
                name="student_status_valid",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(programme_year__gte=1, programme_year__lte=3),
                name="student_programme_year_1_to_3",
                violation_error_code="programme_year",
                violation_error_message=_("The year of the programme is 1, 2 or 3."),
            ),
            models.CheckConstraint(
                condition=~Q(programme="other") | ~Q(programme_title=""),
                name="student_other_programme_has_title",
                violation_error_code="programme_title",
                violation_error_message=_("Name the programme when it is not in the list."),
            ),
            # Only those who left have a leaving date, and a passed exam is a graduate.
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(status__in=["left", "graduated"]),
                name="student_leaving_date_only_when_left",
                violation_error_code="left_on",
                violation_error_message=_(
                    "A leaving date is only for a pupil who left or graduated."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(exam_result="passed") | Q(status="graduated"),
                name="student_passed_is_graduated",
                violation_error_code="status",
                violation_error_message=_("A pupil who passed the exam is graduated."),
            ),
            models.UniqueConstraint(
                fields=["ine"],
                condition=~Q(ine=""),
                name="student_ine_unique",
                violation_error_code="ine",
                violation_error_message=_("Another pupil already has this INE."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["", "F", "M"]),
                name="student_sex_valid",
                violation_error_code="sex",
                violation_error_message=_("Choose a sex from the list."),
            ),
            models.CheckConstraint(
                condition=Q(destination_6m="employment") | Q(contract_6m=""),
                name="student_contract_6m_only_when_employed",
                violation_error_code="contract_6m",
                violation_error_message=_(
                    "A contract at 6 months is only for a pupil in employment."
                ),
            ),
            models.CheckConstraint(
                condition=Q(destination_12m="employment") | Q(contract_12m=""),
                name="student_contract_12m_only_when_employed",
                violation_error_code="contract_12m",
                violation_error_message=_(
                    "A contract at 12 months is only for a pupil in employment."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(f"{self.first_name} {self.last_name}")
        self.ine = normalise_ine(self.ine)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.programme == self.Programme.OTHER and not self.programme_title.strip():
            errors["programme_title"] = _("Give the title of this programme.")
        if self.birth_date and self.entry_date and self.birth_date >= self.entry_date:
            errors["birth_date"] = _("The birth date must be before the entry date.")
        if (
            self.tutor_id
            and self.workshop_id
            and not self.workshop.trainers.filter(pk=self.tutor_id).exists()
        ):
            errors["tutor"] = _("The tutor must be a trainer of the pupil's workshop.")
        if self.has_left:
            if not self.left_on:
                errors["left_on"] = _("A pupil who left has a leaving date.")
            elif self.left_on > timezone.localdate():
                errors["left_on"] = _("The leaving date cannot be in the future.")
            elif self.entry_date and self.left_on < self.entry_date:
                errors["left_on"] = _("The leaving date cannot be before the entry date.")
            if self.status == self.Status.GRADUATED and self.exam_result != self.ExamResult.PASSED:
                errors["exam_result"] = _("A graduate has obtained his qualification.")
            if self.status == self.Status.LEFT and self.exam_result == self.ExamResult.PASSED:
                errors["exam_result"] = _("A pupil who obtained his qualification is a graduate.")
        elif self.left_on:
            errors["left_on"] = _("Only a pupil who left has a leaving date.")
        if (
            self.out_of_school_since
            and self.entry_date
            and self.out_of_school_since > self.entry_date
        ):
            errors["out_of_school_since"] = _("This date must be before the entry date.")
        if (
            self.out_of_school_since
            and self.previous_situation != self.PreviousSituation.OUT_OF_SCHOOL
        ):
            errors["out_of_school_since"] = _("Only a pupil out of school has this date.")
        for destination, contract in (
            ("destination_6m", "contract_6m"),
            ("destination_12m", "contract_12m"),
        ):
            employed = getattr(self, destination) == self.Destination.EMPLOYMENT
            if employed and not getattr(self, contract):
                errors[contract] = _("Give the type of contract.")
            if not employed and getattr(self, contract):
                errors[contract] = _("A contract goes with employment only.")
        if errors:
            raise ValidationError(errors)

    def settle_leaving_status(self) -> None:
        """A pupil who leaves with his qualification is a graduate; otherwise he has left."""
        passed = self.exam_result == self.ExamResult.PASSED
        self.status = self.Status.GRADUATED if passed else self.Status.LEFT

    def clear_leaving(self) -> None:
        """Re-admission: the pupil is back, his leaving and destinations no longer hold."""
        for field in self.LEAVING_FIELDS:
            setattr(self, field, None if field == "left_on" else "")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def has_left(self) -> bool:
        return self.status in (self.Status.LEFT, self.Status.GRADUATED)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def programme_label(self) -> str:
        return self.programme_title or self.get_programme_display()

    def programme_year_label(self, year: int | None = None) -> str:
        """ "CAP Menuisier fabricant, 2e année": the programme and one of its years."""
        year = year or self.programme_year or 1
        if year == 1:
            return _("%(programme)s, first year") % {"programme": self.programme_label}
        return _("%(programme)s, year %(year)s") % {
            "programme": self.programme_label,
            "year": year,
        }

    def previous_year_training(self, year_start: dt.date) -> str:
        """The training followed the school year before the one starting on `year_start`
        (R131-3 I 1°: "pour l'année scolaire en cours et pour la précédente"): this
        school's programme if he was already here, else where he came from."""
        if self.entry_date and self.entry_date < year_start:
            return self.programme_year_label(max((self.programme_year or 1) - 1, 1))
        situation = self.PreviousSituation
        if self.previous_situation == situation.SCHOOL:
            return _("At school: %(class)s") % {"class": self.previous_class or "—"}
        if self.previous_situation == situation.PROGRAMME:
            return _("Programme: %(name)s") % {"name": self.previous_programme or "—"}
        if self.previous_situation == situation.OUT_OF_SCHOOL:
            if self.out_of_school_since:
                return _("Out of school since %(day)s") % {
                    "day": f"{self.out_of_school_since:%d/%m/%Y}"
                }
            return _("Out of school")
        return ""

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def entry_warnings(self, pending: int = 0) -> list[str]:
        """What a user must confirm before saving: age at entry, a full workshop (R6).

        `pending`: pupils about to join the same workshop with this one (an import).
        """
        warnings = []
        if self.birth_date and self.entry_date:
            age = self.age_on(self.entry_date)
            if not MIN_ENTRY_AGE <= age <= MAX_ENTRY_AGE:
                warnings.append(
                    _(
                        "%(name)s will be %(age)s on the entry date, outside the 14-18 years "
                        "of an École de Production."
                    )
                    % {"name": self, "age": age}
                )
        if self.workshop_id and self.status == self.Status.ENROLLED:
            others = self.workshop.students.enrolled().exclude(pk=self.pk).count() + pending
            if others + 1 > self.workshop.capacity:
                warnings.append(
                    _(
                        "The workshop %(workshop)s would have %(count)s enrolled pupils, over "
                        "its capacity of %(capacity)s."
                    )
                    % {
                        "workshop": self.workshop,
                        "count": others + 1,
                        "capacity": self.workshop.capacity,
                    }
                )
        return warnings

    def record_visible_to(self, user) -> bool:
        """Whether `user` sees this pupil's whole record (see `records_visible_to`)."""
        if hasattr(self, "record_visible"):
            return self.record_visible
        return Student.objects.records_visible_to(user).filter(pk=self.pk).exists()

    def notes_visible_to(self, user) -> bool:
        """Follow-up notes: only the pupil's tutor and the direction (SPEC.md R6), the
        Direction role itself (`User.reads_confidential`)."""
        if user.reads_confidential:
            return True
        return self.tutor_id is not None and self.tutor_id == user.pk


class Guardian(ConstraintErrorsOnFields, models.Model):
    """A parent or other adult responsible for the pupil, and who receives the mail."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
        FOSTER_FAMILY = "foster_family", _("Foster family")
        SOCIAL_WORKER = "social_worker", _("Social worker (ASE)")
        RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        """How the school tells this guardian of an absence the family did not report."""

        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call from the school")

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="guardians"
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship, default=Relationship.MOTHER
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    phone_other = models.CharField(
        _("other phone"), max_length=30, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_french_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    # Code de l'éducation R131-3 I 2°: the declarations give the guardians' profession.
    profession = models.CharField(_("profession"), max_length=120, blank=True)
    legal_representative = models.BooleanField(_("legal representative"), default=True)
    receives_mail = models.BooleanField(_("receives the mail"), default=True)
    notices_by = models.CharField(
        _("absence notices by"),
        max_length=10,
        choices=Channel,
        default=Channel.EMAIL,
        help_text=_("Without an email, the school calls."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["student", "-receives_mail", "pk"]
        constraints = [
            # R9: the school cannot call a guardian without a number.
            models.CheckConstraint(
                condition=models.Q(notices_by="email") | ~models.Q(phone="", phone_other=""),
                name="guardian_called_has_a_phone",
                violation_error_code="phone",
                violation_error_message=_(
                    "Give a phone number for the school to call, or choose email."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_relationship_display()})".strip()

    def clean(self) -> None:
        if not (self.phone or self.phone_other or self.email or self.address):
            raise ValidationError(_("Give at least a phone, an email or an address."))
        if self.notices_by == self.Channel.PHONE and not (self.phone or self.phone_other):
            raise ValidationError(
                {"phone": _("Give a phone number for the school to call, or choose email.")}
            )


class FollowUpNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> FollowUpNoteQuerySet:
        """Notes of the pupils `user` tutors; the direction reads them all (SPEC.md R6),
        not the technical superuser without the Direction role (`User.reads_confidential`)."""
        if user.reads_confidential:
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(student__tutor=user, student__workshop__trainers=user)
        return self.none()


class FollowUpNote(ConstraintErrorsOnFields, models.Model):
    """Suivi social: a confidential note by the pupil's tutor or the direction.

    Only the pupil's tutor and the direction read them; every reading is recorded by the
    trust layer (settings.AUDIT_READ_MODELS, accounts.audit: who, when, from which page).
    They appear in no list, export or search of anyone else.
    """

    class Category(models.TextChoices):
        FAMILY = "family", _("Family")
        HOUSING = "housing", _("Housing")
        HEALTH = "health", _("Health")
        SCHOOL = "school", _("Schooling")
        OTHER = "other", _("Other")

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="followup_notes"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = FollowUpNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=["family", "housing", "health", "school", "other"]),
                name="followupnote_category_valid",
                violation_error_code="category",
                violation_error_message=_("Choose a category from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.date:%d/%m/%Y} · {self.get_category_display()}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A note cannot be dated in the future.")})
