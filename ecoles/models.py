"""The school itself: its users, identity, policy (the rules' numbers) and workshops."""

from __future__ import annotations

import copy
import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from ecoles import law, roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.shapes import validate_french_postal_code, validate_phone
from ecoles.uploads import validate_logo


class User(AbstractUser):
    """A member of staff. Roles are Django groups (see ecoles.roles)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if self.is_superuser:
            return frozenset(roles.ALL_ROLES)
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @cached_property
    def reads_confidential(self) -> bool:
        """Follow-up notes and health data (medical opinions, their doctor and scan) need
        the Direction role itself: the technical superuser, who holds every other role,
        reads them only if he also holds that one (SPEC.md §2, the Admin's row)."""
        if not self.is_superuser:
            return roles.DIRECTOR in self.roles
        return self.groups.filter(name=roles.DIRECTOR).exists()

    @property
    def is_director(self) -> bool:
        return self.has_role(roles.DIRECTOR)

    @property
    def main_role(self) -> str | None:
        """The role whose home page the user sees (the most powerful one held)."""
        for name in roles.ALL_ROLES:
            if name in self.roles:
                return name
        return None


def validate_siret(value: str) -> None:
    if not stdnum_siret.is_valid(value):
        raise ValidationError(_("This SIRET is not valid (14 digits, checksum)."))


def validate_vat_number(value: str) -> None:
    if not stdnum_tva.is_valid(value):
        raise ValidationError(_("This French VAT number is not valid (FR + key + SIREN)."))


validate_uai = RegexValidator(
    r"^\d{7}[A-Z]$", _("A UAI is 7 digits followed by a capital letter, e.g. 0691234A.")
)


# Singletons already read during the current request (set by SingletonsPerRequest): a
# page asks for the policy from several places and the database once.
_loaded: ContextVar[dict | None] = ContextVar("ecoles_singletons", default=None)


class SingletonModel(models.Model):
    """A table that holds exactly one row (pk=1), created with its defaults on first use."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        memo = _loaded.get()
        if memo is not None:
            memo[type(self)] = copy.copy(self)

    @classmethod
    def load(cls):
        """The row, read once per request; each caller gets its own copy to change."""
        memo = _loaded.get()
        if memo is not None and cls in memo:
            return copy.copy(memo[cls])
        obj, _ = cls.objects.get_or_create(pk=1)
        if memo is not None:
            memo[cls] = copy.copy(obj)
        return obj


class SingletonsPerRequest:
    """Middleware: School.load() and Policy.load() query once per request at most."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _loaded.set({})
        try:
            return self.get_response(request)
        finally:
            _loaded.reset(token)


class School(ConstraintErrorsOnFields, SingletonModel):
    """The school's identity as it must appear on quotes and invoices (SPEC.md R4)."""

    class VatRegime(models.TextChoices):
        SUBJECT = "subject", _("Subject to VAT")
        EXEMPT_293B = "exempt_293b", _("VAT franchise (art. 293 B du CGI)")
        EXEMPT_261 = "exempt_261", _("Exempt (art. 261-7-1° du CGI)")
        # A taxed sector (sales at their rate) beside the exempt teaching one (lines at 0 %).
        SECTORISED = "sectorised", _("Taxed sector beside an exempt one")

    class VatFiling(models.TextChoices):
        """How the school files its VAT returns: the e-reporting frequency follows it."""

        NORMAL_MONTHLY = "normal_monthly", _("Normal regime, monthly returns")
        NORMAL_QUARTERLY = "normal_quarterly", _("Normal regime, quarterly returns")
        SIMPLIFIED = "simplified", _("Simplified regime")

    name = models.CharField(_("name"), max_length=200, default="École de Production")
    legal_form = models.CharField(
        _("legal form"), max_length=100, default="Association loi 1901", blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_french_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    uai = models.CharField(_("UAI"), max_length=8, blank=True, validators=[validate_uai])
    vat_number = models.CharField(
        _("VAT number"), max_length=13, blank=True, validators=[validate_vat_number]
    )
    vat_regime = models.CharField(
        _("VAT regime"), max_length=20, choices=VatRegime, default=VatRegime.SUBJECT
    )
    # The e-invoicing reform (SPEC.md R12, billing.facturx, billing.routes).
    vat_filing = models.CharField(
        _("VAT returns"), max_length=20, choices=VatFiling, default=VatFiling.SIMPLIFIED
    )
    vat_on_debits = models.BooleanField(
        _("VAT on debits"),
        default=False,
        help_text=_("Option pour le paiement de la taxe d'après les débits (services)."),
    )
    electronic_address = models.CharField(
        _("electronic invoicing address"),
        max_length=100,
        blank=True,
        help_text=_("The address given by the approved platform (e.g. the SIREN)."),
    )
    einvoicing_date = models.DateField(
        _("electronic invoicing from"),
        default=dt.date(2027, 9, 1),
        help_text=_("From this date, domestic B2B invoices go through the approved platform."),
    )
    logo = models.ImageField(_("logo"), upload_to="school/", blank=True, validators=[validate_logo])
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    quote_prefix = models.CharField(_("quote prefix"), max_length=5, default="DE")
    invoice_prefix = models.CharField(_("invoice prefix"), max_length=5, default="FA")
    credit_note_prefix = models.CharField(_("credit note prefix"), max_length=5, default="AV")
    quote_validity_days = models.PositiveSmallIntegerField(
        _("quote validity (days)"), default=30, validators=[MinValueValidator(1)]
    )
    # Code de commerce L441-10: at most 60 days from the invoice date.
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(60)],
        help_text=_("At most 60 days after the invoice date (Code de commerce, L441-10)."),
    )
    # Code de commerce L441-10: at least three times the legal interest rate.
    late_penalty_rate = models.DecimalField(
        _("late-payment penalty rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("12.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Annual rate; at least three times the legal interest rate."),
    )
    early_payment_discount = models.CharField(
        _("early-payment discount terms"),
        max_length=200,
        default="Pas d'escompte pour paiement anticipé.",
    )
    budget_year_start_month = models.PositiveSmallIntegerField(
        _("budget year start month"),
        choices=[(1, _("January")), (9, _("September"))],
        default=9,
    )
    # What the donations' tax receipts say of the school (Cerfa n° 11580, budget/receipts.py).
    object = models.TextField(
        _("object of the school"),
        blank=True,
        default="Formation professionnelle de jeunes de 14 à 18 ans par la production.",
        help_text=_("The school's object as printed on donations' tax receipts."),
    )
    receipt_signatory = models.CharField(_("signatory of tax receipts"), max_length=200, blank=True)
    receipt_signatory_title = models.CharField(
        _("title of the signatory"), max_length=200, blank=True, default="Directeur"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("school")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_terms_days__lte=60),
                name="school_payment_terms_max_60",
                violation_error_code="payment_terms_days",
                violation_error_message=_("Payment terms are at most 60 days after the invoice."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.siret:
            self.siret = stdnum_siret.compact(self.siret)
        if self.vat_number:
            self.vat_number = stdnum_tva.compact(self.vat_number)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def vat_mention(self) -> str:
        """The mention the law asks on quotes and invoices when no VAT is charged."""
        return {
            self.VatRegime.SUBJECT: "",
            self.VatRegime.EXEMPT_293B: "TVA non applicable, art. 293 B du CGI",
            self.VatRegime.EXEMPT_261: "Exonération de TVA, art. 261-7-1° du CGI",
            self.VatRegime.SECTORISED: "",
        }[self.vat_regime]

    @property
    def charges_vat(self) -> bool:
        return self.vat_regime in (self.VatRegime.SUBJECT, self.VatRegime.SECTORISED)


def _time(h: int, m: int = 0) -> dt.time:
    return dt.time(h, m)


NOON = dt.time(12)
# Why a looser number is refused: the article that sets it (ecoles/law.py).
_LAW_DAILY = _("The law allows a minor at most 8 hours a day (Code du travail L3162-1).")
_LAW_WEEKLY = _("The law allows a minor at most 35 hours a week (Code du travail L3162-1).")
_LAW_BREAK_AFTER = _(
    "The law allows a minor at most 4 h 30 of work without a break (Code du travail L3162-3)."
)
_LAW_BREAK = _("The law gives a minor a break of at least 30 minutes (Code du travail L3162-3).")
_LAW_NIGHT = _(
    "The law forbids a minor's work between 22:00 (20:00 under 16) and 06:00 (Code du "
    "travail L3163-1): the night may be longer, not shorter."
)
_LAW_REST = _(
    "The law gives a minor at least 12 hours of rest between two days, 14 under 16 (Code du "
    "travail L3164-1)."
)
_EVENING = _("The night starts in the evening: a time after noon.")
_MORNING = _("The night ends in the morning: a time before noon.")


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour as #rrggbb."))


class Policy(ConstraintErrorsOnFields, SingletonModel):
    """The numbers behind SPEC.md R1 (2/3-1/3 balance), R2 (minors' working time) and R5.

    R2's defaults are the French rules for workers under 18 (Code du travail L3162-1 to
    L3164-2, ecoles/law.py): 8 h a day, 35 h a week, 30 min break after 4 h 30, no night
    work, 12 h rest (14 h under 16). The director may make them stricter, never looser
    (validators, and a CheckConstraint each). Every change is kept in the history.
    """

    # R1: target production : theory ratio, exact (2:1 is two thirds production).
    target_production_parts = models.PositiveSmallIntegerField(
        _("production parts"), default=2, validators=[MinValueValidator(1)]
    )
    target_theory_parts = models.PositiveSmallIntegerField(
        _("theory parts"), default=1, validators=[MinValueValidator(1)]
    )
    balance_band_points = models.DecimalField(
        _("balanced band (± points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )
    balance_allowance_hours = models.DecimalField(
        _("allowance (hours)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("24.0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Production beyond the target by more than this is refused."),
    )
    school_year_start_month = models.PositiveSmallIntegerField(
        _("school year start month"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    school_year_start_day = models.PositiveSmallIntegerField(
        _("school year start day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    # R2: minors' working time. The law's numbers (ecoles/law.py) are the defaults and the
    # bounds: the school may be stricter, never looser (a CheckConstraint each, below).
    max_daily_hours = models.DecimalField(
        _("max hours a day"),
        max_digits=4,
        decimal_places=2,
        default=law.MAX_DAILY_HOURS,
        validators=[
            MinValueValidator(Decimal("1")),
            MaxValueValidator(law.MAX_DAILY_HOURS, _LAW_DAILY),
        ],
    )
    max_weekly_hours = models.DecimalField(
        _("max hours a week"),
        max_digits=4,
        decimal_places=2,
        default=law.MAX_WEEKLY_HOURS,
        validators=[
            MinValueValidator(Decimal("1")),
            MaxValueValidator(law.MAX_WEEKLY_HOURS, _LAW_WEEKLY),
        ],
    )
    break_after_minutes = models.PositiveSmallIntegerField(
        _("break required after (minutes of continuous work)"),
        default=law.BREAK_AFTER_MINUTES,
        validators=[
            MinValueValidator(30),
            MaxValueValidator(law.BREAK_AFTER_MINUTES, _LAW_BREAK_AFTER),
        ],
    )
    break_minutes = models.PositiveSmallIntegerField(
        _("break length (minutes)"),
        default=law.BREAK_MINUTES,
        validators=[MinValueValidator(law.BREAK_MINUTES, _LAW_BREAK), MaxValueValidator(240)],
    )
    # An evening time (after noon) and a morning time (before noon): the night between.
    night_start = models.TimeField(
        _("night starts (16-17 years)"),
        default=law.NIGHT_START,
        validators=[
            MinValueValidator(NOON, _EVENING),
            MaxValueValidator(law.NIGHT_START, _LAW_NIGHT),
        ],
    )
    night_start_under_16 = models.TimeField(
        _("night starts (under 16)"),
        default=law.NIGHT_START_UNDER_16,
        validators=[
            MinValueValidator(NOON, _EVENING),
            MaxValueValidator(law.NIGHT_START_UNDER_16, _LAW_NIGHT),
        ],
    )
    night_end = models.TimeField(
        _("night ends"),
        default=law.NIGHT_END,
        validators=[
            MinValueValidator(law.NIGHT_END, _LAW_NIGHT),
            MaxValueValidator(NOON, _MORNING),
        ],
    )
    daily_rest_hours = models.PositiveSmallIntegerField(
        _("rest between two days (hours, 16-17 years)"),
        default=law.DAILY_REST_HOURS,
        validators=[MinValueValidator(law.DAILY_REST_HOURS, _LAW_REST), MaxValueValidator(24)],
    )
    daily_rest_hours_under_16 = models.PositiveSmallIntegerField(
        _("rest between two days (hours, under 16)"),
        default=law.DAILY_REST_HOURS_UNDER_16,
        validators=[
            MinValueValidator(law.DAILY_REST_HOURS_UNDER_16, _LAW_REST),
            MaxValueValidator(24),
        ],
    )
    # Team entry slots.
    morning_start = models.TimeField(_("morning starts"), default=_time(8, 30))
    morning_end = models.TimeField(_("morning ends"), default=_time(12))
    afternoon_start = models.TimeField(_("afternoon starts"), default=_time(13, 30))
    afternoon_end = models.TimeField(_("afternoon ends"), default=_time(17))
    # R5: production share of the budget.
    production_share_min = models.DecimalField(
        _("production share target, low (%)"), max_digits=5, decimal_places=2, default=25
    )
    production_share_max = models.DecimalField(
        _("production share target, high (%)"), max_digits=5, decimal_places=2, default=35
    )
    # R8: the calendar. Most Écoles de Production work Monday to Friday.
    saturday_is_school_day = models.BooleanField(
        _("Saturday is a school day"),
        default=False,
        help_text=_("Otherwise a Saturday is closed unless the director opens it."),
    )
    # R6: personal data of former pupils.
    retention_years = models.PositiveSmallIntegerField(
        _("keep former pupils' personal data (years)"),
        default=5,
        validators=[MinValueValidator(1)],
    )
    # R9: early signs of dropping out (over the last 4 weeks) and the obligation of
    # training for 16-18 year olds (the school's own threshold; under 16 it is the law's).
    dropout_unjustified_half_days = models.PositiveSmallIntegerField(
        _("dropping out: unjustified half-days in 4 weeks"),
        default=4,
        validators=[MinValueValidator(1)],
    )
    dropout_late_arrivals = models.PositiveSmallIntegerField(
        _("dropping out: late arrivals in 4 weeks"), default=4, validators=[MinValueValidator(1)]
    )
    dropout_days_since_present = models.PositiveSmallIntegerField(
        _("dropping out: school days since last present"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    dropout_consecutive_half_days = models.PositiveSmallIntegerField(
        _("dropping out: consecutive absent half-days"),
        default=4,
        validators=[MinValueValidator(1)],
    )
    dropout_theory_drop_points = models.PositiveSmallIntegerField(
        _("dropping out: fall of theory attendance (points)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    training_obligation_half_days = models.PositiveSmallIntegerField(
        _("16-18: unjustified half-days in a month before suggesting the youth mission"),
        default=4,
        validators=[MinValueValidator(1)],
    )
    # R10: competencies. When one is acquired (skills/acquisition.py), never an average.
    skills_min_evidence = models.PositiveSmallIntegerField(
        _("competency acquired after (validated pieces of evidence)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    skills_min_level = models.PositiveSmallIntegerField(
        _("each at least at level"),
        default=3,
        choices=[
            (1, _("Insufficient")),
            (2, _("Fragile")),
            (3, _("Satisfactory")),
            (4, _("Very good")),
        ],
    )
    skills_min_orders = models.PositiveSmallIntegerField(
        _("from different orders (at least)"),
        default=2,
        validators=[MaxValueValidator(10)],
    )
    skills_last_autonomous = models.BooleanField(_("the last one made autonomously"), default=True)
    # The four levels as the school names and colours them (empty: the usual name).
    skills_level_1_label = models.CharField(_("level 1 name"), max_length=40, blank=True)
    skills_level_2_label = models.CharField(_("level 2 name"), max_length=40, blank=True)
    skills_level_3_label = models.CharField(_("level 3 name"), max_length=40, blank=True)
    skills_level_4_label = models.CharField(_("level 4 name"), max_length=40, blank=True)
    skills_level_1_colour = models.CharField(
        _("level 1 colour"), max_length=7, validators=[HEX_COLOUR], default="#d9534f"
    )
    skills_level_2_colour = models.CharField(
        _("level 2 colour"), max_length=7, validators=[HEX_COLOUR], default="#f0ad4e"
    )
    skills_level_3_colour = models.CharField(
        _("level 3 colour"), max_length=7, validators=[HEX_COLOUR], default="#5cb85c"
    )
    skills_level_4_colour = models.CharField(
        _("level 4 colour"), max_length=7, validators=[HEX_COLOUR], default="#2e7d32"
    )
    skills_hide_customer = models.BooleanField(
        _("hide the customer's name in the booklets"), default=False
    )
    exam_registration_deadline = models.DateField(
        _("exam registration deadline"), null=True, blank=True
    )
    # R11: the reminder ladder of an overdue invoice, in days after its due date.
    reminder_friendly_days = models.PositiveSmallIntegerField(
        _("friendly reminder (days after the due date)"),
        default=7,
        validators=[MinValueValidator(1)],
    )
    reminder_firm_days = models.PositiveSmallIntegerField(
        _("firm reminder (days after the due date)"), default=30, validators=[MinValueValidator(1)]
    )
    reminder_formal_days = models.PositiveSmallIntegerField(
        _("formal notice (days after the due date)"),
        default=45,
        validators=[MinValueValidator(1)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policy")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(production_share_min__lte=models.F("production_share_max")),
                name="policy_share_band_ordered",
                violation_error_code="production_share_max",
                violation_error_message=_(
                    "The highest production share must not be below the lowest."
                ),
            ),
            # R2: stricter than the law, never looser (Code du travail L3162-1 to L3164-1).
            models.CheckConstraint(
                condition=models.Q(max_daily_hours__gt=0, max_daily_hours__lte=law.MAX_DAILY_HOURS),
                name="policy_daily_hours_within_the_law",
                violation_error_code="max_daily_hours",
                violation_error_message=_("A minor works at most 8 hours a day."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    max_weekly_hours__gt=0, max_weekly_hours__lte=law.MAX_WEEKLY_HOURS
                ),
                name="policy_weekly_hours_within_the_law",
                violation_error_code="max_weekly_hours",
                violation_error_message=_("A minor works at most 35 hours a week."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    break_after_minutes__gt=0, break_after_minutes__lte=law.BREAK_AFTER_MINUTES
                ),
                name="policy_break_after_within_the_law",
                violation_error_code="break_after_minutes",
                violation_error_message=_("A break comes after at most 4 h 30 of work."),
            ),
            models.CheckConstraint(
                condition=models.Q(break_minutes__gte=law.BREAK_MINUTES),
                name="policy_break_within_the_law",
                violation_error_code="break_minutes",
                violation_error_message=_("A break lasts at least 30 minutes."),
            ),
            models.CheckConstraint(
                condition=models.Q(night_start__gte=NOON, night_start__lte=law.NIGHT_START),
                name="policy_night_start_within_the_law",
                violation_error_code="night_start",
                violation_error_message=_("Night starts between 12:00 and 22:00."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    night_start_under_16__gte=NOON,
                    night_start_under_16__lte=law.NIGHT_START_UNDER_16,
                ),
                name="policy_night_start_under_16_within_the_law",
                violation_error_code="night_start_under_16",
                violation_error_message=_("Night under 16 starts between 12:00 and 20:00."),
            ),
            models.CheckConstraint(
                condition=models.Q(night_end__gte=law.NIGHT_END, night_end__lte=NOON),
                name="policy_night_end_within_the_law",
                violation_error_code="night_end",
                violation_error_message=_("Night ends between 06:00 and 12:00."),
            ),
            models.CheckConstraint(
                condition=models.Q(daily_rest_hours__gte=law.DAILY_REST_HOURS),
                name="policy_rest_within_the_law",
                violation_error_code="daily_rest_hours",
                violation_error_message=_("A minor rests at least 12 hours in a row each day."),
            ),
            models.CheckConstraint(
                condition=models.Q(daily_rest_hours_under_16__gte=law.DAILY_REST_HOURS_UNDER_16),
                name="policy_rest_under_16_within_the_law",
                violation_error_code="daily_rest_hours_under_16",
                violation_error_message=_(
                    "A pupil under 16 rests at least 14 hours in a row each day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("School policy"))

    def clean(self) -> None:
        errors = {}
        if self.production_share_min > self.production_share_max:
            errors["production_share_max"] = _("The high target must not be below the low one.")
        if self.morning_start >= self.morning_end:
            errors["morning_end"] = _("The morning must end after it starts.")
        if self.afternoon_start >= self.afternoon_end:
            errors["afternoon_end"] = _("The afternoon must end after it starts.")
        if not self.reminder_friendly_days < self.reminder_firm_days < self.reminder_formal_days:
            errors["reminder_formal_days"] = _(
                "The reminders come in order: friendly, then firm, then the formal notice."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def target_share(self) -> Fraction:
        """Target production share, exact: 2:1 gives Fraction(2, 3)."""
        p, t = self.target_production_parts, self.target_theory_parts
        return Fraction(p, p + t)

    def school_year_start(self, day: dt.date) -> dt.date:
        """First day of the school year that contains `day`."""
        start = dt.date(day.year, self.school_year_start_month, self.school_year_start_day)
        return start if start <= day else start.replace(year=day.year - 1)

    def school_year_end(self, day: dt.date) -> dt.date:
        """Last day of the school year that contains `day`."""
        start = self.school_year_start(day)
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)


class WorkshopQuerySet(models.QuerySet):
    def active(self) -> WorkshopQuerySet:
        return self.filter(active=True)

    def led_by(self, user) -> WorkshopQuerySet:
        return self.filter(trainers=user)


class Workshop(ConstraintErrorsOnFields, models.Model):
    """An atelier, run by one or more maîtres professionnels, 10-12 pupils at most."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    trade = models.CharField(_("trade"), max_length=100)
    trainers = models.ManyToManyField(
        User,
        verbose_name=_("trainers"),
        related_name="workshops",
        blank=True,
        limit_choices_to={"groups__name": roles.TRAINER},
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=12, validators=[MinValueValidator(1)]
    )
    active = models.BooleanField(_("active"), default=True)
    # The accountant's journal (billing.journal): 701 (finished goods) or 706 (services)
    # for this workshop's sales; empty takes the school's chart of accounts default.
    sales_account = models.CharField(
        _("sales account"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^7\d{2,9}$", _("A sales account starts with 7."))],
    )
    history = HistoricalRecords(m2m_fields=[trainers])

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="workshop_capacity_positive",
                violation_error_code="capacity",
                violation_error_message=_("A workshop takes at least one pupil."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClosureQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date, end: dt.date) -> ClosureQuerySet:
        return self.filter(first_day__lte=end, last_day__gte=start)


class Closure(ConstraintErrorsOnFields, models.Model):
    """Days the school is closed besides Sundays and public holidays (SPEC.md R8): the
    school holidays of its zone (their dates change every year and by zone, so each
    school enters them) and its own closing days (a bridge, a staff training day)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("School holidays")
        CLOSING = "closing", _("Closing day")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=100)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    history = HistoricalRecords()

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["first_day"]
        # The calendar reads the closures that overlap a range of days.
        indexes = [models.Index(fields=["first_day", "last_day"], name="closure_days")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_last_after_first",
                violation_error_code="last_day",
                violation_error_message=_("The last day cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "closing"]),
                name="closure_kind_valid",
                violation_error_code="kind",
                violation_error_message=_("Choose a holiday or a closing."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y})"

    def clean(self) -> None:
        if self.first_day and self.last_day:
            if self.last_day < self.first_day:
                raise ValidationError({"last_day": _("The last day must not be before the first.")})
            if (self.last_day - self.first_day).days > 100:
                raise ValidationError(
                    {"last_day": _("A closure lasts at most 100 days: check the dates.")}
                )


class OpenedDay(ConstraintErrorsOnFields, models.Model):
    """A day the director opens although the calendar closes it (an open day, a Saturday
    market, a customer's urgent delivery): work, sessions and roll calls are then allowed
    on it (SPEC.md R8); the reason is kept and shown."""

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)
    opened_by = models.ForeignKey(
        User, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opened day")
        verbose_name_plural = _("opened days")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="openedday_reason_given",
                violation_error_code="reason",
                violation_error_message=_("Say why the school opens that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} · {self.reason}"

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Say why the school opens that day.")})
        self.reason = self.reason.strip()


class Mail(models.Model):
    """One mail the school sends (a password reset, a document to a customer, an absence
    to a family), on the one path of `ecoles.mail`: queued by a page with ids only, built
    and sent by the task worker, retried on failure. To whom by a kind and an id (the
    address is read in the worker and kept only once sent, as a proof, until the person's
    data is anonymised); what by its kind and the id of the record it is about."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not needed any more")

    kind = models.CharField(_("kind"), max_length=40)
    about_id = models.PositiveBigIntegerField(_("about record"), null=True, blank=True)
    to_kind = models.CharField(_("recipient kind"), max_length=20, blank=True)
    to_id = models.PositiveBigIntegerField(_("recipient"), null=True, blank=True)
    address = models.TextField(_("sent to"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    send_after = models.DateTimeField(_("to send after"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Anonymisation finds a person's mails; a domain record finds its own.
            models.Index(fields=["to_kind", "to_id"], name="mail_recipient"),
            models.Index(fields=["kind", "about_id"], name="mail_about"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.about_id or self.pk} · {self.get_status_display()}"
