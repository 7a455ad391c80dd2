"""Import pupils from the school's spreadsheet (a CSV file): preview, then all or nothing.

The columns are documented in students/IMPORT.md, with a sample file in
students/samples/. Each line goes through the same forms as the pages, so a line is
refused for the same reasons, in the same words, as the form would refuse it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoles.models import User, Workshop
from ecoles.roles import TRAINER
from students.forms import GuardianForm, StudentForm
from students.models import Guardian, Student, fold

MAX_BYTES = 1024 * 1024
MAX_LINES = 2000
GUARDIAN_SLOTS = (1, 2)

# Canonical column -> the headers accepted for it (compared folded, see _key).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nom": ("nom", "nom_de_famille", "nom_eleve"),
    "prenom": ("prenom", "prenom_eleve"),
    "date_naissance": ("date_naissance", "date_de_naissance", "naissance", "ne_le"),
    "lieu_naissance": ("lieu_naissance", "lieu_de_naissance", "ne_a", "commune_naissance"),
    "telephone": ("telephone", "tel", "portable", "telephone_eleve"),
    "email": ("email", "e_mail", "mail", "courriel"),
    "adresse": ("adresse",),
    "code_postal": ("code_postal", "cp"),
    "ville": ("ville", "commune"),
    "atelier": ("atelier",),
    "formation": ("formation", "diplome", "diplome_prepare"),
    "intitule_formation": ("intitule_formation", "intitule", "intitule_diplome", "specialite"),
    "annee_formation": ("annee_formation", "annee", "niveau"),
    "date_entree": ("date_entree", "date_d_entree", "entree"),
    "promotion": ("promotion", "promo", "cohorte"),
    "statut": ("statut",),
    "tuteur": ("tuteur", "maitre_professionnel", "mp"),
    "ine": ("ine", "identifiant_national", "identifiant_national_eleve"),
    "sexe": ("sexe", "genre"),
    # The training of the year before (R131-3): a class left, or another programme.
    "classe_precedente": ("classe_precedente", "classe_quittee", "classe_annee_precedente"),
    "formation_precedente": ("formation_precedente", "dispositif_precedent"),
}
# What a school writes for the pupil's sex -> the record's code.
SEXES = {"f": "F", "feminin": "F", "fille": "F", "m": "M", "masculin": "M", "garcon": "M"}
GUARDIAN_COLUMNS: dict[str, tuple[str, ...]] = {
    "lien": ("lien", "qualite"),
    "nom": ("nom",),
    "prenom": ("prenom",),
    "telephone": ("telephone", "tel", "portable"),
    "telephone2": ("telephone2", "telephone_2", "tel2", "autre_telephone"),
    "email": ("email", "e_mail", "mail", "courriel"),
    "adresse": ("adresse",),
    "code_postal": ("code_postal", "cp"),
    "ville": ("ville", "commune"),
    "profession": ("profession", "metier"),
    "courrier": ("courrier", "destinataire_courrier", "recoit_courrier"),
}
for _n in GUARDIAN_SLOTS:
    for _name, _aliases in GUARDIAN_COLUMNS.items():
        COLUMNS[f"resp{_n}_{_name}"] = tuple(
            f"{prefix}{_n}_{alias}" for prefix in ("resp", "responsable") for alias in _aliases
        )
REQUIRED = ("nom", "prenom", "date_naissance", "atelier", "date_entree")

PROGRAMMES = {
    "cap": Student.Programme.CAP,
    "bac_pro": Student.Programme.BAC_PRO,
    "bacpro": Student.Programme.BAC_PRO,
    "bac_professionnel": Student.Programme.BAC_PRO,
    "autre": Student.Programme.OTHER,
}
STATUSES = {
    "candidat": Student.Status.APPLICANT,
    "candidate": Student.Status.APPLICANT,
    "inscrit": Student.Status.ENROLLED,
    "inscrite": Student.Status.ENROLLED,
}
RELATIONSHIPS = {
    "mere": Guardian.Relationship.MOTHER,
    "pere": Guardian.Relationship.FATHER,
    "tuteur": Guardian.Relationship.LEGAL_GUARDIAN,
    "tuteur_legal": Guardian.Relationship.LEGAL_GUARDIAN,
    "tutrice": Guardian.Relationship.LEGAL_GUARDIAN,
    "famille_d_accueil": Guardian.Relationship.FOSTER_FAMILY,
    "educateur": Guardian.Relationship.SOCIAL_WORKER,
    "educatrice": Guardian.Relationship.SOCIAL_WORKER,
    "ase": Guardian.Relationship.SOCIAL_WORKER,
    "educateur_ase": Guardian.Relationship.SOCIAL_WORKER,
    "autre_parent": Guardian.Relationship.RELATIVE,
    "grand_mere": Guardian.Relationship.RELATIVE,
    "grand_pere": Guardian.Relationship.RELATIVE,
    "oncle": Guardian.Relationship.RELATIVE,
    "tante": Guardian.Relationship.RELATIVE,
    "frere": Guardian.Relationship.RELATIVE,
    "soeur": Guardian.Relationship.RELATIVE,
    "autre": Guardian.Relationship.OTHER,
}
YES = {"oui", "o", "yes", "y", "x", "1", "vrai"}
NO = {"non", "n", "no", "0", "faux"}


def _key(text: str) -> str:
    """'Date de naissance' -> 'date_de_naissance'; 'Bac Pro' -> 'bac_pro'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass
class Line:
    number: int  # as the spreadsheet shows it: the header is line 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    student_form: StudentForm | None = None
    guardian_forms: list[GuardianForm] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.values.get('nom', '').upper()} {self.values.get('prenom', '')}".strip()

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    lines: list[Line]
    unknown_columns: list[str]

    @property
    def errors(self) -> int:
        return sum(1 for line in self.lines if line.errors)

    @property
    def warnings(self) -> int:
        return sum(1 for line in self.lines if line.warnings)

    @property
    def can_import(self) -> bool:
        return bool(self.lines) and not self.errors


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Windows-1252 (Excel's 'CSV')."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is too large (1 MB at most)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is neither UTF-8 nor Windows-1252 text: is it really a CSV?")
            ) from exc


def read(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Rows keyed by canonical column, with their line numbers; and the unknown headers."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    aliases = {_key(alias): canonical for canonical, names in COLUMNS.items() for alias in names}
    columns = [aliases.get(_key(h)) for h in header]
    unknown = [h for h, c in zip(header, columns, strict=True) if c is None and h.strip()]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. See the sample file.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_LINES:
            raise ImportFileError(
                _("Too many lines: %(max)s pupils at most per file.") % {"max": MAX_LINES}
            )
        row = {
            column: value.strip()
            for column, value in zip(columns, values, strict=False)
            if column is not None
        }
        rows.append((reader.line_num, row))
    return rows, unknown


def _date(value: str) -> str:
    """dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd to ISO; anything else unchanged, so
    the form says it is not a date."""
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value


class _Lookups:
    """Workshops and trainers, read once per file."""

    def __init__(self) -> None:
        self.workshops = {_key(w.name): w for w in Workshop.objects.all()}
        self.trainers: dict[str, User] = {}
        for user in User.objects.filter(groups__name=TRAINER).distinct():
            for name in (
                user.username,
                user.get_full_name(),
                f"{user.last_name} {user.first_name}",
            ):
                if name.strip():
                    self.trainers[_key(name)] = user


def _student_data(row: dict[str, str], lookups: _Lookups, errors: dict[str, str]) -> dict:
    workshop = lookups.workshops.get(_key(row.get("atelier", "")))
    if row.get("atelier") and workshop is None:
        errors["atelier"] = _("atelier: no workshop is called “%(name)s”.") % {
            "name": row["atelier"]
        }
    programme = row.get("formation", "")
    programme_code = PROGRAMMES.get(_key(programme), "") if programme else "cap"
    if not programme_code:
        errors["formation"] = _("formation: “%(value)s” is not CAP, Bac Pro or Autre.") % {
            "value": programme
        }
    status = row.get("statut", "")
    status_code = STATUSES.get(_key(status), "") if status else Student.Status.ENROLLED
    if not status_code:
        errors["statut"] = _("statut: “%(value)s” is not candidat or inscrit.") % {"value": status}
    tutor = None
    if row.get("tuteur"):
        tutor = lookups.trainers.get(_key(row["tuteur"]))
        if tutor is None:
            errors["tuteur"] = _("tuteur: no trainer is called “%(name)s”.") % {
                "name": row["tuteur"]
            }
    return {
        "last_name": row.get("nom", ""),
        "first_name": row.get("prenom", ""),
        "birth_date": _date(row.get("date_naissance", "")),
        "birth_place": row.get("lieu_naissance", ""),
        "phone": row.get("telephone", ""),
        "email": row.get("email", ""),
        "address": row.get("adresse", ""),
        "postal_code": row.get("code_postal", ""),
        "city": row.get("ville", ""),
        "workshop": workshop.pk if workshop else "",
        "tutor": tutor.pk if tutor else "",
        "programme": programme_code,
        "programme_title": row.get("intitule_formation", ""),
        "programme_year": row.get("annee_formation", "") or "1",
        "entry_date": _date(row.get("date_entree", "")),
        "cohort": row.get("promotion", ""),
        "status": status_code,
        "ine": row.get("ine", ""),
        "sex": SEXES.get(_key(row.get("sexe", "")), row.get("sexe", "")),
        **_previous(row),
        # Warnings are gathered for the whole file below and confirmed once.
        "confirm_warnings": "on",
    }


def _previous(row: dict[str, str]) -> dict:
    """Where the pupil was the year before: a class left wins over another programme."""
    if row.get("classe_precedente"):
        return {"previous_situation": "school", "previous_class": row["classe_precedente"]}
    if row.get("formation_precedente"):
        return {
            "previous_situation": "programme",
            "previous_programme": row["formation_precedente"],
        }
    return {}


def _guardian_data(row: dict[str, str], slot: int, errors: dict[str, str]) -> dict | None:
    values = {name: row.get(f"resp{slot}_{name}", "") for name in GUARDIAN_COLUMNS}
    if not any(values.values()):
        return None
    relationship = RELATIONSHIPS.get(_key(values["lien"]), "") if values["lien"] else "other"
    if not relationship:
        errors[f"resp{slot}_lien"] = _(
            "resp%(slot)s_lien: “%(value)s” is not a known relationship (mère, père...)."
        ) % {"slot": slot, "value": values["lien"]}
    mail = _key(values["courrier"])
    if mail and mail not in YES | NO:
        errors[f"resp{slot}_courrier"] = _(
            "resp%(slot)s_courrier: answer oui or non, not “%(value)s”."
        ) % {"slot": slot, "value": values["courrier"]}
    receives_mail = mail in YES if mail else slot == 1
    data = {
        "relationship": relationship,
        "last_name": values["nom"],
        "first_name": values["prenom"],
        "phone": values["telephone"],
        "phone_other": values["telephone2"],
        "email": values["email"],
        "address": values["adresse"],
        "postal_code": values["code_postal"],
        "city": values["ville"],
        "profession": values["profession"],
        "legal_representative": "on",
    }
    if receives_mail:
        data["receives_mail"] = "on"
    return data


# Form field -> the CSV column a user will look for.
_STUDENT_COLUMN = {
    "last_name": "nom",
    "first_name": "prenom",
    "birth_date": "date_naissance",
    "birth_place": "lieu_naissance",
    "phone": "telephone",
    "email": "email",
    "address": "adresse",
    "postal_code": "code_postal",
    "city": "ville",
    "workshop": "atelier",
    "tutor": "tuteur",
    "programme": "formation",
    "programme_title": "intitule_formation",
    "programme_year": "annee_formation",
    "entry_date": "date_entree",
    "cohort": "promotion",
    "ine": "ine",
    "sex": "sexe",
    "status": "statut",
    "previous_class": "classe_precedente",
    "previous_programme": "formation_precedente",
}
_GUARDIAN_COLUMN = {
    "relationship": "lien",
    "last_name": "nom",
    "first_name": "prenom",
    "phone": "telephone",
    "phone_other": "telephone2",
    "email": "email",
    "address": "adresse",
    "postal_code": "code_postal",
    "city": "ville",
    "profession": "profession",
    "receives_mail": "courrier",
}


def _form_errors(form, columns: dict[str, str], prefix: str, flagged: set[str]) -> list[str]:
    """The form's messages, each after the column it is about; a column whose value was
    already refused by a lookup is not explained twice."""
    messages = []
    for name, errors in form.errors.items():
        column = columns.get(name)
        if column and f"{prefix}{column}" in flagged:
            continue
        for error in errors:
            if column:
                error = _("%(column)s: %(error)s") % {"column": prefix + column, "error": error}
            messages.append(str(error))
    return messages


def preview(data: bytes) -> Preview:
    """Read and check every line; nothing is written."""
    rows, unknown = read(decode(data))
    lookups = _Lookups()
    existing = set(Student.objects.current().values_list("search_name", "birth_date"))
    seen: Counter[tuple[str, dt.date]] = Counter()
    pending: Counter[int] = Counter()
    lines = []
    for number, row in rows:
        line = Line(number, row)
        flagged: dict[str, str] = {}
        form = StudentForm(data=_student_data(row, lookups, flagged))
        form_ok = form.is_valid()
        line.student_form = form
        guardian_data = [(slot, _guardian_data(row, slot, flagged)) for slot in GUARDIAN_SLOTS]
        line.errors += flagged.values()
        line.errors += _form_errors(form, _STUDENT_COLUMN, "", flagged)
        for slot, data in guardian_data:
            if data is None:
                continue
            gform = GuardianForm(data=data)
            if not gform.is_valid():
                line.errors += _form_errors(gform, _GUARDIAN_COLUMN, f"resp{slot}_", flagged)
            line.guardian_forms.append(gform)
        minor = form_ok and form.instance.age_on(timezone.localdate()) < 18
        if minor and not line.guardian_forms:
            line.errors.append(_("A minor pupil needs at least one guardian (resp1_...)."))
        if form_ok:
            student = form.instance
            identity = (fold(f"{student.first_name} {student.last_name}"), student.birth_date)
            if identity in existing:
                line.errors.append(
                    _("This pupil is already in Ecoles (same names and birth date).")
                )
            seen[identity] += 1
            if seen[identity] > 1:
                line.errors.append(_("This pupil is already on an earlier line of the file."))
            if not line.errors:
                line.warnings = student.entry_warnings(pending=pending[student.workshop_id])
                if student.status == Student.Status.ENROLLED:
                    pending[student.workshop_id] += 1
        lines.append(line)
    return Preview(lines, unknown)


@transaction.atomic
def import_students(result: Preview) -> list[Student]:
    """Save every line of a preview without errors, or none (one transaction)."""
    if not result.can_import:
        raise ValueError("the preview has errors: nothing to import")
    created = []
    for line in result.lines:
        student = line.student_form.save()
        for gform in line.guardian_forms:
            guardian = gform.save(commit=False)
            guardian.student = student
            guardian.save()
        created.append(student)
    return created
