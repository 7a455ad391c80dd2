"""Invoices, credit notes, payments and their gapless numbering (SPEC.md R4): issued
documents never change; a payment is only ever cancelled by a reversing entry."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import (
    DecimalField,
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
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

import ecoles.immutable
from ecoles.constraints import ConstraintErrorsOnFields
from ecoles.db import Cents
from ecoles.immutable import InsertOnly, InsertOnlyQuerySet
from ecoles.models import SingletonModel
from orders.models import (  # VatCategory: the quote's rule is the invoice's
    CENT,
    MONEY,
    ZERO,
    Customer,
    OperationCategory,
    Order,
    Unit,
    VatCategory,
    vat_mentions,
)


class ImmutableError(ecoles.immutable.ImmutableError):
    """An issued invoice or credit note never changes (Code de commerce L123-22, CGI 289)."""


# After the issue, only bookkeeping is written, never what the document says: the stored
# PDF (rendered after commit) and, on an invoice, that it is settled.
BOOKKEEPING_FIELDS = frozenset({"pdf", "pdf_sha256", "settled", "facturx_xml", "xml_sha256"})


class Issued(InsertOnly):
    """An issued document or one of its lines (Code de commerce L123-22, CGI 289)."""

    bookkeeping_fields = BOOKKEEPING_FIELDS
    immutable_error = ImmutableError
    refused_change = _("Issued documents can never be changed.")
    refused_deletion = _("Issued documents can never be deleted.")

    class Meta:
        abstract = True


class Route(models.TextChoices):
    """Where an issued document goes under the e-invoicing reform (billing.routes)."""

    PLATFORM = "platform", _("E-invoice through the approved platform")
    CHORUS = "chorus", _("Chorus Pro")
    EREPORTING = "ereporting", _("E-reporting")
    NONE = "none", _("None")


class IssuedQuerySet(InsertOnlyQuerySet):
    pass


class IssuedDocument(Issued):
    """Shared by Invoice and CreditNote: a number from a gapless yearly series, the issued
    data copied, no edit or deletion ever (only the PDF is stored once, after commit)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issue_date = models.DateField(_("issue date"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    customer_kind = models.CharField(_("customer kind"), max_length=20, choices=Customer.Kind)
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_address = models.TextField(_("customer address"), blank=True)
    # The same address in its parts, frozen at issue (the XML's buyer address, R12): never
    # read again from the printed text.
    customer_address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    customer_address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    customer_postcode = models.CharField(_("postal code"), max_length=10, blank=True)
    customer_city = models.CharField(_("city"), max_length=100, blank=True)
    customer_country = models.CharField(_("country"), max_length=60, blank=True)
    customer_siren = models.CharField(_("customer SIREN"), max_length=9, blank=True)
    customer_vat_number = models.CharField(_("customer VAT number"), max_length=20, blank=True)
    issuer = models.JSONField(_("school identity at issue"), default=dict)
    vat_mention = models.CharField(_("VAT mention"), max_length=100, blank=True)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list)
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **MONEY)
    total_vat = models.DecimalField(_("VAT"), **MONEY)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **MONEY)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    # The e-invoicing reform (SPEC.md R12), frozen at issue like the rest.
    customer_tax_status = models.CharField(
        _("customer's status for e-invoicing"),
        max_length=20,
        choices=Customer.TaxStatus,
        blank=True,
    )
    customer_siret = models.CharField(_("customer SIRET"), max_length=14, blank=True)
    customer_country_code = models.CharField(_("country code"), max_length=2, default="FR")
    customer_electronic_address = models.CharField(
        _("customer's electronic address"), max_length=100, blank=True
    )
    delivery_address = models.TextField(_("delivery address"), blank=True)
    operation_category = models.CharField(
        _("operation category"), max_length=10, choices=OperationCategory, blank=True
    )
    vat_on_debits = models.BooleanField(_("VAT on debits"), default=False)
    route = models.CharField(_("route"), max_length=20, choices=Route, blank=True)
    buyer_reference = models.CharField(_("Chorus Pro service code"), max_length=100, blank=True)
    commitment_number = models.CharField(_("commitment number"), max_length=50, blank=True)
    # The Factur-X XML (CII, EN 16931) built from the data above, stored once with the PDF
    # that embeds it (billing.facturx); empty on documents issued before Factur-X.
    facturx_xml = models.TextField(_("Factur-X XML"), blank=True)
    xml_sha256 = models.CharField(_("XML SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @property
    def is_company(self) -> bool:
        return self.customer_kind == Customer.Kind.COMPANY

    @property
    def by_rate(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        return [(Decimal(r), Decimal(b), Decimal(v)) for r, b, v in self.vat_breakdown]

    @property
    def vat_abroad(self) -> list[str]:
        """The mentions the place of the customer puts on the document, one per category
        its lines carry (exempt intra-EU supply, export, reverse charge, outside scope)."""
        return vat_mentions(line.vat_category for line in self.lines.all())

    @property
    def has_exempt_line(self) -> bool:
        """A line at 0 % of a school that charges VAT, not placed abroad: exempt as a
        teaching service (art. 261-7-1°)."""
        if self.vat_mention:
            return False
        return any(ln.vat_rate == 0 and not ln.vat_category for ln in self.lines.all())


class BalanceNotAnnotated(RuntimeError):
    """An invoice's money read on an invoice fetched without `with_balance()`."""


class InvoiceQuerySet(IssuedQuerySet):
    def issued(self) -> InvoiceQuerySet:
        """Every Invoice row is issued: a number is taken only at issue (SPEC.md R4)."""
        return self.exclude(number="")

    def with_balance(self) -> InvoiceQuerySet:
        """Annotate `amount_paid`, `amount_credited` (incl. VAT) and `balance_due`, in SQL
        (once: owed() and paid() build on it)."""
        if "balance_due" in self.query.annotations:
            return self
        money = DecimalField(**MONEY)
        paid = (
            Payment.objects.filter(invoice=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        credited = (
            CreditNote.objects.filter(invoice=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(s=Sum("total_incl_vat"))
            .values("s")
        )
        # Money given back to the customer after a credit note on a paid invoice (R11).
        refunded = (
            Refund.objects.filter(invoice=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        # A customer's credit on one invoice (an overpayment, a credit note on a paid
        # invoice) used to pay another of his invoices (issue #29 §3): out of the first,
        # into the second.
        used = (
            CreditUse.objects.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        received = (
            CreditUse.objects.filter(target=OuterRef("pk"))
            .order_by()
            .values("target")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        # Each sum rounded to the cent in SQL (ecoles.db.Cents): "settled" is the balance
        # at or below zero, the same comparison here, in owed() and paid(), in settle() and
        # on the pages, never disturbed by SQLite's floating point.
        return self.annotate(
            amount_paid=Cents(
                Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)
            ),
            amount_credited=Cents(
                Coalesce(Subquery(credited, output_field=money), Value(ZERO), output_field=money)
            ),
            amount_refunded=Cents(
                Coalesce(Subquery(refunded, output_field=money), Value(ZERO), output_field=money)
            ),
            credit_used=Cents(
                Coalesce(Subquery(used, output_field=money), Value(ZERO), output_field=money)
            ),
            credit_received=Cents(
                Coalesce(Subquery(received, output_field=money), Value(ZERO), output_field=money)
            ),
        ).annotate(
            balance_due=Cents(
                ExpressionWrapper(
                    F("total_incl_vat")
                    - F("amount_credited")
                    - F("amount_paid")
                    + F("amount_refunded")
                    + F("credit_used")
                    - F("credit_received"),
                    output_field=money,
                )
            )
        )

    def owed(self) -> InvoiceQuerySet:
        return self.filter(settled=False).with_balance().filter(balance_due__gt=0)

    def paid(self) -> InvoiceQuerySet:
        return self.with_balance().filter(balance_due__lte=0)

    def overdue(self, today: dt.date) -> InvoiceQuerySet:
        return self.owed().filter(due_date__lt=today)


def document_upload(instance: IssuedDocument, filename: str) -> str:
    return f"invoices/{instance.year}/{instance.number}.pdf"


class Invoice(ConstraintErrorsOnFields, IssuedDocument):
    """A facture: numbered at issue, copied from the order, never edited or deleted (R4)."""

    class Kind(models.TextChoices):
        FINAL = "final", _("Invoice")
        DEPOSIT = "deposit", _("Deposit invoice")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.FINAL)
    delivery_date = models.DateField(_("date of sale or delivery"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    order_reference = models.CharField(_("order reference"), max_length=60)
    # Copied from the order at issue (R11); the database guards it like the rest.
    customer_po_number = models.CharField(
        _("customer's purchase order number"), max_length=60, blank=True, default=""
    )
    late_penalty_rate = models.DecimalField(
        _("late-payment penalty rate (%)"), max_digits=5, decimal_places=2
    )
    early_payment_discount = models.CharField(_("early-payment discount terms"), max_length=200)
    pdf = models.FileField(_("PDF"), upload_to=document_upload, blank=True)
    # Set once payments and credit notes cover the total (billing.invoicing.settle), unset
    # if a payment is cancelled: what is owed is looked for among unsettled invoices only,
    # not in every invoice of every year.
    settled = models.BooleanField(_("settled"), default=False, editable=False)
    history = HistoricalRecords(table_name="orders_historicalinvoice")

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        db_table = "orders_invoice"
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                name="invoice_number_unique",
                violation_error_code="sequence",
                violation_error_message=_("This invoice number is already taken."),
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1),
                name="invoice_sequence_positive",
                violation_error_code="sequence",
                violation_error_message=_("A document's number starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")),
                name="invoice_due_after_issue",
                violation_error_code="due_date",
                violation_error_message=_("The due date cannot be before the issue date."),
            ),
        ]
        indexes = [
            # The budget sums a year's (or a month's) invoices by issue date.
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            # What is owed and overdue: the few invoices not settled, by due date.
            models.Index(fields=["due_date"], condition=Q(settled=False), name="invoice_unsettled"),
        ]

    # The money of an invoice has one definition, in SQL (InvoiceQuerySet.with_balance):
    # read on an invoice fetched without it, these say so instead of quietly running a
    # query of their own for each invoice of a list.
    def _annotated(self, name: str) -> Decimal:
        try:
            return self.__dict__[name]
        except KeyError:
            raise BalanceNotAnnotated(
                f"{name} of invoice {self.pk} is read without Invoice.objects.with_balance()"
            ) from None

    @property
    def credited_incl_vat(self) -> Decimal:
        return self._annotated("amount_credited")

    @property
    def net_incl_vat(self) -> Decimal:
        return self.total_incl_vat - self.credited_incl_vat

    @property
    def paid_amount(self) -> Decimal:
        return self._annotated("amount_paid")

    @property
    def refunded_amount(self) -> Decimal:
        return self._annotated("amount_refunded")

    @property
    def credit_used_amount(self) -> Decimal:
        """This invoice's credit used to pay other invoices of the customer."""
        return self._annotated("credit_used")

    @property
    def credit_received_amount(self) -> Decimal:
        """What the customer's credit on other invoices paid of this one."""
        return self._annotated("credit_received")

    @property
    def balance(self) -> Decimal:
        """What the customer still owes; negative when the school owes the customer (a
        credit note on a paid invoice, or a payment of more than was due, not yet refunded
        nor used on another invoice)."""
        return self._annotated("balance_due")

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.balance > 0 and self.due_date < (today or timezone.localdate())

    @property
    def is_paid(self) -> bool:
        """Settled: payments and credit notes cover the total, in exact cents (the balance
        is a Decimal of two places on both databases); InvoiceQuerySet.paid() says the same
        in SQL."""
        return self.balance <= 0


class DocumentLine(Issued):
    """A line copied into an issued document; never changes."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.PIECE)
    unit_price = models.DecimalField(_("unit price excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), **MONEY)
    # Set when the place of the customer exempts the line from French VAT (R12).
    vat_category = models.CharField(
        _("VAT category"), max_length=2, choices=VatCategory, blank=True, default=""
    )

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")

    objects = IssuedQuerySet.as_manager()

    class Meta(DocumentLine.Meta):
        db_table = "orders_invoiceline"
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")


def credit_note_upload(instance: CreditNote, filename: str) -> str:
    return f"credit_notes/{instance.year}/{instance.number}.pdf"


class CreditNoteQuerySet(IssuedQuerySet):
    pass


class CreditNote(ConstraintErrorsOnFields, IssuedDocument):
    """An avoir: cancels an invoice in full or in part, its own gapless series (R4)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.CharField(_("reason"), max_length=300)
    pdf = models.FileField(_("PDF"), upload_to=credit_note_upload, blank=True)
    history = HistoricalRecords(table_name="orders_historicalcreditnote")

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        db_table = "orders_creditnote"
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"],
                name="creditnote_number_unique",
                violation_error_code="sequence",
                violation_error_message=_("This credit note number is already taken."),
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1),
                name="creditnote_sequence_positive",
                violation_error_code="sequence",
                violation_error_message=_("A document's number starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(total_incl_vat__gt=0),
                name="creditnote_total_positive",
                violation_error_code="total_incl_vat",
                violation_error_message=_("A credit note's total must be above zero."),
            ),
        ]


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")

    objects = IssuedQuerySet.as_manager()

    class Meta(DocumentLine.Meta):
        db_table = "orders_creditnoteline"
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")


class NumberSeries(ConstraintErrorsOnFields, models.Model):
    """The last number given in a year's series; its row is locked while issuing, so that
    two people issuing at the same second get consecutive numbers (SPEC.md R4)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        TAX_RECEIPT = "tax_receipt", _("Tax receipt")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        db_table = "orders_numberseries"
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"],
                name="numberseries_kind_year",
                violation_error_code="year",
                violation_error_message=_("This series already has a counter for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class PaymentQuerySet(InsertOnlyQuerySet):
    pass


class Payment(ConstraintErrorsOnFields, InsertOnly):
    """Money received against an invoice (SPEC.md R4); never changed nor deleted, only
    cancelled by a reversing entry (the database refuses it too, migration 0007)."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    date = models.DateField(_("date"))
    # Positive, or negative on a cancellation: clean() and the check constraint say which.
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=Method)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # A payment is never deleted nor edited: one recorded by mistake, or a cheque returned
    # unpaid, is cancelled by a reversing entry of the opposite amount that says why
    # (billing.invoicing.reverse_payment). Both stay in the books; their sum is zero.
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("cancels"),
        on_delete=models.PROTECT,
        related_name="reversal",
        null=True,
        blank=True,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords(table_name="orders_historicalpayment")

    objects = PaymentQuerySet.as_manager()

    immutable_error = ImmutableError
    refused_change = refused_deletion = _("A payment is never changed nor deleted: cancel it.")

    class Meta:
        db_table = "orders_payment"
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True)
                | (Q(amount__lt=0, reverses__isnull=False) & ~Q(reason="")),
                name="payment_amount_sign",
                violation_error_code="amount",
                violation_error_message=_(
                    "A payment is positive; only the cancellation of a payment, with its "
                    "reason, is negative."
                ),
            ),
        ]
        # Cash received over a budget year is summed by payment date.
        indexes = [models.Index(fields=["date"], name="payment_date")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.date} {self.amount}"

    def clean(self) -> None:
        if self.amount is None:
            return
        if self.reverses_id is None and self.amount < CENT:
            raise ValidationError({"amount": _("A payment's amount must be positive.")})
        if self.reverses_id is not None:
            if self.amount >= 0:
                raise ValidationError(
                    {"amount": _("The cancellation of a payment is a negative amount.")}
                )
            if not self.reason.strip():
                raise ValidationError({"reason": _("Say why the payment is cancelled.")})


def with_money(customers):
    """`customers` with what each has been invoiced and still owes (one query)."""
    invoices = Invoice.objects.filter(order__customer=OuterRef("pk")).with_balance()
    owed = invoices.order_by().values("order__customer").annotate(s=Sum("balance_due")).values("s")
    invoiced = (
        Invoice.objects.filter(order__customer=OuterRef("pk"))
        .order_by()
        .values("order__customer")
        .annotate(s=Sum("total_incl_vat"))
        .values("s")
    )
    money = DecimalField(**MONEY)
    return customers.annotate(
        invoiced=Cents(
            Coalesce(Subquery(invoiced, output_field=money), Value(ZERO), output_field=money)
        ),
        owed=Cents(Coalesce(Subquery(owed, output_field=money), Value(ZERO), output_field=money)),
    )


# --- R11: money given back, reminders, documents sent, the chart of accounts -----------


class RefundQuerySet(InsertOnlyQuerySet):
    pass


class Refund(ConstraintErrorsOnFields, InsertOnly):
    """Money given back to a customer whom a credit note on a paid invoice left in credit
    (SPEC.md R11): the invoice's balance returns to zero. Like a payment, it is money: an
    immutable record in exact cents (the database refuses a change, migration 0003)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="refunds"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=Payment.Method)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = RefundQuerySet.as_manager()

    immutable_error = ImmutableError
    refused_change = refused_deletion = _("A refund is never changed nor deleted.")

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="refund_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("A refund's amount must be positive."),
            ),
        ]
        # The journal and the payments export read a period's refunds by date.
        indexes = [models.Index(fields=["date"], name="refund_date")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.date} -{self.amount}"

    def clean(self) -> None:
        if self.amount is not None and self.amount < CENT:
            raise ValidationError({"amount": _("A refund's amount must be positive.")})


class CreditUseQuerySet(InsertOnlyQuerySet):
    pass


class CreditUse(ConstraintErrorsOnFields, InsertOnly):
    """A customer's credit on one invoice (paid more than was due, or credited after it was
    paid: its balance below zero) used to pay another invoice of the same customer (issue
    #29 §3). The money stays on the customer's account (411): the journal moves it from
    the one invoice to the other, so that each is lettered once it is settled. Like a
    payment, never changed nor deleted."""

    source = models.ForeignKey(
        Invoice, verbose_name=_("credit of invoice"), on_delete=models.PROTECT,
        related_name="credit_uses",
    )  # fmt: skip
    target = models.ForeignKey(
        Invoice, verbose_name=_("used on invoice"), on_delete=models.PROTECT,
        related_name="paid_by_credit",
    )  # fmt: skip
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    objects = CreditUseQuerySet.as_manager()

    immutable_error = ImmutableError
    refused_change = refused_deletion = _("A use of credit is never changed nor deleted.")

    class Meta:
        verbose_name = _("use of a customer's credit")
        verbose_name_plural = _("uses of customers' credit")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="credit_use_amount_positive",
                violation_error_code="amount",
                violation_error_message=_("The amount used must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="credit_use_other_invoice",
                violation_error_message=_("A credit is used on another invoice."),
            ),
        ]
        # The journal reads a period's uses by date.
        indexes = [models.Index(fields=["date"], name="credit_use_date")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} {self.amount}"


def reminder_upload(instance: Reminder, filename: str) -> str:
    return f"reminders/{instance.invoice.year}/{instance.invoice.number}-{instance.level}.pdf"


class Reminder(ConstraintErrorsOnFields, models.Model):
    """One step of an overdue invoice's reminder ladder (SPEC.md R11): friendly, firm, then
    the formal notice (mise en demeure) restating the penalties and the 40 € indemnity
    (Code de commerce L441-10, D441-5). Each level is sent once per invoice; what it said
    (the balance, the days late) is kept as it was that day."""

    class Level(models.IntegerChoices):
        FRIENDLY = 1, _("Friendly reminder")
        FIRM = 2, _("Firm reminder")
        FORMAL = 3, _("Formal notice")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="reminders"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    balance_due = models.DecimalField(_("balance due"), **MONEY)
    days_late = models.PositiveIntegerField(_("days late"))
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    pdf = models.FileField(_("PDF"), upload_to=reminder_upload, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    # Prepared to leave as a registered letter with acknowledgement of receipt (issue #29):
    # only then does the letter say so. Chosen before the letter is first drawn, kept.
    registered = models.BooleanField(_("registered letter"), default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["invoice", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "level"],
                name="reminder_once_per_level",
                violation_error_code="level",
                violation_error_message=_("This invoice already had a reminder at this level."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=[1, 2, 3]),
                name="reminder_level_valid",
                violation_error_code="level",
                violation_error_message=_("A reminder's level is 1, 2 or 3."),
            ),
            models.CheckConstraint(
                condition=Q(balance_due__gt=0),
                name="reminder_something_due",
                violation_error_code="balance_due",
                violation_error_message=_("A reminder is only for an amount still due."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.get_level_display()}"


class DocumentSendQuerySet(models.QuerySet):
    def for_invoice(self, invoice: Invoice) -> DocumentSendQuerySet:
        """Everything sent about an invoice: itself, its credit notes, its reminders."""
        return self.filter(
            Q(invoice=invoice) | Q(credit_note__invoice=invoice) | Q(reminder__invoice=invoice)
        )


def sent_upload(instance: DocumentSend, filename: str) -> str:
    return f"sent/{instance.created_at:%Y}/{instance.kind}-{instance.pk or 'new'}.pdf"


class DocumentSend(ConstraintErrorsOnFields, models.Model):
    """A document mailed to a customer with its PDF (SPEC.md R11): queued by a page, sent by
    the task worker (billing.sending), retried on failure; the log says when, to whom, how
    it went."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Quote")
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        REMINDER = "reminder", _("Reminder")
        STATEMENT = "statement", _("Statement of account")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Channel(models.TextChoices):
        """How the document left (issue #29): by mail from the application, or on paper,
        recorded by the office once posted or handed over."""

        EMAIL = "email", _("By email")
        POST = "post", _("By post")
        REGISTERED = "registered", _("Registered letter with acknowledgement of receipt")
        HAND = "hand", _("Handed over")

    kind = models.CharField(_("document"), max_length=20, choices=Kind)
    channel = models.CharField(_("how"), max_length=12, choices=Channel, default=Channel.EMAIL)
    posted_on = models.DateField(_("posted or handed over on"), null=True, blank=True)
    tracking_number = models.CharField(_("registered letter number"), max_length=40, blank=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sends"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="document_sends", null=True, blank=True
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="sends", null=True, blank=True
    )
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, related_name="sends", null=True, blank=True
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.PROTECT, related_name="sends", null=True, blank=True
    )
    # A statement covers these days (its PDF is rendered by the worker, then kept).
    statement_start = models.DateField(_("statement from"), null=True, blank=True)
    statement_date = models.DateField(_("statement to"), null=True, blank=True)
    recipients = models.TextField(_("sent to"))
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The sends queued together (the reminders of one morning): their progress page.
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    pdf = models.FileField(_("PDF"), upload_to=sent_upload, blank=True)

    objects = DocumentSendQuerySet.as_manager()

    class Meta:
        verbose_name = _("document sent")
        verbose_name_plural = _("documents sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]),
                name="send_status_valid",
                violation_error_code="status",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(status="sent"),
                name="send_sent_has_status",
                violation_error_code="status",
                violation_error_message=_("A sending with a time sent is marked sent."),
            ),
            models.CheckConstraint(
                condition=Q(channel="email", posted_on__isnull=True)
                | (
                    Q(channel__in=["post", "registered", "hand"], status="sent")
                    & Q(posted_on__isnull=False)
                ),
                name="send_paper_has_date",
                violation_error_message=_("A document posted or handed over has its date."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="registered") | ~Q(tracking_number=""),
                name="send_registered_has_number",
                violation_error_message=_("A registered letter is recorded with its number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipients}"

    @property
    def on_paper(self) -> bool:
        return self.channel != self.Channel.EMAIL

    @property
    def recipient_list(self) -> list[str]:
        return [r for r in self.recipients.split(",") if r]

    @staticmethod
    def new_batch() -> uuid.UUID:
        return uuid.uuid4()


ACCOUNT = RegexValidator(r"^\d{3,12}$", _("An account number is 3 to 12 digits."))


def _account(label, default: str, **kwargs) -> models.CharField:
    return models.CharField(label, max_length=12, default=default, validators=[ACCOUNT], **kwargs)


def validate_one_line(value: str) -> None:
    """A journal's code or label is a cell of the FEC, whose fields are separated by tabs
    and whose records by line breaks (LPF art. A47 A-1, I): neither may hide inside one."""
    if any(c in value for c in "\t\r\n\x0b\x0c|"):
        raise ValidationError(_("No tab, line break or vertical bar here: it would break the FEC."))


def _text(label, default: str, max_length: int) -> models.CharField:
    return models.CharField(
        label, max_length=max_length, default=default, validators=[validate_one_line]
    )


class ChartOfAccounts(SingletonModel):
    """The school's accounts for the Fichier des Écritures Comptables (FEC, art. A47 A-1 du
    LPF; SPEC.md R11): what each invoice, credit note, payment, refund, supplier invoice,
    donation, grant instalment, apprenticeship tax transfer and family payment is written
    to. Goods are sold to 701, services to 706 (by the line's unit); a workshop may have
    its own sales account of either kind (Workshop.sales_account)."""

    sales_journal_code = _text(_("sales journal code"), "VE", 6)
    sales_journal_label = _text(_("sales journal label"), "Journal des ventes", 60)
    bank_journal_code = _text(_("bank journal code"), "BQ", 6)
    bank_journal_label = _text(_("bank journal label"), "Journal de banque", 60)
    cash_journal_code = _text(_("cash journal code"), "CA", 6)
    cash_journal_label = _text(_("cash journal label"), "Journal de caisse", 60)
    purchases_journal_code = _text(_("purchases journal code"), "HA", 6)
    purchases_journal_label = _text(_("purchases journal label"), "Journal des achats", 60)
    opening_journal_code = _text(_("opening journal code"), "AN", 6)
    opening_journal_label = _text(_("opening journal label"), "Journal des à-nouveaux", 60)
    # A customer's credit moved from one of his invoices to another (billing.credit).
    misc_journal_code = _text(_("miscellaneous operations journal code"), "OD", 6)
    misc_journal_label = _text(
        _("miscellaneous operations journal label"), "Journal des opérations diverses", 60
    )
    goods_account = _account(_("sales of goods account"), "701000")
    sales_account = _account(_("sales of services account"), "706000")
    deposits_account = _account(_("customers' deposits account"), "419100")
    customers_account = _account(_("customers account"), "411000")
    customer_prefix = _text(_("customer auxiliary account prefix"), "C", 4)
    vat_account_20 = _account(_("VAT collected at 20 %"), "445712")
    vat_account_10 = _account(_("VAT collected at 10 %"), "445711")
    vat_account_5_5 = _account(_("VAT collected at 5.5 %"), "445715")
    vat_account_2_1 = _account(_("VAT collected at 2.1 %"), "445716")
    bank_account = _account(_("bank account"), "512000")
    cash_account = _account(_("cash account"), "530000")
    purchases_account = _account(_("purchases account"), "601000")
    deductible_vat_account = _account(_("deductible VAT account"), "445660")
    suppliers_account = _account(_("suppliers account"), "401000")
    supplier_prefix = _text(_("supplier auxiliary account prefix"), "F", 4)
    donations_account = _account(_("individuals' donations account"), "754100")
    patronage_account = _account(_("companies' patronage account"), "754300")
    grants_account = _account(_("operating grants account"), "740000")
    apprenticeship_tax_account = _account(_("apprenticeship tax account"), "748100")
    families_account = _account(_("families' contributions account"), "706300")
    opening_account = _account(_("opening balance account"), "890000")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chart of accounts")
        verbose_name_plural = _("chart of accounts")

    def __str__(self) -> str:
        return str(_("Chart of accounts"))

    def vat_account(self, rate: Decimal) -> str:
        by_rate = {
            Decimal("20"): self.vat_account_20,
            Decimal("10"): self.vat_account_10,
            Decimal("5.5"): self.vat_account_5_5,
            Decimal("2.1"): self.vat_account_2_1,
        }
        return by_rate.get(Decimal(rate).normalize(), self.vat_account_20)

    def customer_aux(self, customer_id: int) -> str:
        return f"{self.customer_prefix}{customer_id:06d}"

    def receipts(self, method: str) -> tuple[str, str, str]:
        """(journal code, journal label, account) of money received or given by `method`."""
        if method == Payment.Method.CASH:
            return self.cash_journal_code, self.cash_journal_label, self.cash_account
        return self.bank_journal_code, self.bank_journal_label, self.bank_account


# --- the approved platform (SPEC.md R12, billing.platform, billing.exchange) ---------------


class LifecycleStatus(models.TextChoices):
    """The lifecycle statuses of the French e-invoicing exchange (AFNOR XP Z12-013 / CDAR
    codes) a platform reports on a document."""

    DEPOSITED = "200", _("Deposited")
    ISSUED = "201", _("Issued by the platform")
    RECEIVED = "202", _("Received by the buyer's platform")
    MADE_AVAILABLE = "203", _("Made available to the buyer")
    TAKEN_OVER = "204", _("Taken over")
    APPROVED = "205", _("Approved")
    DISPUTED = "207", _("Disputed")
    REFUSED = "210", _("Refused by the buyer")
    PAYMENT_SENT = "211", _("Payment sent")
    PAID = "212", pgettext_lazy("e-invoice status", "Paid")
    REJECTED = "213", _("Rejected by the platform")


class PlatformFlow(models.Model):
    """An issued document sent to the approved platform (one flow), with its statuses."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="flow"
    )
    credit_note = models.OneToOneField(
        CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="flow"
    )
    flow_id = models.CharField(_("flow identifier"), max_length=64, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=3, choices=LifecycleStatus)
    status_at = models.DateTimeField(_("status at"), default=timezone.now)

    class Meta:
        verbose_name = _("platform flow")
        verbose_name_plural = _("platform flows")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, credit_note__isnull=True)
                | Q(invoice__isnull=True, credit_note__isnull=False),
                name="platformflow_one_document",
                violation_error_message=_("A flow carries one invoice or one credit note."),
            ),
        ]

    def __str__(self) -> str:
        return self.flow_id

    @property
    def document(self):
        return self.invoice or self.credit_note


class LifecycleEvent(ConstraintErrorsOnFields, models.Model):
    """One status the platform reported on a flow, in the order it came: the document's
    e-invoicing history."""

    flow = models.ForeignKey(PlatformFlow, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=3, choices=LifecycleStatus)
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lifecycle status")
        verbose_name_plural = _("lifecycle statuses")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "status", "at"],
                name="lifecycle_once",
                violation_error_code="status",
                violation_error_message=_(
                    "This status is already recorded at this time for this flow."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flow} {self.status}"


def supplier_invoice_upload(instance, filename: str) -> str:
    return f"supplier_invoices/{instance.received_at:%Y}/{instance.flow_id}.pdf"


class SupplierInvoiceQuerySet(models.QuerySet):
    def search(self, text: str) -> SupplierInvoiceQuerySet:
        if not text:
            return self
        return self.filter(
            Q(supplier_name__icontains=text) | Q(number__icontains=text) | Q(supplier_siren=text)
        )


class SupplierInvoice(models.Model):
    """An invoice the school received from a supplier through the platform: stored as it
    came (the Factur-X PDF, its XML), its main data read from the XML."""

    flow_id = models.CharField(_("flow identifier"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    type_code = models.CharField(_("type code"), max_length=3)
    number = models.CharField(_("number"), max_length=100)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    supplier_name = models.CharField(_("supplier"), max_length=200)
    supplier_siren = models.CharField(_("supplier SIREN"), max_length=20, blank=True)
    supplier_vat_number = models.CharField(_("supplier VAT number"), max_length=30, blank=True)
    total_excl_vat = models.DecimalField(_("total excl. VAT"), **MONEY)
    total_vat = models.DecimalField(_("VAT"), **MONEY)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), **MONEY)
    amount_due = models.DecimalField(_("amount due"), **MONEY)
    lines = models.JSONField(_("lines"), default=list)
    xml = models.TextField(_("XML"))
    pdf = models.FileField(_("PDF"), upload_to=supplier_invoice_upload, blank=True)

    objects = SupplierInvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        ordering = ["-issue_date", "-pk"]
        indexes = [models.Index(fields=["issue_date"], name="supplierinvoice_issue_date")]

    def __str__(self) -> str:
        return f"{self.supplier_name} {self.number}"


class LocalPlatformFlow(models.Model):
    """What the LOCAL platform (billing.platform.local, for tests and the demo) keeps on
    its side: each flow deposited or to deliver, and the statuses it will report. A real
    platform keeps this itself; nothing else reads this table."""

    class Direction(models.TextChoices):
        IN = "in", _("From the school")
        OUT = "out", _("To the school")

    flow_id = models.CharField(max_length=64, unique=True)
    direction = models.CharField(max_length=3, choices=Direction)
    name = models.CharField(max_length=200)
    payload = models.BinaryField()
    statuses = models.JSONField(default=list)  # [[code, iso datetime, reason], ...]
    reported = models.PositiveSmallIntegerField(default=0)  # statuses already searched
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("local platform flow")
        verbose_name_plural = _("local platform flows")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.flow_id
