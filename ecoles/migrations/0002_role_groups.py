"""Create the five role groups of SPEC.md §2. Their permissions are assigned after each
migrate by ecoles.roles.sync_role_permissions, so later models are covered too."""

from django.db import migrations

ROLES = ["Direction", "Secrétariat", "Maître professionnel", "Enseignant", "Comptable"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ecoles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
