"""Demo customers and orders in every state.

Orders are written in bulk, each with its creation record in the history (by the office, on
the day of the quote). Those planned as invoiced or paid are left delivered here and handed
to billing/demo.py, which issues their invoices through `billing.invoicing`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history
from stdnum import luhn
from stdnum.fr import tva

from ecoles.demo import FIRST_NAMES, LAST_NAMES, DemoContext
from orders.models import (
    TRANSITIONS,
    Contact,
    Customer,
    Delivery,
    Material,
    Order,
    OrderEvent,
    OrderLine,
)

D = Decimal
S = Order.Status

COMPANIES = [
    ("Boulangerie Fournier", "12 rue Mercière", "69002", "Lyon"),
    ("Menuiserie Lambert SARL", "45 avenue Jean Jaurès", "69007", "Lyon"),
    ("Mécanique de Précision du Rhône", "8 rue de l'Industrie", "69200", "Vénissieux"),
    ("Hôtel des Célestins", "4 rue des Archers", "69002", "Lyon"),
    ("Mairie de Saint-Fons", "Place Roger Salengro", "69190", "Saint-Fons"),
    ("Clinique du Parc", "155 boulevard de Stalingrad", "69006", "Lyon"),
    ("Garage Moreau & Fils", "21 route de Vienne", "69008", "Lyon"),
    ("Librairie Passages", "11 rue de Brest", "69002", "Lyon"),
    ("Hydraulique Industrie SAS", "3 allée des Savoies", "69800", "Saint-Priest"),
    ("Crèche Les Petits Loups", "27 rue Garibaldi", "69003", "Lyon"),
    ("Cabinet Durand Architectes", "9 quai Saint-Vincent", "69001", "Lyon"),
    ("Brasserie Georges", "30 cours de Verdun", "69002", "Lyon"),
    ("Lycée Lumière", "50 boulevard des États-Unis", "69008", "Lyon"),
    ("Transports Girard", "ZI Mi-Plaine", "69330", "Meyzieu"),
    ("Association Habitat et Humanisme", "69 chemin de Vassieux", "69300", "Caluire"),
    ("Robotique Alpes Rhône", "2 rue Paul Bert", "69100", "Villeurbanne"),
]

STREETS = ["de la République", "Garibaldi", "Paul Bert", "des Lilas", "Victor Hugo"]

CATALOGUE = {
    "Menuiserie": {
        "titles": [
            "Bibliothèque en chêne", "Table de réfectoire", "Bancs de jardin", "Meuble TV",
            "Comptoir d'accueil", "Étagères sur mesure", "Escalier en hêtre", "Bureau d'angle",
            "Jardinières en mélèze", "Vestiaire pour crèche",
        ],
        "lines": [("Fabrication selon plan", "u", (350, 2400), "20"),
                  ("Pose sur site", "h", (40, 48), "20")],
        "materials": [("Planches de chêne massif", "Bois & Matériaux Lyon", (80, 600)),
                      ("Quincaillerie et vernis", "Würth", (20, 120))],
        "hours": (20, 90),
    },
    "Usinage": {
        "titles": [
            "Série d'axes inox", "Brides acier usinées", "Pièces de rechange pour presse",
            "Outillage de contrôle", "Bagues bronze", "Supports de capteurs",
            "Platines aluminium", "Entretoises filetées",
        ],
        "lines": [("Pièce usinée selon plan", "u", (4, 45), "20"),
                  ("Programmation et réglage", "forfait", (120, 400), "20")],
        "materials": [("Barres inox 316L", "Metalinox", (60, 500)),
                      ("Plaques aluminium 5083", "Alu Rhône", (40, 300))],
        "hours": (15, 70),
    },
    "Restauration": {
        "titles": [
            "Buffet pour séminaire", "Cocktail déjeunatoire", "Repas de fin d'année",
            "Plateaux-repas", "Déjeuner d'inauguration", "Goûter de kermesse",
            "Dîner de gala", "Petit-déjeuner d'entreprise",
        ],
        "lines": [("Menu préparé et servi", "pers", (14, 38), "10"),
                  ("Boissons (vins et softs)", "pers", (3, 9), "20")],
        "materials": [("Denrées alimentaires", "Metro Lyon", (120, 900)),
                      ("Boissons", "Cash Boissons", (40, 250))],
        "hours": (10, 45),
    },
}  # fmt: skip

# Each workshop's current school year shows every state, oldest first.
CURRENT_STATES = [
    S.PAID, S.PAID, S.CANCELLED, S.INVOICED, S.INVOICED, S.INVOICED, S.REFUSED,
    S.DELIVERED, S.REWORK, S.IN_PRODUCTION, S.IN_PRODUCTION, S.EXPIRED,
    S.ACCEPTED, S.ACCEPTED, S.SENT, S.DRAFT,
]  # fmt: skip


def make_siret(rng) -> str:
    siren8 = "".join(str(rng.randrange(10)) for _ in range(8))
    siren8 = str(rng.randrange(3, 9)) + siren8[1:]
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic = f"{rng.randrange(1, 99):04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def french_vat_number(siren: str) -> str:
    """FR + key + SIREN, the key being (12 + 3 × (SIREN mod 97)) mod 97."""
    number = f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    assert tva.is_valid(number)
    return number


def seed(ctx: DemoContext) -> None:
    if Customer.objects.exists():
        return  # already seeded: idempotent
    rng = ctx.rng
    office = ctx.users["office"]
    customers = _customers(ctx)
    companies = [c for c in customers if c.is_company]
    individuals = [c for c in customers if not c.is_company]

    plans = []  # (order, state, created date)
    for years_back in reversed(range(ctx.scale)):  # oldest first: numbers follow time
        year_start = ctx.school_year_start.replace(year=ctx.school_year_start.year - years_back)
        for workshop in ctx.workshops.values():
            if years_back == 0:
                # spread the current year's orders over the last ~5 months
                first = ctx.today - dt.timedelta(days=150)
                states = CURRENT_STATES
                span = (ctx.today - first).days - 3
                days = [
                    first + dt.timedelta(days=span * i // len(states)) for i in range(len(states))
                ]
            else:
                n = 12 + rng.randrange(4)
                states = [_past_state(rng) for _ in range(n)]
                days = sorted(year_start + dt.timedelta(days=rng.randrange(300)) for _ in range(n))
            for state, day in zip(states, days, strict=True):
                pool = individuals if rng.random() < 0.3 else companies
                plans.append((_order(ctx, workshop, rng.choice(pool), state, day), state, day))

    orders = Order.objects.bulk_create([p[0] for p in plans])  # audit: recorded below
    for order in orders:
        order.reference = f"DE-{order.created_at.year}-{order.pk:05d}"
        order._history_user, order._history_date = office, order.created_at
    Order.objects.bulk_update(orders, ["reference"])  # audit: recorded below
    # One creation record per order, as it stands with its reference, by the office.
    Order.history.bulk_history_create(orders, batch_size=500)
    _lines_materials_events(ctx, plans)
    # Invoices, credit notes and payments are billing's (billing/demo.py), next.
    ctx.handover["orders.plans"] = plans
    ctx.progress(f"orders: {len(orders)} orders")


def _customers(ctx: DemoContext) -> list[Customer]:
    rng = ctx.rng
    customers = []
    for name, address, postal_code, city in COMPANIES:
        siret = make_siret(rng)
        customers.append(
            Customer(
                kind=Customer.Kind.COMPANY, name=name, siret=siret,
                vat_number=french_vat_number(siret[:9]),
                address=address, postal_code=postal_code, city=city,
                email=f"contact@{name.split()[0].lower()}.example.fr", phone="04 72 00 00 00",
            )
        )  # fmt: skip
    for _ in range(8 * ctx.scale):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        customers.append(
            Customer(
                kind=Customer.Kind.INDIVIDUAL, name=f"{first} {last}",
                address=f"{rng.randrange(1, 120)} rue {rng.choice(STREETS)}",
                postal_code=rng.choice(["69003", "69100", "69006", "69500"]),
                city=rng.choice(["Lyon", "Villeurbanne", "Bron"]), email="",
            )
        )  # fmt: skip
    customers = Customer.objects.bulk_create(customers)
    Contact.objects.bulk_create(
        Contact(
            customer=c,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            role=rng.choice(["Gérant", "Responsable achats", "Directrice", "Chef de projet"]),
            email=f"achats@{c.name.split()[0].lower()}.example.fr",
            receives_documents=True,
        )
        for c in customers
        if c.is_company
    )
    return customers


def _past_state(rng) -> str:
    roll = rng.random()
    if roll < 0.78:
        return S.PAID
    if roll < 0.86:
        return S.REFUSED
    if roll < 0.93:
        return S.EXPIRED
    return S.CANCELLED


def _order(ctx: DemoContext, workshop, customer, state: str, day: dt.date) -> Order:
    rng = ctx.rng
    spec = CATALOGUE.get(workshop.name, CATALOGUE["Menuiserie"])
    created = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    hours = D(rng.randrange(*spec["hours"]))
    start = day + dt.timedelta(days=7)
    duration = rng.randrange(5, 20)
    promised = start + dt.timedelta(days=duration + 7)
    order = Order(
        customer=customer, title=rng.choice(spec["titles"]), workshop=workshop,
        trainer=ctx.trainer_of(workshop), status=state, created_at=created,
        specification="Selon plan et échanges avec le client.", start_date=start,
        duration_days=duration, promised_date=promised, estimated_hours=hours,
    )  # fmt: skip
    if customer.is_company and day.day % 3:  # most companies send their own order form
        order.customer_po_number = f"BC{day:%y%m%d}-{customer.pk:03d}"
    if state != S.DRAFT:
        order.quote_date = day
        order.valid_until = day + dt.timedelta(days=30)
    order._deliveries = []  # (day, verdict, rework): each delivery, recorded with the events
    if state in (S.DELIVERED, S.INVOICED, S.PAID, S.REWORK):
        late = rng.random() < 0.2
        order.delivered_on = min(
            promised + dt.timedelta(days=rng.randrange(1, 8) if late else -rng.randrange(0, 4)),
            ctx.today - dt.timedelta(days=1),
        )
        rework = "Finitions reprises à la demande du client."
        if state == S.REWORK:  # delivered, not conforming: back in the workshop
            order._deliveries = [(order.delivered_on, Order.Verdict.DOES_NOT_CONFORM, rework)]
            order.verdict, order.rework = Order.Verdict.DOES_NOT_CONFORM, rework
        elif rng.random() < 0.88:
            order._deliveries = [(order.delivered_on, Order.Verdict.CONFORMS, "")]
            order.verdict = Order.Verdict.CONFORMS
        else:  # not conforming the first time: reworked, then delivered again
            first = max(order.delivered_on - dt.timedelta(days=rng.randrange(3, 8)), start)
            order._deliveries = [
                (first, Order.Verdict.DOES_NOT_CONFORM, rework),
                (order.delivered_on, Order.Verdict.CONFORMS, ""),
            ]
            order.verdict = Order.Verdict.CONFORMS
        # invoiced and paid come through billing.invoicing (billing/demo.py)
        order.status = S.REWORK if state == S.REWORK else S.DELIVERED
    if state == S.EXPIRED:
        order.status = S.SENT  # shown as expired once past its validity date
        order.quote_date = min(day, ctx.today - dt.timedelta(days=45))
        order.valid_until = order.quote_date + dt.timedelta(days=30)
    return order


def _lines_materials_events(ctx: DemoContext, plans) -> None:
    rng = ctx.rng
    lines, materials, events, deliveries = [], [], [], []
    trainer_moves = {"start_production", "deliver", "deliver_nonconforming"}
    for order, state, day in plans:
        spec = CATALOGUE.get(order.workshop.name, CATALOGUE["Menuiserie"])
        for position, (text, unit, (low, high), rate) in enumerate(spec["lines"], start=1):
            if unit == "pers":
                qty = D(rng.randrange(20, 120))
            elif unit == "u" and high < 100:
                qty = D(rng.randrange(20, 400))
            elif unit == "h":
                qty = D(rng.randrange(2, 12))
            else:
                qty = D(1)
            price = D(rng.randrange(low * 100, high * 100)) / 100
            lines.append(
                OrderLine(
                    order=order, position=position, description=text, quantity=qty, unit=unit,
                    unit_price=price, vat_rate=D(rate),
                ).compute()
            )  # fmt: skip
        if state in (S.IN_PRODUCTION, S.REWORK, S.DELIVERED, S.INVOICED, S.PAID):
            for text, supplier, (low, high) in spec["materials"]:
                materials.append(
                    Material(
                        order=order, description=text, supplier=supplier,
                        cost=D(rng.randrange(low * 100, high * 100)) / 100,
                        bought_on=min(order.start_date, ctx.today),
                    )
                )  # fmt: skip
        path = {
            S.SENT: ["send"], S.EXPIRED: ["send"], S.REFUSED: ["send", "refuse"],
            S.ACCEPTED: ["send", "accept"], S.CANCELLED: ["send", "accept", "cancel"],
            S.IN_PRODUCTION: ["send", "accept", "start_production"],
        }.get(state, ["send", "accept", "start_production"])  # fmt: skip
        delivered_days = []
        for delivered_on, verdict, rework in order._deliveries:
            conforms = verdict == Order.Verdict.CONFORMS
            path.append("deliver" if conforms else "deliver_nonconforming")
            delivered_days.append(delivered_on)
            deliveries.append(
                Delivery(
                    order=order, delivered_on=delivered_on, verdict=verdict, rework=rework,
                    recorded_by=order.trainer,
                    recorded_at=timezone.make_aware(dt.datetime.combine(delivered_on, dt.time(10))),
                )
            )  # fmt: skip
        if state == S.DRAFT:
            path = []
        previous = S.DRAFT
        for i, action in enumerate(path):
            target = TRANSITIONS[action].target
            when = day + dt.timedelta(days=min(i * 5, max((ctx.today - day).days - 1, 0)))
            if action in ("deliver", "deliver_nonconforming"):
                when = delivered_days.pop(0)
            by = order.trainer if action in trainer_moves else ctx.users["office"]
            events.append(
                OrderEvent(
                    order=order, action=action, from_status=previous, to_status=target, by=by,
                    at=timezone.make_aware(dt.datetime.combine(when, dt.time(10))),
                )
            )  # fmt: skip
            previous = target
    OrderLine.objects.bulk_create(lines)
    Material.objects.bulk_create(materials)
    OrderEvent.objects.bulk_create(events)
    bulk_create_with_history(deliveries, Delivery, batch_size=500)
