"""Several schools on one PostgreSQL server, from one installed copy of the code.

    .venv/bin/python tools/hosting.py [--file hosting.toml] migrate
    .venv/bin/python tools/hosting.py backup [--to DIR]
    .venv/bin/python tools/hosting.py check
    .venv/bin/python tools/hosting.py restore SCHOOL ARCHIVE [--force]
    .venv/bin/python tools/hosting.py add SCHOOL --name NAME --database URL --data-dir DIR
                                         --host HOST --port PORT --director USERNAME --email EMAIL
    .venv/bin/python tools/hosting.py env SCHOOL      # the school's environment, for a shell
    .venv/bin/python tools/hosting.py each COMMAND [ARGS]  # any manage.py command, every school

The hosting file (TOML) lists the schools, one table each:

    [schools.lyon]
    name = "École de production de Lyon"
    database = "postgres://ecoles:secret@127.0.0.1:5432/ecoles_lyon"
    data_dir = "/srv/ecoles/lyon"
    host = "lyon.ecoles.example.org"
    port = 8101                       # gunicorn's, behind the proxy

Each school is the same code run with its own environment: its database, its data
folder, its host name, and a secret key kept in DATA_DIR/secret_key (made by `add`, read
by nothing else). The tool writes that environment to DATA_DIR/ecoles.env, which the
systemd units of docs/hosting/ read, then runs `manage.py` once per school with it;
`migrate`, `backup` and `check` go through every school even when one fails, and exit 1
if any did. The tool imports nothing of Django: settings are per process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg  # the virtualenv's (ecoles runs on it): `add` creates the database
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
DBNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class HostingError(Exception):
    pass


@dataclass
class School:
    key: str
    name: str
    database: str
    data_dir: Path
    host: str
    port: int

    def env(self) -> dict[str, str]:
        """The school's settings (ecoles/settings.py reads them from the environment)."""
        secret = self.data_dir / "secret_key"
        if not secret.exists():
            raise HostingError(f"{self.key}: {secret} is missing (made by `add`).")
        return {
            "DATABASE_URL": self.database,
            "DATA_DIR": str(self.data_dir),
            "SECRET_KEY": secret.read_text().strip(),
            "ALLOWED_HOSTS": self.host,
            "CSRF_TRUSTED_ORIGINS": f"https://{self.host}",
            "SITE_URL": f"https://{self.host}",
            "BEHIND_PROXY": "true",
            "DEBUG": "false",
            "PORT": str(self.port),
        }


def load(path: Path) -> dict[str, School]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise HostingError(f"{path}: {exc}") from None
    schools = {}
    for key, entry in data.get("schools", {}).items():
        missing = [f for f in ("name", "database", "data_dir", "host", "port") if f not in entry]
        if missing:
            raise HostingError(f"{path}: school {key} lacks {', '.join(missing)}.")
        schools[key] = School(
            key=key,
            name=str(entry["name"]),
            database=str(entry["database"]),
            data_dir=Path(entry["data_dir"]),
            host=str(entry["host"]),
            port=int(entry["port"]),
        )
    check_unique(schools)
    return schools


def check_unique(schools: dict[str, School]) -> None:
    for field in ("database", "data_dir", "host", "port"):
        seen: dict[object, str] = {}
        for school in schools.values():
            value = getattr(school, field)
            if value in seen:
                raise HostingError(f"{school.key} and {seen[value]} share the same {field}.")
            seen[value] = school.key


def _toml(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def append(path: Path, school: School) -> None:
    lines = [
        "",
        f"[schools.{school.key}]",
        f"name = {_toml(school.name)}",
        f"database = {_toml(school.database)}",
        f"data_dir = {_toml(school.data_dir)}",
        f"host = {_toml(school.host)}",
        f"port = {school.port}",
    ]
    with path.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


def write_env(school: School) -> Path:
    target = school.data_dir / "ecoles.env"
    text = "".join(f"{k}={v}\n" for k, v in school.env().items())
    target.write_text(text)
    target.chmod(0o600)
    return target


def manage(school: School, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, **school.env()}
    return subprocess.run(  # noqa: S603 (our manage.py, arguments from the hosting file)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=capture,
    )


def every(schools: dict[str, School], label: str, *args: str) -> int:
    failed = []
    for school in schools.values():
        print(f"== {school.key}: {label}", flush=True)
        if manage(school, *args).returncode != 0:
            failed.append(school.key)
    if failed:
        print(f"{label} failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"{label}: {len(schools)} schools done.")
    return 0


def cmd_migrate(schools, options) -> int:
    for school in schools.values():
        write_env(school)  # a new setting of this release reaches the units too
    return every(schools, "migrate", "migrate", "--noinput")


def cmd_backup(schools, options) -> int:
    failed = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for school in schools.values():
        print(f"== {school.key}: backup", flush=True)
        args = ["backup"]
        if options.to:
            Path(options.to).mkdir(parents=True, exist_ok=True)
            args.append(str(Path(options.to) / f"{school.key}-{stamp}.tar.gz"))
        if manage(school, *args).returncode != 0:
            failed.append(school.key)
    if failed:
        print(f"backup failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def cmd_check(schools, options) -> int:
    """Each school: the deployment checks, no migration left to apply, its data folder."""
    failed = []
    for school in schools.values():
        print(f"== {school.key}: check", flush=True)
        ok = school.data_dir.is_dir() and os.access(school.data_dir, os.W_OK)
        if not ok:
            print(f"{school.key}: {school.data_dir} is not a writable folder", file=sys.stderr)
        ok = manage(school, "check", "--deploy", "--fail-level", "ERROR").returncode == 0 and ok
        pending = manage(school, "migrate", "--check", capture=True)
        if pending.returncode != 0:
            print(f"{school.key}: migrations not applied (run migrate)", file=sys.stderr)
            ok = False
        if not ok:
            failed.append(school.key)
    if failed:
        print(f"check failed for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"check: {len(schools)} schools fine.")
    return 0


def cmd_restore(schools, options) -> int:
    school = _school(schools, options.school)
    args = ["restore", str(Path(options.archive).resolve())]
    if options.force:
        args.append("--force")
    return manage(school, *args).returncode


def cmd_each(schools, options) -> int:
    return every(schools, " ".join(options.args), *options.args)


def cmd_env(schools, options) -> int:
    school = _school(schools, options.school)
    for key, value in school.env().items():
        print(f"export {key}={value!r}")
    return 0


def _school(schools, key: str) -> School:
    if key not in schools:
        raise HostingError(f"No school {key} in the hosting file.")
    return schools[key]


def create_database(url: str) -> None:
    """CREATE DATABASE on the school's server, connected to its `postgres` database."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise HostingError("A hosted school's database is PostgreSQL (postgres://...).")
    name = unquote(parts.path.lstrip("/"))
    if not DBNAME.match(name):
        raise HostingError(f"{name!r} is not a plain database name (letters, digits, _).")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            raise HostingError(f"The database {name} already exists: add does not reuse one.")
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


DIRECTOR = """
import sys
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from ecoles.roles import DIRECTOR
username, email, password = sys.stdin.read().split("\\n")[:3]
user = get_user_model().objects.create_user(username=username, email=email, password=password)
user.groups.add(Group.objects.get(name=DIRECTOR))
print(f"Director {username} created.")
"""


def cmd_add(schools, options) -> int:
    key = options.school
    if not KEY.match(key):
        raise HostingError("A school's key is lowercase letters, digits, - and _ (max 40).")
    if key in schools:
        raise HostingError(f"{key} is already in the hosting file.")
    if not HOST.match(options.host):
        raise HostingError(f"{options.host!r} is not a host name.")
    school = School(
        key=key,
        name=options.name,
        database=options.database,
        data_dir=Path(options.data_dir).resolve(),
        host=options.host,
        port=options.port,
    )
    check_unique({**schools, key: school})
    if school.data_dir.exists() and any(school.data_dir.iterdir()):
        raise HostingError(f"{school.data_dir} is not empty: add makes a new school only.")
    create_database(school.database)
    school.data_dir.mkdir(parents=True, exist_ok=True)
    school.data_dir.chmod(0o700)
    secret = school.data_dir / "secret_key"
    secret.write_text(secrets.token_urlsafe(50))
    secret.chmod(0o600)
    write_env(school)
    append(options.file, school)
    print(f"== {key}: migrate", flush=True)
    if manage(school, "migrate", "--noinput").returncode != 0:
        return 1
    password = secrets.token_urlsafe(12)
    created = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", DIRECTOR],
        env={**os.environ, **school.env()},
        cwd=ROOT,
        input=f"{options.director}\n{options.email}\n{password}\n",
        text=True,
    )
    if created.returncode != 0:
        return 1
    print(f"{key} is ready: https://{school.host}/ (gunicorn on 127.0.0.1:{school.port}).")
    print(f"First password of {options.director}: {password} (to change at first login).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--file", type=Path, default=Path(os.environ.get("HOSTING_FILE", "hosting.toml"))
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="migrate every school")
    backup = sub.add_parser("backup", help="back up every school")
    backup.add_argument("--to", help="folder for every archive (default: each DATA_DIR/backups)")
    sub.add_parser("check", help="check every school")
    restore = sub.add_parser("restore", help="restore one school from its archive")
    restore.add_argument("school")
    restore.add_argument("archive")
    restore.add_argument("--force", action="store_true")
    env = sub.add_parser("env", help="print a school's environment for a shell")
    env.add_argument("school")
    each = sub.add_parser("each", help="run a manage.py command for every school (cron jobs)")
    each.add_argument("args", nargs=argparse.REMAINDER)
    add = sub.add_parser("add", help="create a school: database, data folder, director")
    add.add_argument("school")
    add.add_argument("--name", required=True)
    add.add_argument("--database", required=True)
    add.add_argument("--data-dir", required=True)
    add.add_argument("--host", required=True)
    add.add_argument("--port", type=int, required=True)
    add.add_argument("--director", required=True)
    add.add_argument("--email", required=True)
    options = parser.parse_args(argv)
    commands = {
        "migrate": cmd_migrate,
        "backup": cmd_backup,
        "check": cmd_check,
        "restore": cmd_restore,
        "env": cmd_env,
        "each": cmd_each,
        "add": cmd_add,
    }
    try:
        schools = load(options.file)
        if not schools and options.command != "add":
            raise HostingError(f"{options.file}: no school listed.")
        return commands[options.command](schools, options)
    except HostingError as exc:
        print(f"hosting: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
