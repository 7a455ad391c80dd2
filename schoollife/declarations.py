"""A hors-contrat school's declarations (SPEC.md R9, Code de l'éducation R131-3 II): "les
directeurs [...] des établissements scolaires, publics ou privés, doivent déclarer au
maire et au directeur académique des services de l'éducation nationale [...] dans les
huit jours qui suivent la rentrée des classes, les enfants fréquentant leur
établissement. L'état des mutations est fourni à la fin de chaque mois." What each pupil's
line holds is what R131-3 I lists for the mayor's list (see `Declared`).

The year's list is due on the school year's first day plus 8 days; sent that day it is on
time, the day after it is late. From 8 days before that deadline, until it is recorded as
sent, the director's home says it is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ecoles.models import Policy
from schoollife.models import DeclarationSent
from students.models import Guardian, Student

DELAY = dt.timedelta(days=8)  # "dans les huit jours qui suivent la rentrée"
WARN_FROM = dt.timedelta(days=8)  # the home says it is due from 8 days before the deadline


@dataclass(frozen=True)
class YearDeclaration:
    year_start: dt.date
    deadline: dt.date
    sent: DeclarationSent | None
    today: dt.date

    @property
    def on_time(self) -> bool | None:
        """True sent by the deadline, False sent after it or not sent once it passed,
        None not sent and still due."""
        if self.sent is not None:
            return self.sent.sent_on <= self.deadline
        return None if self.today <= self.deadline else False

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def due(self) -> bool:
        """What the director's home shows: not sent, and due in 8 days or fewer (or late)."""
        return self.sent is None and self.today >= self.deadline - WARN_FROM


def deadline(year_start: dt.date) -> dt.date:
    return year_start + DELAY


def year_declaration(
    today: dt.date, policy: Policy | None = None, year_start: dt.date | None = None
) -> YearDeclaration:
    """The year's list of pupils of the school year containing `today` (or starting on
    `year_start`): its deadline and what was recorded. One query."""
    policy = policy or Policy.load()
    start = year_start or policy.school_year_start(today)
    sent = DeclarationSent.objects.filter(kind=DeclarationSent.Kind.YEAR, period=start).first()
    return YearDeclaration(start, deadline(start), sent, today)


@dataclass(frozen=True)
class Declared:
    """A pupil as R131-3 I lists him: 1° his names, sex, date and place of birth, domicile,
    the training followed this school year and the previous one; 2° each person
    responsible for him, the link, names, domicile and profession."""

    pupil: Student
    this_year: str
    previous_year: str
    guardians: list[Guardian]

    @staticmethod
    def domicile(person) -> str:
        return " ".join(p for p in (person.address, person.postal_code, person.city) if p)


def declared(pupils, year_start: dt.date) -> list[Declared]:
    """The pupils of a declaration with what R131-3 lists; two queries. The persons
    responsible are the guardians with parental authority (all guardians when none is)."""
    pupils = pupils.select_related("workshop").prefetch_related(
        Prefetch("guardians", queryset=Guardian.objects.order_by("-legal_representative", "pk"))
    )
    found = []
    for p in pupils.order_by("last_name", "first_name"):
        guardians = list(p.guardians.all())
        responsible = [g for g in guardians if g.legal_representative] or guardians
        found.append(
            Declared(p, p.programme_year_label(), p.previous_year_training(year_start), responsible)
        )
    return found


def csv_rows(rows: list[Declared]) -> tuple[list[str], list[list[str]]]:
    """The declaration as a table: one line per pupil, the persons responsible side by
    side (as many as the pupil with the most)."""
    slots = max((len(r.guardians) for r in rows), default=1) or 1
    header = [
        _("Last name"),
        _("First name"),
        _("Sex"),
        _("Birth date"),
        _("Place of birth"),
        _("Domicile"),
        _("INE"),
        _("Workshop"),
        _("Training followed this year"),
        _("Training followed the previous year"),
        _("Entry date"),
        _("Leaving date"),
    ]
    for n in range(1, slots + 1):
        header += [
            _("Guardian %(n)s: link") % {"n": n},
            _("Guardian %(n)s: name") % {"n": n},
            _("Guardian %(n)s: domicile") % {"n": n},
            _("Guardian %(n)s: profession") % {"n": n},
        ]
    lines = []
    for r in rows:
        p = r.pupil
        line = [
            p.last_name,
            p.first_name,
            p.sex,
            f"{p.birth_date:%d/%m/%Y}",
            p.birth_place,
            Declared.domicile(p),
            p.ine,
            p.workshop.name,
            r.this_year,
            r.previous_year,
            f"{p.entry_date:%d/%m/%Y}",
            f"{p.left_on:%d/%m/%Y}" if p.left_on else "",
        ]
        for n in range(slots):
            g = r.guardians[n] if n < len(r.guardians) else None
            line += (
                [
                    g.get_relationship_display(),
                    f"{g.first_name} {g.last_name}".strip(),
                    Declared.domicile(g),
                    g.profession,
                ]
                if g
                else ["", "", "", ""]
            )
        lines.append(line)
    return header, lines
