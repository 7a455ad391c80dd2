"""Import a référentiel from a CSV file: all or nothing, errors by line (skills/IMPORT.md).

One line per competency; the diploma, version and bloc columns repeat on each line. The
file's reading (encoding, size) is the pupils' import's (students/importing.decode).
Importing the same version again updates the wordings and adds what is new; nothing is
deleted (evidence may point at it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from skills.models import (
    Bloc,
    Competency,
    CompetencyMapping,
    Diploma,
    DiplomaVersion,
    KnowledgeItem,
)
from students.importing import ImportFileError, decode
from students.models import fold

COLUMNS = (
    "diplome_code",
    "diplome_type",
    "diplome_rncp",
    "diplome_intitule",
    "duree_annees",
    "version",
    "version_remplacee",
    "premiere_session",
    "source",
    "bloc_code",
    "bloc_rncp",
    "bloc_intitule",
    "bloc_evalue_par",
    "competence_code",
    "competence_intitule",
    "savoirs",
    "remplace",
)
REQUIRED = (
    "diplome_code",
    "diplome_type",
    "diplome_intitule",
    "version",
    "bloc_code",
    "bloc_intitule",
    "competence_code",
    "competence_intitule",
)
KINDS = {
    "cap": "cap",
    "bac_pro": "bac_pro",
    "bacpro": "bac_pro",
    "titre": "title",
    "title": "title",
}
SUBJECTS = {
    "": "",
    "atelier": "",
    "enseignement_general": "general",
    "general": "general",
    "enseignement_technologique": "technological",
    "technologique": "technological",
}
RNCP_BLOC = re.compile(r"^RNCP\d{3,6}BC\d{2}$")
RNCP = re.compile(r"^RNCP\d{3,6}$")
MAX_LINES = 2000


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


@dataclass
class Report:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    blocs: int = 0
    competencies: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read(text: str) -> list[tuple[int, dict[str, str]]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_key(h) for h in next(reader)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_LINES:
            raise ImportFileError(_("Too many lines: %(max)s at most.") % {"max": MAX_LINES})
        row = dict.fromkeys(COLUMNS, "")
        row.update({h: v.strip() for h, v in zip(header, values, strict=False) if h in COLUMNS})
        rows.append((reader.line_num, row))
    return rows


def _check(number: int, row: dict[str, str], report: Report) -> None:
    def error(message: str) -> None:
        report.errors.append((number, message))

    for column in REQUIRED:
        if not row[column]:
            error(_("Column %(column)s is empty.") % {"column": column})
    if row["diplome_type"] and _key(row["diplome_type"]) not in KINDS:
        error(
            _("Unknown diploma type %(value)s (CAP, Bac Pro or titre).")
            % {"value": row["diplome_type"]}
        )
    if row["diplome_rncp"] and not RNCP.match(row["diplome_rncp"]):
        error(
            _("RNCP number %(value)s is not RNCP followed by digits.")
            % {"value": row["diplome_rncp"]}
        )
    if row["bloc_rncp"] and not RNCP_BLOC.match(row["bloc_rncp"]):
        error(
            _("Bloc code %(value)s is not of the form RNCPxxxxxBCyy.") % {"value": row["bloc_rncp"]}
        )
    if _key(row["bloc_evalue_par"]) not in SUBJECTS:
        error(
            _("Unknown assessor %(value)s (atelier, enseignement général or technologique).")
            % {"value": row["bloc_evalue_par"]}
        )
    session = row["premiere_session"]
    if session and not (session.isascii() and session.isdigit() and 1990 <= int(session) <= 2100):
        error(_("First session %(value)s is not a year.") % {"value": session})
    years = row["duree_annees"] or "2"
    if not (years.isascii() and years.isdigit()) or not 1 <= int(years) <= 4:
        error(_("Length %(value)s is not a number of years from 1 to 4.") % {"value": years})


def import_file(upload) -> Report:
    report = Report()
    try:
        rows = read(decode(upload.read()))
    except ImportFileError as exc:
        report.errors.append((0, str(exc)))
        return report
    if not rows:
        report.errors.append((0, _("The file has no line to import.")))
        return report
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, row in rows:
        _check(number, row, report)
        key = (row["diplome_code"], row["version"], row["bloc_code"], row["competence_code"])
        if key in seen:
            report.errors.append(
                (
                    number,
                    _("Competency %(code)s is already on line %(line)s.")
                    % {"code": row["competence_code"], "line": seen[key]},
                )
            )
        seen.setdefault(key, number)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            _save(rows, report)
            if report.errors:
                raise _Rollback
    except _Rollback:
        pass
    return report


class _Rollback(Exception):
    pass


def _save(rows, report: Report) -> None:
    versions: dict[tuple[str, str], DiplomaVersion] = {}
    blocs: dict[tuple[int, str], Bloc] = {}
    for number, row in rows:
        key = (row["diplome_code"], row["version"])
        if key not in versions:
            defaults = {
                "kind": KINDS[_key(row["diplome_type"])],
                "name": row["diplome_intitule"],
                "years": int(row["duree_annees"] or 2),
            }
            if row["diplome_rncp"]:  # an older version's file without it keeps it
                defaults["rncp"] = row["diplome_rncp"]
            diploma, _created = Diploma.objects.update_or_create(
                code=row["diplome_code"], defaults=defaults
            )
            previous = None
            if row["version_remplacee"]:
                previous = DiplomaVersion.objects.filter(
                    diploma=diploma, label=row["version_remplacee"]
                ).first()
                if previous is None:
                    report.errors.append(
                        (
                            number,
                            _("Version %(label)s to replace is not imported yet.")
                            % {"label": row["version_remplacee"]},
                        )
                    )
                    continue
            defaults = {"previous": previous}
            if row["diplome_rncp"]:
                defaults["rncp"] = row["diplome_rncp"]
            if row["premiere_session"]:
                defaults["valid_from"] = dt.date(int(row["premiere_session"]), 6, 1)
            if row["source"]:
                defaults["source"] = row["source"]
            version, _created = DiplomaVersion.objects.update_or_create(
                diploma=diploma, label=row["version"], defaults=defaults
            )
            versions[key] = version
        version = versions[key]
        bloc_key = (version.pk, row["bloc_code"])
        if bloc_key not in blocs:
            blocs[bloc_key], _created = Bloc.objects.update_or_create(
                version=version,
                code=row["bloc_code"],
                defaults={
                    "name": row["bloc_intitule"],
                    "rncp_code": row["bloc_rncp"],
                    "subject": SUBJECTS[_key(row["bloc_evalue_par"])],
                    "position": len([k for k in blocs if k[0] == version.pk]),
                },
            )
            report.blocs += 1
        bloc = blocs[bloc_key]
        competency, _created = Competency.objects.update_or_create(
            bloc=bloc,
            code=row["competence_code"],
            defaults={"wording": row["competence_intitule"], "position": report.competencies},
        )
        report.competencies += 1
        for wording in filter(None, (w.strip() for w in row["savoirs"].split("|"))):
            KnowledgeItem.objects.get_or_create(competency=competency, wording=wording)
        for old_code in filter(None, (c.strip() for c in row["remplace"].split("|"))):
            bloc_code, _sep, code = old_code.rpartition(":")
            old = (
                Competency.objects.filter(
                    bloc__version=version.previous_id,
                    code=code,
                    **({"bloc__code": bloc_code} if bloc_code else {}),
                ).first()
                if version.previous_id
                else None
            )
            if old is None:
                report.errors.append(
                    (
                        number,
                        _("Replaced competency %(code)s is not in the previous version.")
                        % {"code": old_code},
                    )
                )
                continue
            CompetencyMapping.objects.get_or_create(old=old, new=competency)
