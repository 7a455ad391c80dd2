"""The network of Écoles de Production (issue 31): what the schools share.

On a school's instance: the sendings of its indicators to the network's hub (`Sending`).
On the hub (settings.NETWORK_HUB): the member schools and their keys (`MemberSchool`),
each school year's figures as received, versioned (`Report`), the nonces already used
(`Nonce`, against replay) and the référentiels the network has checked
(`PublishedReferentiel`). Every model exists on both, so one schema serves both.

Only aggregates ever reach the hub: `network.payload.build` is the one function that
makes what a school sends, and the hub refuses any key it does not know.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles.models import validate_siret, validate_uai


def new_key_id() -> str:
    return "k" + secrets.token_hex(8)


class MemberSchoolQuerySet(models.QuerySet):
    def active(self) -> MemberSchoolQuerySet:
        return self.filter(active=True)


class MemberSchool(models.Model):
    """A school of the network, known to the hub by its UAI and its API key.

    The key's secret is never stored: it is derived from the hub's SECRET_KEY and the key
    id (HMAC), shown once when the key is made or rotated, and recomputed to check a
    signature. A backup of the hub therefore holds no school's secret; rotating the key
    (a new id) revokes the old one at once. Changing the hub's SECRET_KEY changes every
    secret: each school then needs its key rotated.
    """

    name = models.CharField(_("name"), max_length=200)
    uai = models.CharField(_("UAI"), max_length=8, unique=True, validators=[validate_uai])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    key_id = models.CharField(_("API key id"), max_length=40, unique=True, default=new_key_id)
    active = models.BooleanField(_("still a member"), default=True)
    joined_on = models.DateField(_("member since"), default=timezone.localdate)
    history = HistoricalRecords()

    objects = MemberSchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("member school")
        verbose_name_plural = _("member schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret(self) -> str:
        return key_secret(self.key_id)

    def rotate_key(self) -> str:
        """A new key id (the old one stops working now); returns the new secret."""
        self.key_id = new_key_id()
        self.save(update_fields=["key_id"])
        return self.secret


def key_secret(key_id: str) -> str:
    message = f"ecoles.network.key:{key_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class ReportQuerySet(models.QuerySet):
    def current(self) -> ReportQuerySet:
        return self.filter(current=True)


class Report(models.Model):
    """One school's indicators of one school year, as received (aggregates only).

    Sending the year again makes a new version, which becomes the current one; the
    earlier versions stay, with who sent them and when."""

    class Via(models.TextChoices):
        API = "api", _("API")
        UPLOAD = "upload", _("uploaded file")

    school = models.ForeignKey(
        MemberSchool, models.PROTECT, related_name="reports", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(_("school year"))  # 2025 is 2025-2026
    version = models.PositiveIntegerField(_("version"))
    figures = models.JSONField(_("figures"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.CharField(_("sent by"), max_length=150)
    via = models.CharField(_("via"), max_length=10, choices=Via)
    current = models.BooleanField(_("current"), default=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicators report")
        verbose_name_plural = _("indicators reports")
        ordering = ["school__name", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "version"],
                name="network_report_one_version_number",
                violation_error_message=_("This version of the year already exists."),
            ),
            models.UniqueConstraint(
                fields=["school", "year"],
                condition=Q(current=True),
                name="network_report_one_current_per_year",
                violation_error_message=_("A school has one current report per year."),
            ),
        ]
        # The hub's pages read the current reports of a year, or of all years.
        indexes = [models.Index(fields=["year", "current"], name="network_report_year")]

    def __str__(self) -> str:
        return f"{self.school} {self.year}-{self.year + 1} v{self.version}"

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}"


class Nonce(models.Model):
    """A request nonce already used with a key: the same signed request sent again (a
    replay) is refused. Kept for twice the timestamp window, after which the timestamp
    alone refuses it."""

    key_id = models.CharField(max_length=40)
    value = models.CharField(max_length=64)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key_id", "value"],
                name="network_nonce_once",
                violation_error_message=_("This request was already received (a replay)."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} {self.value}"


class Sending(models.Model):
    """The school's sending of one year's indicators to the network (school side)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("school year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sending to the network")
        verbose_name_plural = _("sendings to the network")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["year", "-requested_at"], name="network_sending_year")]

    def __str__(self) -> str:
        return f"{self.year}-{self.year + 1} {self.get_status_display()}"


class PublishedReferentiel(models.Model):
    """A référentiel (a diploma's version with its blocs and competencies) the network has
    checked and publishes for its schools to import (issue 31 §2), serialised by
    network.referentiels."""

    code = models.CharField(_("diploma code"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    version = models.CharField(_("version"), max_length=50)
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.CharField(_("published by"), max_length=150)

    class Meta:
        verbose_name = _("published référentiel")
        verbose_name_plural = _("published référentiels")
        ordering = ["code", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="network_referentiel_one_version",
                violation_error_message=_("This version of the référentiel is published already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
