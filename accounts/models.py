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


class StaffChange(models.Model):
    """What the director did to a member of staff's account (issue 29 §4): who, when,
    what. Kept when an invitation never used is withdrawn (the name stays; the link to the
    account goes), so the trail of who was given which access never loses a line."""

    class What(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_SENT_AGAIN = "invitation_sent_again", _("Invitation sent again")
        ROLES = "roles", _("Roles changed")
        WORKSHOPS = "workshops", _("Workshops changed")
        DETAILS = "details", _("Name or e-mail changed")
        SUSPENDED = "suspended", _("Suspended")
        RESTORED = "restored", _("Restored")
        WITHDRAWN = "withdrawn", _("Invitation withdrawn")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="staff_changes",
    )
    member_name = models.CharField(_("name"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    what = models.CharField(_("change"), max_length=30, choices=What)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("staff account change")
        verbose_name_plural = _("staff account changes")
        ordering = ["-at", "-pk"]
        # A member's page lists his account's changes, newest first.
        indexes = [models.Index(fields=["member", "-at"], name="staffchange_member")]

    def __str__(self) -> str:
        return f"{self.member_name}: {self.get_what_display()} {self.at:%d/%m/%Y %H:%M}"
