"""Check the référentiels' blocs against the RNCP, from France compétences' open data.

France compétences publishes the Répertoire national des certifications professionnelles
on data.gouv.fr (dataset « Répertoire national des certifications professionnelles et
répertoire spécifique », Licence Ouverte 2.0) in two forms, both read here:

- `export-fiches-csv-AAAA-MM-JJ.zip`: CSV files separated by `;`, UTF-8 with a BOM, named
  `export_fiches_CSV_<part>_AAAA_MM_JJ.csv`. Read here: `Standard` (`Numero_Fiche`,
  `Intitule`, `Actif` = ACTIVE | INACTIVE, `Date_Fin_Enregistrement` JJ/MM/AAAA, ...),
  `Blocs_De_Compétences` (`Numero_Fiche`, `Bloc_Competences_Code`,
  `Bloc_Competences_Libelle`) and `Ancienne_Nouvelle_Certification` (`Numero_Fiche`,
  `Ancienne_Certification`, `Nouvelle_Certification`). The file names and columns are
  those the Mission apprentissage's importer reads (GitHub
  mission-apprentissage/api-apprentissage, server/src/jobs/importer/france_competence/
  france_competence.importer.ts and shared/models/source/france_competence/parts/).
- `export-fiches-rncp-v4-1-AAAA-MM-JJ.zip` holding `export_fiches_RNCP_V4_1_AAAA-MM-JJ.xml`
  (flux 4.1): `FICHES/FICHE` with `NUMERO_FICHE`, `INTITULE`, `ACTIF` (Oui | Non),
  `DATE_FIN_ENREGISTREMENT` (JJ/MM/AAAA), `ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/
  ID_FICHE_ANCIENNE_CERTIFICATION`, `NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/
  ID_FICHE_NOUVELLE_CERTIFICATION` and `BLOCS_COMPETENCES/BLOC_COMPETENCES` (`CODE`,
  `LIBELLE`, `LISTE_COMPETENCES`), after the XSD rncp-rs-france-competence-v4.1 as
  mapped in GitHub ALDEBERTArnaud/mcp-rncp, docs/DATA-MAPPING.md. Parsed with defusedxml
  (no DTD, no entity), streamed: the whole export is about 570 MB.

Only the fiches of the school's référentiels are kept (the number of a version, or of a
diploma), with the fiches that replace them. Importing is all or nothing: a malformed
file changes nothing. A fiche's blocs are written onto its version: codes and official
wordings on the blocs already there (matched by code, by the unit named in the wording,
then by name), new blocs added. When a later export publishes different blocs than the
one imported before, the version is renewed instead: a new version whose `previous` is
the old, its blocs as published, the competencies of the blocs that stay copied with a
CompetencyMapping from the old ones, so that every piece of evidence keeps counting.
Competencies themselves still come from the arrêté's annexes (skills/importing.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import IO

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skills.models import (
    Bloc,
    Competency,
    CompetencyMapping,
    Diploma,
    DiplomaVersion,
    KnowledgeItem,
    RncpFiche,
)
from students.models import fold

NUMBER = re.compile(r"^RNCP\d{1,6}$")
BLOC_CODE = re.compile(r"^RNCP\d{1,6}BC\d{1,3}$")
STAMP = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
# "UP1 - Organisation ...", "UP 2 : ...", "U31 - ...": the exam unit a bloc's wording names.
UNIT = re.compile(r"^\s*(U[A-Z]{0,2}\s?\d{1,2})\s*[-–:.]\s*(.+)$", re.S)
CSV_PARTS = {
    "standard": "Standard",
    "blocs": "Blocs_De_Compétences",
    "links": "Ancienne_Nouvelle_Certification",
}
STANDARD_COLUMNS = ("Numero_Fiche", "Intitule", "Actif")
BLOC_COLUMNS = ("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle")
LINK_COLUMNS = ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification")
ACTIVE = {"ACTIVE": True, "INACTIVE": False, "OUI": True, "NON": False}
NAME_MAX = Bloc._meta.get_field("name").max_length


class RncpFileError(Exception):
    """The export cannot be read; nothing was imported."""


@dataclass
class Fiche:
    number: str
    title: str = ""
    active: str = ""
    ends: str = ""
    replaces: list[str] = field(default_factory=list)
    replaced_by: list[str] = field(default_factory=list)
    blocs: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Report:
    exported_on: dt.date | None = None
    checked: list[str] = field(default_factory=list)  # "RNCP36112 → CAP Menuisier (2020)"
    renewed: list[DiplomaVersion] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)  # an earlier export than the one kept
    missing: list[str] = field(default_factory=list)  # the school's fiches not in it
    replacements: list[str] = field(default_factory=list)


def school_numbers() -> set[str]:
    """The RNCP numbers of the school's référentiels (versions, diplomas, fiches kept)."""
    numbers = set(DiplomaVersion.objects.exclude(rncp="").values_list("rncp", flat=True))
    numbers |= set(Diploma.objects.exclude(rncp="").values_list("rncp", flat=True))
    numbers |= set(RncpFiche.objects.filter(version__isnull=False).values_list("number", flat=True))
    return numbers


# Reading ----------------------------------------------------------------------------


def read_export(name: str, handle: IO[bytes], wanted: set[str]) -> tuple[dt.date, dict]:
    """Every fiche of `wanted` found in the export, and the fiches replacing them, as
    {number: Fiche}; with the export's date (from its file names, else today)."""
    head = handle.read(4)
    handle.seek(0)
    if head.startswith(b"PK"):
        try:
            archive = zipfile.ZipFile(handle)
            members = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            raise RncpFileError(_("The ZIP file is damaged.")) from None
        stamp = _stamp(members) or _stamp([name])
        csvs = {part: _member(members, label) for part, label in CSV_PARTS.items()}
        if csvs["standard"]:
            fiches = _read_csv(archive, csvs, wanted)
        else:
            xml = [m for m in members if m.lower().endswith(".xml")]
            if len(xml) != 1:
                raise RncpFileError(
                    _(
                        "This ZIP is not a France compétences export: no "
                        "export_fiches_CSV_Standard file and no single XML file in it."
                    )
                )
            with archive.open(xml[0]) as source:
                fiches = _read_xml(source, wanted)
    else:
        stamp = _stamp([name])
        fiches = _read_xml(handle, wanted)
    return stamp or timezone.localdate(), fiches


def _stamp(names: list[str]) -> dt.date | None:
    for name in names:
        match = STAMP.search(name)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                continue
    return None


def _member(members: list[str], label: str) -> str | None:
    # Normalised: the archive may spell "Compétences" decomposed (e + combining accent).
    prefix = f"export_fiches_csv_{unicodedata.normalize('NFC', label).lower()}_"
    for member in members:
        base = unicodedata.normalize("NFC", member.rsplit("/", 1)[-1]).lower()
        if base.startswith(prefix) and base.endswith(".csv"):
            return member
    return None


def _rows(archive: zipfile.ZipFile, member: str | None, columns: tuple[str, ...], label: str):
    if member is None:
        raise RncpFileError(
            _("The export has no %(part)s file (export_fiches_CSV_%(part)s_AAAA_MM_JJ.csv).")
            % {"part": label}
        )
    try:
        text = io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text, delimiter=";")
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise RncpFileError(
                _("%(file)s lacks the columns %(columns)s.")
                % {"file": member, "columns": ", ".join(missing)}
            )
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
    except UnicodeDecodeError:
        raise RncpFileError(_("%(file)s is not UTF-8 text.") % {"file": member}) from None
    except (zipfile.BadZipFile, OSError, EOFError, csv.Error) as exc:
        raise RncpFileError(
            _("%(file)s cannot be read: %(error)s") % {"file": member, "error": exc}
        ) from None


def _read_csv(archive: zipfile.ZipFile, members: dict, wanted: set[str]) -> dict[str, Fiche]:
    fiches: dict[str, Fiche] = {}
    replaced_by: dict[str, list[str]] = {}
    replaces: dict[str, list[str]] = {}
    if members["links"]:
        for _line, row in _rows(archive, members["links"], LINK_COLUMNS, CSV_PARTS["links"]):
            number = row["Numero_Fiche"]
            if row["Nouvelle_Certification"]:
                replaced_by.setdefault(number, []).append(row["Nouvelle_Certification"])
            if row["Ancienne_Certification"]:
                replaces.setdefault(number, []).append(row["Ancienne_Certification"])
    keep = set(wanted)
    for number in wanted:
        keep.update(replaced_by.get(number, []))
    for _line, row in _rows(archive, members["standard"], STANDARD_COLUMNS, "Standard"):
        number = row["Numero_Fiche"]
        if number in keep:
            fiches[number] = Fiche(
                number=number,
                title=row["Intitule"],
                active=row["Actif"],
                ends=row.get("Date_Fin_Enregistrement", ""),
                replaces=replaces.get(number, []),
                replaced_by=replaced_by.get(number, []),
            )
    label = CSV_PARTS["blocs"]
    for line, row in _rows(archive, members["blocs"], BLOC_COLUMNS, label):
        fiche = fiches.get(row["Numero_Fiche"])
        if fiche is not None and fiche.number in wanted:
            if not row["Bloc_Competences_Code"]:
                raise RncpFileError(
                    _("%(file)s, line %(line)s: a bloc of %(number)s has no code.")
                    % {"file": members["blocs"], "line": line, "number": fiche.number}
                )
            fiche.blocs.append(
                {
                    "code": row["Bloc_Competences_Code"],
                    "wording": row["Bloc_Competences_Libelle"],
                }
            )
    return fiches


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _read_xml(source: IO[bytes], wanted: set[str]) -> dict[str, Fiche]:
    """Streamed: each FICHE is read then dropped, the export's size does not matter."""
    everyone: dict[str, Fiche] = {}
    root_seen = False
    try:
        for event, element in SafeET.iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not root_seen:
                    root_seen = True
                    if element.tag != "FICHES":
                        raise RncpFileError(
                            _("This XML is not a France compétences export (root %(tag)s).")
                            % {"tag": element.tag}
                        )
                continue
            if element.tag != "FICHE":
                continue
            number = _text(element, "NUMERO_FICHE")
            fiche = Fiche(
                number=number,
                title=_text(element, "INTITULE"),
                active=_text(element, "ACTIF"),
                ends=_text(element, "DATE_FIN_ENREGISTREMENT"),
                replaces=[
                    (e.text or "").strip()
                    for e in element.iterfind(
                        "ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/"
                        "ID_FICHE_ANCIENNE_CERTIFICATION"
                    )
                ],
                replaced_by=[
                    (e.text or "").strip()
                    for e in element.iterfind(
                        "NOUVELLES_CERTIFICATIONS/NOUVELLE_CERTIFICATION/"
                        "ID_FICHE_NOUVELLE_CERTIFICATION"
                    )
                ],
            )
            if number in wanted:
                fiche.blocs = [
                    {"code": _text(bloc, "CODE"), "wording": _text(bloc, "LIBELLE")}
                    for bloc in element.iterfind("BLOCS_COMPETENCES/BLOC_COMPETENCES")
                ]
                for bloc in fiche.blocs:
                    if not bloc["code"]:
                        raise RncpFileError(
                            _("A bloc of %(number)s has no CODE.") % {"number": number}
                        )
                everyone[number] = fiche
            elif number:
                # Kept small (no blocs): it may be the replacement of a wanted fiche.
                everyone[number] = fiche
            element.clear()
    except SafeET.ParseError as exc:
        raise RncpFileError(_("The XML file is malformed: %(error)s.") % {"error": exc}) from None
    except DefusedXmlException:
        raise RncpFileError(
            _("The XML file declares a DTD or entities, which an export never does.")
        ) from None
    if not root_seen:
        raise RncpFileError(_("The file is empty."))
    keep = set(wanted)
    for number in wanted:
        if number in everyone:
            keep.update(everyone[number].replaced_by)
    return {n: f for n, f in everyone.items() if n in keep}


# Checking ---------------------------------------------------------------------------


def _date(value: str, number: str) -> dt.date | None:
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RncpFileError(
        _("%(number)s: the end of registration %(value)s is not a date (DD/MM/YYYY).")
        % {"number": number, "value": value}
    )


def _check(fiche: Fiche) -> None:
    if not NUMBER.match(fiche.number):
        raise RncpFileError(_("%(number)s is not an RNCP number.") % {"number": fiche.number})
    if fiche.active.upper() not in ACTIVE:
        raise RncpFileError(
            _("%(number)s: status %(value)s is neither ACTIVE nor INACTIVE (Oui / Non).")
            % {"number": fiche.number, "value": fiche.active or "—"}
        )
    _date(fiche.ends, fiche.number)
    for bloc in fiche.blocs:
        if not BLOC_CODE.match(bloc["code"]):
            raise RncpFileError(
                _("%(number)s: bloc code %(code)s is not of the form RNCPxxxxxBCyy.")
                % {"number": fiche.number, "code": bloc["code"]}
            )
        if not bloc["wording"]:
            raise RncpFileError(
                _("%(number)s: bloc %(code)s has no wording.")
                % {"number": fiche.number, "code": bloc["code"]}
            )


# Writing ----------------------------------------------------------------------------


def import_export(name: str, handle: IO[bytes]) -> Report:
    """Read the export, then write every fiche of the school's référentiels in one
    transaction (raises RncpFileError, with nothing written, on a malformed file)."""
    wanted = school_numbers()
    exported_on, fiches = read_export(name, handle, wanted)
    for fiche in fiches.values():
        _check(fiche)
    report = Report(exported_on=exported_on)
    report.missing = sorted(wanted - set(fiches))
    with transaction.atomic():
        for number in sorted(n for n in fiches if n in wanted):
            _import_fiche(fiches[number], exported_on, report)
        for number in sorted(n for n in fiches if n not in wanted):
            fiche = fiches[number]
            _save_fiche(fiche, exported_on, RncpFiche.objects.filter(number=number).first())
            report.replacements.append(number)
    return report


def _save_fiche(fiche: Fiche, exported_on: dt.date, record: RncpFiche | None, **extra):
    values = {
        "title": fiche.title[:400],
        "active": ACTIVE[fiche.active.upper()],
        "registration_ends": _date(fiche.ends, fiche.number),
        "replaces": " ".join(fiche.replaces),
        "replaced_by": " ".join(fiche.replaced_by),
        "exported_on": exported_on,
        "imported_at": timezone.now(),
        **extra,
    }
    if record is None:
        return RncpFiche.objects.create(number=fiche.number, **values)
    if record.exported_on > exported_on:
        return record
    for key, value in values.items():
        setattr(record, key, value)
    record.save()
    return record


def _version_of(number: str, record: RncpFiche | None) -> DiplomaVersion | None:
    if record is not None and record.version_id:
        return record.version
    version = DiplomaVersion.objects.filter(rncp=number).order_by("-pk").first()
    if version is None:
        diploma = Diploma.objects.filter(rncp=number).first()
        version = diploma.versions.order_by("-pk").first() if diploma else None
    return version


def _import_fiche(fiche: Fiche, exported_on: dt.date, report: Report) -> None:
    record = RncpFiche.objects.select_for_update().filter(number=fiche.number).first()
    if record is not None and record.exported_on > exported_on:
        report.older.append(fiche.number)
        return
    version = _version_of(fiche.number, record)
    if version is None:  # a fiche kept with no version left: status only
        _save_fiche(fiche, exported_on, record)
        return
    published = [(b["code"], b["wording"]) for b in fiche.blocs]
    before = [(b["code"], b["wording"]) for b in record.blocs] if record else None
    coded = version.blocs.exclude(rncp_code="").exists()
    if before is not None and before != published and coded:
        version = _renew(version, fiche, exported_on)
        report.renewed.append(version)
    elif before == published:
        report.unchanged.append(fiche.number)
    else:
        _attach(version, fiche)
        report.checked.append(f"{fiche.number} → {version} ({len(fiche.blocs)} blocs)")
    if version.rncp != fiche.number:
        version.rncp = fiche.number
        version.save(update_fields=["rncp"])
    _save_fiche(fiche, exported_on, record, version=version, blocs=fiche.blocs)


def _unit_and_name(wording: str) -> tuple[str, str]:
    match = UNIT.match(wording)
    if match:
        return match.group(1).replace(" ", ""), " ".join(match.group(2).split())
    return "", " ".join(wording.split())


def _short(text: str) -> str:
    return text if len(text) <= NAME_MAX else text[: NAME_MAX - 1] + "…"


def _match(blocs: list[Bloc], code: str, wording: str) -> Bloc | None:
    unit, name = _unit_and_name(wording)
    for test in (
        lambda b: b.rncp_code == code,
        lambda b: bool(unit) and b.code.replace(" ", "").upper() == unit.upper(),
        lambda b: fold(b.name).strip() == fold(name).strip(),
    ):
        found = [b for b in blocs if test(b)]
        if len(found) == 1:
            return found[0]
    return None


def _free_code(taken: set[str], code: str, wording: str) -> str:
    unit, _name = _unit_and_name(wording)
    for candidate in (unit, "BC" + code.rsplit("BC", 1)[-1], code):
        if candidate and candidate not in taken:
            return candidate[:20]
    return code[:20]


def _attach(version: DiplomaVersion, fiche: Fiche) -> None:
    """The fiche's codes and wordings onto the version's blocs; new blocs added."""
    blocs = list(version.blocs.order_by("position", "code"))
    free = [
        b for b in blocs if not b.rncp_code or b.rncp_code not in {x["code"] for x in fiche.blocs}
    ]
    position = max((b.position for b in blocs), default=0)
    for published in fiche.blocs:
        bloc = _match(free, published["code"], published["wording"])
        if bloc is None:
            bloc = next((b for b in blocs if b.rncp_code == published["code"]), None)
        _unit, name = _unit_and_name(published["wording"])
        if bloc is None:
            position += 1
            taken = {b.code for b in blocs}
            bloc = Bloc(
                version=version,
                code=_free_code(taken, published["code"], published["wording"]),
                position=position,
            )
            blocs.append(bloc)
        elif bloc in free:
            free.remove(bloc)
        bloc.rncp_code, bloc.name = published["code"], _short(name)
        bloc.save()


def _renew(old: DiplomaVersion, fiche: Fiche, exported_on: dt.date) -> DiplomaVersion:
    """A new version with the blocs as published; the competencies of the blocs kept are
    copied and mapped from the old ones, so that evidence keeps counting."""
    label = f"RNCP {exported_on:%Y-%m-%d}"
    if DiplomaVersion.objects.filter(diploma=old.diploma_id, label=label).exists():
        label = f"{label} ({old.pk})"
    new = DiplomaVersion.objects.create(
        diploma=old.diploma,
        label=label[:60],
        valid_from=old.valid_from,
        previous=old,
        rncp=fiche.number,
        source=_(
            "France compétences, fiche %(number)s, export of %(date)s: blocs as "
            "published; competencies carried over from version %(label)s."
        )
        % {"number": fiche.number, "date": exported_on.isoformat(), "label": old.label},
    )
    olds = list(old.blocs.prefetch_related("competencies__knowledge"))
    taken: set[str] = set()
    for position, published in enumerate(fiche.blocs, 1):
        source = _match(olds, published["code"], published["wording"])
        _unit, name = _unit_and_name(published["wording"])
        code = source.code if source else _free_code(taken, published["code"], published["wording"])
        taken.add(code)
        bloc = Bloc.objects.create(
            version=new,
            position=position,
            code=code,
            rncp_code=published["code"],
            name=_short(name),
            subject=source.subject if source else "",
        )
        if source is None:
            continue
        for competency in source.competencies.all():
            copy = Competency.objects.create(
                bloc=bloc,
                position=competency.position,
                code=competency.code,
                wording=competency.wording,
            )
            KnowledgeItem.objects.bulk_create(
                KnowledgeItem(competency=copy, wording=k.wording)
                for k in competency.knowledge.all()
            )
            CompetencyMapping.objects.create(old=competency, new=copy)
    return new
