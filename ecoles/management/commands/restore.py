"""manage.py restore ARCHIVE [--force]: put a backup back into the configured database.

Refuses a database that already holds data unless --force (then it is replaced). The
archive's engine must match the configured one (a PostgreSQL dump goes to PostgreSQL).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ecoles.management.commands.backup import pg_args, pg_env


def database_is_empty() -> bool:
    """No user table, or no user: nothing would be lost by restoring over it."""
    if "ecoles_user" not in connection.introspection.table_names():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ecoles_user")
        return cursor.fetchone()[0] == 0


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (database and uploaded files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args, archive: str, force: bool = False, **options) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")
            manifest = json.loads((Path(tmp) / "manifest.json").read_text())
            if manifest["engine"] != connection.vendor:
                raise CommandError(
                    f"This backup is of a {manifest['engine']} database; the configured one "
                    f"is {connection.vendor}."
                )
            if not force and not database_is_empty():
                raise CommandError("The database already holds data: use --force to replace it.")
            dump = Path(tmp) / "database.dump"
            if connection.vendor == "postgresql":
                self.restore_postgresql(dump)
            else:
                self.restore_sqlite(dump)
            media = Path(tmp) / "media"
            if media.is_dir():
                target = Path(settings.MEDIA_ROOT)
                target.mkdir(parents=True, exist_ok=True)
                shutil.copytree(media, target, dirs_exist_ok=True)
        self.stdout.write(f"Restored {archive}.")

    def restore_postgresql(self, dump: Path) -> None:
        db = connection.settings_dict
        connection.close()
        subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
            + pg_args(db)
            + ["--dbname", db["NAME"], str(dump)],
            check=True,
            env=pg_env(db),
        )

    def restore_sqlite(self, dump: Path) -> None:
        # The online backup API again, from the archived copy into the live database: one
        # transaction, other connections see the old or the new database, never a mix.
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
