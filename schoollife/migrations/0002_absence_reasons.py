"""The school's list of absence reasons starts with the legal ones (Code de l'éducation
L131-8) and the usual others; the school edits it afterwards."""

from django.db import migrations

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


def add(apps, schema_editor):
    AbsenceReason = apps.get_model("schoollife", "AbsenceReason")
    for position, (name, legal) in enumerate(REASONS):
        AbsenceReason.objects.get_or_create(name=name, defaults={"legal": legal, "position": position})


class Migration(migrations.Migration):
    dependencies = [("schoollife", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
