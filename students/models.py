"""Pupils (élèves) and what the school keeps about them (SPEC.md R6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles


class StudentQuerySet(models.QuerySet):
    def visible_to(self, user) -> StudentQuerySet:
        """Pupils `user` may see: trainers their workshops' pupils, other staff all."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.TEACHER):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def enrolled(self) -> StudentQuerySet:
        return self.filter(status=Student.Status.ENROLLED)


class Student(models.Model):
    """A pupil of 14 to 18 under school status."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ENROLLED = "enrolled", _("Enrolled")
        LEFT = "left", _("Left")
        GRADUATED = "graduated", _("Graduated")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
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
    entry_date = models.DateField(_("entry date"))
    cohort = models.PositiveSmallIntegerField(
        _("cohort"), help_text=_("Year of entry, e.g. 2026 for the promotion 2026."), db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ENROLLED, db_index=True
    )
    history = HistoricalRecords()

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applicant", "enrolled", "left", "graduated"]),
                name="student_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
