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

from ecoles import roles
from ecoles.models import Policy, School, User, Workshop

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
