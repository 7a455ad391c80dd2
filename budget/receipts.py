"""Issuing donations' tax receipts (reçus fiscaux, Cerfa n° 11580; SPEC.md R11).

A receipt is issued only for money received without counterpart, once: a donation is on
at most one receipt not cancelled. Its number comes from a gapless yearly series
(RF-2026-0001) taken inside the transaction that creates it, from billing's yearly counter
row locked with SELECT ... FOR UPDATE (billing.numbering, its own declared series),
so that a failure rolls the counter back and two people issuing at once queue on the lock.
What it says is frozen at issue; the PDF is rendered after commit and stored once with its
SHA-256. A wrong receipt is cancelled (with its reason) and a new one issued, which names
the one it replaces.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from billing import numbering
from billing.invoicing import school_identity
from billing.models import NumberSeries
from budget.models import Donation, Donor, ReceiptLine, ReceiptSend, TaxReceipt, counterpart_cap
from budget.words import amount_in_words
from ecoles import mail as outgoing
from ecoles import stored
from ecoles.db import Cents
from ecoles.formats import money
from ecoles.models import Mail, School
from ecoles.pdf import render_pdf

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")

ARTICLES = {
    Donor.Kind.PERSON: "article 200 du code général des impôts",
    Donor.Kind.COMPANY: "article 238 bis du code général des impôts",
}


class ReceiptError(ValidationError):
    """A receipt the rules refuse; the message says why."""


def _identity(school: School) -> dict:
    return {**school_identity(school), "object": school.object}


def _donor_address(donor: Donor) -> str:
    return "\n".join(p for p in (donor.address, f"{donor.postal_code} {donor.city}".strip()) if p)


def _issue(donor: Donor, donations: list[Donation], kind: str, by, today: dt.date) -> TaxReceipt:
    """Inside the caller's transaction, with the donations locked."""
    school = School.load()
    if not school.receipt_signatory.strip():
        raise ReceiptError(
            _("Name the person entitled to sign tax receipts in the school's profile first.")
        )
    for donation in donations:
        if donation.received_on is None:
            raise ReceiptError(_("No tax receipt before the money is received."))
        if not donation.counterpart_tolerated:
            raise ReceiptError(
                _(
                    "No tax receipt for a gift with a counterpart worth more than a quarter "
                    "of it (or more than %(cap)s € for an individual), or of unknown value."
                )
                % {"cap": counterpart_cap(donation.date)}
            )
        if donation.receipt_lines.filter(receipt__cancelled_at=None).exists():
            raise ReceiptError(_("This donation already has its tax receipt."))
    # A donation whose receipt was cancelled gets the replacement.
    replaced = (
        TaxReceipt.objects.filter(lines__donation__in=donations, replacement__isnull=True)
        .exclude(cancelled_at=None)
        .order_by("-issued_at")
        .first()
    )
    sequence, number = numbering.next_number(NumberSeries.Kind.TAX_RECEIPT, today)
    total = sum((d.amount for d in donations), ZERO)
    receipt = TaxReceipt.objects.create(
        number=number,
        year=today.year,
        sequence=sequence,
        kind=kind,
        donor=donor,
        issue_date=today,
        issued_by=by,
        issuer=_identity(school),
        donor_kind=donor.kind,
        donor_name=donor.name,
        donor_address=_donor_address(donor),
        donor_siren=donor.siren,
        amount=total,
        amount_in_words=amount_in_words(total),
        article=ARTICLES[donor.kind],
        signatory=school.receipt_signatory,
        signatory_title=school.receipt_signatory_title,
        replaces=replaced,
    )
    ReceiptLine.objects.bulk_create(
        ReceiptLine(
            receipt=receipt, donation=d, date=d.date, amount=d.amount, form=d.form,
            nature=d.nature, method=d.method, description=d.description,
        )
        for d in donations
    )  # fmt: skip
    return receipt


def _after_commit(receipt: TaxReceipt, render: bool) -> None:
    if render:
        transaction.on_commit(lambda: _store_quietly(receipt))


@transaction.atomic(durable=True)
def issue_receipt(
    donation: Donation, by, *, today: dt.date | None = None, render: bool = True
) -> TaxReceipt:
    """The receipt of one donation received."""
    today = today or timezone.localdate()
    donation = Donation.objects.select_for_update().select_related("donor").get(pk=donation.pk)
    receipt = _issue(donation.donor, [donation], TaxReceipt.Kind.SINGLE, by, today)
    _after_commit(receipt, render)
    return receipt


@transaction.atomic(durable=True)
def issue_annual_receipt(
    donor: Donor, year: int, by, *, today: dt.date | None = None, render: bool = True
) -> TaxReceipt:
    """One summary receipt for every donation of `donor` received in calendar `year` and
    not yet on a receipt (a regular donor's monthly gifts)."""
    today = today or timezone.localdate()
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    donations = list(
        Donation.objects.select_for_update()
        .filter(donor=donor, received_on__year=year)
        .receiptable()
        .order_by("date", "pk")
    )
    if not donations:
        raise ReceiptError(
            _("No donation received in %(year)s waits for a receipt.") % {"year": year}
        )
    receipt = _issue(donor, donations, TaxReceipt.Kind.ANNUAL, by, today)
    _after_commit(receipt, render)
    return receipt


@transaction.atomic
def cancel_receipt(receipt: TaxReceipt, by, *, reason: str) -> TaxReceipt:
    """Cancel a wrong receipt; its donations may then be corrected and receipted again.
    The donor is told by mail (after commit), since he may have sent it to the tax
    office: he should not use it and will receive its replacement."""
    receipt = TaxReceipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.is_cancelled:
        raise ReceiptError(_("This receipt is already cancelled."))
    if not reason.strip():
        raise ReceiptError(_("Say why the receipt is cancelled."))
    receipt.cancelled_at = timezone.now()
    receipt.cancelled_by = by
    receipt.cancel_reason = reason.strip()
    receipt.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    tell_donor_of_cancellation(receipt)
    return receipt


MAIL_KIND = "budget.receipt_cancelled"


def tell_donor_of_cancellation(receipt: TaxReceipt) -> bool:
    """Queue the mail to the donor on the school's one mail path (sent after commit, built
    by the worker from the receipt's id); False when he has no address."""
    if not receipt.donor.email:
        return False
    outgoing.queue(MAIL_KIND, receipt.pk, to_kind="donor", to_id=receipt.donor_id)
    return True


def cancellation_mail(receipt: TaxReceipt) -> tuple[str, str]:
    """(subject, body) of the mail telling the donor his receipt is cancelled."""
    school = receipt.issuer.get("name", "")
    subject = _("Tax receipt %(number)s cancelled") % {"number": receipt.number}
    body = _(
        "Hello,\n\nThe tax receipt %(number)s of %(amount)s that %(school)s issued to you on "
        "%(day)s is cancelled (%(reason)s). Please do not use it for your tax return: a "
        "replacement receipt will be sent to you.\n\n%(school)s"
    ) % {
        "number": receipt.number,
        "amount": money(receipt.amount),
        "school": school,
        "day": receipt.issue_date.strftime("%d/%m/%Y"),
        "reason": receipt.cancel_reason,
    }
    return subject, body


def build_cancellation_mail(mail: Mail) -> EmailMessage:
    """The worker's part: the mail telling the donor, written when it leaves."""
    receipt = TaxReceipt.objects.select_related("donor").get(pk=mail.about_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = cancellation_mail(receipt)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [receipt.donor.email])


SEND_KIND = "budget.receipt"


def send_receipt(
    receipt: TaxReceipt, by, *, channel: str, on: dt.date | None = None, number: str = ""
) -> ReceiptSend:
    """Give the receipt to its donor in one step (issue #29 §2): mail it with its stored
    PDF (queued after commit, built by the worker), or record that it was posted, sent as
    a registered letter with its number, or handed over on `on`."""
    C = ReceiptSend.Channel
    on = on or timezone.localdate()
    number = number.strip()
    with transaction.atomic():
        receipt = TaxReceipt.objects.select_related("donor").get(pk=receipt.pk)
        if receipt.is_cancelled:
            raise ReceiptError(_("A cancelled receipt is not sent."))
        if channel == C.EMAIL:
            if not receipt.donor.email:
                raise ReceiptError(
                    _("This donor has no email address: record how the receipt left.")
                )
            send = ReceiptSend.objects.create(
                receipt=receipt, channel=channel, recipients=receipt.donor.email,
                created_by=by,
            )  # fmt: skip
            send.mail = outgoing.queue(SEND_KIND, send.pk, to_kind="donor", to_id=receipt.donor_id)
            send.save(update_fields=["mail"])
            return send
        if channel not in (C.POST, C.REGISTERED, C.HAND):
            raise ReceiptError(_("Choose how the document left."))
        if channel == C.REGISTERED and not number:
            raise ReceiptError(_("A registered letter is recorded with its number."))
        if on > timezone.localdate():
            raise ReceiptError(_("A document cannot have left in the future."))
        return ReceiptSend.objects.create(
            receipt=receipt, channel=channel, posted_on=on,
            tracking_number=number if channel == C.REGISTERED else "",
            recipients="" if channel == C.HAND else receipt.donor_address.replace("\n", ", "),
            created_by=by,
        )  # fmt: skip


def build_receipt_mail(mail: Mail) -> EmailMessage:
    """The worker's part: the receipt's stored PDF, attached to a short mail."""
    send = ReceiptSend.objects.select_related("receipt").get(pk=mail.about_id)
    receipt = send.receipt
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Tax receipt %(number)s") % {"number": receipt.number}
        body = _(
            "Hello,\n\nPlease find attached the tax receipt %(number)s for your gift of "
            "%(amount)s. Thank you for your support.\n\n%(school)s"
        ) % {
            "number": receipt.number,
            "amount": money(receipt.amount),
            "school": receipt.issuer.get("name", ""),
        }
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [send.recipients])
    message.attach(f"{receipt.number}.pdf", stored_pdf(receipt), "application/pdf")
    return message


def register_mails() -> None:
    outgoing.register(MAIL_KIND, build=build_cancellation_mail)
    outgoing.register(SEND_KIND, build=build_receipt_mail)


# --- The yearly statement ---------------------------------------------------------------------


@dataclass
class RegimeFigures:
    kind: str
    label: str
    article: str
    count: int
    amount: Decimal


@dataclass
class Statement:
    """The gifts received in a year and the receipts for them, by regime, as the tax
    administration asks for them (CGI art. 222 bis)."""

    year: int
    regimes: list[RegimeFigures]
    cancelled: int

    @property
    def count(self) -> int:
        return sum(r.count for r in self.regimes)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.regimes), ZERO)


def statement(year: int) -> Statement:
    """The état récapitulatif of CGI art. 222 bis: the total of the gifts mentioned on the
    receipts and received (perçus) in calendar `year`, whatever year the receipt was
    issued in, and the number of receipts for them, by regime (cancelled receipts left
    out, their replacements in). One query."""
    valid = Q(receipt__cancelled_at=None)
    persons = valid & Q(receipt__donor_kind=Donor.Kind.PERSON)
    companies = valid & Q(receipt__donor_kind=Donor.Kind.COMPANY)
    row = ReceiptLine.objects.filter(donation__received_on__year=year).aggregate(
        persons=Count("receipt", filter=persons, distinct=True),
        persons_amount=Cents(Sum("amount", filter=persons)),
        companies=Count("receipt", filter=companies, distinct=True),
        companies_amount=Cents(Sum("amount", filter=companies)),
        cancelled=Count("receipt", filter=~valid, distinct=True),
    )
    return Statement(
        year=year,
        regimes=[
            RegimeFigures(
                Donor.Kind.PERSON, _("Persons"), ARTICLES[Donor.Kind.PERSON],
                row["persons"], row["persons_amount"] or ZERO,
            ),
            RegimeFigures(
                Donor.Kind.COMPANY, _("Companies"), ARTICLES[Donor.Kind.COMPANY],
                row["companies"], row["companies_amount"] or ZERO,
            ),
        ],
        cancelled=row["cancelled"],
    )  # fmt: skip


# --- PDFs -------------------------------------------------------------------------------------


class _Issuer(dict):
    __getattr__ = dict.get


def render_receipt(receipt: TaxReceipt) -> bytes:
    school = _Issuer({**receipt.issuer, "logo": School.load().logo})
    return render_pdf(
        "pdf/tax_receipt.html",
        {"receipt": receipt, "school": school, "lines": list(receipt.lines.all())},
    )


def store_pdf(receipt: TaxReceipt) -> TaxReceipt:
    """Render and store the PDF once; a receipt that has one keeps it forever."""
    receipt = TaxReceipt.objects.get(pk=receipt.pk)
    if receipt.pdf:
        return receipt
    stored.store_once(receipt, render_receipt(receipt), filename="r.pdf")
    return TaxReceipt.objects.get(pk=receipt.pk)


def stored_pdf(receipt: TaxReceipt) -> bytes:
    """The stored PDF exactly as stored (rendered now if it never was), checked."""
    if not receipt.pdf:
        receipt = store_pdf(receipt)
    return stored.read_checked(receipt)


def served_pdf(receipt: TaxReceipt) -> bytes:
    """The receipt's PDF as it is handed out: the stored one, and for a cancelled receipt
    that same PDF with an "ANNULÉ" stamp laid over each page. The stored file is never
    changed (its SHA-256 still matches): the stamp is merged into a copy when served."""
    data = stored_pdf(receipt)
    if not receipt.is_cancelled:
        return data
    stamp = PdfReader(
        io.BytesIO(render_pdf("pdf/tax_receipt_cancelled.html", {"receipt": receipt}))
    )
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        page.merge_page(stamp.pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _store_quietly(receipt: TaxReceipt) -> None:
    try:
        store_pdf(receipt)
    except Exception:  # rendered on first download instead
        logger.exception("could not render the PDF of %s", receipt.number)
