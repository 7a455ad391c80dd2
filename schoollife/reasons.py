"""The school's list of absence reasons starts with the legal ones (Code de l'éducation
L131-8: illness of the pupil, contagious illness in the family, a solemn family meeting,
an accidental transport difficulty, the family's temporary absence) and the usual others;
the school edits it afterwards."""

from __future__ import annotations

from django.apps import apps

REASONS = [
    ("Maladie de l'élève", True),
    ("Maladie contagieuse d'un membre de la famille", True),
    ("Réunion solennelle de famille", True),
    ("Difficulté accidentelle de transport", True),
    ("Absence temporaire de la famille que l'élève accompagne", True),
    ("Rendez-vous médical", False),
    ("Convocation administrative ou judiciaire", False),
    ("Autre", False),
]


def ensure_reasons(using: str = "default", **kwargs) -> None:
    """post_migrate: a school with no reason at all (a new database, or one a test flushed)
    starts with the list above; a school's own list is never touched."""
    reason = apps.get_model("schoollife", "AbsenceReason")
    if reason.objects.using(using).exists():
        return
    reason.objects.using(using).bulk_create(
        reason(name=name, legal=legal, position=position)
        for position, (name, legal) in enumerate(REASONS)
    )
