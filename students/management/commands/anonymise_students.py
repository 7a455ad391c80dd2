"""Anonymise former pupils past the retention period: `manage.py anonymise_students`.

Meant for a daily or monthly cron; `--dry-run` says who would be anonymised.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from ecoles.models import Policy
from students import anonymisation


class Command(BaseCommand):
    help = "Anonymise the former pupils who left more than Policy.retention_years ago."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count, change nothing.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Reference day (YYYY-MM-DD), today by default.",
        )

    def handle(self, *args, dry_run: bool, today: dt.date | None, **options) -> None:
        policy = Policy.load()
        due = anonymisation.due(today, policy)
        if dry_run:
            count = due.count()
            self.stdout.write(
                f"{count} former pupil(s) left more than {policy.retention_years} year(s) ago "
                "and would be anonymised."
            )
            return
        count = anonymisation.anonymise(due)
        self.stdout.write(self.style.SUCCESS(f"{count} former pupil(s) anonymised."))
