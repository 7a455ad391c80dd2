"""Write France compétences exports (skills/rncp.py reads them) from a few fiches.

`python -m skills.rncp_samples.build` rewrites the samples of this folder from SAMPLE;
the tests build their exports with the same functions. The layout follows the published
formats (see skills/rncp.py for where each was read); README.md says which values of
SAMPLE are real and which are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

STANDARD = (
    "Id_Fiche",
    "Numero_Fiche",
    "Intitule",
    "Abrege_Libelle",
    "Abrege_Intitule",
    "Nomenclature_Europe_Niveau",
    "Nomenclature_Europe_Intitule",
    "Accessible_Nouvelle_Caledonie",
    "Accessible_Polynesie_Francaise",
    "Date_dernier_jo",
    "Date_Decision",
    "Date_Fin_Enregistrement",
    "Date_Effet",
    "Type_Enregistrement",
    "Validation_Partielle",
    "Actif",
)


def _csv(header, rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_zip(fiches: list[dict], day: dt.date) -> bytes:
    """fiches: {"number", "title", "active" (bool), "ends" (date or None), "level",
    "blocs": [(code, wording)], "replaces": [...], "replaced_by": [...]}"""
    stamp = day.strftime("%Y_%m_%d")
    standard = [
        [
            str(1000 + i),
            f["number"],
            f["title"],
            f.get("abbr", "CAP"),
            f.get("abbr_title", "Certificat d'aptitude professionnelle"),
            f"NIV{f.get('level', 3)}",
            f"Niveau {f.get('level', 3)}",
            "Non",
            "Non",
            "",
            "",
            f["ends"].strftime("%d/%m/%Y") if f.get("ends") else "",
            "",
            "Enregistrement de droit",
            "Oui",
            "ACTIVE" if f["active"] else "INACTIVE",
        ]
        for i, f in enumerate(fiches)
    ]
    blocs = [[f["number"], code, wording] for f in fiches for code, wording in f.get("blocs", [])]
    links = [[f["number"], old, ""] for f in fiches for old in f.get("replaces", [])] + [
        [f["number"], "", new] for f in fiches for new in f.get("replaced_by", [])
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"export_fiches_CSV_Standard_{stamp}.csv", _csv(STANDARD, standard))
        archive.writestr(
            f"export_fiches_CSV_Blocs_De_Compétences_{stamp}.csv",
            _csv(("Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"), blocs),
        )
        archive.writestr(
            f"export_fiches_CSV_Ancienne_Nouvelle_Certification_{stamp}.csv",
            _csv(("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"), links),
        )
    return buffer.getvalue()


def xml_export(fiches: list[dict]) -> bytes:
    def tag(name: str, value: str) -> str:
        return f"<{name}>{escape(value)}</{name}>"

    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>', "<FICHES>"]
    parts.append(tag("VERSION_FLUX", "4.1"))
    for i, f in enumerate(fiches):
        parts.append("<FICHE>")
        parts.append(tag("ID_FICHE", str(1000 + i)))
        parts.append(tag("NUMERO_FICHE", f["number"]))
        if f.get("replaced_by"):
            parts.append("<NOUVELLES_CERTIFICATIONS>")
            for new in f["replaced_by"]:
                parts.append(
                    "<NOUVELLE_CERTIFICATION>"
                    + tag("ID_FICHE_NOUVELLE_CERTIFICATION", new)
                    + "</NOUVELLE_CERTIFICATION>"
                )
            parts.append("</NOUVELLES_CERTIFICATIONS>")
        if f.get("replaces"):
            parts.append("<ANCIENNES_CERTIFICATIONS>")
            for old in f["replaces"]:
                parts.append(
                    "<ANCIENNE_CERTIFICATION>"
                    + tag("ID_FICHE_ANCIENNE_CERTIFICATION", old)
                    + "</ANCIENNE_CERTIFICATION>"
                )
            parts.append("</ANCIENNES_CERTIFICATIONS>")
        parts.append(tag("INTITULE", f["title"]))
        parts.append(
            "<ABREGE>"
            + tag("CODE", f.get("abbr", "CAP"))
            + tag("LIBELLE", f.get("abbr_title", "Certificat d'aptitude professionnelle"))
            + "</ABREGE>"
        )
        parts.append(tag("ETAT_FICHE", "Publiée"))
        level = f.get("level", 3)
        parts.append(
            "<NOMENCLATURE_EUROPE>"
            + tag("NIVEAU", f"NIV{level}")
            + tag("LIBELLE", f"Niveau {level}")
            + "</NOMENCLATURE_EUROPE>"
        )
        parts.append(tag("ACTIF", "Oui" if f["active"] else "Non"))
        parts.append(tag("TYPE_ENREGISTREMENT", "Enregistrement de droit"))
        if f.get("ends"):
            parts.append(tag("DATE_FIN_ENREGISTREMENT", f["ends"].strftime("%d/%m/%Y")))
        if f.get("blocs"):
            parts.append("<BLOCS_COMPETENCES>")
            for code, wording in f["blocs"]:
                parts.append(
                    "<BLOC_COMPETENCES>"
                    + tag("CODE", code)
                    + tag("LIBELLE", wording)
                    + tag("LISTE_COMPETENCES", "")
                    + "</BLOC_COMPETENCES>"
                )
            parts.append("</BLOCS_COMPETENCES>")
        parts.append("</FICHE>")
    parts.append("</FICHES>")
    return "\n".join(parts).encode("utf-8")


def xml_zip(fiches: list[dict], day: dt.date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"export_fiches_RNCP_V4_1_{day:%Y-%m-%d}.xml", xml_export(fiches))
    return buffer.getvalue()


def _cap(number: str, units: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(f"{number}BC{i:02d}", f"{unit} - {name}") for i, (unit, name) in enumerate(units, 1)]


GENERAL = [
    ("UG1", "Français et histoire-géographie-enseignement moral et civique"),
    ("UG2", "Mathématiques et physique-chimie"),
    ("UG4", "Prévention-santé-environnement"),
]
# The demo school's diplomas. Real: the fiche numbers, which fiche replaced which, the
# status and end of RNCP37553 and all of RNCP34613 (README.md). Built by the RNCP's
# pattern, not read: the bloc codes and their wordings (the units of the arrêtés).
SAMPLE = [
    {
        "number": "RNCP36112",
        "title": "CAP - Menuisier fabricant",
        "active": True,
        "replaces": ["RNCP472"],
        "blocs": _cap(
            "RNCP36112",
            [
                ("UP1", "Analyse d'une situation professionnelle"),
                ("UP2", "Fabrication d'un ouvrage simple"),
                ("UP3", "Mise en œuvre sur chantier (pose)"),
                *GENERAL,
            ],
        ),
    },
    {
        "number": "RNCP36429",
        "title": "CAP - Conducteur d'installations de production",
        "active": True,
        "replaces": ["RNCP14868"],
        "blocs": _cap(
            "RNCP36429",
            [("UP1", "Conduite en mode normal"), ("UP2", "Intervention durant la production")]
            + GENERAL,
        ),
    },
    {
        "number": "RNCP37553",
        "title": "CAP - Cuisine",
        "active": False,
        "ends": dt.date(2024, 8, 31),
        "replaces": ["RNCP26650"],
        "replaced_by": ["RNCP38430"],
        "blocs": _cap(
            "RNCP37553",
            [
                ("UP1", "Organisation de la production de cuisine"),
                ("UP2", "Réalisation de la production de cuisine"),
                *GENERAL[:2],
            ],
        ),
    },
    {
        "number": "RNCP38430",
        "title": "CAP - Cuisine",
        "active": True,
        "replaces": ["RNCP37553"],
        "blocs": _cap(
            "RNCP38430",
            [
                ("UP1", "Organisation de la production de cuisine"),
                ("UP2", "Préparation et distribution de la production de cuisine"),
                *GENERAL,
            ],
        ),
    },
    {
        "number": "RNCP37910",
        "title": "BAC PRO - Cuisine",
        "abbr": "BAC PRO",
        "abbr_title": "Baccalauréat professionnel",
        "level": 4,
        "active": True,
        "replaces": ["RNCP12508"],
    },
    {
        "number": "RNCP37917",
        "title": "BAC PRO - Technicien menuisier agenceur",
        "abbr": "BAC PRO",
        "abbr_title": "Baccalauréat professionnel",
        "level": 4,
        "active": True,
        "replaces": ["RNCP2836"],
    },
    {  # not one of the school's: the import leaves it out
        "number": "RNCP34613",
        "title": "Menuisier de bâtiment et d'agencement (BM)",
        "abbr": "BM",
        "abbr_title": "Brevet de maîtrise",
        "level": 5,
        "active": False,
        "ends": dt.date(2022, 5, 29),
        "replaced_by": ["RNCP36715"],
    },
]
SAMPLE_DAY = dt.date(2026, 12, 1)

if __name__ == "__main__":
    here = Path(__file__).parent
    (here / f"export-fiches-csv-{SAMPLE_DAY:%Y-%m-%d}.zip").write_bytes(csv_zip(SAMPLE, SAMPLE_DAY))
    (here / f"export-fiches-rncp-v4-1-{SAMPLE_DAY:%Y-%m-%d}.zip").write_bytes(
        xml_zip(SAMPLE, SAMPLE_DAY)
    )
    (here / f"export_fiches_RNCP_V4_1_{SAMPLE_DAY:%Y-%m-%d}.xml").write_bytes(xml_export(SAMPLE))
