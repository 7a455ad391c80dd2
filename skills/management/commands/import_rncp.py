"""Check the référentiels' blocs against France compétences' open data (skills/rncp.py):
`manage.py import_rncp EXPORT` (the CSV ZIP, the XML ZIP or the XML of the RNCP)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skills import rncp


class Command(BaseCommand):
    help = "Import the RNCP fiches of the school's référentiels from a France compétences export."

    def add_arguments(self, parser) -> None:
        parser.add_argument("export", type=Path)

    def handle(self, *args, export: Path, **options) -> None:
        try:
            with export.open("rb") as handle:
                report = rncp.import_export(export.name, handle)
        except (OSError, rncp.RncpFileError) as exc:
            raise CommandError(f"{export}: nothing imported. {exc}") from None
        self.stdout.write(f"Export of {report.exported_on}:")
        for line in report.checked:
            self.stdout.write(f"  blocs checked: {line}")
        for version in report.renewed:
            self.stdout.write(f"  blocs changed, new version: {version} ({version.rncp})")
        for number in report.unchanged:
            self.stdout.write(f"  unchanged: {number}")
        for number in report.older:
            self.stdout.write(f"  {number}: a later export is already imported, left as is")
        for number in report.missing:
            self.stdout.write(f"  not in this export: {number}")
