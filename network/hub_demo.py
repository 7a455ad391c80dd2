"""The network's demo hub (`manage.py seed_network`, `make run-network`): three member
schools, the demo school among them, with several school years of figures; one school
small enough that some of its figures are hidden, one late for the last year; the
network's staff login; the shipped référentiels published. Deterministic and idempotent.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone

from ecoles.models import Policy, School, User
from ecoles.roles import NETWORK_STAFF
from network import referentiels
from network.models import MemberSchool, PublishedReferentiel, Report
from network.payload import FORMAT
from network.receiving import record
from skills import importing
from skills.models import DiplomaVersion
from students.indicators import current_school_year, school_year_bounds

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo logins
YEARS = 4
# (name, UAI, SIRET, pupils): the first is the demo school (ecoles.demo).
SCHOOLS = [
    ("École de Production de Lyon-Gerland", "0691234A", "73282932000074", 44),
    ("École de Production de Toulouse", "0312345B", "", 70),
    ("École de Production du Cambrésis", "0593456C", "", 12),
]
REFERENTIELS = ("cap-menuisier-fabricant.csv", "bac-pro-technicien-menuisier-agenceur.csv")


def figures(name: str, uai: str, siret: str, pupils: int, year: int) -> dict:
    """A plausible year of one school, every rule of network.validation kept."""
    rng = random.Random(f"{uai}-{year}")  # noqa: S311 - demo figures, not secrets
    enrolled = pupils + rng.randint(-3, 3)
    entered = round(enrolled * rng.uniform(0.35, 0.45))
    leavers = round(enrolled * rng.uniform(0.3, 0.4))
    dropped = min(leavers, round(enrolled * rng.uniform(0.03, 0.1)))
    sat = leavers - dropped
    sat_cap = round(sat * 0.7)
    sat_bac = sat - sat_cap
    passed_cap = round(sat_cap * rng.uniform(0.75, 0.95))
    passed_bac = round(sat_bac * rng.uniform(0.7, 0.95))
    known_6m = leavers - rng.randint(0, min(2, leavers))
    placed_6m = round(known_6m * rng.uniform(0.7, 0.9))
    further = round(placed_6m * rng.uniform(0.2, 0.35))
    known_12m = max(0, known_6m - rng.randint(0, 2))
    placed_12m = round(known_12m * rng.uniform(0.75, 0.95))
    expected = enrolled * 290
    unrecorded = rng.randint(0, enrolled * 3)
    attended = round((expected - unrecorded) * rng.uniform(0.86, 0.95))
    resources = {
        "production": Decimal(enrolled * rng.randint(6000, 8500)),
        "donations": Decimal(enrolled * rng.randint(500, 1500)),
        "apprenticeship_tax": Decimal(enrolled * rng.randint(1500, 2500)),
        "grants": Decimal(enrolled * rng.randint(2000, 3500)),
        "families": Decimal(enrolled * rng.randint(0, 300)),
    }
    policy = Policy.load()
    start, end = school_year_bounds(year, policy)
    return {
        "format": FORMAT,
        "school": {"uai": uai, "siret": siret, "name": name},
        "year": f"{year}-{year + 1}",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "pupils": {
            "enrolled": enrolled, "entered": entered, "leavers": leavers,
            "dropped_out": dropped, "left_without_qualification": leavers - passed_cap - passed_bac,
        },
        "exams": {
            "by_programme": {
                "cap": {"sat": sat_cap, "passed": passed_cap},
                "bac_pro": {"sat": sat_bac, "passed": passed_bac},
                "other": {"sat": 0, "passed": 0},
            },
            "total": {"sat": sat, "passed": passed_cap + passed_bac},
        },
        "outcomes": {
            "6_months": {"leavers": leavers, "known": known_6m, "placed": placed_6m,
                         "further_study": further},
            "12_months": {"leavers": leavers, "known": known_12m, "placed": placed_12m},
        },
        "attendance": {"expected_half_days": expected, "attended_half_days": attended,
                       "unrecorded_half_days": unrecorded,
                       "pupils_on_the_last_day": enrolled - leavers,
                       "dropout_signals": rng.randint(0, max(0, (enrolled - leavers) // 8))},
        "budget": {
            "resources": {k: f"{v:.2f}" for k, v in resources.items()},
            "total": f"{sum(resources.values()):.2f}",
        },
        "hours": {"production": f"{enrolled * rng.randint(900, 1100)}.00",
                  "theory": f"{enrolled * rng.randint(420, 520)}.00"},
    }  # fmt: skip


def seed(stdout=None) -> list[MemberSchool]:
    school = School.load()
    if school.name == School._meta.get_field("name").default:
        school.name = "Fédération nationale des Écoles de Production"
        school.city = "Lyon"
        school.save()
    staff, created = User.objects.get_or_create(
        username="reseau", defaults={"first_name": "Nadia", "last_name": "Ferrand"}
    )
    if created:
        staff.set_password(DEMO_PASSWORD)
        staff.save(update_fields=["password"])
    staff.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF)[0])
    current = current_school_year(timezone.localdate(), Policy.load())
    members = []
    for position, (name, uai, siret, pupils) in enumerate(SCHOOLS):
        member, _created = MemberSchool.objects.get_or_create(
            uai=uai, defaults={"name": name, "siret": siret}
        )
        members.append(member)
        for year in range(current - YEARS, current):
            late = position == 1 and year == current - 1  # Toulouse has not sent yet
            if late or Report.objects.filter(school=member, year=year).exists():
                continue
            data = figures(name, uai, siret, pupils, year)
            record(member, data, year, by="seed_network", via=Report.Via.UPLOAD)
    folder = Path(importing.__file__).resolve().parent / "referentiels"
    for filename in REFERENTIELS:
        if not (folder / filename).exists():
            continue
        with (folder / filename).open("rb") as upload:
            importing.import_file(upload)
    for version in DiplomaVersion.objects.select_related("diploma"):
        if not PublishedReferentiel.objects.filter(
            code=version.diploma.code, version=version.label
        ).exists():
            referentiels.publish(version, by="seed_network")
    return members
