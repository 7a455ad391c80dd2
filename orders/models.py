"""Customers and their orders, from quote to paid invoice (SPEC.md R3, R4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles import roles


class Customer(models.Model):
    """A company (SIRET/SIREN, VAT number) or an individual who orders from the school."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrderQuerySet:
        """Orders `user` may see: a trainer his workshops' orders; the office, direction and
        accountant all of them."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.ACCOUNTANT):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def open_for_work(self) -> OrderQuerySet:
        """Orders on which pupils' work may be logged (SPEC.md R3)."""
        return self.filter(status__in=[Order.Status.ACCEPTED, Order.Status.IN_PRODUCTION])


class Order(models.Model):
    """A customer's order, from quote to payment; only allowed transitions exist (R3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Quote draft")
        SENT = "sent", _("Quote sent")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")
        IN_PRODUCTION = "in_production", _("In production")
        DELIVERED = "delivered", _("Delivered")
        INVOICED = "invoiced", _("Invoiced")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    title = models.CharField(_("title"), max_length=200)
    workshop = models.ForeignKey(
        "ecoles.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible trainer"),
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    history = HistoricalRecords()

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "sent",
                        "accepted",
                        "refused",
                        "expired",
                        "in_production",
                        "delivered",
                        "invoiced",
                        "paid",
                        "cancelled",
                    ]
                ),
                name="order_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def start_production(self, by) -> None:
        """The first work log moves an accepted order into production (SPEC.md R3)."""
        if self.status == self.Status.IN_PRODUCTION:
            return
        if self.status != self.Status.ACCEPTED:
            raise ValueError(f"order {self.pk} is {self.status}, not accepted")
        self.status = self.Status.IN_PRODUCTION
        self._change_reason = f"production started by {by}"
        self.save(update_fields=["status"])
