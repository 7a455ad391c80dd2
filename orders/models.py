"""Customers and their orders, from quote to paid invoice (SPEC.md R3, R4)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ecoles import bounds, roles
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.db import Cents, Elapsed
from ecoles.models import School
from ecoles.shapes import validate_phone, validate_postal_code
from ecoles.uploads import validate_attachment

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY = {"max_digits": 12, "decimal_places": 2}


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half away from zero (the rounding French accounting uses)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class VatRate(models.TextChoices):
    """French VAT rates (CGI art. 278 to 281 nonies); stored as a percentage."""

    NORMAL = "20.00", "20 %"
    INTERMEDIATE = "10.00", "10 %"
    REDUCED = "5.50", "5,5 %"
    SUPER_REDUCED = "2.10", "2,1 %"
    ZERO = "0.00", "0 %"


VAT_RATE_CHOICES = [(Decimal(v), label) for v, label in VatRate.choices]


@dataclass
class Totals:
    """Totals of a set of lines: each line rounded to the cent, VAT per rate on that rate's
    total, rounded half-up to the cent (SPEC.md R4)."""

    excl_vat: Decimal = ZERO
    vat: Decimal = ZERO
    incl_vat: Decimal = ZERO
    # [(rate, base excl. VAT, VAT)], highest rate first
    by_rate: list[tuple[Decimal, Decimal, Decimal]] = field(default_factory=list)
    # The VAT categories the customer's place sets on the lines (VatCategory, sorted) and
    # the mentions they put on the document (Order.totals: the quote says what the
    # invoice will).
    categories: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def compute_totals(lines: Iterable[tuple[Decimal, Decimal]], charges_vat: bool = True) -> Totals:
    """`lines` are (amount excl. VAT already rounded to the cent, VAT rate in %).

    A school exempt from VAT charges none whatever the rate on the line: no VAT lines.
    """
    bases: dict[Decimal, Decimal] = {}
    for amount, rate in lines:
        rate = Decimal(rate) if charges_vat else ZERO
        bases[rate] = bases.get(rate, ZERO) + cents(amount)
    by_rate = []
    for rate in sorted(bases, reverse=True):
        base = bases[rate]
        by_rate.append((rate, base, cents(base * rate / 100)))
    excl = sum((b for _, b, _ in by_rate), ZERO)
    vat = sum((v for _, _, v in by_rate), ZERO)
    if not charges_vat:
        by_rate = []
    return Totals(excl_vat=excl, vat=vat, incl_vat=excl + vat, by_rate=by_rate)


class OperationCategory(models.TextChoices):
    """The operation category an invoice mentions (CGI art. 242 nonies A, from 2026)."""

    GOODS = "goods", _("Delivery of goods")
    SERVICES = "services", _("Services")
    MIXED = "mixed", _("Goods and services")


SERVICE_UNITS = frozenset({"h", "j", "pers"})


def operation_category(units: Iterable[str]) -> str:
    """Goods, services or both, from the lines' units: hours, days and persons are
    services, anything else (pieces, metres, kilograms, lump sums) goods."""
    kinds = {unit in SERVICE_UNITS for unit in units}
    if kinds == {True}:
        return OperationCategory.SERVICES
    if kinds == {False, True}:
        return OperationCategory.MIXED
    return OperationCategory.GOODS


# --- VAT follows where the customer is (SPEC.md R12) ------------------------------------


class VatCategory(models.TextChoices):
    """A line's VAT category when the place of the customer sets it (SPEC.md R12; EN 16931
    codes, UNCL 5305); a line without one is charged French VAT at its rate (S), or exempt
    at 0 % (E). A school that charges no VAT at all never uses these."""

    INTRA_EU = "K", _("Intra-EU supply of goods (exempt)")
    EXPORT = "G", _("Export of goods (exempt)")
    REVERSE_CHARGE = "AE", _("Reverse charge (services to an EU business)")
    OUTSIDE_SCOPE = "O", _("Outside the scope of French VAT (services outside the EU)")


# What the invoice says of each (the mention on the PDF, the exemption reason in the XML)
# and its code (CEF VATEX list). Intra-EU goods to a business: CGI art. 262 ter I 1°;
# exports of goods shipped outside the EU: art. 262 I; services to a business are supplied
# where the buyer is established (art. 259-1°): in another member state its VAT is paid by
# the buyer (art. 196 of directive 2006/112, the mirror of art. 283-2) and the invoice
# says "Autoliquidation" (art. 242 nonies A I 13° of annexe II); outside the EU, no French
# VAT at all.
VAT_ABROAD = {
    VatCategory.INTRA_EU: (
        "VATEX-EU-IC",
        "Exonération de TVA, article 262 ter I du CGI (livraison intracommunautaire)",
    ),
    VatCategory.EXPORT: ("VATEX-EU-G", "Exonération de TVA, article 262 I du CGI (exportation)"),
    VatCategory.REVERSE_CHARGE: (
        "VATEX-EU-AE",
        "Autoliquidation (article 259-1° du CGI, TVA due par le preneur)",
    ),
    VatCategory.OUTSIDE_SCOPE: (
        "VATEX-EU-O",
        "TVA non applicable, article 259-1° du CGI (preneur établi hors de l'Union européenne)",
    ),
}


def vat_category(customer_status: str, service: bool) -> str:
    """The VAT category of a line sold by a school that charges VAT, from where its
    customer is: empty for French VAT as the line says.

    - goods to a business in another EU country: exempt, CGI art. 262 ter I 1° (K);
    - goods to a business outside the EU: export, exempt, art. 262 I (G);
    - services to a business: supplied where it is established (art. 259-1°): in another
      EU country reverse-charged, the buyer pays its VAT (AE, "Autoliquidation",
      art. 283-2 and directive 2006/112 art. 196); outside the EU, not subject to French
      VAT (O).
    A private person keeps French VAT: services to him are supplied where the school is
    (art. 259, 2°), goods sold to him in the EU are taxed in France below the EU's
    distance-selling threshold; an export of goods to a private person would be exempt
    only on proof that they left the EU (262 I), which the software does not hold: it
    charges French VAT (to be credited and invoiced again by hand if the proof comes).
    """
    if customer_status == Customer.TaxStatus.EU:
        return VatCategory.REVERSE_CHARGE if service else VatCategory.INTRA_EU
    if customer_status == Customer.TaxStatus.NON_EU:
        return VatCategory.OUTSIDE_SCOPE if service else VatCategory.EXPORT
    return ""


def vat_mentions(categories: Iterable[str]) -> list[str]:
    """The mentions a document carries for the categories of its lines, in one order."""
    found = set(categories)
    return [text for category, (_code, text) in VAT_ABROAD.items() if category in found]


# --- Customers --------------------------------------------------------------------------

# A postcode before its city: French (69007), most of Europe (10115, 1204, D-79098),
# British or Dutch (SW1A 1AA, 1012 AB). It holds a digit: "ZAC des Pins" is no postcode.
POSTCODE_CITY = re.compile(
    r"^((?=[A-Z0-9 -]*\d)(?:[A-Z]{1,2}-)?[A-Z0-9]{2,5}(?: [A-Z0-9]{2,3})?)\s+(\D.*)$"
)


@dataclass
class Address:
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""


def split_address(text: str) -> Address:
    """An address written as lines ("12 rue de la Paix / ZAC des Pins / 69007 Lyon /
    France") read into its parts: the last line after the first that starts with a
    postcode is the postcode and city, the lines before it the street, a line after it the
    country. Without a postcode, the first line is the street and the second the city."""
    lines = [" ".join(ln.split()) for ln in (text or "").splitlines() if ln.strip()]
    for i in range(len(lines) - 1, 0, -1):
        match = POSTCODE_CITY.match(lines[i])
        if match:
            street = lines[:i]
            return Address(
                street[0], ", ".join(street[1:]), match.group(1), match.group(2).strip(),
                " ".join(lines[i + 1 :]),
            )  # fmt: skip
    return Address(lines[0] if lines else "", "", "", " ".join(lines[1:2]), "")


def validate_siret_or_siren(value: str) -> None:
    compact = stdnum_siret.compact(value)
    if len(compact) == 14 and stdnum_siret.is_valid(compact):
        return
    if len(compact) == 9 and stdnum_siren.is_valid(compact):
        return
    raise ValidationError(
        _("This is neither a valid SIRET (14 digits) nor a valid SIREN (9 digits).")
    )


def validate_eu_vat(value: str) -> None:
    if not stdnum_vat.is_valid(value):
        raise ValidationError(_("This VAT number is not valid (e.g. FR44732829320)."))


# The EU's member states by ISO 3166 code (stdnum's list of VAT prefixes: Greece's is EL,
# Northern Ireland's XI is not a country).
EU_COUNTRIES = frozenset(c.upper() for c in stdnum_vat.MEMBER_STATES if c != "xi") | {"GR"}
VAT_PREFIX = {"GR": "EL"}


def is_eu_country(code: str) -> bool:
    return code.upper() in EU_COUNTRIES


class CustomerQuerySet(models.QuerySet):
    def search(self, text: str) -> CustomerQuerySet:
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(siret__icontains=text.replace(" ", ""))
            | Q(city__icontains=text)
            | Q(email__icontains=text)
        )


class Customer(ConstraintErrorsOnFields, models.Model):
    """A company (SIRET/SIREN, VAT number) or an individual who orders from the school."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")

    class TaxStatus(models.TextChoices):
        """Who the customer is for the e-invoicing reform: it sets each invoice's route
        (billing.routes)."""

        FR_VAT = "fr_vat", _("French business subject to VAT")
        FR_NOT_SUBJECT = "fr_not_subject", _("French body not subject to VAT")
        PERSON = "person", _("Private person")
        PUBLIC = "public", _("Public body (Chorus Pro)")
        EU = "eu", _("Business in another EU country")
        NON_EU = "non_eu", _("Customer outside the EU")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMPANY)
    tax_status = models.CharField(
        _("status for e-invoicing"), max_length=20, choices=TaxStatus, default=TaxStatus.FR_VAT
    )
    country_code = models.CharField(
        _("country code"),
        max_length=2,
        default="FR",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters (ISO 3166), e.g. FR."))],
    )
    electronic_address = models.CharField(
        _("electronic invoicing address"), max_length=100, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    siret = models.CharField(
        _("SIRET or SIREN"),
        max_length=14,
        blank=True,
        validators=[validate_siret_or_siren],
        help_text=_("Companies: 14-digit SIRET (or 9-digit SIREN)."),
    )
    # An EU VAT number is checked in clean() (python-stdnum); a business outside the EU
    # may give its own country's tax number, or its national registration below.
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    registration_number = models.CharField(
        _("national registration number"),
        max_length=40,
        blank=True,
        help_text=_("A company abroad: its registration in its country (e.g. CHE-123.456.789)."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    address = models.CharField(_("billing address"), max_length=200, blank=True)
    address_line2 = models.CharField(
        _("address (continued)"), max_length=200, blank=True,
        help_text=_("Building, industrial estate, post box..."),
    )  # fmt: skip
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True, default="France")
    delivery_address = models.TextField(
        _("delivery address"), blank=True, help_text=_("Leave empty if same as billing.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="individual", siret="") | Q(kind="company"),
                name="customer_individual_has_no_siret",
                violation_error_code="siret",
                violation_error_message=_("An individual has no SIRET."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.country_code = (self.country_code or "FR").upper()
        try:
            if self.siret:
                self.siret = stdnum_siret.compact(self.siret)
            if self.vat_number:
                self.vat_number = re.sub(r"[\s./-]", "", self.vat_number).upper()
        except StdnumError as exc:
            raise ValidationError(_("Only digits, letters and spaces, please.")) from exc
        abroad = self.country_code != "FR"
        try:
            # A French postcode has the French shape; one abroad its own country's.
            validate_postal_code(self.postal_code, self.country_code)
        except ValidationError as error:
            raise ValidationError({"postal_code": error.messages}) from error
        if self.kind == self.Kind.INDIVIDUAL:
            if self.siret:
                raise ValidationError({"siret": _("An individual has no SIRET.")})
            self.tax_status = self.TaxStatus.PERSON
        elif self.tax_status == self.TaxStatus.PERSON:
            raise ValidationError({"tax_status": _("A company is not a private person.")})
        elif abroad and self.tax_status in (self.TaxStatus.FR_VAT, self.TaxStatus.FR_NOT_SUBJECT):
            # A company abroad: its status follows its country (R12: its VAT follows it).
            eu = is_eu_country(self.country_code)
            self.tax_status = self.TaxStatus.EU if eu else self.TaxStatus.NON_EU
        if self.is_company and self.is_foreign == (self.country_code == "FR"):
            raise ValidationError(
                {"country_code": _("The country does not match the customer's status.")}
            )
        self._clean_identifiers()
        if self.tax_status == self.TaxStatus.PUBLIC and len(self.siret) != 14:
            raise ValidationError({"siret": _("Chorus Pro needs the public body's SIRET.")})

    def _clean_identifiers(self) -> None:
        """A French company has its SIRET or SIREN (never the school's own); a company in
        another EU country its VAT number (checked, of that country: an intra-EU supply
        is exempt only to a buyer identified there, CGI art. 262 ter I); a company outside
        the EU its VAT number or its national registration."""
        if not self.is_company:
            return
        school_siren = School.load().siren
        if self.siret and school_siren and self.siret[:9] == school_siren:
            raise ValidationError(
                {"siret": _("This is the school's own SIREN: a customer is someone else.")}
            )
        if self.vat_number and (self.country_code == "FR" or is_eu_country(self.country_code)):
            prefix = VAT_PREFIX.get(self.country_code, self.country_code)
            if not stdnum_vat.is_valid(self.vat_number):
                raise ValidationError(
                    {"vat_number": _("This VAT number is not valid (e.g. FR44732829320).")}
                )
            if not self.vat_number.startswith(prefix):
                raise ValidationError(
                    {
                        "vat_number": _("A VAT number of %(country)s starts with %(prefix)s.")
                        % {"country": self.country_code, "prefix": prefix}
                    }
                )
        if self.tax_status == self.TaxStatus.EU:
            if self.siret:
                raise ValidationError({"siret": _("A company abroad has no SIRET.")})
            if not self.vat_number:
                raise ValidationError(
                    {"vat_number": _("A company in another EU country: give its VAT number.")}
                )
        elif self.tax_status == self.TaxStatus.NON_EU:
            if self.siret:
                raise ValidationError({"siret": _("A company abroad has no SIRET.")})
            if not self.vat_number and not self.registration_number:
                raise ValidationError(
                    {
                        "registration_number": _(
                            "A company outside the EU: give its VAT number or its national "
                            "registration."
                        )
                    }
                )
        elif not self.siret:
            raise ValidationError({"siret": _("A company needs its SIRET or SIREN.")})

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def einvoicing_status(self) -> str:
        """The status the reform sees: an individual is a private person, whatever was
        stored (rows created before the status existed, or without clean())."""
        if self.kind == self.Kind.INDIVIDUAL:
            return self.TaxStatus.PERSON
        return self.tax_status

    @property
    def is_foreign(self) -> bool:
        return self.tax_status in (self.TaxStatus.EU, self.TaxStatus.NON_EU)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def billing_address(self) -> str:
        parts = [self.address, self.address_line2, f"{self.postal_code} {self.city}".strip()]
        if self.country and self.country != "France":
            parts.append(self.country)
        return "\n".join(p for p in parts if p)


class Contact(models.Model):
    """A person to talk to at a customer company."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    # R11: quotes, invoices, reminders and statements go to these contacts (the
    # customer's own address when none is ticked).
    receives_documents = models.BooleanField(_("receives quotes and invoices"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Orders -----------------------------------------------------------------------------


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrderQuerySet:
        """Orders `user` may see: a trainer his workshops' orders; the office, direction and
        accountant all of them."""
        if user.has_role(roles.DIRECTOR, roles.OFFICE, roles.ACCOUNTANT):
            return self
        if user.has_role(roles.TRAINER):
            return self.filter(workshop__trainers=user)
        return self.none()

    def search(self, text: str) -> OrderQuerySet:
        """Every word of `text` in the title, the reference or the customer's name."""
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(reference__icontains=word)
                | Q(customer__name__icontains=word)
            )
        return qs

    def open_for_work(self) -> OrderQuerySet:
        """Orders on which pupils' work may be logged (SPEC.md R3), rework included."""
        return self.filter(status__in=Order.WORK_STATUSES)

    def late(self, today: dt.date) -> OrderQuerySet:
        """Promised date passed and not delivered yet (a delivery to rework is not one)."""
        return self.filter(promised_date__lt=today, status__in=Order.WORK_STATUSES)

    def conformity(self) -> tuple[int, int]:
        """(orders whose first delivery conformed, orders delivered at least once): the
        conformity rate of SPEC.md R3 counts conformity the first time. A delivery reworked
        then delivered again, or accepted as is, is not a conforming one."""
        first = (
            Delivery.objects.filter(order=OuterRef("pk"))
            .order_by("recorded_at", "pk")
            .values("verdict")[:1]
        )
        row = (
            self.order_by()
            .annotate(first_verdict=Subquery(first))
            .aggregate(
                conforming=Count("pk", filter=Q(first_verdict=Order.Verdict.CONFORMS)),
                delivered=Count("pk", filter=Q(first_verdict__isnull=False)),
            )
        )
        return row["conforming"], row["delivered"]

    def expired_quotes(self, today: dt.date) -> OrderQuerySet:
        return self.filter(
            Q(status=Order.Status.EXPIRED) | Q(status=Order.Status.SENT, valid_until__lt=today)
        )

    def with_status(self, status: str, today: dt.date) -> OrderQuerySet:
        """Filter on the status a user sees: a sent quote past its validity is expired."""
        if status == Order.Status.EXPIRED:
            return self.expired_quotes(today)
        if status == Order.Status.SENT:
            return self.filter(status=status).exclude(valid_until__lt=today)
        return self.filter(status=status)

    def with_figures(self) -> OrderQuerySet:
        """Annotate revenue (lines excl. VAT), materials, margin and hours logged, each from
        its own subquery so that no join multiplies another."""
        money = DecimalField(**MONEY)
        lines = (
            OrderLine.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(s=Sum("amount_excl_vat"))
            .values("s")
        )
        materials = (
            Material.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(s=Sum("cost"))
            .values("s")
        )
        # Hours from the work logs (training.WorkLog, reached through the reverse relation so
        # that orders never imports training), summed on the FK index of each order's logs.
        work_log = self.model._meta.get_field("work_logs").related_model
        worked = (
            work_log.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(s=Sum(Elapsed("end", "start")))
            .values("s")
        )
        return self.annotate(
            revenue=Cents(
                Coalesce(Subquery(lines, output_field=money), Value(ZERO), output_field=money)
            ),
            materials_cost=Cents(
                Coalesce(Subquery(materials, output_field=money), Value(ZERO), output_field=money)
            ),
            time_worked=Subquery(worked, output_field=DurationField()),
        ).annotate(
            margin=Cents(ExpressionWrapper(F("revenue") - F("materials_cost"), output_field=money))
        )


class Order(ConstraintErrorsOnFields, models.Model):
    """A customer's order, from quote to payment; only allowed transitions exist (R3).

    Transitions are methods (`send`, `accept`, ...) checked against TRANSITIONS; each one
    is recorded as an OrderEvent (who, when). Lines can change only while the quote is a
    draft or sent; after that the agreed price is what gets invoiced.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Quote draft")
        SENT = "sent", _("Quote sent")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")
        IN_PRODUCTION = "in_production", _("In production")
        # Delivered but not conforming: reworked (work logged again), then delivered again.
        REWORK = "rework", _("In rework")
        DELIVERED = "delivered", _("Delivered")
        INVOICED = "invoiced", _("Invoiced")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    class Verdict(models.TextChoices):
        CONFORMS = "conforms", _("Conforms to the specification")
        DOES_NOT_CONFORM = "does_not_conform", _("Does not conform")
        # Only the director, with a reason: the customer takes a non-conforming delivery.
        ACCEPTED_AS_IS = "accepted_as_is", _("Does not conform, accepted as is")

    # Where pupils' work may be logged (SPEC.md R3): before delivery, and again in rework.
    WORK_STATUSES = (Status.ACCEPTED, Status.IN_PRODUCTION, Status.REWORK)

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
    reference = models.CharField(_("reference"), max_length=30, blank=True, editable=False)
    # The customer's own purchase order number, printed on the invoice (R11).
    customer_po_number = models.CharField(
        _("customer's purchase order number"), max_length=60, blank=True
    )
    specification = models.TextField(_("customer's specification"), blank=True)
    quote_date = models.DateField(_("quote date"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("quote valid until"), null=True, blank=True, editable=False)
    start_date = models.DateField(_("planned start"), null=True, blank=True)
    duration_days = models.PositiveSmallIntegerField(
        _("planned duration (working days)"), null=True, blank=True
    )
    promised_date = models.DateField(_("promised delivery date"), null=True, blank=True)
    estimated_hours = models.DecimalField(
        _("estimated pupil hours"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, editable=False)
    verdict = models.CharField(
        _("verdict"), max_length=20, choices=Verdict, blank=True, editable=False
    )
    rework = models.TextField(_("rework"), blank=True, editable=False)
    # The e-invoicing reform: what the invoice says of the operation, and what a public
    # customer's Chorus Pro needs (billing.facturx writes them into the XML).
    operation_category = models.CharField(
        _("operation category"),
        max_length=10,
        choices=OperationCategory,
        blank=True,
        help_text=_("Leave empty to take it from the lines (hours and days are services)."),
    )
    service_code = models.CharField(_("Chorus Pro service code"), max_length=100, blank=True)
    commitment_number = models.CharField(
        _("commitment number"), max_length=50, blank=True,
        help_text=_("The public buyer's engagement number, when it gave one."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
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
                        "rework",
                        "delivered",
                        "invoiced",
                        "paid",
                        "cancelled",
                    ]
                ),
                name="order_status_valid",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(estimated_hours__gte=0),
                name="order_estimated_hours_positive",
                violation_error_code="estimated_hours",
                violation_error_message=_("The estimated hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(verdict="does_not_conform") | ~Q(rework=""),
                name="order_nonconformity_has_rework",
                violation_error_code="rework",
                violation_error_message=_(
                    "A delivery that does not conform must say what is to be reworked."
                ),
            ),
            # Only an accepted delivery opens the invoice; one to rework waits in rework.
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(verdict__in=["conforms", "accepted_as_is"]),
                name="order_delivered_is_accepted",
                violation_error_code="verdict",
                violation_error_message=_("A delivered order conforms or is accepted as is."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rework") | Q(verdict="does_not_conform"),
                name="order_rework_after_nonconformity",
                violation_error_code="verdict",
                violation_error_message=_(
                    "An order goes back to rework only when it does not conform."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if not self.reference:
            prefix = School.load().quote_prefix
            self.reference = f"{prefix}-{self.created_at.year}-{self.pk:05d}"
            Order.objects.filter(pk=self.pk).update(reference=self.reference)

    # --- derived values

    @property
    def lines_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT)

    def is_expired(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.SENT
            and self.valid_until is not None
            and self.valid_until < today
        )

    def shown_status(self, today: dt.date | None = None) -> str:
        return self.Status.EXPIRED if self.is_expired(today) else self.status

    def get_shown_status_display(self) -> str:
        return self.Status(self.shown_status()).label

    def is_late(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.promised_date is None:
            return False
        if self.delivered_on and self.status != self.Status.REWORK:
            return self.delivered_on > self.promised_date
        return self.status in self.WORK_STATUSES and self.promised_date < today

    @property
    def conformed_first_time(self) -> bool | None:
        """Whether the first delivery conformed (None before any): the order's conformity
        figure, counted like OrderQuerySet.conformity."""
        deliveries = list(self.deliveries.all())
        if not deliveries:
            return None
        return deliveries[0].verdict == self.Verdict.CONFORMS

    def line_category(self, unit: str) -> str:
        """The VAT category of a line of `unit` on this order (empty: French VAT at the
        line's rate), from where its customer is (vat_category): goods or services by the
        order's own operation category, else by the unit (hours, days, persons are
        services). The quote, the order page and the invoice all ask here."""
        chosen = self.operation_category
        if chosen == OperationCategory.SERVICES:
            service = True
        elif chosen == OperationCategory.GOODS:
            service = False
        else:
            service = unit in SERVICE_UNITS
        return vat_category(self.customer.einvoicing_status, service)

    def line_vat(self, unit: str, rate: Decimal, charges_vat: bool) -> tuple[Decimal, str]:
        """The rate a line is charged and its VAT category: a line to a business abroad is
        charged no French VAT (0 %, its category says why); a school that charges no VAT
        keeps its own mention (School.vat_mention), not these."""
        category = self.line_category(unit) if charges_vat else ""
        return (ZERO, category) if category else (rate, "")

    def placed_lines(self, charges_vat: bool) -> list[OrderLine]:
        """The lines, each with the rate it is charged (`charged_rate`) and its VAT
        category (`vat_category`), as the quote and the order page show them."""
        lines = list(self.lines.all())
        for line in lines:
            line.charged_rate, line.vat_category = self.line_vat(
                line.unit, line.vat_rate, charges_vat
            )
        return lines

    def totals(self, charges_vat: bool | None = None) -> Totals:
        """What the order totals, as its invoice will: VAT per rate charged, with the
        categories and mentions the customer's place sets (SPEC.md R4, R12)."""
        if charges_vat is None:
            charges_vat = School.load().charges_vat
        lines = self.placed_lines(charges_vat)
        totals = compute_totals(
            ((line.amount_excl_vat, line.charged_rate) for line in lines), charges_vat
        )
        totals.categories = sorted({line.vat_category for line in lines} - {""})
        totals.mentions = vat_mentions(totals.categories)
        return totals

    # --- transitions (SPEC.md R3)

    def allowed_actions(self, user=None, today: dt.date | None = None) -> list[str]:
        """The transitions possible now (and for `user`, if given): the page's buttons."""
        found = []
        for name, rule in TRANSITIONS.items():
            shown = self.shown_status(today)
            if shown not in rule.sources:
                continue
            if user is not None and not user.has_role(*rule.roles):
                continue
            if name == "cancel" and self.has_uncredited_invoices():
                continue
            if name == "send" and not self.lines.exists():
                continue
            found.append(name)
        return found

    def has_uncredited_invoices(self) -> bool:
        # The order's page prefetches its invoices with their balance; elsewhere, one query.
        if "invoices" in getattr(self, "_prefetched_objects_cache", {}):
            return any(invoice.net_incl_vat > 0 for invoice in self.invoices.all())
        return self.invoices.with_balance().filter(total_incl_vat__gt=F("amount_credited")).exists()

    def _check_move(self, action: str) -> None:
        rule = TRANSITIONS[action]
        shown = self.shown_status()
        if shown not in rule.sources:
            raise TransitionError(
                _("%(action)s is not possible on an order that is %(status)s.")
                % {"action": rule.label, "status": self.Status(shown).label}
            )

    def _move(
        self, action: str, by, note: str = "", fields: Iterable[str] = (), target: str = ""
    ) -> None:
        rule = TRANSITIONS[action]
        self._check_move(action)
        previous = self.status
        self.status = target or rule.target
        self._change_reason = f"{action} by {by}"
        with transaction.atomic():
            self.save(update_fields=["status", *fields])
            OrderEvent.objects.create(
                order=self, action=action, from_status=previous, to_status=self.status,
                by=by, note=note,
            )  # fmt: skip

    def send(self, by, today: dt.date | None = None) -> None:
        if not self.lines.exists():
            raise TransitionError(_("A quote needs at least one line before it is sent."))
        today = today or timezone.localdate()
        self.quote_date = today
        self.valid_until = today + dt.timedelta(days=School.load().quote_validity_days)
        self._move("send", by, fields=["quote_date", "valid_until"])

    def accept(self, by) -> None:
        self._move("accept", by)

    def refuse(self, by, note: str = "") -> None:
        self._move("refuse", by, note)

    def expire(self, by) -> None:
        self._move("expire", by)

    def revise(self, by) -> None:
        """Back to a draft (a refused or expired quote the customer wants again)."""
        self._move("revise", by)

    def start_production(self, by) -> None:
        """The first work log moves an accepted order into production (SPEC.md R3)."""
        if self.status == self.Status.IN_PRODUCTION:
            return
        self._move("start_production", by)

    def deliver(self, by, verdict: str, rework: str = "", on: dt.date | None = None) -> None:
        """Record a delivery (the first, or one after rework) and its verdict. A conforming
        one opens the invoice; one that does not conform goes to rework, where work is
        logged again until it is delivered again. Every delivery is kept (Delivery)."""
        if verdict not in (self.Verdict.CONFORMS, self.Verdict.DOES_NOT_CONFORM):
            raise TransitionError(_("Say whether the delivery conforms to the specification."))
        rework = rework.strip()
        if verdict == self.Verdict.DOES_NOT_CONFORM and not rework:
            raise TransitionError(
                _("A delivery that does not conform must say what is to be reworked.")
            )
        if on and on > timezone.localdate():
            raise TransitionError(_("A delivery cannot be in the future."))
        action = "deliver" if verdict == self.Verdict.CONFORMS else "deliver_nonconforming"
        self.delivered_on = on or timezone.localdate()
        self.verdict = verdict
        self.rework = rework
        with transaction.atomic():
            self._move(action, by, rework, fields=["delivered_on", "verdict", "rework"])
            Delivery.objects.create(
                order=self, delivered_on=self.delivered_on, verdict=verdict, rework=rework,
                recorded_by=by,
            )  # fmt: skip

    def correct_verdict(self, by, verdict: str, reason: str, rework: str = "") -> None:
        """The director corrects the verdict of the latest delivery, with a reason kept in
        the order's history: the order follows (a conforming or accepted delivery opens the
        invoice, a non-conforming one goes to rework). An invoiced order keeps its status,
        so its verdict can no longer become one to rework."""
        if not by.has_role(roles.DIRECTOR):
            raise TransitionError(_("Only the director can correct a verdict."))
        reason = reason.strip()
        if not reason:
            raise TransitionError(_("Say why the verdict is corrected."))
        if verdict not in self.Verdict.values:
            raise TransitionError(_("Say whether the delivery conforms to the specification."))
        rework = rework.strip() or (self.rework if verdict != self.Verdict.CONFORMS else "")
        if verdict == self.Verdict.DOES_NOT_CONFORM and not rework:
            raise TransitionError(
                _("A delivery that does not conform must say what is to be reworked.")
            )
        invoiced = self.status in (self.Status.INVOICED, self.Status.PAID)
        if invoiced and verdict == self.Verdict.DOES_NOT_CONFORM:
            raise TransitionError(
                _(
                    "This order is invoiced: its delivery can no longer go back to rework "
                    "(issue a credit note if the customer is owed one)."
                )
            )
        if invoiced:
            target = self.status
        elif verdict == self.Verdict.DOES_NOT_CONFORM:
            target = self.Status.REWORK
        else:
            target = self.Status.DELIVERED
        with transaction.atomic():
            latest = self.deliveries.select_for_update().order_by("recorded_at", "pk").last()
            if latest is None:
                raise TransitionError(_("This order has no delivery to correct."))
            note = _("Verdict corrected: %(old)s → %(new)s. Reason: %(reason)s") % {
                "old": self.Verdict(latest.verdict).label,
                "new": self.Verdict(verdict).label,
                "reason": reason,
            }
            latest.verdict, latest.rework = verdict, rework
            latest.save(update_fields=["verdict", "rework"])
            self.verdict, self.rework = verdict, rework
            self._move("correct_verdict", by, note, fields=["verdict", "rework"], target=target)

    def check_cancel(self) -> None:
        """Whether `cancel` would pass: pure (no write), for the confirmation page."""
        self._check_move("cancel")
        if self.has_uncredited_invoices():
            raise TransitionError(
                _("This order has an invoice: cancel it with a credit note first.")
            )

    def cancel(self, by, note: str = "") -> None:
        self.check_cancel()
        self._move("cancel", by, note)

    # Called by billing.invoicing only: an invoice or its payment moves the order.
    def _mark_invoiced(self, by) -> None:
        self._move("invoice", by)

    def _mark_paid(self, by) -> None:
        self._move("pay", by)

    def _mark_unpaid(self, by, note: str) -> None:
        self._move("unpay", by, note)


class TransitionError(ValidationError):
    """A status change the order's life does not allow (SPEC.md R3)."""


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    button: bool = True  # False: done through another process (invoice, payment)


S = Order.Status
_ALL_ORDERS = frozenset({roles.DIRECTOR, roles.OFFICE})
_MONEY_ROLES = frozenset({roles.DIRECTOR, roles.OFFICE, roles.ACCOUNTANT})
_WORKSHOP = frozenset({roles.DIRECTOR, roles.OFFICE, roles.TRAINER})

TRANSITIONS: dict[str, Transition] = {
    "send": Transition(_("Send the quote"), frozenset({S.DRAFT}), S.SENT, _ALL_ORDERS),
    "accept": Transition(_("Quote accepted"), frozenset({S.SENT}), S.ACCEPTED, _ALL_ORDERS),
    "refuse": Transition(_("Quote refused"), frozenset({S.SENT}), S.REFUSED, _ALL_ORDERS),
    "expire": Transition(_("Quote expired"), frozenset({S.SENT}), S.EXPIRED, _ALL_ORDERS, False),
    "revise": Transition(
        _("Revise the quote"), frozenset({S.REFUSED, S.EXPIRED}), S.DRAFT, _ALL_ORDERS
    ),
    "start_production": Transition(
        _("Start production"), frozenset({S.ACCEPTED}), S.IN_PRODUCTION, _WORKSHOP
    ),
    "deliver": Transition(
        _("Delivered"), frozenset({S.IN_PRODUCTION, S.REWORK}), S.DELIVERED, _WORKSHOP, False
    ),
    "deliver_nonconforming": Transition(
        _("Delivered, does not conform"),
        frozenset({S.IN_PRODUCTION, S.REWORK}),
        S.REWORK,
        _WORKSHOP,
        False,
    ),
    # The status follows the corrected verdict (Order.correct_verdict), or stays if invoiced.
    "correct_verdict": Transition(
        _("Verdict corrected"),
        frozenset({S.REWORK, S.DELIVERED, S.INVOICED, S.PAID}),
        S.DELIVERED,
        frozenset({roles.DIRECTOR}),
        False,
    ),
    "invoice": Transition(_("Invoiced"), frozenset({S.DELIVERED}), S.INVOICED, _MONEY_ROLES, False),
    "pay": Transition(_("Paid"), frozenset({S.INVOICED}), S.PAID, _MONEY_ROLES, False),
    "unpay": Transition(
        _("Payment cancelled"), frozenset({S.PAID}), S.INVOICED, _MONEY_ROLES, False
    ),
    "cancel": Transition(
        _("Cancel the order"),
        frozenset(
            {
                S.DRAFT,
                S.SENT,
                S.ACCEPTED,
                S.REFUSED,
                S.EXPIRED,
                S.IN_PRODUCTION,
                S.REWORK,
                S.DELIVERED,
            }
        ),
        S.CANCELLED,
        _ALL_ORDERS,
    ),  # fmt: skip
}
BUTTON_ACTIONS = [name for name, t in TRANSITIONS.items() if t.button]


class OrderEvent(models.Model):
    """One transition of an order: who moved it, when, from what to what."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Order.Status)
    to_status = models.CharField(_("to"), max_length=20, choices=Order.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        rule = TRANSITIONS.get(self.action)
        return str(rule.label) if rule else self.action


class Delivery(ConstraintErrorsOnFields, models.Model):
    """One delivery of an order and its verdict: the first, and each one after rework.
    The order keeps the latest; the conformity rate counts the first (SPEC.md R3)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="deliveries"
    )
    delivered_on = models.DateField(_("delivered on"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=Order.Verdict)
    rework = models.TextField(_("rework"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=["conforms", "does_not_conform", "accepted_as_is"]),
                name="delivery_verdict_valid",
                violation_error_code="verdict",
                violation_error_message=_("Choose a verdict from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(verdict="does_not_conform") | ~Q(rework=""),
                name="delivery_nonconformity_has_rework",
                violation_error_code="rework",
                violation_error_message=_(
                    "A delivery that does not conform must say what is to be reworked."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.delivered_on} {self.verdict}"


class Unit(models.TextChoices):
    PIECE = "u", _("piece")
    HOUR = "h", _("hour")
    DAY = "j", _("day")
    METER = "m", _("metre")
    SQUARE_METER = "m2", _("m²")
    KILOGRAM = "kg", _("kg")
    PERSON = "pers", _("person")
    LUMP_SUM = "forfait", _("lump sum")


class OrderLine(ConstraintErrorsOnFields, models.Model):
    """A line of the quote; its amount is computed (quantity × unit price, to the cent)."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2,
        validators=[MinValueValidator(CENT), bounds.validate_quantity],
    )  # fmt: skip
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.PIECE)
    unit_price = models.DecimalField(
        _("unit price excl. VAT"), **MONEY,
        validators=[MinValueValidator(ZERO), bounds.validate_amount],
    )  # fmt: skip
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=4, decimal_places=2, choices=VAT_RATE_CHOICES,
        default=Decimal("20.00"),
    )  # fmt: skip
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), **MONEY, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="orderline_quantity_positive",
                violation_error_code="quantity",
                violation_error_message=_("The quantity must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="orderline_price_positive",
                violation_error_code="unit_price",
                violation_error_message=_("The unit price cannot be negative."),
            ),
            # What the pages can read back and sum (ecoles.bounds): a line past it would
            # break its order's pages for everyone.
            models.CheckConstraint(
                condition=Q(quantity__lte=bounds.MAX_QUANTITY)
                & Q(unit_price__lte=bounds.MAX_AMOUNT)
                & Q(amount_excl_vat__lte=bounds.MAX_AMOUNT),
                name="orderline_amount_bounded",
                violation_error_message=_("This line's quantity or price is too large."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        self._refuse_unless_quote_open()
        bounds.validate_quantity(self.quantity)
        bounds.validate_amount(self.unit_price)
        bounds.validate_line_amount(self.quantity, self.unit_price)
        self.compute()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_unless_quote_open()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        bounds.validate_line_amount(self.quantity, self.unit_price)

    def _refuse_unless_quote_open(self) -> None:
        if not Order.objects.filter(pk=self.order_id, status__in=["draft", "sent"]).exists():
            raise ValidationError(_("Lines can change only before the quote is accepted."))

    def compute(self) -> OrderLine:
        # Stored values have two decimals: compute on what the database will keep.
        self.quantity = Decimal(self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        self.unit_price = cents(self.unit_price)
        self.amount_excl_vat = cents(self.quantity * self.unit_price)
        return self


class Material(ConstraintErrorsOnFields, models.Model):
    """Material bought for an order: its cost counts against the order's margin."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="materials"
    )
    description = models.CharField(_("description"), max_length=200)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("cost excl. VAT"), **MONEY, validators=[MinValueValidator(ZERO), bounds.validate_amount]
    )
    bought_on = models.DateField(_("bought on"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["bought_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="material_cost_positive",
                violation_error_code="cost",
                violation_error_message=_("The cost cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.description


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"orders/{instance.order_id}/spec/{filename}"


class Attachment(models.Model):
    """A file of the customer's specification (plan, photo, menu); served through a view."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_attachment])
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.description or self.file.name.rsplit("/", 1)[-1]

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


# --- Invoices, credit notes, payments (SPEC.md R4) --------------------------------------
