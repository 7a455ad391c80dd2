"""What the trust layer keeps: reads of confidential records, sent forms (failed logins are
django-axes' AccessAttempt)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadLog(models.Model):
    """Someone read a confidential record (a follow-up note): who, when, from which page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("read")
        verbose_name_plural = _("reads")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="readlog_object")]

    def __str__(self) -> str:
        return f"{self.user} {self.content_type.model} #{self.object_id} {self.at:%d/%m/%Y %H:%M}"


class SubmittedForm(models.Model):
    """A form rendering's one-time token, used once: a second submission replays the first
    answer instead of saving again (double click, back and resubmit)."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    path = models.CharField(_("page"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # Empty while the first submission is being processed.
    location = models.CharField(_("answer"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%d/%m/%Y %H:%M}"
