"""manage.py backup [ARCHIVE]: one .tar.gz with the database and the uploaded files.

PostgreSQL is dumped with pg_dump (custom format, consistent snapshot while the school
works); SQLite is copied with its online backup API (a consistent copy, even while
another process writes). MEDIA_ROOT (stored PDFs, attachments, logo) goes beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

FORMAT_VERSION = 1


def pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def dump_database(target: Path, using_connection=connection) -> str:
    """Write the database to `target`; returns the engine name stored in the manifest."""
    db = using_connection.settings_dict
    if using_connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target)]
            + pg_args(db)
            + [db["NAME"]],
            check=True,
            env=pg_env(db),
        )
        return "postgresql"
    if using_connection.vendor == "sqlite":
        using_connection.ensure_connection()
        with sqlite3.connect(target) as dest:
            using_connection.connection.backup(dest)
        dest.close()
        return "sqlite"
    raise CommandError(f"backup does not know the {using_connection.vendor} database")


class Command(BaseCommand):
    help = "Back up the database and uploaded files into one .tar.gz archive."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "archive",
            nargs="?",
            help="where to write (default: DATA_DIR/backups/ecoles-YYYYmmdd-HHMMSS.tar.gz)",
        )

    def handle(self, *args, archive: str | None = None, **options) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(archive or Path(settings.DATA_DIR) / "backups" / f"ecoles-{stamp}.tar.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        media = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / "database.dump"
            engine = dump_database(dump)
            manifest = {
                "format": FORMAT_VERSION,
                "engine": engine,
                "created": dt.datetime.now(dt.UTC).isoformat(),
            }
            (Path(tmp) / "manifest.json").write_text(json.dumps(manifest))
            partial = path.with_suffix(path.suffix + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
                tar.add(dump, arcname="database.dump")
                if media.is_dir():
                    tar.add(media, arcname="media")
            partial.replace(path)  # never a half-written archive under the final name
        path.chmod(0o600)
        self.stdout.write(f"Backup written: {path}")
