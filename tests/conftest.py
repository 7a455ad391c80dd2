"""Named personas and a small school around them.

Every test that needs people uses these, so that "who may do what" reads the same
everywhere. App-specific fixtures (pupils, orders...) live in tests/<app>/conftest.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from ecoles import roles
from ecoles.models import Policy, School, User, Workshop

PASSWORD = "correct-horse-battery-staple"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def pytest_configure(config) -> None:
    """Passwords are hashed with a fast hasher in tests: PBKDF2 costs about half a second
    a user on these machines, and the suite creates thousands. One test keeps the real
    hasher (tests/ecoles/test_foundation.py)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [FAST_HASHER]
    # Each test process (pytest-xdist runs one per core) has its own media folder, so
    # stored PDFs and uploads never cross between them.
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ecoles-media-"))


# The modules that take longest, started first: xdist hands each core whole modules in
# the order collected (`--dist loadfile`), so one of these left for last would keep one
# core busy alone at the end (`pytest --durations=30` tells which they are).
SLOW_FIRST = [
    "tests/test_migrations_upgrade.py",
    "tests/test_migrations.py",
    "tests/hosting/",
    "tests/e2e/test_phone_width.py",
    "tests/trust/test_hostile_forms.py",
    "tests/trust/test_hostile_input.py",
    "tests/test_query_counts.py",
    "tests/trust/test_query_params.py",
    "tests/e2e/",
]


def _slowness(item) -> int:
    path = item.nodeid.split("::")[0]
    for rank, prefix in enumerate(SLOW_FIRST):
        if path.startswith(prefix):
            return rank
    return len(SLOW_FIRST)


def pytest_collection_modifyitems(config, items) -> None:
    """The slowest modules first (SLOW_FIRST); tests marked `postgres` run only in the
    PostgreSQL pass of .ci/run."""
    from django.conf import settings

    items.sort(key=_slowness)  # stable: the order inside each group is kept

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def make_user(username: str, role: str | None, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def school(db) -> School:
    school = School.load()
    school.name = "École de Production de Test"
    school.address = "1 rue du Test"
    school.postal_code = "69007"
    school.city = "Lyon"
    school.siret = "73282932000074"
    school.vat_number = "FR44732829320"
    school.save()
    return school


@pytest.fixture
def policy(db) -> Policy:
    return Policy.load()


@pytest.fixture
def director(db) -> User:
    """Direction: sees everything, overrides a rule with a written reason, closes periods."""
    return make_user("dir", roles.DIRECTOR, first_name="Claire", last_name="Vasseur")


@pytest.fixture
def office(db) -> User:
    """Secrétariat: pupils' records, customers, quotes, invoices; never follow-up notes."""
    return make_user("office", roles.OFFICE, first_name="Sophie", last_name="Marchand")


@pytest.fixture
def woodwork_trainer(db) -> User:
    """Maître professionnel of the woodwork workshop: his workshop's pupils and orders only."""
    return make_user("wood", roles.TRAINER, first_name="Marc", last_name="Delorme")


@pytest.fixture
def machining_trainer(db) -> User:
    """Maître professionnel of machining: must get 404 on woodwork's pupils and orders."""
    return make_user("metal", roles.TRAINER, first_name="Patrick", last_name="Renaud")


@pytest.fixture
def teacher(db) -> User:
    """Enseignant: theory sessions and attendance; pupils' names and cohorts only."""
    return make_user("teach", roles.TEACHER, first_name="Julien", last_name="Caron")


@pytest.fixture
def accountant(db) -> User:
    """Comptable: invoices, payments, budget; no pupil's private data."""
    return make_user("compta", roles.ACCOUNTANT, first_name="Bernard", last_name="Lemaire")


@pytest.fixture
def nobody(db) -> User:
    """A logged-in account with no role: sees only its home page."""
    return make_user("nobody", None)


@pytest.fixture
def woodwork(db, woodwork_trainer) -> Workshop:
    workshop = Workshop.objects.create(name="Menuiserie", trade="Menuisier")
    workshop.trainers.add(woodwork_trainer)
    return workshop


@pytest.fixture
def machining(db, machining_trainer) -> Workshop:
    workshop = Workshop.objects.create(name="Usinage", trade="Usineur")
    workshop.trainers.add(machining_trainer)
    return workshop


@pytest.fixture
def personas(director, office, woodwork_trainer, machining_trainer, teacher, accountant):
    return {
        "director": director,
        "office": office,
        "woodwork_trainer": woodwork_trainer,
        "machining_trainer": machining_trainer,
        "teacher": teacher,
        "accountant": accountant,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def worker_keeps_the_test_connection(monkeypatch):
    """For every test that runs `db_worker` (mails, notices, sends): the worker closes
    stale connections between tasks, which inside a test's transaction would close the
    test's own connection (PostgreSQL)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture(scope="module")
def demo_school(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo school (`seed_demo`), seeded once for all the tests of a module and rolled
    back after them: each test runs in a savepoint inside it, so what a test writes is gone
    for the next one. Seeding costs seconds; the demo modules used to seed it per test.

    A module that needs the demo seeded on a given day sets `DEMO_TODAY` (a date): the
    seed and the module's tests then run at 10:00 that day (Paris)."""
    today = getattr(request.module, "DEMO_TODAY", None)
    media = tmp_path_factory.mktemp("demo-media")
    with contextlib.ExitStack() as stack:
        if today is not None:
            moment = dt.datetime.combine(today, dt.time(10), tzinfo=ZoneInfo("Europe/Paris"))
            stack.enter_context(time_machine.travel(moment, tick=False))
        stack.enter_context(override_settings(DEBUG=True, MEDIA_ROOT=media))
        stack.enter_context(django_db_blocker.unblock())
        block = transaction.atomic()
        block._from_testcase = True  # as Django's TestCase marks its own: durable blocks nest
        stack.enter_context(block)
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
