"""tools/hosting.py on PostgreSQL with three schools: each added (database, data folder,
director), all migrated, checked and backed up in one command each; one school restored
from its archive gets its data back while the others are left alone; a hosting file
that lists two schools on one database is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tools import hosting

SCHOOLS = ["h31b_hosting_lyon", "h31b_hosting_lille", "h31b_hosting_nantes"]


def server_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def drop_all() -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        for name in SCHOOLS:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def users(name: str) -> set[str]:
    with psycopg.connect(server_url(name)) as connection:
        return {row[0] for row in connection.execute("SELECT username FROM ecoles_user")}


@pytest.fixture
def hosted(tmp_path, monkeypatch):
    # The browser tests' conftest allows async-unsafe calls for the whole test process;
    # a school's `check --deploy` rightly refuses that setting, so its commands run
    # without it, as they do on a server.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    drop_all()
    yield tmp_path
    drop_all()


def run(tmp_path: Path, *args: str) -> int:
    return hosting.main(["--file", str(tmp_path / "hosting.toml"), *args])


@pytest.mark.postgres
def test_three_schools_are_added_migrated_checked_backed_up_and_restored(hosted, capsys):
    for port, name in enumerate(SCHOOLS, 8101):
        town = name.rsplit("_", 1)[-1]
        assert (
            run(
                hosted,
                "add",
                town,
                "--name",
                f"École de production de {town}",
                "--database",
                server_url(name),
                "--data-dir",
                str(hosted / town),
                "--host",
                f"{town}.ecoles.test",
                "--port",
                str(port),
                "--director",
                f"direction-{town}",
                "--email",
                f"direction@{town}.test",
            )
            == 0
        )
    schools = hosting.load(hosted / "hosting.toml")
    assert sorted(schools) == ["lille", "lyon", "nantes"]
    for name in SCHOOLS:
        assert users(name) == {f"direction-{name.rsplit('_', 1)[-1]}"}
    env = (hosted / "lille" / "ecoles.env").read_text()
    assert "ALLOWED_HOSTS=lille.ecoles.test" in env and "h31b_hosting_lille" in env
    assert (hosted / "lille" / "ecoles.env").stat().st_mode & 0o077 == 0

    assert run(hosted, "migrate") == 0
    assert run(hosted, "check") == 0
    assert run(hosted, "backup", "--to", str(hosted / "backups")) == 0
    archives = sorted((hosted / "backups").glob("*.tar.gz"))
    assert [a.name.split("-")[0] for a in archives] == ["lille", "lyon", "nantes"]

    # Lille's data changes after the backup; restoring its archive puts it back.
    lille = schools["lille"]
    created = hosting.manage(
        lille,
        "shell",
        "-c",
        "from ecoles.models import User; User.objects.create_user('stagiaire')",
    )
    assert created.returncode == 0
    assert "stagiaire" in users("h31b_hosting_lille")
    assert run(hosted, "restore", "lille", str(archives[0])) != 0  # not empty: asks --force
    assert run(hosted, "restore", "lille", str(archives[0]), "--force") == 0
    assert users("h31b_hosting_lille") == {"direction-lille"}
    assert users("h31b_hosting_lyon") == {"direction-lyon"}

    # A school whose database is gone fails the check, the others are still checked.
    drop = sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(SCHOOLS[2]))
    with psycopg.connect(server_url("postgres"), autocommit=True) as connection:
        connection.execute(drop)
    capsys.readouterr()
    assert run(hosted, "check") == 1
    assert "check failed for: nantes" in capsys.readouterr().err


def test_a_second_school_on_the_same_database_is_refused(tmp_path, capsys):
    (tmp_path / "hosting.toml").write_text(
        "[schools.a]\nname='A'\ndatabase='postgres://x@h/one'\ndata_dir='/srv/a'\n"
        "host='a.test'\nport=8101\n"
        "[schools.b]\nname='B'\ndatabase='postgres://x@h/one'\ndata_dir='/srv/b'\n"
        "host='b.test'\nport=8102\n"
    )
    assert run(tmp_path, "migrate") == 2
    assert "share the same database" in capsys.readouterr().err


def test_the_tool_runs_as_a_script(tmp_path):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "tools/hosting.py", "--file", str(tmp_path / "none.toml"), "check"],
        cwd=Path(hosting.__file__).parent.parent,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "no school listed" in done.stderr
