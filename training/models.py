"""Pupils' time: production work logs and theory sessions (SPEC.md R1, R2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WorkLog(models.Model):
    """Production hours: a pupil's work on an order, start and end on the same day."""

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="work_logs"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="work_logs",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    task = models.CharField(_("task"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-start"]
        indexes = [models.Index(fields=["student", "start"], name="worklog_student_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="worklog_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.order} · {self.start:%d/%m/%Y %H:%M}"
