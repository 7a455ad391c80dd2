"""L131-8 as in force since loi n° 2019-791: no notice to the mayor any more. Records of
notices to the mayor are removed from the current table (their history rows stay, so what
was sent is still known); a referral records how it left; the meeting of the educational
community on persistence is recorded with its referent."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def drop_mayor_notices(apps, schema_editor):
    apps.get_model("schoollife", "AuthorityReport").objects.filter(kind="mayor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("schoollife", "0005_absence_report"),
        ("students", "0006_guardian_called_has_a_phone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="authorityreport",
            options={
                "ordering": ["-month", "student__last_name"],
                "verbose_name": "action on absences",
                "verbose_name_plural": "actions on absences",
            },
        ),
        migrations.AlterModelOptions(
            name="historicalauthorityreport",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical action on absences",
                "verbose_name_plural": "historical actions on absences",
            },
        ),
        migrations.RemoveConstraint(
            model_name="authorityreport",
            name="authorityreport_kind",
        ),
        migrations.AddField(
            model_name="authorityreport",
            name="method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("letter", "Letter"),
                    ("registered", "Registered letter"),
                    ("email", "Email"),
                    ("hand", "Handed over"),
                    ("online", "Online service"),
                ],
                help_text="How the referral left (empty on records made before it was asked).",
                max_length=10,
                verbose_name="sent by",
            ),
        ),
        migrations.AddField(
            model_name="authorityreport",
            name="referent",
            field=models.CharField(
                blank=True,
                help_text="The member of staff named to follow the measures (L131-8).",
                max_length=200,
                verbose_name="referent",
            ),
        ),
        migrations.AddField(
            model_name="historicalauthorityreport",
            name="method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("letter", "Letter"),
                    ("registered", "Registered letter"),
                    ("email", "Email"),
                    ("hand", "Handed over"),
                    ("online", "Online service"),
                ],
                help_text="How the referral left (empty on records made before it was asked).",
                max_length=10,
                verbose_name="sent by",
            ),
        ),
        migrations.AddField(
            model_name="historicalauthorityreport",
            name="referent",
            field=models.CharField(
                blank=True,
                help_text="The member of staff named to follow the measures (L131-8).",
                max_length=200,
                verbose_name="referent",
            ),
        ),
        migrations.AlterField(
            model_name="authorityreport",
            name="kind",
            field=models.CharField(
                choices=[
                    ("dasen", "Referral to the DASEN"),
                    ("meeting", "Meeting of the educational community"),
                    ("mission", "Local youth mission contacted"),
                ],
                max_length=10,
                verbose_name="what was done",
            ),
        ),
        migrations.AlterField(
            model_name="authorityreport",
            name="sent_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AlterField(
            model_name="authorityreport",
            name="sent_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="on"),
        ),
        migrations.AlterField(
            model_name="historicalauthorityreport",
            name="kind",
            field=models.CharField(
                choices=[
                    ("dasen", "Referral to the DASEN"),
                    ("meeting", "Meeting of the educational community"),
                    ("mission", "Local youth mission contacted"),
                ],
                max_length=10,
                verbose_name="what was done",
            ),
        ),
        migrations.AlterField(
            model_name="historicalauthorityreport",
            name="sent_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalauthorityreport",
            name="sent_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="on"),
        ),
        migrations.RunPython(drop_mayor_notices, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="authorityreport",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["dasen", "meeting", "mission"])),
                name="authorityreport_kind_in_force",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorityreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "meeting"), _negated=True),
                    models.Q(("referent", ""), _negated=True),
                    _connector="OR",
                ),
                name="authorityreport_meeting_has_referent",
            ),
        ),
    ]
