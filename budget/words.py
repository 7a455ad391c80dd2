"""Amounts in French words, as a tax receipt states them (« mille deux cent trente-quatre
euros et cinquante centimes »), by the traditional spelling rules: "et" in 21, 31... 71,
"quatre-vingts" and "deux cents" plural only when they end the number, "mille" invariable,
"million" and "milliard" nouns that take an s. The numbers are num2words' (which follows
those rules); the euros and centimes are ours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def integer_in_words(n: int) -> str:
    if n < 0:
        raise ValueError("negative amount")
    return num2words(n, lang="fr")


def amount_in_words(amount: Decimal) -> str:
    """1234.50 → « mille deux cent trente-quatre euros et cinquante centimes »."""
    cents = int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    euros, cents = divmod(cents, 100)
    # "un million d'euros": the nouns take "de".
    unit = "euro" if euros in (0, 1) else "euros"
    text = integer_in_words(euros)
    millions = euros and euros % 1_000_000 == 0
    text = f"{text} d'{unit}" if millions else f"{text} {unit}"
    if cents:
        text += f" et {integer_in_words(cents)} centime{'s' if cents > 1 else ''}"
    return text
