"""The migrations, squashed (issue #32): the suite builds its database from the models
(`--nomigrations`, seconds instead of a minute a worker), so these tests hold what that
skips. A new school's database, migrated, has exactly the tables and columns the suite
tests against; a school's database at the last release before the squash upgrades with
its data (tools/upgrade_check.py). Each runs in a database of its own, on the backend
of the run (SQLite, or PostgreSQL in the second pass of .ci/run)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "tools" / "upgrade_check.py"


@contextmanager
def empty_database(tmp_path):
    """The URL of a new empty database on the backend the suite runs on."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'school.sqlite3'}"
        return
    name = f"ecoles_migrations_{uuid.uuid4().hex[:8]}"
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or 5432
    server = psycopg.connect(
        dbname="postgres", user=user, host=host, port=port, password=settings["PASSWORD"]
    )
    server.autocommit = True
    server.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"
        yield f"postgres://{auth}{host}:{port}/{name}"
    finally:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def run_check(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(CHECK), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def the_suites_schema() -> dict[str, dict[str, bool]]:
    """The same reading of the suite's own database, by the same function."""
    spec = importlib.util.spec_from_file_location("upgrade_check", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.schema()


@pytest.mark.django_db
def test_a_new_schools_database_migrates_to_the_schema_the_suite_tests(tmp_path):
    out = tmp_path / "schema.json"
    with empty_database(tmp_path) as url:
        run_check(url, "--fresh", "--schema-out", str(out))
    assert json.loads(out.read_text()) == the_suites_schema()
