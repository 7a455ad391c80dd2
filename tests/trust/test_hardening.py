"""Hardening: login lock, passwords, sessions that end, logout, security headers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import PASSWORD

LOGIN = "/compte/login/"


def fail_login(client, username="wood", address="10.0.0.1", password="wrong-password-123"):  # noqa: S107
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


class TestLoginLock:
    def test_five_failures_lock_the_username_with_a_clear_message(self, client, woodwork_trainer):
        for _ in range(4):
            response = fail_login(client)
            assert response.status_code == 200
            assert "Trop de tentatives" not in response.content.decode()
        response = fail_login(client)
        assert response.status_code == 429
        assert "Trop de tentatives" in response.content.decode()

    def test_even_the_right_password_is_refused_while_locked(self, client, woodwork_trainer):
        for _ in range(5):
            fail_login(client)
        response = fail_login(client, password=PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        assert "Trop de tentatives" in response.content.decode()

    def test_the_lock_ends_after_15_minutes(self, client, woodwork_trainer):
        for _ in range(5):
            fail_login(client)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
            response = fail_login(client, password=PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")

    def test_the_lock_holds_for_the_whole_15_minutes(self, client, woodwork_trainer):
        for _ in range(5):
            fail_login(client)
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=14)):
            assert fail_login(client, password=PASSWORD).status_code == 429

    def test_the_lock_is_per_address_and_per_username(self, client, woodwork_trainer, teacher):
        for _ in range(5):
            fail_login(client)
        other_address = fail_login(client, address="10.0.0.2", password=PASSWORD)
        assert other_address.status_code == 302
        client.logout()
        other_user = fail_login(client, username="teach", password=PASSWORD)
        assert other_user.status_code == 302

    def test_a_successful_login_clears_earlier_failures(self, client, woodwork_trainer):
        for _ in range(4):
            fail_login(client)
        assert fail_login(client, password=PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            fail_login(client)
        assert fail_login(client, password=PASSWORD).status_code == 302

    def test_case_variants_of_a_username_share_one_count(self, client, woodwork_trainer):
        for name in ["wood", "WOOD", "Wood", "wOOd", " wood"]:
            fail_login(client, username=name)
        assert fail_login(client, password=PASSWORD).status_code == 429

    def test_a_password_reset_lifts_the_lock(self, client, woodwork_trainer):
        for _ in range(5):
            fail_login(client)
        assert fail_login(client, password=PASSWORD).status_code == 429
        uid = urlsafe_base64_encode(force_bytes(woodwork_trainer.pk))
        token = default_token_generator.make_token(woodwork_trainer)
        form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
        new = "a-new-long-password-2026"
        done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert fail_login(client, password=new).status_code == 302

    def test_the_admin_login_is_locked_too(self, client, db):
        from ecoles.models import User

        User.objects.create_superuser("root", password=PASSWORD)
        for _ in range(5):
            client.post(
                reverse("admin:login"),
                {"username": "root", "password": "nope-nope-nope"},
                REMOTE_ADDR="10.0.0.1",
            )
        response = client.post(
            reverse("admin:login"),
            {"username": "root", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "password",
    ["short-pw1", "password1234", "qwerty123456", "123456789012", "telechargement"],
)
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("Vélo-rouge-sur-la-Saône-42")


def test_the_password_change_page_refuses_a_short_password(client_for, woodwork_trainer):
    client = client_for(woodwork_trainer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Short-1", "new_password2": "Short-1"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()
    woodwork_trainer.refresh_from_db()
    assert woodwork_trainer.check_password(PASSWORD)


class TestSessions:
    def test_a_trainer_idle_for_31_minutes_must_log_in_again(self, client, woodwork_trainer):
        client.force_login(woodwork_trainer)
        assert client.get(reverse("home")).status_code == 200
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
            response = client.get(reverse("home"))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            follow = client.get(response["Location"])
        assert "30 minutes" in follow.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_trainer_active_every_20_minutes_stays_logged_in(self, client, woodwork_trainer):
        client.force_login(woodwork_trainer)
        start = timezone.now()
        for step in range(1, 6):
            with time_machine.travel(start + dt.timedelta(minutes=20 * step)):
                assert client.get(reverse("home")).status_code == 200

    @pytest.mark.parametrize("persona", ["director", "office", "accountant"])
    def test_roles_reading_notes_or_money_have_the_idle_limit(self, client, persona, request):
        client.force_login(request.getfixturevalue(persona))
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
            assert client.get(reverse("home")).status_code == 302

    def test_a_teacher_has_no_idle_limit(self, client, teacher):
        client.force_login(teacher)
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
            assert client.get(reverse("home")).status_code == 200

    def test_no_session_lasts_more_than_12_hours_even_when_active(self, client, teacher):
        client.force_login(teacher)
        start = timezone.now()
        for hour in range(1, 12):
            with time_machine.travel(start + dt.timedelta(hours=hour)):
                assert client.get(reverse("home")).status_code == 200
        with time_machine.travel(start + dt.timedelta(hours=12, minutes=5)):
            response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_session_cookie_lasts_at_most_12_hours(self):
        assert settings.SESSION_COOKIE_AGE <= 12 * 3600

    def test_logout_ends_the_session_on_the_server(self, client, woodwork_trainer):
        client.force_login(woodwork_trainer)
        key = client.session.session_key
        assert Session.objects.filter(session_key=key).exists()
        assert client.post(reverse("logout")).status_code == 302
        assert not Session.objects.filter(session_key=key).exists()
        # A copy of the old cookie is worth nothing.
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        assert client.get(reverse("home")).status_code == 302

    def test_logout_by_a_link_does_nothing(self, client, woodwork_trainer):
        client.force_login(woodwork_trainer)
        assert client.get(reverse("logout")).status_code == 405
        assert client.get(reverse("home")).status_code == 200


class TestHeaders:
    def test_pages_carry_a_csp_without_inline_script(self, client_for, director):
        response = client_for(director).get(reverse("home"))
        csp = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in directives["default-src"]
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"

    def test_the_login_page_carries_the_security_headers(self, client, db):
        response = client.get(reverse("login"))
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]

    def test_pages_of_a_logged_in_user_are_not_cached(self, client_for, director):
        response = client_for(director).get(reverse("home"))
        assert "no-store" in response["Cache-Control"]

    def test_no_template_of_ours_has_inline_script(self):
        from pathlib import Path

        root = Path(settings.BASE_DIR)
        offenders = []
        for path in root.glob("*/templates/**/*.html"):
            if ".venv" in path.parts:
                continue
            text = path.read_text()
            for match in re.finditer(r"<script\b[^>]*>", text):
                tag = match.group(0)
                if "src=" not in tag and "application/json" not in tag:
                    offenders.append(f"{path}: {tag}")
            if re.search(r"\son[a-z]+\s*=", text):
                offenders.append(f"{path}: on...= attribute")
        assert offenders == []


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "test-" + "k" * 60 + "-production-like-key-9f8e7d",
        "ALLOWED_HOSTS": "ecole.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_cookies_are_secure_only(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_HTTPONLY)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ecoles.settings",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


def test_the_database_the_data_folder_and_uploads_are_readable_by_the_owner_only(tmp_path):
    """Another local account cannot read the pupils' data (issue #14)."""
    data = tmp_path / "data"
    old_media = tmp_path / "media"
    old_media.mkdir(mode=0o755)  # made readable by an older version
    code = (
        "import django; django.setup();"
        "from django.db import connection; connection.ensure_connection();"
        "connection.cursor().execute('create table t (x int)');"
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage;"
        "print(default_storage.save('pieces/2026/scan.pdf', ContentFile(b'%PDF-1.4')))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "DATA_DIR": str(data),
        "MEDIA_ROOT": str(old_media),
        "DJANGO_SETTINGS_MODULE": "ecoles.settings",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    modes = {
        path.relative_to(tmp_path).as_posix(): path.stat().st_mode & 0o777
        for path in [data, *data.rglob("*"), old_media, *old_media.rglob("*")]
    }
    assert modes["data/db.sqlite3"] == 0o600
    assert modes["media/pieces/2026/scan.pdf"] == 0o600
    assert {m & 0o077 for m in modes.values()} == {0}, modes
