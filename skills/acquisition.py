"""When a competency is acquired (SPEC.md R10): the school's rule, never an average.

The rule (a policy setting; default in brackets): at least `min_pieces` [2] validated
pieces of evidence at `min_level` [satisfactory] or better, from at least `min_orders`
[2] different orders, and, if `last_autonomous` [yes], the latest of those pieces made
autonomously. Evidence superseded by a correction does not count; weaker evidence does
not undo an acquisition (what has been shown twice has been shown), it only shows in
the current level. The blocs of a theory subject (assessed by its teachers) are shown in
lessons, not orders: for them the booklet drops the "different orders" part.

`is_acquired` is a pure function of the pieces, so it is tested at every edge without a
database; `progress` applies it to a pupil's evidence, old référentiel included.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from skills.models import Autonomy, CompetencyMapping, Evidence, Level


@dataclass(frozen=True)
class Rule:
    min_pieces: int = 2
    min_level: int = Level.SATISFACTORY
    min_orders: int = 2
    last_autonomous: bool = True

    @classmethod
    def from_policy(cls, policy) -> Rule:
        return cls(
            min_pieces=policy.skills_min_evidence,
            min_level=policy.skills_min_level,
            min_orders=policy.skills_min_orders,
            last_autonomous=policy.skills_last_autonomous,
        )


@dataclass(frozen=True)
class Piece:
    """What the rule reads of one piece of evidence."""

    date: dt.date
    level: int
    autonomy: str
    order_id: int | None
    validated: bool = True
    superseded: bool = False
    pk: int = 0  # ties on a date: the later record is the later piece


def counted(pieces: Iterable[Piece], rule: Rule) -> list[Piece]:
    """The pieces the rule counts, oldest first."""
    return sorted(
        (p for p in pieces if p.validated and not p.superseded and p.level >= rule.min_level),
        key=lambda p: (p.date, p.pk),
    )


def is_acquired(pieces: Iterable[Piece], rule: Rule) -> bool:
    good = counted(pieces, rule)
    if len(good) < rule.min_pieces:
        return False
    if len({p.order_id for p in good if p.order_id is not None}) < rule.min_orders:
        return False
    return not rule.last_autonomous or good[-1].autonomy == Autonomy.AUTONOMOUS


def current_level(pieces: Iterable[Piece]) -> int | None:
    """The level of the latest validated piece still standing (None: nothing yet)."""
    standing = sorted(
        (p for p in pieces if p.validated and not p.superseded), key=lambda p: (p.date, p.pk)
    )
    return standing[-1].level if standing else None


def piece(evidence: Evidence) -> Piece:
    """Evidence as the rule reads it (its work log's order when it names no order)."""
    return Piece(
        date=evidence.date,
        level=evidence.level,
        autonomy=evidence.autonomy,
        order_id=evidence.order_id,
        validated=evidence.validated_at is not None,
        superseded=evidence.is_superseded,
        pk=evidence.pk,
    )


def mapped_to(version) -> dict[int, list[int]]:
    """old competency id -> the competencies of `version` it became, following the
    mappings back through every earlier version (one query per earlier version). An
    old competency split in two maps onto both; one the new version dropped maps
    onto none (it is left out, and its evidence with it)."""
    result: dict[int, list[int]] = {}
    current = version
    targets = None  # competencies of `version` each competency of `current` stands for
    while current.previous_id:
        rows = CompetencyMapping.objects.filter(new__bloc__version=current).values_list(
            "old_id", "new_id"
        )
        step: dict[int, list[int]] = {}
        for old, new in rows.order_by("old_id", "new_id"):
            finals = targets.get(new, []) if targets is not None else [new]
            step.setdefault(old, [])
            step[old].extend(f for f in finals if f not in step[old])
        result.update(step)
        targets = step
        current = current.previous
    return result


def by_competency(evidence: Iterable[Evidence], mapping: dict[int, list[int]]) -> dict[int, list]:
    """The pupil's evidence grouped on the competencies of his version: a piece on an
    old competency counts for each competency it became."""
    grouped: dict[int, list] = defaultdict(list)
    for item in evidence:
        for competency_id in mapping.get(item.competency_id, [item.competency_id]):
            grouped[competency_id].append(item)
    return grouped
