"""Budget years and their lines (SPEC.md R5): planned and actual amounts by source of
resources and kind of expense. What they compute is in budget/figures.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecoles.models import School


class BudgetYearQuerySet(models.QuerySet):
    def containing(self, day: dt.date) -> BudgetYearQuerySet:
        return self.filter(start__lte=day, end__gte=day)


class BudgetYear(models.Model):
    """A budget year (exercice) of twelve months from the school's start month (SPEC.md R5).

    Its production revenue is never typed: it is computed from the invoices and credit
    notes issued within it (budget/figures.py).
    """

    start = models.DateField(_("first day"), unique=True)
    end = models.DateField(_("last day"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = BudgetYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="budgetyear_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}-{self.end.year}"

    @staticmethod
    def bounds_for(day: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
        """First and last day of the twelve-month year starting in `start_month` around `day`."""
        year = day.year if day.month >= start_month else day.year - 1
        start = dt.date(year, start_month, 1)
        end = dt.date(year + 1, start_month, 1) - dt.timedelta(days=1)
        return start, end

    @classmethod
    def for_day(cls, day: dt.date) -> BudgetYear:
        """The budget year holding `day`, created from the school's start month if missing."""
        found = cls.objects.containing(day).first()
        if found:
            return found
        start, end = cls.bounds_for(day, School.load().budget_year_start_month)
        obj, _ = cls.objects.get_or_create(start=start, defaults={"end": end})
        return obj


class BudgetLine(models.Model):
    """A planned and an actual amount, for one source of resources or one kind of expense."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("Resource")
        EXPENSE = "expense", _("Expense")

    class Source(models.TextChoices):
        PRODUCTION = "production", _("Production sales")
        DONATIONS = "donations", _("Donations and patronage")
        APPRENTICESHIP_TAX = "apprenticeship_tax", _("Apprenticeship tax")
        GRANTS = "grants", _("Grants")
        FAMILIES = "families", _("Family contributions")
        OTHER = "other", _("Other resources")

    class Category(models.TextChoices):
        STAFF = "staff", _("Staff")
        PREMISES = "premises", _("Premises")
        MATERIALS = "materials", _("Materials and supplies")
        EQUIPMENT = "equipment", _("Equipment")
        PUPILS = "pupils", _("Pupils (meals, transport, outfits)")
        OTHER = "other", _("Other expenses")

    year = models.ForeignKey(
        BudgetYear, verbose_name=_("budget year"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    source = models.CharField(_("source"), max_length=20, choices=Source, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category, blank=True)
    label = models.CharField(_("label"), max_length=200)
    funder = models.CharField(
        _("funder"), max_length=200, blank=True, help_text=_("For a grant: who grants it.")
    )
    planned = models.DecimalField(
        _("planned"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Null for the production line: its actual amount is computed from the invoices.
    actual = models.DecimalField(
        _("actual"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-kind", "source", "category", "label"]  # resources first
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="resource", category="") & ~models.Q(source="")
                    | models.Q(kind="expense", source="") & ~models.Q(category="")
                ),
                name="budgetline_source_or_category",
            ),
            # SPEC.md R5: the actual production revenue is computed, never typed.
            models.CheckConstraint(
                condition=~models.Q(source="production") | models.Q(actual__isnull=True),
                name="budgetline_production_actual_computed",
            ),
            models.CheckConstraint(
                condition=models.Q(planned__gte=0)
                & (models.Q(actual__isnull=True) | models.Q(actual__gte=0)),
                name="budgetline_amounts_positive",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(source="production"),
                name="budgetline_one_production_line",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_production(self) -> bool:
        return self.source == self.Source.PRODUCTION

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.RESOURCE and not self.source:
            errors["source"] = _("Say where this resource comes from.")
        if self.kind == self.Kind.EXPENSE and not self.category:
            errors["category"] = _("Say what kind of expense this is.")
        if self.kind == self.Kind.RESOURCE:
            self.category = ""
        else:
            self.source = ""
        if self.is_production:
            self.actual = None
            others = BudgetLine.objects.filter(year_id=self.year_id, source=self.source)
            if self.year_id and others.exclude(pk=self.pk).exists():
                errors["source"] = _("This year already has its production sales line.")
        if errors:
            raise ValidationError(errors)
