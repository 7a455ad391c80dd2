"""Demo budget: the current and previous budget years (and more at a larger scale), and
the ledgers their computed actuals come from: donors with tax receipts (one cancelled and
replaced), the apprenticeship tax campaigns with promises and transfers, two grants with
their instalments (one report due soon), families' contributions and payments.

Runs last, after the invoices exist, so that the production share shows real figures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history
from stdnum import luhn

from budget import receipts
from budget.models import (
    BudgetLine,
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    TaxCampaign,
    Transfer,
)
from ecoles.demo import DemoContext
from ecoles.models import School
from orders.models import Customer
from students.models import Student

# (kind, source or category, label, funder, planned amount for a 36-pupil school)
R, E, D = "resource", "expense", Decimal
PLAN = [
    (R, "production", "Ventes de la production", "", D("165000")),
    (R, "apprenticeship_tax", "Taxe d'apprentissage (solde via SOLTéA)", "", D("95000")),
    (R, "donations", "Dons et mécénat d'entreprises", "", D("70000")),
    (R, "grants", "Subvention régionale", "Région Auvergne-Rhône-Alpes", D("110000")),
    (R, "grants", "Subvention de l'État (art. L443-6)", "Ministère du Travail", D("45000")),
    (R, "grants", "Subvention de la Métropole", "Métropole de Lyon", D("25000")),
    (R, "families", "Contributions des familles", "", D("12000")),
    (R, "other", "Autres produits", "", D("6000")),
    (E, "staff", "Salaires et charges", "", D("360000")),
    (E, "premises", "Loyer, énergie, entretien", "", D("52000")),
    (E, "materials", "Matières premières et fournitures", "", D("48000")),
    (E, "equipment", "Outillage et machines", "", D("26000")),
    (E, "pupils", "Repas, transports et tenues des élèves", "", D("30000")),
    (E, "other", "Frais généraux", "", D("14000")),
]  # fmt: skip
COMPUTED = {"production", "apprenticeship_tax", "donations", "grants", "families", "materials"}

PERSONS = [
    ("Jean Dupuis", "8 rue Mercière", "69002", "Lyon"),
    ("Martine Roche", "21 avenue Berthelot", "69007", "Lyon"),
    ("Paul et Anne Girard", "3 chemin des Vignes", "69130", "Écully"),
    ("Hélène Fabre", "45 cours Vitton", "69006", "Lyon"),
    ("Marc Lefèvre", "12 rue de la Part-Dieu", "69003", "Lyon"),
]
COMPANIES = [
    ("Fondation Rhône Avenir", "10 quai Perrache", "69002", "Lyon"),
    ("Boiseries Lyonnaises SARL", "5 rue de l'Industrie", "69100", "Villeurbanne"),
    ("Mécanique de Précision Gerland", "88 avenue Tony Garnier", "69007", "Lyon"),
]
TAX_COMPANIES = [
    ("Aciéries du Rhône", "Mme Berthier", D("8000")),
    ("Groupe Bâtiment Confluence", "M. Tessier", D("12500")),
    ("Imprimerie Saint-Jean", "Mme Colin", D("3500")),
    ("Transports Vallée du Gier", "M. Perrin", D("6000")),
    ("Laboratoires Lumière", "Mme Nguyen", D("15000")),
    ("Cuisines Pro Lyon", "M. Arnaud", None),
]


def _siren(n: int) -> str:
    base = f"{80000000 + n * 7919:08d}"
    return base + luhn.calc_check_digit(base)


def _actual(ctx: DemoContext, planned: Decimal, elapsed: Decimal) -> Decimal:
    """What was received or spent so far: the plan, with some noise, for the time elapsed."""
    noise = Decimal(ctx.rng.randint(88, 108)) / 100
    return (planned * elapsed * noise).quantize(Decimal("1"))


def seed(ctx: DemoContext) -> None:
    years = []
    day = ctx.today
    for _ in range(max(2, ctx.scale)):
        years.append(BudgetYear.for_day(day))
        day = years[-1].start - dt.timedelta(days=1)
    for year in years:
        if year.lines.exists():
            continue
        if year.end < ctx.today:
            elapsed = Decimal(1)
        else:
            elapsed = Decimal((ctx.today - year.start).days + 1) / Decimal(
                (year.end - year.start).days + 1
            )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                year=year,
                kind=kind,
                source=key if kind == "resource" else "",
                category=key if kind == "expense" else "",
                label=label,
                funder=funder,
                planned=planned,
                # The ledgers' actuals are computed (SPEC.md R11): only the others are typed.
                actual=None if key in COMPUTED else _actual(ctx, planned, elapsed),
            )
            for kind, key, label, funder, planned in PLAN
        )
    if Donor.objects.exists():
        return  # the ledgers were seeded before (idempotent)
    if ctx.scale > 1:
        _history_gifts(ctx, years)
    _donations(ctx, years)
    _apprenticeship_tax(ctx, years)
    _grants(ctx, years)
    _families(ctx, years)
    ctx.progress(f"budget: {Donation.objects.count()} donations, {Grant.objects.count()} grants")
    if ctx.scale > 1:
        _history(ctx, years)


def _history(ctx: DemoContext, years: list[BudgetYear]) -> None:
    """At scale N, the years before the two the demo shows in full: the
    region's and the metropole's grants with their instalments received and reports sent,
    the families' contributions of the pupils then in the school and their payments (the
    tax campaigns of every year are made by _apprenticeship_tax). Own random source;
    bulk, with history where the model is audited."""
    rng = random.Random(11)  # noqa: S311 (demo data)
    office = ctx.users["office"]
    older = years[2:]
    for year in older:
        region = Grant(
            funder="Région Auvergne-Rhône-Alpes",
            programme=f"Écoles de production {year.start.year}-{year.start.year + 1}",
            amount_granted=D("100000") + D(1000) * rng.randint(0, 10),
            agreement_start=year.start, agreement_end=year.end,
            conditions="Accueil d'au moins 36 élèves ; bilan d'activité à mi-parcours.",
            report_due=year.end + dt.timedelta(days=90),
            report_sent_on=year.end + dt.timedelta(days=rng.randint(40, 80)),
        )  # fmt: skip
        metropole = Grant(
            funder="Métropole de Lyon",
            programme=f"Insertion des jeunes {year.start.year}-{year.start.year + 1}",
            amount_granted=D("25000"), agreement_start=year.start, agreement_end=year.end,
            conditions="Rapport final avec le devenir des élèves sortis.",
            report_due=year.end + dt.timedelta(days=60),
            report_sent_on=year.end + dt.timedelta(days=rng.randint(30, 55)),
        )  # fmt: skip
        for grant in (region, metropole):
            grant.save()
            half = grant.amount_granted / 2
            Instalment.objects.bulk_create(
                Instalment(
                    grant=grant,
                    expected_on=day,
                    expected_amount=half,
                    received_on=day + dt.timedelta(days=rng.randint(0, 12)),
                    received_amount=half,
                )  # fmt: skip
                for day in (year.start + dt.timedelta(days=45), year.start + dt.timedelta(days=200))
            )
    contributions = []
    for year in older:
        pupils = Student.objects.present_during(year.start, year.end).order_by("pk")
        contributions += [
            FamilyContribution(student=s, year=year, amount_due=D("300")) for s in pupils
        ]
    contributions = bulk_create_with_history(
        contributions, FamilyContribution, batch_size=2000, default_user=office
    )
    payments = []
    for c in contributions:
        for term in range(3):
            if rng.random() < 0.9:
                payments.append(
                    FamilyPayment(
                        contribution=c, date=c.year.start + dt.timedelta(days=20 + 120 * term),
                        amount=D("100"), method=rng.choice(["transfer", "cheque", "cash"]),
                    )
                )  # fmt: skip
    bulk_create_with_history(payments, FamilyPayment, batch_size=2000, default_user=office)
    ctx.progress(
        f"budget: history of {2 * len(older)} "
        f"grants, {len(contributions)} family contributions, {len(payments)} payments"
    )


def _history_gifts(ctx: DemoContext, years: list[BudgetYear]) -> None:
    """At scale N, a dozen gifts each past year from donors of those years, made before
    _donations so that its pass issues their tax receipts with the others, in date order
    (the series runs with the dates). Own random source; bulk, with history."""
    rng = random.Random(11)  # noqa: S311 (demo data)
    today = ctx.today
    office = ctx.users["office"]
    donors = [
        Donor.objects.create(
            kind=Donor.Kind.PERSON,
            name=f"{first} {last}",
            address=f"{n + 3} rue Garibaldi",
            postal_code="69007",
            city="Lyon",
        )  # fmt: skip
        for n, (first, last) in enumerate(
            [("Alain", "Perret"), ("Sylvie", "Charpin"), ("Gérard", "Bouvier"), ("Nicole", "Rey")]
        )
    ]
    donors.append(
        Donor.objects.create(
            kind=Donor.Kind.COMPANY, name="Charpente Rhodanienne SAS", siren=_siren(9),
            address="7 rue Croix-Barret", postal_code="69007", city="Lyon",
        )
    )  # fmt: skip
    gifts = []
    for year in years[1:]:
        span = (min(year.end, today) - year.start).days
        for _ in range(12):
            donor = rng.choice(donors)
            big = donor.kind == Donor.Kind.COMPANY
            day = year.start + dt.timedelta(days=rng.randrange(max(span, 1)))
            amount = D(rng.choice([3000, 5000, 8000]) if big else rng.choice([50, 100, 200, 400]))
            gifts.append(
                Donation(
                    donor=donor, date=day, amount=amount, received_on=day,
                    method=rng.choice(["transfer", "cheque"]),
                    form=Donation.Form.PRIVATE_DEED if big else Donation.Form.MANUAL_GIFT,
                    campaign="Campagne de fin d'année" if day.month in (11, 12) else "",
                )
            )  # fmt: skip
    gifts = bulk_create_with_history(gifts, Donation, default_user=office)
    ctx.progress(f"budget: history of {len(gifts)} donations")


def _donations(ctx: DemoContext, years: list[BudgetYear]) -> None:
    rng, today = ctx.rng, ctx.today
    school = School.load()
    if not school.receipt_signatory:
        director = ctx.users.get("director")
        school.receipt_signatory = director.get_full_name() if director else "La direction"
        school.receipt_signatory_title = "Directrice"
        school.save()
    office = ctx.users.get("office")
    start = years[-1].start
    donors = [
        Donor.objects.create(kind=Donor.Kind.PERSON, name=n, address=a, postal_code=p, city=c)
        for n, a, p, c in PERSONS
    ] + [
        Donor.objects.create(
            kind=Donor.Kind.COMPANY, name=n, siren=_siren(i), address=a, postal_code=p, city=c
        )
        for i, (n, a, p, c) in enumerate(COMPANIES, start=1)
    ]
    span = (today - start).days
    gifts = []
    for donor in donors:
        big = donor.kind == Donor.Kind.COMPANY
        for _ in range(rng.randint(2, 4)):
            day = start + dt.timedelta(days=rng.randrange(span))
            amount = D(
                rng.choice([5000, 8000, 12000, 15000])
                if big
                else rng.choice([50, 100, 150, 300, 500])
            )
            method = rng.choice(["transfer", "cheque"] if big else ["cheque", "card", "transfer"])
            received = min(day + dt.timedelta(days=rng.randint(0, 6)), today)
            gifts.append(
                Donation(
                    donor=donor, date=day, amount=amount, method=method, received_on=received,
                    form=Donation.Form.MANUAL_GIFT if not big else Donation.Form.PRIVATE_DEED,
                    campaign="Campagne de fin d'année" if day.month in (11, 12) else "",
                )
            )  # fmt: skip
    # A sponsorship whose counterpart (1 200 € of publicity) is beyond the quarter of the
    # gift the BOFiP tolerates (no receipt), a gift in kind, one not received yet.
    gifts.append(
        Donation(
            donor=donors[-1], date=today - dt.timedelta(days=40), amount=D("3000"),
            method="transfer", received_on=today - dt.timedelta(days=35), counterpart=True,
            counterpart_value=D("1200"), campaign="Parrainage du trophée des métiers",
        )
    )  # fmt: skip
    gifts.append(
        Donation(
            donor=donors[-2], date=today - dt.timedelta(days=60), amount=D("2400"),
            nature=Donation.Nature.IN_KIND, method="", received_on=today - dt.timedelta(days=60),
            description="Chêne massif en plots, 1,2 m³",
        )
    )  # fmt: skip
    gifts.append(
        Donation(
            donor=donors[0], date=today - dt.timedelta(days=3), amount=D("200"), method="cheque"
        )
    )
    # A regular donor's monthly gifts of last autumn: one annual summary receipt for them.
    for month in (9, 10, 11, 12):
        day = dt.date(today.year - 1, month, 5)
        gifts.append(
            Donation(
                donor=donors[1], date=day, amount=D("30"), method="transfer", received_on=day,
                campaign="Dons mensuels",
            )
        )  # fmt: skip
    Donation.objects.bulk_create(gifts)
    # Receipts in date order, so that the series runs with the dates: a regular donor gets
    # one annual summary for last year; one receipt, to a wrong name, is cancelled and
    # replaced nine days later.
    regular, misnamed = donors[1], donors[2]
    events = []
    for donation in Donation.objects.receiptable().order_by("received_on", "pk"):
        if donation.donor_id == regular.pk and donation.received_on.year < today.year:
            continue
        events.append((donation.received_on, "receipt", donation))
    if Donation.objects.filter(donor=regular, received_on__year=today.year - 1).exists():
        events.append((dt.date(today.year, 1, 15), "annual", regular))
    first = next((e for e in events if e[1] == "receipt" and e[2].donor_id == misnamed.pk), None)
    if first:
        events.append((min(first[0] + dt.timedelta(days=9), today), "replace", first[2]))
    for day, action, subject in sorted(events, key=lambda e: (e[0], e[1] == "replace")):
        if action == "receipt":
            receipts.issue_receipt(subject, office, today=day, render=False)
        elif action == "annual":
            receipts.issue_annual_receipt(subject, day.year - 1, office, today=day, render=False)
        else:
            wrong = subject.receipt_lines.get().receipt
            receipts.cancel_receipt(wrong, office, reason="Nom du donateur incomplet")
            Donor.objects.filter(pk=misnamed.pk).update(name="Paul et Anne Girard-Moreau")
            receipts.issue_receipt(subject, office, today=day, render=False)


def _apprenticeship_tax(ctx: DemoContext, years: list[BudgetYear]) -> None:
    rng, today = ctx.rng, ctx.today
    customers = list(Customer.objects.filter(kind=Customer.Kind.COMPANY).order_by("pk")[:2])
    for campaign_year in range(years[-1].start.year, today.year + 1):
        campaign = TaxCampaign.objects.create(year=campaign_year)
        companies = [(c.name, "", D(rng.choice([2000, 4000])), c) for c in customers]
        companies += [(n, contact, amount, None) for n, contact, amount in TAX_COMPANIES]
        for n, (name, contact, amount, customer) in enumerate(companies):
            status = Pledge.Status.PROMISED if amount else Pledge.Status.DECLINED
            pledge = Pledge.objects.create(
                campaign=campaign, company=name, customer=customer, contact_name=contact,
                status=status, amount=amount, share=D("100") if amount and n % 2 else None,
                last_contact=min(dt.date(campaign_year, 3, 10 + n), today),
                follow_up="Relance par téléphone en mars, promesse confirmée par courriel."
                if amount else "Ne souhaite pas donner cette année.",
            )  # fmt: skip
            paid_on = dt.date(campaign_year, 7, 15) + dt.timedelta(days=n * 11)
            if amount and paid_on <= today and n != 3:  # one promise not kept yet
                Transfer.objects.create(
                    campaign=campaign, date=paid_on, amount=amount, pledge=pledge,
                    reference=f"SOLTEA-{campaign_year}-{n + 1:05d}",
                )  # fmt: skip
                Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.RECEIVED)
        remainder = dt.date(campaign_year, 11, 20)
        if remainder <= today:
            Transfer.objects.create(
                campaign=campaign, date=remainder, amount=D("41250"),
                kind=Transfer.Kind.UNALLOCATED, reference=f"CDC-{campaign_year}-SOLDE",
            )  # fmt: skip


def _grants(ctx: DemoContext, years: list[BudgetYear]) -> None:
    today = ctx.today
    current, previous = years[0], years[1]
    region = Grant.objects.create(
        funder="Région Auvergne-Rhône-Alpes", programme="Écoles de production 2026-2027",
        amount_granted=D("110000"), agreement_start=current.start, agreement_end=current.end,
        conditions="Accueil d'au moins 36 élèves ; bilan d'activité à mi-parcours.",
        report_due=today + dt.timedelta(days=18),
    )  # fmt: skip
    for n, (day, amount) in enumerate(
        [
            (current.start + dt.timedelta(days=45), D("55000")),
            (current.start + dt.timedelta(days=200), D("55000")),
        ]
    ):
        received = day <= today
        Instalment.objects.create(
            grant=region, expected_on=day, expected_amount=amount,
            received_on=day + dt.timedelta(days=n) if received else None,
            received_amount=amount if received else None,
        )  # fmt: skip
    metropole = Grant.objects.create(
        funder="Métropole de Lyon", programme="Insertion des jeunes 2025-2026",
        amount_granted=D("25000"), agreement_start=previous.start, agreement_end=previous.end,
        conditions="Rapport final avec le devenir des élèves sortis.",
        report_due=previous.end + dt.timedelta(days=60),
        report_sent_on=min(previous.end + dt.timedelta(days=40), today),
    )  # fmt: skip
    for day, amount in [
        (previous.start + dt.timedelta(days=30), D("15000")),
        (previous.start + dt.timedelta(days=240), D("10000")),
    ]:
        Instalment.objects.create(
            grant=metropole, expected_on=day, expected_amount=amount,
            received_on=day + dt.timedelta(days=5), received_amount=amount,
        )  # fmt: skip


def _families(ctx: DemoContext, years: list[BudgetYear]) -> None:
    rng, today = ctx.rng, ctx.today
    pupils = list(Student.objects.enrolled().order_by("pk"))
    for year in years[:2]:
        contributions = FamilyContribution.objects.bulk_create(
            FamilyContribution(student=s, year=year, amount_due=D("330")) for s in pupils
        )
        payments = []
        for c in contributions:
            for term in range(3):
                day = year.start + dt.timedelta(days=20 + 120 * term)
                if day <= today and rng.random() < 0.85:
                    payments.append(
                        FamilyPayment(
                            contribution=c, date=day, amount=D("110"),
                            method=rng.choice(["transfer", "cheque", "cash"]),
                        )
                    )  # fmt: skip
        FamilyPayment.objects.bulk_create(payments)
