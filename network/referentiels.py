"""Référentiels the network publishes (issue 31 §2, last point).

The hub keeps the référentiels its staff has checked in its own skills tables (imported
like any school's, skills/IMPORT.md) and publishes a diploma's version: its content is
the lines of that same CSV format, so a school imports it through the one import there is
(skills.importing: all or nothing, nothing deleted, evidence kept). A school lists what
the network publishes, imports one in one step and is told when a newer version of a
diploma it teaches is there.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from network.models import PublishedReferentiel
from skills import importing
from skills.models import Bloc, Competency, CompetencyMapping, DiplomaVersion

FORMAT = "ecoles-referentiel/1"
SUBJECT_WORDS = {
    "": "atelier",
    "general": "enseignement général",
    "technological": "enseignement technologique",
}
KIND_WORDS = {"cap": "CAP", "bac_pro": "Bac Pro", "title": "titre"}


def serialise(version: DiplomaVersion) -> dict:
    """The version's lines in the import's columns (a fixed number of queries)."""
    diploma = version.diploma
    mappings: dict[int, list[str]] = {}
    for mapping in CompetencyMapping.objects.filter(new__bloc__version=version).select_related(
        "old__bloc"
    ):
        mappings.setdefault(mapping.new_id, []).append(
            f"{mapping.old.bloc.code}:{mapping.old.code}"
        )
    rows = []
    competencies = (
        Competency.objects.filter(bloc__version=version)
        .select_related("bloc")
        .prefetch_related("knowledge")
        .order_by("bloc__position", "bloc__code", "position", "code")
    )
    for competency in competencies:
        bloc: Bloc = competency.bloc
        rows.append(
            {
                "diplome_code": diploma.code,
                "diplome_type": KIND_WORDS[diploma.kind],
                "diplome_rncp": diploma.rncp,
                "diplome_intitule": diploma.name,
                "duree_annees": str(diploma.years),
                "version": version.label,
                "version_remplacee": version.previous.label if version.previous_id else "",
                "premiere_session": str(version.valid_from.year) if version.valid_from else "",
                "source": version.source,
                "bloc_code": bloc.code,
                "bloc_rncp": bloc.rncp_code,
                "bloc_intitule": bloc.name,
                "bloc_evalue_par": SUBJECT_WORDS.get(bloc.subject, ""),
                "competence_code": competency.code,
                "competence_intitule": competency.wording,
                "savoirs": "|".join(k.wording for k in competency.knowledge.all()),
                "remplace": "|".join(mappings.get(competency.pk, [])),
            }
        )
    return {
        "format": FORMAT,
        "code": diploma.code,
        "title": str(diploma),
        "version": version.label,
        "rows": rows,
    }


def publish(version: DiplomaVersion, *, by: str) -> PublishedReferentiel:
    content = serialise(version)
    published, _created = PublishedReferentiel.objects.update_or_create(
        code=content["code"],
        version=content["version"],
        defaults={"title": content["title"], "content": content, "published_by": by[:150]},
    )
    return published


def as_csv(content: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS, delimiter=";")
    writer.writeheader()
    for row in content.get("rows", []):
        writer.writerow({column: str(row.get(column, "")) for column in importing.COLUMNS})
    return out.getvalue().encode()


def import_content(content: dict) -> importing.Report:
    """Import a published référentiel at the school: the CSV import, all or nothing."""
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        report = importing.Report()
        report.errors.append((0, _("This is not a référentiel published by a network.")))
        return report
    with transaction.atomic():
        return importing.import_file(io.BytesIO(as_csv(content)))


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - the hub's URL is the settings'
        return json.loads(response.read())


# The tests replace this with the Django test client speaking to a hub in the same process.
transport: Callable[[str], object] = _get


@dataclass
class Offer:
    """A référentiel the network publishes, as a school sees it."""

    id: int
    code: str
    title: str
    version: str
    published_at: str
    imported: bool  # this version is at the school
    newer: bool  # the school teaches an older version of this diploma


def offers() -> list[Offer]:
    """What the hub publishes, against the school's référentiels (one query here)."""
    listing = transport(settings.NETWORK_URL.rstrip("/") + "/referentiels/")
    items = listing.get("referentiels", []) if isinstance(listing, dict) else []
    local: dict[str, set[str]] = {}
    for code, label in DiplomaVersion.objects.values_list("diploma__code", "label"):
        local.setdefault(code, set()).add(label)
    result = []
    for item in items:
        code, version = str(item.get("code", "")), str(item.get("version", ""))
        imported = version in local.get(code, set())
        result.append(
            Offer(
                id=int(item.get("id", 0)), code=code, title=str(item.get("title", "")),
                version=version, published_at=str(item.get("published_at", "")),
                imported=imported, newer=code in local and not imported,
            )
        )  # fmt: skip
    return result


def fetch(pk: int) -> dict:
    return transport(settings.NETWORK_URL.rstrip("/") + f"/referentiels/{pk}/")
