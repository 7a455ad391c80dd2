"""What a statement line pays (issue 29 §1): suggestions, each with why, from what is still
open. Pure: the candidates are built from the database by banking.reconcile, and nothing
here reads or writes it, so every rule is tested on plain values.

A credit pays invoices, grant instalments, promised apprenticeship tax, a family's
contribution, or is a donor's gift; a debit pays a supplier invoice or is a refund that
left. Evidence, strongest first: a document's number (or structured reference) in the
label, an IBAN confirmed before for the payer, the payer's name, the exact amount due; a
word such as "don" or "taxe d'apprentissage" tips a gift or a tax transfer. One transfer
may pay several invoices (their numbers in the label, or a few of one payer's invoices
summing to it), and an invoice may be paid in several (a part of what is due)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from ecoles.formats import money

ZERO = Decimal("0.00")

# Points of each kind of evidence: a suggestion is shown from an exact amount upwards.
REFERENCE, IBAN, NAME, EXACT, KEYWORD = 50, 30, 20, 25, 20
SHOWN_FROM = 20
LIMIT = 5
# One payer's invoices combined to explain one transfer: up to three, among its ten oldest
# (beyond, the guess is worth less than the office's eye, and the search grows fast).
COMBINED, AMONG = 3, 10
# Words that name a legal form, not a payer ("SARL DUPONT" is paid by "DUPONT").
NOISE = {"SARL", "SAS", "SASU", "SA", "EURL", "SCI", "ETS", "STE", "STE.", "SOC", "THE", "LES",
         "DES", "MME", "MLLE", "MR", "MRS", "VIR", "VIREMENT", "SEPA", "RECU", "DE", "DU", "LA",
         "LE", "ET", "M"}  # fmt: skip


def normalise(text: str) -> str:
    """Upper case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", text).split())


@lru_cache(maxsize=4096)
def _reference_pattern(reference: str) -> re.Pattern | None:
    """`FA-2026-0012` found as written, or as a bank rewrites it (`FA 2026 0012`,
    `FA20260012`), never inside a longer number (`FA-2026-00123`)."""
    chars = re.sub(r"[^0-9A-Z]", "", normalise(reference))
    if len(chars) < 4:
        return None
    body = r"[\s\-_/.]*".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![0-9A-Z]){body}(?![0-9])")


def _words(text: str) -> set[str]:
    return set(normalise(text).split())


@lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(w for w in normalise(name).split() if len(w) >= 3 and w not in NOISE)


@dataclass(frozen=True)
class Candidate:
    """Something open a line may pay. `open_amount` None: any amount (a gift, a tax
    share); `partial`: it may be paid in part; `direction` +1 for money in, -1 out."""

    kind: str
    pk: int
    label: str
    open_amount: Decimal | None
    references: tuple[str, ...] = ()
    party: str = ""
    party_key: str = ""
    ibans: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    partial: bool = True
    direction: int = 1
    date: dt.date | None = None


@dataclass(frozen=True)
class LineFacts:
    amount: Decimal
    text: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    booking_date: dt.date | None = None


@dataclass(frozen=True)
class Target:
    kind: str
    pk: int
    label: str
    amount: Decimal

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}:{self.amount}"


@dataclass(frozen=True)
class Suggestion:
    targets: tuple[Target, ...]
    reasons: tuple[str, ...]
    score: int

    @property
    def key(self) -> str:
        """What the confirm button posts back: the page's suggestion is confirmed only if
        the same one is still suggested when the tap arrives."""
        return ";".join(t.key for t in self.targets)

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.targets), ZERO)


@dataclass
class _Evidence:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    referenced: bool = False

    def add(self, points: int, reason: str) -> None:
        self.score += points
        if reason not in self.reasons:
            self.reasons.append(reason)


def _evidence(c: Candidate, text: str, words: set[str], name_words: set[str], iban: str):
    found = _Evidence()
    for reference in c.references:
        pattern = _reference_pattern(reference)
        if pattern and pattern.search(text):
            found.add(REFERENCE, _("“%(ref)s” in the label") % {"ref": reference})
            found.referenced = True
            break
    if iban and iban in c.ibans:
        found.add(IBAN, _("known IBAN of %(party)s") % {"party": c.party})
    party = _name_words(c.party)
    if party and (party <= name_words or party <= words):
        found.add(NAME, _("name %(party)s") % {"party": c.party})
    for keyword in c.keywords:
        if keyword in f" {text} ":
            found.add(KEYWORD, _("“%(word)s” in the label") % {"word": keyword.strip().lower()})
            break
    return found


def _allocate(amount: Decimal, chosen: list[Candidate]) -> list[Target] | None:
    """Share `amount` over `chosen` in order, each up to what it has open; None when it
    does not fit (more than they owe, or a part of one that cannot be paid in part)."""
    targets, left = [], amount
    for c in chosen:
        if left <= 0:
            return None
        share = left if c.open_amount is None else min(c.open_amount, left)
        if c.open_amount is not None and share < c.open_amount and not c.partial:
            return None
        targets.append(Target(c.kind, c.pk, c.label, share))
        left -= share
    return targets if left == 0 else None


def _exact(chosen: list[Candidate], amount: Decimal) -> bool:
    opens = [c.open_amount for c in chosen]
    return None not in opens and sum(opens, ZERO) == amount


def suggest(line: LineFacts, candidates: list[Candidate], limit: int = LIMIT) -> list[Suggestion]:
    amount = abs(line.amount)
    if not amount:
        return []
    direction = 1 if line.amount > 0 else -1
    text = normalise(f"{line.text} {line.counterparty_name}")
    words, name_words = set(text.split()), _words(line.counterparty_name)
    iban = (line.counterparty_iban or "").replace(" ", "").upper()
    pool = [
        c for c in candidates
        if c.direction == direction and (c.open_amount is None or c.open_amount > 0)
        and (line.booking_date is None or c.date is None or c.date <= line.booking_date)
    ]  # fmt: skip
    evidence = {id(c): _evidence(c, text, words, name_words, iban) for c in pool}
    found: dict[str, Suggestion] = {}

    def offer(chosen: list[Candidate], extra: list[str], points: int) -> None:
        targets = _allocate(amount, chosen)
        if not targets:
            return
        reasons = [r for c in chosen for r in evidence[id(c)].reasons]
        score = max(evidence[id(c)].score for c in chosen) + points
        if _exact(chosen, amount):
            reasons.append(_("exact amount"))
            score += EXACT
        else:
            last = chosen[-1]
            if last.open_amount is not None and targets[-1].amount < last.open_amount:
                reasons.append(
                    _("part payment: %(left)s left on %(what)s")
                    % {"left": money(last.open_amount - targets[-1].amount), "what": last.label}
                )
        reasons.extend(extra)
        suggestion = Suggestion(tuple(targets), tuple(dict.fromkeys(reasons)), score)
        if score >= SHOWN_FROM and (
            suggestion.key not in found or found[suggestion.key].score < score
        ):
            found[suggestion.key] = suggestion

    # 1. Numbers in the label: what they name, oldest first, shares the transfer.
    referenced = sorted(
        (c for c in pool if evidence[id(c)].referenced), key=lambda c: (c.date or dt.date.min, c.pk)
    )
    if referenced:
        offer(referenced, [], 0)
        for c in referenced:
            offer([c], [], 0)
    # 2. A payer known by IBAN or name: one of its open items, or a few summing to it.
    by_party: dict[str, list[Candidate]] = {}
    for c in pool:
        if evidence[id(c)].score - (REFERENCE if evidence[id(c)].referenced else 0) >= NAME:
            by_party.setdefault(c.party_key or f"{c.kind}:{c.pk}", []).append(c)
    for items in by_party.values():
        items.sort(key=lambda c: (c.date or dt.date.min, c.pk))
        for c in items:
            if c.open_amount is None or c.open_amount == amount:
                offer([c], [], 0)
        fixed = [c for c in items if c.open_amount is not None][:AMONG]
        for size in range(2, min(COMBINED, len(fixed)) + 1):
            for combo in itertools.combinations(fixed, size):
                if sum((c.open_amount for c in combo), ZERO) == amount:
                    offer(list(combo), [_("%(n)d items together") % {"n": size}], 0)
        for c in fixed:
            if c.partial and amount < c.open_amount:
                offer([c], [], 0)
    # 3. The exact amount alone, or a word of the label for what has no amount.
    for c in pool:
        if c.open_amount == amount or (c.open_amount is None and evidence[id(c)].score):
            offer([c], [], 0)
    ranked = sorted(found.values(), key=lambda s: (-s.score, len(s.targets), s.key))
    return ranked[:limit]
