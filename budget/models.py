"""Budget years and their lines (SPEC.md R5), and the funding ledgers their actuals come
from (SPEC.md R11): donations and tax receipts, the apprenticeship tax, grants, families'
contributions. What they compute is in budget/figures.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from stdnum.fr import siren as stdnum_siren

from billing.models import DocumentSend
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.immutable import ImmutableError, InsertOnly, InsertOnlyQuerySet
from ecoles.models import School
from ecoles.shapes import validate_french_postal_code


class BudgetYearQuerySet(models.QuerySet):
    def containing(self, day: dt.date) -> BudgetYearQuerySet:
        return self.filter(start__lte=day, end__gte=day)


class BudgetYear(ConstraintErrorsOnFields, models.Model):
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
                condition=models.Q(end__gt=models.F("start")),
                name="budgetyear_end_after_start",
                violation_error_code="end",
                violation_error_message=_("The end must be after the start."),
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


# The sources and categories whose actual is computed from a ledger (budget/figures.py).
COMPUTED_SOURCES = ("production", "donations", "apprenticeship_tax", "grants", "families")
COMPUTED_CATEGORIES = ("materials",)


class BudgetLine(ConstraintErrorsOnFields, models.Model):
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
    # Null for the lines computed from a ledger (COMPUTED_SOURCES, COMPUTED_CATEGORIES).
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
                violation_error_message=_("A resource has a source, an expense a category."),
            ),
            # SPEC.md R5, R11: what a ledger holds is computed from it, never typed.
            models.CheckConstraint(
                condition=~models.Q(source__in=COMPUTED_SOURCES)
                & ~models.Q(category__in=COMPUTED_CATEGORIES)
                | models.Q(actual__isnull=True),
                name="budgetline_ledger_actual_computed",
                violation_error_code="actual",
                violation_error_message=_(
                    "This line's actual amount comes from the books: leave it empty."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(planned__gte=0)
                & (models.Q(actual__isnull=True) | models.Q(actual__gte=0)),
                name="budgetline_amounts_positive",
                violation_error_message=_("The amounts cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(source="production"),
                name="budgetline_one_production_line",
                violation_error_code="source",
                violation_error_message=_("This year already has a production line."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_production(self) -> bool:
        return self.source == self.Source.PRODUCTION

    @property
    def is_computed(self) -> bool:
        """Its actual comes from a ledger (SPEC.md R11): never typed."""
        if self.kind == self.Kind.RESOURCE:
            return self.source in COMPUTED_SOURCES
        return self.category in COMPUTED_CATEGORIES

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
        if self.is_computed and self.actual is not None:
            errors["actual"] = _(
                "This amount is computed from its ledger (invoices, receipts, transfers, "
                "instalments, families' payments or materials bought): leave it empty."
            )
        if self.is_production:
            others = BudgetLine.objects.filter(year_id=self.year_id, source=self.source)
            if self.year_id and others.exclude(pk=self.pk).exists():
                errors["source"] = _("This year already has its production sales line.")
        if errors:
            raise ValidationError(errors)


# --- The funding ledgers (SPEC.md R11): each resource's actual is computed from one ---------

MONEY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


def validate_siren(value: str) -> None:
    if not stdnum_siren.is_valid(value):
        raise ValidationError(_("This is not a valid SIREN (9 digits)."))


def _not_in_future(day: dt.date | None, field: str, errors: dict) -> None:
    if day is not None and day > timezone.localdate():
        errors[field] = _("This date is in the future.")


class DonorQuerySet(models.QuerySet):
    def search(self, text: str) -> DonorQuerySet:
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(city__icontains=text)
            | models.Q(email__icontains=text)
            | models.Q(siren__icontains=text.replace(" ", ""))
        )


class Donor(ConstraintErrorsOnFields, models.Model):
    """A person or a company who gives to the school (SPEC.md R11)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PERSON)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("First name and name, or the company's name.")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    address = models.CharField(_("address"), max_length=200, blank=True)
    # A donor has no country of his own here: his address is a French one.
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_french_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    history = HistoricalRecords()

    objects = DonorQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="company") & ~models.Q(siren="")
                | models.Q(kind="person", siren=""),
                name="donor_siren_for_companies",
                violation_error_code="siren",
                violation_error_message=_("A company has a SIREN, a person none."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    def clean(self) -> None:
        self.siren = stdnum_siren.compact(self.siren or "")
        if self.is_company and not self.siren:
            raise ValidationError({"siren": _("A company donor needs its SIREN.")})
        if not self.is_company:
            self.siren = ""


# The counterparts the tax administration tolerates (a "disproportion marquée" between the
# gift and what the donor receives), read in the stored copies on 07/12/2026:
# - an individual (CGI art. 200): goods or services worth at most a quarter of the gift
#   ("rapport de 1 à 4") and at most the flat limit of the "cadeaux de faible valeur", the
#   figure of CGI annexe IV art. 23 N (« fixée à 73 € toutes taxes comprises »), revalued
#   every five years with consumer prices (arrêté BUDF0500039A du 12 octobre 2005, art. 3):
#   65 € until 2015, 69 € from 1 January 2016 (arrêté du 10 juin 2016), 73 € from
#   1 January 2021 (BOFiP update of 17 May 2021, BOI-IR-RICI-390 § 220). The BOFiP page
#   for donors (BOI-IR-RICI-250-20, the tolerance on counterparts) was not among the
#   stored copies; the admical notice of 17 May 2021 states the rule with the 73 €.
#   A revaluation from 1 January 2026 was not found in the stored copies: add its row
#   to COUNTERPART_CAPS when published.
# - a company (CGI art. 238 bis): counterparts worth at most a quarter of the gift
#   (BOI-BIC-RICI-20-30-10-20, the ratio of 1 to 4), no flat limit.
# Beyond it, no tax receipt. Each gift is weighed alone, by the limit of its own day (the
# BOFiP's limit is on the counterparts of a calendar year: docs/compliance.d/50-*).
COUNTERPART_SHARE = Decimal("0.25")
COUNTERPART_CAPS = (  # (from, limit for an individual), latest first
    (dt.date(2021, 1, 1), Decimal("73")),
    (dt.date(2016, 1, 1), Decimal("69")),
    (dt.date.min, Decimal("65")),
)


def counterpart_cap(day: dt.date) -> Decimal:
    """The flat limit of an individual's counterparts for a gift made on `day`."""
    return next(cap for start, cap in COUNTERPART_CAPS if day >= start)


def counterpart_tolerated(donor_kind: str, amount: Decimal, value: Decimal, day: dt.date) -> bool:
    if value <= 0:
        return False  # a counterpart of unknown value cannot be weighed
    if value > amount * COUNTERPART_SHARE:
        return False
    return donor_kind == Donor.Kind.COMPANY or value <= counterpart_cap(day)


def _tolerated_q(prefix: str = "") -> models.Q:
    """counterpart_tolerated in SQL."""
    value, amount, day = f"{prefix}counterpart_value", f"{prefix}amount", f"{prefix}date"
    within = models.Q(**{f"{value}__gt": 0}) & models.Q(**{f"{amount}__gte": models.F(value) * 4})
    capped = models.Q()
    end = None
    for start, cap in COUNTERPART_CAPS:  # latest first: each row until the next one
        period = models.Q(**{f"{day}__gte": start}) if start > dt.date.min else models.Q()
        if end is not None:
            period &= models.Q(**{f"{day}__lt": end})
        capped |= period & models.Q(**{f"{value}__lte": cap})
        end = start
    return within & (models.Q(**{f"{prefix}donor__kind": "company"}) | capped)


class DonationQuerySet(models.QuerySet):
    def received_between(self, start: dt.date, end: dt.date) -> DonationQuerySet:
        return self.filter(received_on__range=(start, end))

    def receiptable(self) -> DonationQuerySet:
        """Money received without counterpart (or one within the tolerance) and on no
        receipt still valid."""
        live = ReceiptLine.objects.filter(
            donation=models.OuterRef("pk"), receipt__cancelled_at=None
        )
        return (
            self.filter(received_on__isnull=False)
            .filter(models.Q(counterpart=False) | _tolerated_q())
            .exclude(models.Exists(live))
        )


class Donation(ConstraintErrorsOnFields, models.Model):
    """A gift: a tax receipt may be issued once it is received, if it has no counterpart."""

    class Form(models.TextChoices):
        AUTHENTIC_ACT = "authentic_act", _("Authentic act")
        PRIVATE_DEED = "private_deed", _("Private deed")
        MANUAL_GIFT = "manual_gift", _("Manual gift")
        OTHER = "other", _("Other form")

    class Nature(models.TextChoices):
        CASH = "cash", pgettext_lazy("nature of a gift", "Cash")
        IN_KIND = "in_kind", _("In kind")

    class Method(models.TextChoices):
        CHEQUE = "cheque", _("Cheque")
        TRANSFER = "transfer", _("Bank transfer or direct debit")
        CARD = "card", _("Card")
        CASH = "cash", _("Notes and coins")

    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations"
    )
    date = models.DateField(_("date of the gift"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    form = models.CharField(_("form"), max_length=20, choices=Form, default=Form.MANUAL_GIFT)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature, default=Nature.CASH)
    method = models.CharField(_("method"), max_length=10, choices=Method, blank=True)
    description = models.CharField(
        _("description"), max_length=300, blank=True, help_text=_("For a gift in kind: what.")
    )
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    received_on = models.DateField(
        _("received on"),
        null=True,
        blank=True,
        help_text=_("No tax receipt before the money is received."),
    )
    counterpart = models.BooleanField(
        _("with a counterpart"),
        default=False,
        help_text=_(
            "The donor receives goods, services or publicity in return: a tax receipt only "
            "if their value stays within the tolerance (a quarter of the gift, and 73 € at "
            "most for an individual)."
        ),
    )
    counterpart_value = models.DecimalField(
        _("value of the counterpart"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="donation_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(nature="cash") & ~models.Q(method="")
                | models.Q(nature="in_kind", method=""),
                name="donation_method_for_cash",
                violation_error_code="method",
                violation_error_message=_(
                    "A gift of money has a means of payment, a gift in kind none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(received_on__isnull=True)
                | models.Q(received_on__gte=models.F("date")),
                name="donation_received_after_gift",
                violation_error_code="received_on",
                violation_error_message=_("A gift is received on or after its date."),
            ),
        ]
        # The budget sums the donations received in a year.
        indexes = [models.Index(fields=["received_on"], name="donation_received_on")]

    def __str__(self) -> str:
        return f"{self.donor} {self.date} {self.amount}"

    @property
    def counterpart_tolerated(self) -> bool:
        """No counterpart, or one the BOFiP tolerates (counterpart_tolerated above)."""
        if not self.counterpart:
            return True
        return counterpart_tolerated(
            self.donor.kind, self.amount, self.counterpart_value, self.date
        )

    @property
    def receipted(self) -> bool:
        return self.receipt_lines.filter(receipt__cancelled_at=None).exists()

    def clean(self) -> None:
        errors: dict = {}
        if self.nature == self.Nature.CASH and not self.method:
            errors["method"] = _("Say how the money was given.")
        if self.nature == self.Nature.IN_KIND:
            self.method = ""
            if not self.description.strip():
                errors["description"] = _("Describe the gift in kind.")
        if self.counterpart_value and not self.counterpart:
            errors["counterpart"] = _("A gift whose counterpart has a value has a counterpart.")
        if self.received_on and self.date and self.received_on < self.date:
            errors["received_on"] = _("The gift cannot be received before its date.")
        _not_in_future(self.date, "date", errors)
        _not_in_future(self.received_on, "received_on", errors)
        if self.pk and self.receipted:
            errors["__all__"] = _(
                "A tax receipt was issued for this donation: cancel the receipt before changing it."
            )
        if errors:
            raise ValidationError(errors)


class ReceiptImmutableError(ImmutableError):
    """An issued tax receipt never changes; a wrong one is cancelled and replaced."""


# After issue, only bookkeeping is written: the stored PDF and the cancellation.
RECEIPT_BOOKKEEPING = frozenset(
    {"pdf", "pdf_sha256", "cancelled_at", "cancelled_by", "cancel_reason"}
)


class IssuedReceiptQuerySet(InsertOnlyQuerySet):
    pass


class IssuedReceipt(InsertOnly):
    bookkeeping_fields = RECEIPT_BOOKKEEPING
    immutable_error = ReceiptImmutableError
    refused_change = _("Tax receipts can never be changed.")
    refused_deletion = _("Tax receipts can never be deleted.")

    class Meta:
        abstract = True


class TaxReceiptQuerySet(IssuedReceiptQuerySet):
    def valid(self) -> TaxReceiptQuerySet:
        return self.filter(cancelled_at=None)


def receipt_upload(instance: TaxReceipt, filename: str) -> str:
    return f"tax_receipts/{instance.year}/{instance.number}.pdf"


class TaxReceipt(ConstraintErrorsOnFields, IssuedReceipt):
    """A reçu fiscal (Cerfa n° 11580): a gapless yearly series RF-2026-0001, the mentions
    frozen at issue, never edited nor deleted; a wrong one is cancelled and replaced
    (budget/receipts.py). The database refuses changes too (migration 0003)."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Receipt for one donation")
        ANNUAL = "annual", _("Annual summary receipt")

    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SINGLE)
    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="receipts"
    )
    issue_date = models.DateField(_("issue date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issuer = models.JSONField(_("school identity at issue"), default=dict)
    donor_kind = models.CharField(_("donor kind"), max_length=10, choices=Donor.Kind)
    donor_name = models.CharField(_("donor name"), max_length=200)
    donor_address = models.TextField(_("donor address"), blank=True)
    donor_siren = models.CharField(_("donor SIREN"), max_length=9, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    amount_in_words = models.CharField(_("amount in words"), max_length=300)
    article = models.CharField(_("legal article"), max_length=100)
    signatory = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("title of the signatory"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        related_name="replacement",
        null=True,
        blank=True,
    )
    pdf = models.FileField(_("PDF"), upload_to=receipt_upload, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    cancel_reason = models.CharField(_("reason of the cancellation"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = TaxReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("tax receipt")
        verbose_name_plural = _("tax receipts")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                name="taxreceipt_number_unique",
                violation_error_code="sequence",
                violation_error_message=_("This receipt number is already taken."),
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1),
                name="taxreceipt_sequence_positive",
                violation_error_code="sequence",
                violation_error_message=_("A document's number starts at 1."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="taxreceipt_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True, cancel_reason="")
                | models.Q(cancelled_at__isnull=False) & ~models.Q(cancel_reason=""),
                name="taxreceipt_cancel_with_reason",
                violation_error_code="cancel_reason",
                violation_error_message=_(
                    "A cancelled receipt says why, and only a cancelled one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_company(self) -> bool:
        return self.donor_kind == Donor.Kind.COMPANY


class ReceiptLine(IssuedReceipt):
    """A donation a receipt covers, copied at issue (one for a receipt, several for an
    annual summary); never changes."""

    receipt = models.ForeignKey(TaxReceipt, on_delete=models.PROTECT, related_name="lines")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="receipt_lines")
    date = models.DateField(_("date of the gift"))
    amount = models.DecimalField(_("amount"), **MONEY)
    form = models.CharField(_("form"), max_length=20, choices=Donation.Form)
    nature = models.CharField(_("nature"), max_length=10, choices=Donation.Nature)
    method = models.CharField(_("method"), max_length=10, choices=Donation.Method, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = IssuedReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.receipt} {self.date} {self.amount}"


# --- The apprenticeship tax -----------------------------------------------------------------


class ReceiptSend(models.Model):
    """A tax receipt given to its donor, in one step (issue #29 §2): mailed with its PDF
    on the school's one mail path (its Mail says how that went), or recorded as posted,
    sent as a registered letter (with its number) or handed over, with the day."""

    Channel = DocumentSend.Channel

    receipt = models.ForeignKey(
        TaxReceipt, verbose_name=_("tax receipt"), on_delete=models.PROTECT,
        related_name="sends",
    )  # fmt: skip
    channel = models.CharField(_("how"), max_length=12, choices=Channel)
    posted_on = models.DateField(_("posted or handed over on"), null=True, blank=True)
    tracking_number = models.CharField(_("registered letter number"), max_length=40, blank=True)
    recipients = models.TextField(_("sent to"), blank=True)
    mail = models.ForeignKey(
        "ecoles.Mail", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("tax receipt sent")
        verbose_name_plural = _("tax receipts sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="email", posted_on__isnull=True)
                | Q(channel__in=["post", "registered", "hand"], posted_on__isnull=False),
                name="receipt_send_paper_has_date",
                violation_error_message=_("A document posted or handed over has its date."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="registered") | ~Q(tracking_number=""),
                name="receipt_send_registered_number",
                violation_error_message=_("A registered letter is recorded with its number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt} {self.get_channel_display()}"

    @property
    def on_paper(self) -> bool:
        return self.channel != self.Channel.EMAIL


class TaxCampaign(models.Model):
    """A year's apprenticeship tax campaign (the balance companies allocate via SOLTéA)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("apprenticeship tax campaign")
        verbose_name_plural = _("apprenticeship tax campaigns")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Pledge(ConstraintErrorsOnFields, models.Model):
    """A company approached in a campaign: its promise and the follow-up."""

    class Status(models.TextChoices):
        APPROACHED = "approached", _("Approached")
        PROMISED = "promised", pgettext_lazy("a promise", "Promised")
        DECLINED = "declined", _("Declined")
        RECEIVED = "received", pgettext_lazy("money", "Received")

    campaign = models.ForeignKey(
        TaxCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="pledges"
    )
    customer = models.ForeignKey(
        "orders.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tax_pledges",
        help_text=_("If the company is one of our customers."),
    )
    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.APPROACHED)
    share = models.DecimalField(
        _("share of its balance (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    amount = models.DecimalField(
        _("amount promised"), **MONEY, null=True, blank=True, validators=POSITIVE
    )
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        ordering = ["company", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "company"],
                name="pledge_one_per_company",
                violation_error_code="company",
                violation_error_message=_("This company already has a pledge in this campaign."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="promised") | models.Q(amount__isnull=False),
                name="pledge_promise_has_amount",
                violation_error_code="amount",
                violation_error_message=_("A promise has an amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.campaign})"

    def clean(self) -> None:
        errors: dict = {}
        if self.status == self.Status.PROMISED and self.amount is None:
            errors["amount"] = _("A promise has an amount.")
        _not_in_future(self.last_contact, "last_contact", errors)
        if errors:
            raise ValidationError(errors)


class Transfer(ConstraintErrorsOnFields, models.Model):
    """Money received from the national body (SOLTéA, Caisse des dépôts): the budget's
    apprenticeship tax actual is their sum."""

    class Kind(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated by a company")
        UNALLOCATED = "unallocated", _("Share of the unallocated remainder")

    campaign = models.ForeignKey(
        TaxCampaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    date = models.DateField(_("date received"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    reference = models.CharField(_("transfer reference"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.ALLOCATED)
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("promise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="transfer_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("The amount must be above zero."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="unallocated") | models.Q(pledge__isnull=True),
                name="transfer_unallocated_no_pledge",
                violation_error_code="pledge",
                violation_error_message=_("An unallocated transfer answers no pledge."),
            ),
        ]
        indexes = [models.Index(fields=["date"], name="transfer_date")]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors: dict = {}
        if self.kind == self.Kind.UNALLOCATED and self.pledge_id:
            errors["pledge"] = _("A share of the unallocated remainder matches no promise.")
        if self.pledge_id and self.campaign_id and self.pledge.campaign_id != self.campaign_id:
            errors["pledge"] = _("This promise belongs to another campaign.")
        _not_in_future(self.date, "date", errors)
        if errors:
            raise ValidationError(errors)


# --- Grants ---------------------------------------------------------------------------------


class GrantQuerySet(models.QuerySet):
    def report_due_by(self, day: dt.date) -> GrantQuerySet:
        """Grants whose report to the funder is not sent and due by `day`."""
        return self.filter(report_due__lte=day, report_sent_on=None)


class Grant(ConstraintErrorsOnFields, models.Model):
    """A subvention: the agreement, its instalments, the report the funder expects."""

    funder = models.CharField(_("funder"), max_length=200)
    programme = models.CharField(pgettext_lazy("grant", "programme"), max_length=200)
    amount_granted = models.DecimalField(_("amount granted"), **MONEY, validators=POSITIVE)
    agreement_start = models.DateField(_("agreement from"))
    agreement_end = models.DateField(_("agreement until"))
    conditions = models.TextField(_("conditions"), blank=True)
    report_due = models.DateField(_("report due on"), null=True, blank=True)
    report_sent_on = models.DateField(_("report sent on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-agreement_start", "funder"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agreement_end__gte=models.F("agreement_start")),
                name="grant_agreement_dates",
                violation_error_code="agreement_end",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
        ]
        # The director's home looks for the reports not sent, by due date.
        indexes = [
            models.Index(
                fields=["report_due"],
                condition=models.Q(report_sent_on=None),
                name="grant_report_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder} · {self.programme}"

    def clean(self) -> None:
        errors: dict = {}
        if (
            self.agreement_start
            and self.agreement_end
            and self.agreement_end < self.agreement_start
        ):
            errors["agreement_end"] = _("The agreement ends before it starts.")
        _not_in_future(self.report_sent_on, "report_sent_on", errors)
        if errors:
            raise ValidationError(errors)


class Instalment(ConstraintErrorsOnFields, models.Model):
    """A payment of a grant: expected, then received (the budget's grants actual)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="instalments"
    )
    expected_on = models.DateField(_("expected on"))
    expected_amount = models.DecimalField(_("amount expected"), **MONEY, validators=POSITIVE)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_amount = models.DecimalField(
        _("amount received"), **MONEY, null=True, blank=True, validators=POSITIVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["expected_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(received_on__isnull=True, received_amount__isnull=True)
                | models.Q(
                    received_on__isnull=False, received_amount__isnull=False, received_amount__gt=0
                ),
                name="instalment_received_with_amount",
                violation_error_code="received_amount",
                violation_error_message=_(
                    "A received instalment has its date and an amount above zero."
                ),
            ),
        ]
        indexes = [models.Index(fields=["received_on"], name="instalment_received_on")]

    def __str__(self) -> str:
        return f"{self.grant} {self.expected_on}"

    def clean(self) -> None:
        errors: dict = {}
        if self.received_on and self.received_amount is None:
            errors["received_amount"] = _("Say how much was received.")
        if self.received_amount is not None and not self.received_on:
            errors["received_on"] = _("Say when it was received.")
        _not_in_future(self.received_on, "received_on", errors)
        if errors:
            raise ValidationError(errors)


# --- Families' contributions ----------------------------------------------------------------


class FamilyContribution(ConstraintErrorsOnFields, models.Model):
    """What a pupil's family owes for a budget year."""

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="family_contributions",
    )
    year = models.ForeignKey(
        BudgetYear,
        verbose_name=_("budget year"),
        on_delete=models.PROTECT,
        related_name="family_contributions",
    )
    amount_due = models.DecimalField(
        _("amount due"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family contribution")
        verbose_name_plural = _("family contributions")
        ordering = ["student__last_name", "student__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year"],
                name="contribution_one_a_year",
                violation_error_code="year",
                violation_error_message=_("This pupil already has a contribution for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount_due__gte=0),
                name="contribution_due_positive",
                violation_error_code="amount_due",
                violation_error_message=_("The amount due cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.year}"


class FamilyPayment(ConstraintErrorsOnFields, models.Model):
    """What a family paid (the budget's families actual)."""

    contribution = models.ForeignKey(
        FamilyContribution,
        verbose_name=_("contribution"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    method = models.CharField(_("method"), max_length=10, choices=Donation.Method)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family payment")
        verbose_name_plural = _("family payments")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="familypayment_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("The amount must be above zero."),
            ),
        ]
        indexes = [models.Index(fields=["date"], name="familypayment_date")]

    def __str__(self) -> str:
        return f"{self.contribution} {self.date} {self.amount}"

    def clean(self) -> None:
        errors: dict = {}
        _not_in_future(self.date, "date", errors)
        if errors:
            raise ValidationError(errors)
