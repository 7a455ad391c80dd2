"""Issue #27: overrides of a minor's legal limits (R2) can no longer be granted. Those
already in the database are history and stay as they are (the pupil's record and the
overrides page keep showing them); this migration lists them once, for whoever runs it,
so that the direction is told what was let through against the law."""

from django.db import migrations

LEGAL = ["daily", "weekly", "break", "night", "rest"]


def report_overrides_of_legal_limits(apps, schema_editor, out=print):
    Override = apps.get_model("training", "Override")
    rows = list(
        Override.objects.filter(rule__in=LEGAL)
        .order_by("day", "student_id")
        .values_list("day", "student__first_name", "student__last_name", "rule", "reason")
    )
    if not rows:
        return
    out(
        f"\n  {len(rows)} override(s) of a minor's legal limits were granted before they "
        "were refused for everyone (issue #27). Kept as history; tell the direction:"
    )
    for day, first, last, rule, reason in rows:
        out(f"    {day:%d/%m/%Y} {first} {last}: {rule} ({reason})")


class Migration(migrations.Migration):
    dependencies = [("training", "0006_merge_0005_timetable_0005_worklog_machine")]

    operations = [
        migrations.RunPython(report_overrides_of_legal_limits, migrations.RunPython.noop),
    ]
