"""The main navigation: each role sees the entries it may use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from ecoles.roles import (
    ACCOUNTANT,
    DIRECTOR,
    FAMILY,
    NETWORK_STAFF,
    OFFICE,
    PUPIL,
    TEACHER,
    TRAINER,
)


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    roles: frozenset[str]


NAV = [
    Entry(_("Home"), "home", frozenset({DIRECTOR, OFFICE, TRAINER, TEACHER, ACCOUNTANT})),
    Entry(_("Pupils"), "students:list", frozenset({DIRECTOR, OFFICE, TRAINER, TEACHER})),
    Entry(_("Team entry"), "training:team_entry", frozenset({TRAINER, DIRECTOR})),
    Entry(_("Roll call"), "schoollife:roll_call", frozenset({TRAINER})),
    Entry(_("School life"), "schoollife:absences", frozenset({DIRECTOR, OFFICE})),
    # R14: what families reported and the documents they answer.
    Entry(_("Families"), "families:reports", frozenset({DIRECTOR, OFFICE})),
    Entry(_("Theory"), "training:sessions", frozenset({TEACHER, DIRECTOR, OFFICE})),
    Entry(_("Timetable"), "training:timetable", frozenset({DIRECTOR, OFFICE, TRAINER, TEACHER})),
    Entry(_("Competencies"), "skills:index", frozenset({DIRECTOR, OFFICE, TRAINER, TEACHER})),
    Entry(_("Balances"), "training:balances", frozenset({DIRECTOR, OFFICE, TRAINER})),
    Entry(_("Safety"), "safety:index", frozenset({DIRECTOR, OFFICE, TRAINER})),
    Entry(_("Orders"), "orders:list", frozenset({DIRECTOR, OFFICE, TRAINER, ACCOUNTANT})),
    Entry(_("Customers"), "billing:customers", frozenset({DIRECTOR, OFFICE, ACCOUNTANT})),
    Entry(_("Invoices"), "billing:invoices", frozenset({DIRECTOR, OFFICE, ACCOUNTANT})),
    Entry(
        _("Supplier invoices"),
        "billing:supplier_invoices",
        frozenset({DIRECTOR, OFFICE, ACCOUNTANT}),
    ),
    Entry(_("Bank"), "banking:index", frozenset({DIRECTOR, OFFICE, ACCOUNTANT})),
    Entry(_("Budget"), "budget:overview", frozenset({DIRECTOR, ACCOUNTANT})),
    Entry(_("Journal"), "billing:journal", frozenset({DIRECTOR, ACCOUNTANT})),
    Entry(_("FEC"), "budget:fec", frozenset({DIRECTOR, ACCOUNTANT})),
    Entry(_("Donors"), "budget:donors", frozenset({DIRECTOR, OFFICE, ACCOUNTANT})),
    Entry(_("Indicators"), "students:indicators", frozenset({DIRECTOR, OFFICE})),
    Entry(_("Calendar"), "calendar", frozenset({DIRECTOR, OFFICE, TRAINER, TEACHER})),
    Entry(_("School"), "school", frozenset({DIRECTOR})),
    Entry(_("Staff"), "staff:list", frozenset({DIRECTOR})),
    # R14: the families' and pupils' own spaces (they see nothing else).
    Entry(_("My space"), "families:home", frozenset({FAMILY, PUPIL})),
]
# The network's hub (network/, issue 31): its pages exist only when it is switched on.
if settings.NETWORK_HUB:
    NAV += [
        Entry(_("Network"), "hub:overview", frozenset({NETWORK_STAFF})),
        Entry(_("Member schools"), "hub:schools", frozenset({NETWORK_STAFF})),
        Entry(_("Upload"), "hub:upload", frozenset({NETWORK_STAFF})),
        Entry(_("Référentiels"), "hub:referentiels", frozenset({NETWORK_STAFF})),
    ]


@cache
def _url(name: str, prefix: str, urlconf: str | None) -> str:
    """The menu's addresses never change while the site runs: reversed once, not on
    every page (eleven reverse() calls, half a millisecond)."""
    return reverse(name, urlconf=urlconf)


def entries_for(user, current_path: str = "") -> list[dict]:
    prefix, urlconf = get_script_prefix(), get_urlconf()
    items = [
        {"label": entry.label, "url": _url(entry.url_name, prefix, urlconf), "active": False}
        for entry in NAV
        if user.has_role(*entry.roles)
    ]
    # The longest URL that prefixes the current path is the page's entry (/eleves/indicateurs/
    # is Indicators, not Pupils); the home page only on itself.
    matches = [i for i in items if current_path.startswith(i["url"]) and i["url"] != "/"]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    elif current_path == "/":
        for item in items:
            item["active"] = item["url"] == "/"
    return items
