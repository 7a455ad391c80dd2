"""The school's bank (issue 29 §1, SPEC.md R11): its account, the statements the bank gives
(CAMT.053, OFX, CSV), each line matched to what it pays or explained, and the SEPA credit
transfer files (pain.001) that carry refunds to the bank."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from ecoles.constraints import ConstraintErrorsOnFields
from orders.models import MONEY


# python-stdnum, already the house's checker of SIREN, SIRET and VAT numbers, checks the
# IBAN's length for its country and its ISO 7064 mod 97-10 key, and a BIC's form; schwifty
# would add a bank registry we do not need.
def validate_iban(value: str) -> None:
    try:
        stdnum_iban.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("This IBAN is not valid (check its length and key).")) from exc


def validate_bic(value: str) -> None:
    if not value:
        return
    try:
        stdnum_bic.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("This BIC is not valid (8 or 11 letters and digits).")) from exc


def compact_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def format_iban(value: str) -> str:
    return stdnum_iban.format(value) if value else ""


class BankAccount(models.Model):
    """An account of the school at its bank: what statements are imported into and what
    transfer files are paid from."""

    name = models.CharField(_("name"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34, unique=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({format_iban(self.iban)})"

    def clean(self) -> None:
        self.iban = compact_iban(self.iban)
        self.bic = (self.bic or "").replace(" ", "").upper()


class CsvMapping(models.Model):
    """How one bank writes its CSV export: saved once, picked at each import. Columns are
    counted from 1; 0 means the bank does not give that column."""

    class Encoding(models.TextChoices):
        UTF8 = "utf-8-sig", _("UTF-8")
        LATIN1 = "cp1252", _("Latin-1 (Windows)")

    class Delimiter(models.TextChoices):
        SEMICOLON = ";", _("Semicolon (;)")
        COMMA = ",", _("Comma (,)")
        TAB = "\t", _("Tab")

    class DateFormat(models.TextChoices):
        DMY = "%d/%m/%Y", "31/12/2026"
        DMY_SHORT = "%d/%m/%y", "31/12/26"
        ISO = "%Y-%m-%d", "2026-12-31"

    account = models.ForeignKey(
        BankAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="mappings"
    )
    name = models.CharField(_("name"), max_length=100)
    encoding = models.CharField(
        _("encoding"), max_length=10, choices=Encoding, default=Encoding.UTF8
    )
    delimiter = models.CharField(
        _("separator"), max_length=1, choices=Delimiter, default=Delimiter.SEMICOLON
    )
    decimal_comma = models.BooleanField(_("decimal comma"), default=True)
    date_format = models.CharField(
        _("date format"), max_length=10, choices=DateFormat, default=DateFormat.DMY
    )
    header_rows = models.PositiveSmallIntegerField(_("header rows to skip"), default=1)
    date_column = models.PositiveSmallIntegerField(_("date column"), default=1)
    value_date_column = models.PositiveSmallIntegerField(_("value date column"), default=0)
    label_column = models.PositiveSmallIntegerField(_("label column"), default=2)
    amount_column = models.PositiveSmallIntegerField(
        _("amount column"), default=0, help_text=_("A signed amount; or give debit and credit.")
    )
    debit_column = models.PositiveSmallIntegerField(_("debit column"), default=0)
    credit_column = models.PositiveSmallIntegerField(_("credit column"), default=0)
    name_column = models.PositiveSmallIntegerField(_("counterparty column"), default=0)
    iban_column = models.PositiveSmallIntegerField(_("counterparty IBAN column"), default=0)
    reference_column = models.PositiveSmallIntegerField(_("bank reference column"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CSV mapping")
        verbose_name_plural = _("CSV mappings")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_column__gt=0) | Q(debit_column__gt=0, credit_column__gt=0),
                name="csvmapping_amount_columns",
                violation_error_message=_(
                    "Give the amount's column, or both the debit's and the credit's."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.amount_column and not (self.debit_column and self.credit_column):
            message = _("Give the amount's column, or both the debit's and the credit's.")
            raise ValidationError({"amount_column": message})


class Format(models.TextChoices):
    CAMT053 = "camt053", _("CAMT.053 (ISO 20022)")
    OFX = "ofx", _("OFX")
    CSV = "csv", _("CSV")


def statement_upload(instance: StatementImport, filename: str) -> str:
    return f"bank/statements/{timezone.now():%Y}/{instance.sha256[:16]}-{filename}"[:200]


class StatementImport(models.Model):
    """A statement file as the bank gave it, kept with its fingerprint."""

    account = models.ForeignKey(
        BankAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="imports"
    )
    file = models.FileField(_("file"), upload_to=statement_upload, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    lines_added = models.PositiveIntegerField(_("lines added"), default=0)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class StatementLineQuerySet(models.QuerySet):
    def open(self) -> StatementLineQuerySet:
        return self.filter(status=StatementLine.Status.OPEN)


class StatementLine(ConstraintErrorsOnFields, models.Model):
    """One movement on the account: a credit (positive) or a debit (negative). Matched to
    what it pays, or explained in a word; until then it stays on the list to reconcile."""

    class Status(models.TextChoices):
        OPEN = "open", _("To reconcile")
        MATCHED = "matched", _("Matched")
        EXPLAINED = "explained", _("Explained")

    account = models.ForeignKey(
        BankAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    statement = models.ForeignKey(
        StatementImport,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    remittance = models.CharField(_("label"), max_length=500, blank=True)
    structured_reference = models.CharField(_("structured reference"), max_length=140, blank=True)
    # AcctSvcrRef, else EndToEndId (CAMT); FITID (OFX); the CSV's column, else a
    # fingerprint of the row: importing the same statement twice adds nothing.
    bank_reference = models.CharField(_("bank reference"), max_length=140)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    explanation = models.CharField(_("explanation"), max_length=200, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    done_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["booking_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "bank_reference"],
                name="statementline_once_per_account",
                violation_error_message=_("This line of the statement is already imported."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "matched", "explained"]),
                name="statementline_status_valid",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(status="explained") | ~Q(explanation=""),
                name="statementline_explained_says_why",
                violation_error_message=_("Say in a word what this line is."),
            ),
        ]
        indexes = [
            # The list to reconcile: the open lines, oldest first.
            models.Index(
                fields=["booking_date"], condition=Q(status="open"), name="statementline_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.remittance[:40]}"

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    @property
    def text(self) -> str:
        return " ".join(filter(None, [self.remittance, self.structured_reference]))


class KnownIban(models.Model):
    """An IBAN seen paying for someone, remembered once a match was confirmed: the next
    transfer from it is suggested for the same customer, donor or pupil's family."""

    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    customer = models.ForeignKey(
        "orders.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="ibans"
    )
    donor = models.ForeignKey(
        "budget.Donor", on_delete=models.CASCADE, null=True, blank=True, related_name="ibans"
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="family_ibans",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("known IBAN")
        verbose_name_plural = _("known IBANs")
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False, donor__isnull=True, student__isnull=True)
                | Q(customer__isnull=True, donor__isnull=False, student__isnull=True)
                | Q(customer__isnull=True, donor__isnull=True, student__isnull=False),
                name="knowniban_one_party",
                violation_error_message=_(
                    "A known IBAN belongs to one customer, one donor or one pupil's family."
                ),
            ),
            models.UniqueConstraint(
                fields=["iban", "customer"],
                name="knowniban_customer",
                violation_error_message=_("This IBAN is already known for this customer."),
            ),
            models.UniqueConstraint(
                fields=["iban", "donor"],
                name="knowniban_donor",
                violation_error_message=_("This IBAN is already known for this donor."),
            ),
            models.UniqueConstraint(
                fields=["iban", "student"],
                name="knowniban_student",
                violation_error_message=_("This IBAN is already known for this pupil's family."),
            ),
        ]

    def __str__(self) -> str:
        return format_iban(self.iban)


class Match(ConstraintErrorsOnFields, models.Model):
    """What a statement line paid, with the amount: one line may pay several things, and
    one invoice may be paid by several lines. The record it made (the payment, the
    donation, the family's payment...) is named beside it."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        DONATION = "donation", _("Donation")
        INSTALMENT = "instalment", _("Grant instalment")
        TAX = "tax", _("Apprenticeship tax")
        FAMILY = "family", _("Family contribution")
        REFUND = "refund", _("Refund")
        SUPPLIER = "supplier", _("Supplier invoice")

    line = models.ForeignKey(StatementLine, on_delete=models.PROTECT, related_name="matches")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    amount = models.DecimalField(_("amount"), **MONEY)
    label = models.CharField(_("what"), max_length=200)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        "billing.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier_invoice = models.ForeignKey(
        "billing.SupplierInvoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    donation = models.ForeignKey(
        "budget.Donation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    instalment = models.ForeignKey(
        "budget.Instalment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        "budget.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family_payment = models.ForeignKey(
        "budget.FamilyPayment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["line", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="match_amount_not_zero",
                violation_error_code="amount",
                violation_error_message=_("A match carries an amount other than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.label}"


class TransferBatch(ConstraintErrorsOnFields, models.Model):
    """A SEPA credit transfer file (pain.001.001.03) of refunds, built here and handed to
    the bank; the refunds are recorded when the office says it was sent."""

    account = models.ForeignKey(
        BankAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="batches"
    )
    message_id = models.CharField(_("message identifier"), max_length=35, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    execution_date = models.DateField(_("execution date"))
    total = models.DecimalField(_("total"), **MONEY)
    count = models.PositiveIntegerField(_("number of transfers"))
    xml = models.TextField(_("XML"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer file")
        verbose_name_plural = _("transfer files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0),
                name="transferbatch_total_positive",
                violation_error_code="total",
                violation_error_message=_("A transfer file's total must be positive."),
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class TransferItem(ConstraintErrorsOnFields, models.Model):
    """One refund in a transfer file: to whom, which IBAN, how much, and the refund
    recorded when the file was sent."""

    batch = models.ForeignKey(TransferBatch, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("beneficiary"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    amount = models.DecimalField(_("amount"), **MONEY)
    end_to_end_id = models.CharField(_("end-to-end identifier"), max_length=35, unique=True)
    refund = models.OneToOneField(
        "billing.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("bank", "transfer")
        verbose_name_plural = pgettext_lazy("bank", "transfers")
        ordering = ["batch", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="transferitem_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("A transfer's amount must be positive."),
            ),
        ]

    def __str__(self) -> str:
        return self.end_to_end_id
