"""Named personas and a small school around them.

Every test that needs people uses these, so that "who may do what" reads the same
everywhere. App-specific fixtures (pupils, orders...) live in tests/<app>/conftest.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

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


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked `postgres` run only in the PostgreSQL pass of .ci/run."""
    from django.conf import settings

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
