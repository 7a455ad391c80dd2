"""A pupil's whole record, for a request under the RGPD (art. 15 and 20): JSON in a ZIP.

Everything the school keeps about him: the record and its history, the guardians,
what other apps hold about him (work logs, attendance... found through the reverse
relations, so a later app is exported without a change here), and the follow-up notes
only when the person exporting may read them (the read audit records it as a reading).

The export holds only what its reader may see on the pages: a model whose fields are
not for every reader says so with `hidden_from(user)` (the medical opinion's doctor and
scan, for the Direction role only), and those fields are left out, by the same rule the
pages apply.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from students.models import Student

# Exported by name below; every other reverse relation is exported generically.
_OWN = {"guardians", "followup_notes"}
_RECORD_EXCLUDE = {"search_name"}


def _fields(obj: models.Model, exclude: set[str] = frozenset()) -> dict:
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(obj, f.attname)
        data[f.name] = value
        if f.choices and value:
            data[f"{f.name}_label"] = str(getattr(obj, f"get_{f.name}_display")())
    if hasattr(obj, "workshop"):
        data["workshop_name"] = str(obj.workshop)
    return data


def _other_apps(student: Student, user) -> dict[str, list]:
    related = {}
    for rel in student._meta.related_objects:
        name = rel.get_accessor_name()
        # A relation with no way back from the pupil (related_name "+": the pupils a roll
        # call called) is exported from its own side, where the pupil's rows are.
        if name in _OWN or rel.one_to_one or rel.hidden:
            continue
        model = rel.related_model
        rows = getattr(student, name).all()
        hidden = set(model.hidden_from(user)) if hasattr(model, "hidden_from") else set()
        serialized = serializers.serialize("python", rows)
        for row in serialized:
            row["fields"] = {k: v for k, v in row["fields"].items() if k not in hidden}
        related[model._meta.label_lower] = serialized
    return related


def record(student: Student, user) -> dict:
    data = {
        "exported_at": timezone.now(),
        "exported_by": str(user),
        "pupil": _fields(student, _RECORD_EXCLUDE),
        "tutor": str(student.tutor) if student.tutor else None,
        "guardians": [_fields(g) for g in student.guardians.all()],
        "history": [
            {
                "date": h.history_date,
                "by": str(h.history_user) if h.history_user else None,
                "change": h.get_history_type_display(),
                "reason": h.history_change_reason,
            }
            for h in student.history.select_related("history_user")
        ],
        "related": _other_apps(student, user),
    }
    if student.notes_visible_to(user):
        data["follow_up_notes"] = [
            {**_fields(n), "author": str(n.author)}
            for n in student.followup_notes.select_related("author")
        ]
    return data


def export_zip(student: Student, user) -> bytes:
    """`eleve.json` (and a README in French) in a ZIP."""
    payload = json.dumps(record(student, user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eleve.json", payload)
        archive.writestr(
            "LISEZMOI.txt",
            "Données personnelles d'un élève, exportées d'Ecoles.\n"
            "eleve.json : la fiche, son historique, les responsables légaux, les données "
            "des autres modules (heures, présences) et, si la personne qui exporte peut les "
            "lire, les notes de suivi.\n",
        )
    return buffer.getvalue()
