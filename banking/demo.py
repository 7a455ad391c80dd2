"""The demo school's bank (issue 29 §1): its account, the CSV mapping of its bank, an IBAN
already known for one customer, and a month's statement in the three formats, written to
the media folder (bank/demo/) for the office to import: transfers that pay one invoice,
two invoices at once, part of one, a donation, something unknown, and the bank's fees.

The movements are read from the seeded demo (its owed invoices, its donors), so the files
fit the demo of any day; banking/demo/ in the repository holds those of a demo seeded on
7 December 2026, which tests/banking/test_demo.py rebuilds and compares."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from banking import samples
from banking.models import BankAccount, CsvMapping, KnownIban, compact_iban
from banking.samples import Movement
from billing.models import Invoice
from budget.models import Donor
from ecoles.demo import DemoContext
from ecoles.models import School

D = Decimal
FILES = {
    "camt053": "releve.camt053.xml",
    "ofx": "releve.ofx",
    "csv": "releve.csv",
}
STORED = "bank/demo/"
REPOSITORY = Path(__file__).parent / "demo"


def rib_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN from a RIB: its key (97 - (89 b + 15 g + 3 c) mod 97), then the
    IBAN's own (ISO 7064 mod 97-10)."""
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    number = int("".join(str(int(c, 36)) for c in f"{bban}FR00"))
    return f"FR{98 - number % 97:02d}{bban}"


def customer_iban(name: str) -> str:
    """A customer's IBAN made from its name, so that the files do not depend on the
    database's keys (the same on SQLite and PostgreSQL, whatever ran before)."""
    number = int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) % 10**11
    return rib_iban("10107", "00101", f"{number:011d}")


def seed(ctx: DemoContext) -> None:
    if BankAccount.objects.exists():
        return  # seeded before (idempotent)
    school = School.load()
    iban = compact_iban(school.iban) or rib_iban("30006", "00001", "12345678901")
    account = BankAccount(name="Compte courant", iban=iban, bic="AGRIFRPP")
    account.full_clean()
    account.save()
    CsvMapping.objects.create(account=account, **samples.CSV_MAPPING)
    movements = month_movements(ctx.today)
    for name, data in statement_files(account, movements).items():
        path = STORED + name
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(data))
    ctx.progress(f"banking: a statement of {len(movements)} movements in {STORED}")


def month_movements(today: dt.date) -> list[Movement]:
    """The month's movements, from what the demo owes the school today."""
    owed = list(
        Invoice.objects.owed().select_related("order__customer").order_by("issue_date", "pk")
    )
    movements: list[Movement] = []
    used: set[int] = set()

    def day_after(*invoices: Invoice, back: int) -> dt.date:
        return max([today - dt.timedelta(days=back), *(i.issue_date for i in invoices)])

    def ref(n: int) -> str:
        return f"{today:%Y%m}DEMO{n:04d}"

    # Two invoices of one customer in one transfer, from an IBAN the school already knows.
    by_customer: dict[int, list[Invoice]] = {}
    for invoice in owed:
        by_customer.setdefault(invoice.order.customer_id, []).append(invoice)
    pair = next((items[:2] for items in by_customer.values() if len(items) >= 2), None)
    if pair:
        customer = pair[0].order.customer
        iban = customer_iban(customer.name)
        KnownIban.objects.get_or_create(iban=iban, customer=customer)
        movements.append(Movement(
            day_after(*pair, back=18), pair[0].balance_due + pair[1].balance_due,
            customer.name.upper(), f"VIR SEPA FACTURES {pair[0].number} {pair[1].number}",
            ref(1), iban=iban, end_to_end=f"E2E-{pair[0].number}",
        ))  # fmt: skip
        used |= {pair[0].pk, pair[1].pk}
    rest = [i for i in owed if i.pk not in used]
    # One invoice paid in full, its number as the bank rewrote it.
    if rest:
        one = rest.pop(0)
        movements.append(Movement(
            day_after(one, back=14), one.balance_due, one.order.customer.name.upper(),
            f"VIREMENT {one.number.replace('-', ' ')}", ref(2),
            iban=customer_iban(one.order.customer.name),
        ))  # fmt: skip
    # Part of one: a first instalment on a larger invoice.
    if rest:
        part = max(rest, key=lambda i: (i.balance_due, -i.pk))
        rest.remove(part)
        share = (part.balance_due * D("0.4")).quantize(D("1"))
        movements.append(Movement(
            day_after(part, back=10), share, part.order.customer.name.upper(),
            f"ACOMPTE {part.number}", ref(3), iban=customer_iban(part.order.customer.name),
        ))  # fmt: skip
    # A donor's gift, by name.
    donor = Donor.objects.filter(kind=Donor.Kind.PERSON).order_by("pk").first()
    if donor:
        movements.append(Movement(
            today - dt.timedelta(days=7), D("150.00"), donor.name.upper(),
            "DON ECOLE DE PRODUCTION", ref(4), iban=rib_iban("20041", "01005", "00000045678"),
        ))  # fmt: skip
    # Something nobody at the school recognises, and the bank's own fees.
    movements.append(Movement(
        today - dt.timedelta(days=5), D("87.00"), "M OU MME LEROUX", "VIR INST REGLEMENT",
        ref(5), iban=rib_iban("30004", "00820", "00012345678"),
    ))  # fmt: skip
    movements.append(Movement(
        today - dt.timedelta(days=2), D("-8.40"), "CREDIT AGRICOLE", "FRAIS TENUE DE COMPTE",
        ref(6),
    ))  # fmt: skip
    return sorted(movements, key=lambda m: (m.date, m.reference))


def statement_files(account: BankAccount, movements: list[Movement]) -> dict[str, bytes]:
    return {
        FILES["camt053"]: samples.camt053(account.iban, movements, statement_id="DEMO"),
        FILES["ofx"]: samples.ofx(movements, version=1),
        FILES["csv"]: samples.csv_export(movements),
    }
