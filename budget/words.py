"""Amounts in French words, as a tax receipt states them (« mille deux cent trente-quatre
euros et cinquante centimes »), by the traditional spelling rules: "et" in 21, 31... 71,
"quatre-vingts" and "deux cents" plural only when they end the number, "mille" invariable,
"million" and "milliard" nouns that take an s."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
    "dix-neuf",
]  # fmt: skip
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix..., quatre-vingt-dix...
        base = "soixante" if tens == 7 else "quatre-vingt"
        if tens == 7 and unit == 1:
            return "soixante et onze"
        return f"{base}-{UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{UNITS[unit]}"
    if unit == 0:
        return TENS[tens]
    if unit == 1:
        return f"{TENS[tens]} et un"
    return f"{TENS[tens]}-{UNITS[unit]}"


def _below_1000(n: int, final: bool = True) -> str:
    """`final`: nothing follows (quatre-vingts, deux cents); before "mille" they lose
    their s (deux cent mille, quatre-vingt mille)."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds == 1:
        words.append("cent")
    elif hundreds > 1:
        words.append(f"{UNITS[hundreds]} cent" + ("s" if rest == 0 and final else ""))
    if rest or not words:
        part = _below_100(rest)
        if not final and part.endswith("quatre-vingts"):
            part = part[:-1]
        words.append(part)
    return " ".join(words)


def integer_in_words(n: int) -> str:
    if n < 0:
        raise ValueError("negative amount")
    if n < 1000:
        return _below_1000(n)
    parts = []
    for value, singular, plural in (
        (10**9, "milliard", "milliards"),
        (10**6, "million", "millions"),
    ):
        count, n = divmod(n, value)
        if count:
            parts.append(f"{integer_in_words(count)} {singular if count == 1 else plural}")
    thousands, rest = divmod(n, 1000)
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if rest:
        parts.append(_below_1000(rest))
    return " ".join(parts)


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
