"""A hors-contrat school's declarations (SPEC.md R9, Code de l'éducation L442-2 and
R131-4): the list of its pupils within 8 days of the school year's start, then each
month's arrivals and departures, to the academic authority and the mayor.

The year's list is due on the school year's first day plus 8 days; sent that day it is on
time, the day after it is late. From 8 days before that deadline, until it is recorded as
sent, the director's home says it is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ecoles.models import Policy
from schoollife.models import DeclarationSent

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
