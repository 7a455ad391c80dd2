"""Demo budget: the current and previous budget years (and more at a larger scale).

Runs last, after the invoices exist, so that the production share shows real figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from budget.models import BudgetLine, BudgetYear
from ecoles.demo import DemoContext

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
                actual=None if key == "production" else _actual(ctx, planned, elapsed),
            )
            for kind, key, label, funder, planned in PLAN
        )
