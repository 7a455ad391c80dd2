"""Import référentiels from CSV files (skills/IMPORT.md): `manage.py import_referentiel FILE...`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skills import importing


class Command(BaseCommand):
    help = "Import référentiels from CSV files (all or nothing per file)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options) -> None:
        for path in files:
            with path.open("rb") as handle:
                report = importing.import_file(handle)
            if not report.ok:
                lines = "\n".join(f"  line {n}: {message}" for n, message in report.errors)
                raise CommandError(f"{path}: nothing imported.\n{lines}")
            self.stdout.write(
                f"{path.name}: {report.blocs} blocs, {report.competencies} competencies"
            )
