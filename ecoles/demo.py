"""The demo school built by `manage.py seed_demo`: deterministic, French, realistic.

Each app adds its own data in `<app>/demo.py` with a `seed(ctx)` function that must be
idempotent (running twice adds nothing). They run in the order of SEEDERS.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils import timezone

from ecoles import calendar, roles
from ecoles.models import Closure, OpenedDay, Policy, School, User, Workshop

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo logins

FIRST_NAMES = [
    "Lucas", "Enzo", "Hugo", "Louis", "Nathan", "Mathis", "Théo", "Tom", "Noah", "Yanis",
    "Rayan", "Adam", "Kylian", "Mohamed", "Maxime", "Léo", "Ethan", "Jules", "Axel", "Evan",
    "Emma", "Léa", "Chloé", "Manon", "Inès", "Camille", "Sarah", "Jade", "Lina", "Zoé",
    "Mathilde", "Clara", "Anaïs", "Yasmine", "Océane", "Lou", "Alice", "Romane", "Nina", "Maëlys",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Benali", "Diallo",
]  # fmt: skip

# username: (first name, last name, role, is_superuser)
DEMO_USERS = {
    "director": ("Claire", "Vasseur", roles.DIRECTOR),
    "office": ("Sophie", "Marchand", roles.OFFICE),
    "trainer": ("Marc", "Delorme", roles.TRAINER),  # woodwork (Menuiserie)
    "mp.usinage": ("Patrick", "Renaud", roles.TRAINER),  # machining
    "mp.cuisine": ("Nadia", "Haddad", roles.TRAINER),  # catering
    "teacher": ("Julien", "Caron", roles.TEACHER),
    "prof.maths": ("Isabelle", "Leclerc", roles.TEACHER),
    "accountant": ("Bernard", "Lemaire", roles.ACCOUNTANT),
}

WORKSHOPS = [
    # name, trade, trainer username
    ("Menuiserie", "Menuisier fabricant", "trainer"),
    ("Usinage", "Réalisation industrielle en usinage", "mp.usinage"),
    ("Restauration", "Cuisine et service en restaurant", "mp.cuisine"),
]


@dataclass
class DemoContext:
    """What every seeder receives: the scale, a seeded random source, the school around."""

    scale: int = 1
    today: dt.date = field(default_factory=timezone.localdate)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))  # noqa: S311
    users: dict[str, User] = field(default_factory=dict)
    workshops: dict[str, Workshop] = field(default_factory=dict)
    progress: Callable[[str], None] = print
    bar: Callable[[str, int, int], None] = lambda label, done, total: None  # noqa: E731
    # What a seeder leaves for a later one (orders' plans for billing's invoices).
    handover: dict = field(default_factory=dict)

    @property
    def school_year_start(self) -> dt.date:
        return Policy.load().school_year_start(self.today)

    def trainer_of(self, workshop: Workshop) -> User:
        return self.users[next(t for name, _, t in WORKSHOPS if name == workshop.name)]


def seed(ctx: DemoContext) -> None:
    """The school itself: users and roles, profile, policy, three workshops."""
    school = School.load()
    if not school.siret:
        school.name = "École de Production de Lyon-Gerland"
        school.legal_form = "Association loi 1901"
        school.address = "12 rue de Gerland"
        school.postal_code = "69007"
        school.city = "Lyon"
        school.phone = "04 78 00 00 00"
        school.email = "contact@ecole-production-demo.fr"
        school.siret = "73282932000074"
        school.uai = "0691234A"
        school.vat_number = "FR44732829320"
        school.iban = "FR76 3000 6000 0112 3456 7890 189"
        school.save()
    Policy.load()

    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    for username, (first, last, role) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.fr"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(groups[role])
        ctx.users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@demo.fr"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    ctx.users["admin"] = admin

    for name, trade, trainer in WORKSHOPS:
        workshop, _ = Workshop.objects.get_or_create(name=name, defaults={"trade": trade})
        workshop.trainers.add(ctx.users[trainer])
        ctx.workshops[name] = workshop
    seed_calendar(ctx)


D = dt.date
# The official zone A dates (Lyon), from the first day without lessons to the day before
# lessons resume, and the Ascension bridge the ministry gives.
ZONE_A = {
    2025: [
        ("Vacances de la Toussaint", D(2025, 10, 18), D(2025, 11, 2)),
        ("Vacances de Noël", D(2025, 12, 20), D(2026, 1, 4)),
        ("Vacances d'hiver", D(2026, 2, 7), D(2026, 2, 22)),
        ("Vacances de printemps", D(2026, 4, 4), D(2026, 4, 19)),
        ("Pont de l'Ascension", D(2026, 5, 15), D(2026, 5, 17)),
    ],
    2026: [
        ("Vacances de la Toussaint", D(2026, 10, 17), D(2026, 11, 1)),
        ("Vacances de Noël", D(2026, 12, 19), D(2027, 1, 3)),
        ("Vacances d'hiver", D(2027, 2, 13), D(2027, 2, 28)),
        ("Vacances de printemps", D(2027, 4, 10), D(2027, 4, 25)),
        ("Pont de l'Ascension", D(2027, 5, 7), D(2027, 5, 9)),
    ],
}


def _saturday_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def zone_a_holidays(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """The zone A holidays of the school year starting in `year`: the published dates for
    2025-2026 and 2026-2027; for other years a plausible rule (two weeks from the third
    Saturday of October, of December, the second of February, the first of April, the
    Friday after Ascension), as the ministry's calendars look."""
    if year in ZONE_A:
        return ZONE_A[year]
    two_weeks = dt.timedelta(days=15)
    ascension = calendar.easter(year + 1) + dt.timedelta(days=39)
    periods = []
    for name, first in [
        ("Vacances de la Toussaint", D(year, 10, 15)),
        ("Vacances de Noël", D(year, 12, 17)),
        ("Vacances d'hiver", D(year + 1, 2, 6)),
        ("Vacances de printemps", D(year + 1, 4, 4)),
    ]:
        start = _saturday_from(first)
        periods.append((name, start, start + two_weeks))
    periods.append(
        ("Pont de l'Ascension", ascension + dt.timedelta(days=1), ascension + dt.timedelta(days=3))
    )
    return periods


def seed_calendar(ctx: DemoContext) -> None:
    """The demo's school years (ctx.scale of them, and the next when it starts within a
    month): zone A holidays, the summer, a staff training day; two days the director
    opened (a Saturday market before Christmas, the spring open day)."""
    policy = Policy.load()
    current = policy.school_year_start(ctx.today)
    years = range(current.year - ctx.scale + 1, current.year + 1)
    if policy.school_year_start(ctx.today + dt.timedelta(days=31)) != current:
        years = range(years.start, current.year + 2)
    rows = []
    for year in years:
        start = policy.school_year_start(D(year, 12, 31))
        following = start.replace(year=start.year + 1)
        periods = list(zone_a_holidays(year))
        winter = next(first for name, first, _ in periods if name == "Vacances d'hiver")
        periods.append(("Formation de l'équipe pédagogique", winter - dt.timedelta(days=8),
                        winter - dt.timedelta(days=8)))  # fmt: skip
        summer = _saturday_from(D(year + 1, 7, 1))
        periods.append(("Vacances d'été", summer, following - dt.timedelta(days=1)))
        for name, first, last in periods:
            kind = Closure.Kind.HOLIDAY if name.startswith("Vacances") else Closure.Kind.CLOSING
            rows.append(Closure(kind=kind, name=name, first_day=first, last_day=last))
    known = set(Closure.objects.values_list("name", "first_day"))
    Closure.objects.bulk_create([r for r in rows if (r.name, r.first_day) not in known])
    director = ctx.users["director"]
    for year in years:
        christmas = next(
            first for name, first, _ in zone_a_holidays(year) if name == "Vacances de Noël"
        )
        for day, reason in [
            (
                christmas - dt.timedelta(days=7),
                "Marché de Noël de l'école : vente des réalisations",
            ),
            (_saturday_from(D(year + 1, 3, 14)), "Portes ouvertes : visite des ateliers"),
        ]:
            OpenedDay.objects.get_or_create(
                day=day, defaults={"reason": reason, "opened_by": director}
            )
