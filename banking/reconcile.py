"""The statement reconciled (issue 29 §1): importing a file, the open items a line may pay
(banking.matching's candidates, read in a fixed number of queries), and confirming a
suggestion, which records the real payment or ledger receipt through the apps' own
processes (billing.invoicing.record_payment settles the invoice), in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from banking import matching, parsers
from banking.matching import Candidate, LineFacts, Suggestion, Target
from banking.models import (
    BankAccount,
    CsvMapping,
    KnownIban,
    Match,
    StatementImport,
    StatementLine,
    format_iban,
)
from billing import invoicing
from billing.models import Invoice, Payment, Refund, SupplierInvoice
from budget.models import (
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Instalment,
    Pledge,
    TaxCampaign,
    Transfer,
)
from ecoles.formats import money
from orders.models import MONEY, ZERO

# Words of a label that say what the money is when no number does (normalised).
TAX_WORDS = (" TAXE D APPRENTISSAGE ", " TAXE APPRENTISSAGE ", " SOLTEA ", " CAISSE DES DEPOTS ")
# A debit is looked for among the refunds and supplier invoices of the last year and a half.
DEBITS_BACK = dt.timedelta(days=550)


# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    statement: StatementImport | None
    read: int
    added: int


def import_statement(
    account: BankAccount,
    data: bytes,
    *,
    filename: str,
    fmt: str,
    mapping: CsvMapping | None,
    by,
) -> ImportResult:
    """Read the file and add the lines the account does not have yet (by the bank's
    reference): the same statement imported twice adds nothing, and two statements that
    overlap add each movement once. Raises parsers.StatementError on an unreadable file."""
    parsed = parsers.parse(data, fmt, mapping)
    if parsed.account_iban and parsed.account_iban != account.iban:
        raise parsers.StatementError(
            _("This statement is of the account %(theirs)s, not of %(ours)s.")
            % {"theirs": format_iban(parsed.account_iban), "ours": format_iban(account.iban)}
        )
    if not parsed.lines:
        raise parsers.StatementError(_("This statement has no booked movement."))
    with transaction.atomic():
        first = min(line.booking_date for line in parsed.lines)
        last = max(line.booking_date for line in parsed.lines)
        known = set(
            StatementLine.objects.filter(
                account=account, booking_date__range=(first, last)
            ).values_list("bank_reference", flat=True)
        )
        # A reference seen on another day (a bank that reuses none) is caught by the
        # unique constraint; the date range keeps this read small.
        new = []
        for line in parsed.lines:
            if line.bank_reference in known:
                continue
            known.add(line.bank_reference)
            new.append(line)
        if not new:
            return ImportResult(None, len(parsed.lines), 0)
        statement = StatementImport(
            account=account, filename=filename[:200], format=fmt,
            sha256=hashlib.sha256(data).hexdigest(), imported_by=by,
            lines_read=len(parsed.lines), lines_added=len(new),
        )  # fmt: skip
        statement.file.save(filename, ContentFile(data), save=False)
        statement.save()
        # Each line's creation is in the audit trail, with who imported it.
        bulk_create_with_history(
            [StatementLine(
                account=account, statement=statement, booking_date=p.booking_date,
                value_date=p.value_date, amount=p.amount, currency=p.currency,
                counterparty_name=p.counterparty_name, counterparty_iban=p.counterparty_iban,
                remittance=p.remittance, structured_reference=p.structured_reference,
                bank_reference=p.bank_reference,
            )
            for p in new],
            StatementLine, default_user=by,
        )  # fmt: skip
    return ImportResult(statement, len(parsed.lines), len(new))


# --- candidates ------------------------------------------------------------------------------


def _ibans() -> dict[str, set[str]]:
    by_party: dict[str, set[str]] = {}
    for iban, customer, donor, student in KnownIban.objects.values_list(
        "iban", "customer_id", "donor_id", "student_id"
    ):
        key = (
            f"customer:{customer}"
            if customer
            else f"donor:{donor}"
            if donor
            else f"student:{student}"
        )
        by_party.setdefault(key, set()).add(iban)
    return by_party


def _sum(queryset, field: str):
    money = DecimalField(**MONEY)
    total = queryset.order_by().annotate(s=Sum(field)).values("s")[:1]
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


def candidates(today: dt.date | None = None) -> list[Candidate]:
    """Everything still open that a line may pay, in a fixed number of queries."""
    today = today or timezone.localdate()
    ibans = _ibans()
    found: list[Candidate] = []
    invoices = Invoice.objects.owed().select_related("order__customer").order_by("issue_date", "pk")
    for invoice in invoices:
        customer = invoice.order.customer
        key = f"customer:{customer.pk}"
        found.append(
            Candidate(
                kind="invoice",
                pk=invoice.pk,
                label=f"{invoice.number} · {customer.name}",
                open_amount=invoice.balance_due,
                references=(invoice.number,),
                party=customer.name,
                party_key=key,
                ibans=frozenset(ibans.get(key, ())),
                date=invoice.issue_date,
            )
        )
    for donation in Donation.objects.filter(
        received_on=None, nature=Donation.Nature.CASH
    ).select_related("donor"):
        key = f"donor:{donation.donor_id}"
        found.append(
            Candidate(
                kind="donation",
                pk=donation.pk,
                label=_("Gift of %(donor)s of %(date)s")
                % {"donor": donation.donor.name, "date": donation.date.strftime("%d/%m/%Y")},
                open_amount=donation.amount,
                party=donation.donor.name,
                party_key=key,
                ibans=frozenset(ibans.get(key, ())),
                partial=False,
                date=donation.date,
            )
        )
    for donor in Donor.objects.only("pk", "name"):
        key = f"donor:{donor.pk}"
        found.append(
            Candidate(
                kind="gift",
                pk=donor.pk,
                label=_("New gift of %(donor)s") % {"donor": donor.name},
                open_amount=None,
                party=donor.name,
                party_key=key,
                ibans=frozenset(ibans.get(key, ())),
            )
        )
    for instalment in Instalment.objects.filter(received_on=None).select_related("grant"):
        grant = instalment.grant
        found.append(
            Candidate(
                kind="instalment",
                pk=instalment.pk,
                label=_("Instalment of %(grant)s expected on %(date)s")
                % {"grant": grant, "date": instalment.expected_on.strftime("%d/%m/%Y")},
                open_amount=instalment.expected_amount,
                references=(grant.programme,),
                party=grant.funder,
                party_key=f"grant:{grant.pk}",
                partial=False,
            )
        )
    pledges = Pledge.objects.filter(status=Pledge.Status.PROMISED).select_related("campaign")
    for pledge in pledges:
        key = f"customer:{pledge.customer_id}" if pledge.customer_id else f"pledge:{pledge.pk}"
        found.append(
            Candidate(
                kind="pledge",
                pk=pledge.pk,
                label=_("Apprenticeship tax %(year)s of %(company)s")
                % {"year": pledge.campaign.year, "company": pledge.company},
                open_amount=pledge.amount,
                party=pledge.company,
                party_key=key,
                ibans=frozenset(ibans.get(key, ())),
                keywords=TAX_WORDS,
            )
        )
    found.append(Candidate(
        kind="tax", pk=0, label=_("Apprenticeship tax (no promise)"), open_amount=None,
        keywords=TAX_WORDS,
    ))  # fmt: skip
    paid = FamilyPayment.objects.filter(contribution=OuterRef("pk"))
    contributions = (
        FamilyContribution.objects.filter(year__end__gte=today - dt.timedelta(days=365))
        .annotate(paid=_sum(paid.values("contribution"), "amount"))
        .select_related("student")
    )
    for contribution in contributions:
        left = contribution.amount_due - contribution.paid
        if left <= 0:
            continue
        student = contribution.student
        key = f"student:{student.pk}"
        found.append(
            Candidate(
                kind="family",
                pk=contribution.pk,
                label=_("Contribution of the family of %(pupil)s")
                % {"pupil": f"{student.first_name} {student.last_name}"},
                open_amount=left,
                party=student.last_name,
                party_key=key,
                ibans=frozenset(ibans.get(key, ())),
            )
        )
    since = today - DEBITS_BACK
    matched_refunds = Match.objects.filter(refund=OuterRef("pk"))
    refunds = (
        Refund.objects.filter(date__gte=since, method=Payment.Method.TRANSFER)
        .exclude(Exists(matched_refunds))
        .select_related("invoice")
    )
    for refund in refunds:
        found.append(
            Candidate(
                kind="refund",
                pk=refund.pk,
                label=_("Refund to %(customer)s (%(invoice)s)")
                % {"customer": refund.invoice.customer_name, "invoice": refund.invoice.number},
                open_amount=refund.amount,
                references=tuple(filter(None, [refund.reference])),
                party=refund.invoice.customer_name,
                party_key=f"refund:{refund.pk}",
                partial=False,
                direction=-1,
                date=refund.date,
            )
        )
    matched = Match.objects.filter(supplier_invoice=OuterRef("pk"))
    suppliers = SupplierInvoice.objects.filter(issue_date__gte=since).annotate(
        matched=_sum(matched.values("supplier_invoice"), "amount")
    )
    for bill in suppliers:
        left = bill.amount_due + bill.matched  # debits are matched as negative amounts
        if left <= 0:
            continue
        found.append(
            Candidate(
                kind="supplier",
                pk=bill.pk,
                label=f"{bill.number} · {bill.supplier_name}",
                open_amount=left,
                references=(bill.number,),
                party=bill.supplier_name,
                party_key=f"supplier:{bill.supplier_name}",
                direction=-1,
                date=bill.issue_date,
            )
        )
    return found


def facts(line: StatementLine) -> LineFacts:
    return LineFacts(
        amount=line.amount, text=line.text, counterparty_name=line.counterparty_name,
        counterparty_iban=line.counterparty_iban, booking_date=line.booking_date,
    )  # fmt: skip


def suggestions_for(lines, pool: list[Candidate] | None = None) -> dict[int, list[Suggestion]]:
    """The suggestions of each open line, from one read of what is open."""
    pool = candidates() if pool is None else pool
    return {
        line.pk: matching.suggest(facts(line), pool)
        for line in lines
        if line.status == StatementLine.Status.OPEN
    }


# --- confirming ------------------------------------------------------------------------------


class ReconcileError(ValidationError):
    pass


def confirm(line: StatementLine, key: str, by, *, today: dt.date | None = None) -> list[Match]:
    """Record what the suggestion `key` says the line paid: the payments, the ledger's
    receipts, the links, and the line matched; all or nothing."""
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.status != StatementLine.Status.OPEN:
            raise ReconcileError(_("This line is already reconciled."))
        chosen = next(
            (s for s in matching.suggest(facts(line), candidates(today)) if s.key == key), None
        )
        if chosen is None:
            raise ReconcileError(
                _("This suggestion no longer holds (something was recorded meanwhile): look again.")
            )
        made = [_record(line, target, by) for target in chosen.targets]
        line.status = StatementLine.Status.MATCHED
        line.done_by, line.done_at = by, timezone.now()
        line.save(update_fields=["status", "done_by", "done_at"])
    return made


def _remember(line: StatementLine, **party) -> None:
    if line.counterparty_iban and all(party.values()):
        KnownIban.objects.get_or_create(iban=line.counterparty_iban, **party)


def _record(line: StatementLine, target: Target, by) -> Match:
    day, amount = line.booking_date, target.amount
    reference = line.bank_reference[:100]
    match = Match(
        line=line,
        amount=amount if line.amount > 0 else -amount,
        label=target.label[:200],
        confirmed_by=by,
    )
    if target.kind == "invoice":
        invoice = Invoice.objects.select_related("order").get(pk=target.pk)
        match.kind, match.invoice = Match.Kind.INVOICE, invoice
        match.payment = invoicing.record_payment(
            invoice,
            by,
            date=day,
            amount=amount,
            method=Payment.Method.TRANSFER,
            reference=reference,
        )
        _remember(line, customer_id=invoice.order.customer_id)
    elif target.kind == "donation":
        donation = Donation.objects.get(pk=target.pk)
        donation.received_on, donation.method = day, Donation.Method.TRANSFER
        donation.full_clean()
        donation.save(update_fields=["received_on", "method"])
        match.kind, match.donation = Match.Kind.DONATION, donation
        _remember(line, donor_id=donation.donor_id)
    elif target.kind == "gift":
        donation = Donation(
            donor_id=target.pk, date=day, received_on=day, amount=amount,
            nature=Donation.Nature.CASH, method=Donation.Method.TRANSFER,
        )  # fmt: skip
        donation.full_clean()
        donation.save()
        match.kind, match.donation = Match.Kind.DONATION, donation
        _remember(line, donor_id=target.pk)
    elif target.kind == "instalment":
        instalment = Instalment.objects.get(pk=target.pk)
        instalment.received_on, instalment.received_amount = day, amount
        instalment.full_clean()
        instalment.save(update_fields=["received_on", "received_amount"])
        match.kind, match.instalment = Match.Kind.INSTALMENT, instalment
    elif target.kind in ("pledge", "tax"):
        pledge = Pledge.objects.select_related("campaign").get(pk=target.pk) if target.pk else None
        campaign = (
            pledge.campaign if pledge else TaxCampaign.objects.get_or_create(year=day.year)[0]
        )
        transfer = Transfer(
            campaign=campaign, date=day, amount=amount, reference=reference, pledge=pledge,
            kind=Transfer.Kind.ALLOCATED,
        )  # fmt: skip
        transfer.full_clean()
        transfer.save()
        if pledge:  # a promise matched is a promise kept (as budget's transfer page does)
            pledge.status = Pledge.Status.RECEIVED
            pledge.save(update_fields=["status"])
            _remember(line, customer_id=pledge.customer_id)
        match.kind, match.transfer = Match.Kind.TAX, transfer
    elif target.kind == "family":
        contribution = FamilyContribution.objects.get(pk=target.pk)
        payment = FamilyPayment(
            contribution=contribution, date=day, amount=amount, method=Donation.Method.TRANSFER
        )
        payment.full_clean()
        payment.save()
        match.kind, match.family_payment = Match.Kind.FAMILY, payment
        _remember(line, student_id=contribution.student_id)
    elif target.kind == "refund":
        match.kind, match.refund = Match.Kind.REFUND, Refund.objects.get(pk=target.pk)
    elif target.kind == "supplier":
        match.kind, match.supplier_invoice = (
            Match.Kind.SUPPLIER,
            SupplierInvoice.objects.get(pk=target.pk),
        )
    else:  # pragma: no cover - matching makes no other kind
        raise ReconcileError(_("Unknown kind of match."))
    match.save()
    return match


def match_invoice(line: StatementLine, number: str, by) -> list[Match]:
    """What no suggestion found, the office names: the invoice this credit pays (all of
    it, or part of what it still owes), recorded as a confirmed suggestion would be."""
    number = " ".join(number.split()).upper()
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.status != StatementLine.Status.OPEN:
            raise ReconcileError(_("This line is already reconciled."))
        if line.amount <= 0:
            raise ReconcileError(_("Only a credit pays an invoice."))
        invoice = (
            Invoice.objects.with_balance().select_related("order__customer")
            .filter(number__iexact=number).first()
        )  # fmt: skip
        if invoice is None:
            raise ReconcileError(_("No invoice has the number %(number)s.") % {"number": number})
        if invoice.balance_due < line.amount:
            raise ReconcileError(
                _("%(number)s owes %(due)s, less than this line.")
                % {"number": invoice.number, "due": money(max(invoice.balance_due, ZERO))}
            )
        target = Target(
            "invoice", invoice.pk, f"{invoice.number} · {invoice.order.customer.name}", line.amount
        )
        made = [_record(line, target, by)]
        line.status = StatementLine.Status.MATCHED
        line.done_by, line.done_at = by, timezone.now()
        line.save(update_fields=["status", "done_by", "done_at"])
    return made


def explain(line: StatementLine, explanation: str, by) -> StatementLine:
    """A line that pays nothing the school records (bank fees, a transfer between its own
    accounts) is explained in a word and leaves the list to reconcile."""
    explanation = " ".join(explanation.split())
    if not explanation:
        raise ReconcileError(_("Say in a word what this line is."))
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.status != StatementLine.Status.OPEN:
            raise ReconcileError(_("This line is already reconciled."))
        line.status, line.explanation = StatementLine.Status.EXPLAINED, explanation[:200]
        line.done_by, line.done_at = by, timezone.now()
        line.save(update_fields=["status", "explanation", "done_by", "done_at"])
    return line


def reopen(line: StatementLine, by) -> StatementLine:
    """An explanation given by mistake is taken back: the line is to reconcile again. A
    matched line is not: its payment is cancelled on the invoice, by a reversing entry."""
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.status != StatementLine.Status.EXPLAINED:
            raise ReconcileError(_("Only an explained line can be reopened."))
        line.status, line.explanation, line.done_by, line.done_at = (
            StatementLine.Status.OPEN,
            "",
            by,
            timezone.now(),
        )
        line.save(update_fields=["status", "explanation", "done_by", "done_at"])
    return line


def amount_matched(line: StatementLine) -> Decimal:
    return line.matches.aggregate(s=Sum("amount"))["s"] or ZERO
