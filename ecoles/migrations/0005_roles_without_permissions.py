"""The role groups no longer carry Django permissions: access is decided by role_required
and visible_to() (ecoles.roles). Nothing read them; this empties what earlier versions set."""

from django.db import migrations

ROLES = ["Direction", "Secrétariat", "Maître professionnel", "Enseignant", "Comptable"]


def clear_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("ecoles", "0004_budgetline_resources_first")]

    operations = [migrations.RunPython(clear_permissions, migrations.RunPython.noop)]
