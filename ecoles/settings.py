"""Settings for Ecoles, read from the environment (and an optional `.env` file).

Every setting a deployment changes is an environment variable; the README lists them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from ecoles import roles

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without DEBUG there is no default: a production server must be given its own key.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-only-for-debug" if DEBUG else None)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (required when DEBUG is off).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
# Pupils' records, notes and uploads are for the application only: whatever this process
# creates (the SQLite file and its journal, the cache, stored PDFs, uploads) is readable
# by its own user alone, not by every local account (umask 077, uploads 0600 / 0700), and
# a data folder made readable by an older version is closed again at start.
os.umask(0o077)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700


def _owner_only(path: Path, mode: int) -> None:
    """chmod `path` if it exists and is ours (a folder owned by root is left as it is)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        path.chmod(mode)


INSTALLED_APPS = [
    "ecoles",
    "students",
    "safety",
    "orders",
    "training",
    "schoollife",
    "skills",
    "billing",
    "budget",
    "banking",
    "families",
    "network",
    "home",
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy, no caching of logged-in pages.
    "accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # School.load() and Policy.load() read the database once per request.
    "ecoles.models.SingletonsPerRequest",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A NUL character in a parameter is a 400, never a query PostgreSQL refuses.
    "ecoles.bounds.RefuseNullCharacters",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every page needs a login but those marked @login_not_required (login, reset).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A family or pupil account reaches its own space only (R14): elsewhere a 404.
    "families.middleware.SpaceOnlyMiddleware",
    # 12 h at most, 30 min idle for roles that read notes or money (SESSION_IDLE_ROLES).
    "accounts.sessions.SessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Reads of follow-up notes are recorded (AUDIT_READ_MODELS).
    "accounts.audit.ReadAuditMiddleware",
    # A form is saved once, however many times it is sent (double click, back/resubmit).
    "accounts.middleware.SubmitOnceMiddleware",
    # "Locked for 15 minutes" in place of "wrong password" on a locked login.
    "accounts.lock.LoginLockMessageMiddleware",
    # Counts failed logins and answers a locked one (accounts.lock): last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecoles.urls"
WSGI_APPLICATION = "ecoles.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecoles.context_processors.navigation",
            ],
            # Our {% csrf_token %} also adds the form's one-time submit token.
            "builtins": ["accounts.templatetags.once"],
        },
    },
]

# SQLite is the embedded default (one machine, no server); PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
_owner_only(DATA_DIR, 0o700)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(Path(DATABASES["default"]["NAME"]), 0o600)
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked" mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A choice field's options (Django reads them with .iterator()) would each cost a
    # server-side cursor: DECLARE ... WITH HOLD, FETCH, CLOSE, three round trips and the
    # rows copied at COMMIT, for a hundred customers. What we iterate fits in memory.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

FORMS_URLFIELD_ASSUME_HTTPS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ecoles.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The login lock (django-axes, see accounts.lock): 5 failures for one username from one
# address lock that pair for 15 minutes. By the pair, not by address alone: a school's staff
# share one address, and one mistyping pupil at the office computer must not lock them all.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# R14: how long a family's or pupil's invitation (a link by mail, a code on a letter)
# may be used.
FAMILY_INVITATION_DAYS = env.int("FAMILY_INVITATION_DAYS", default=14)

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lock.username"
AXES_CLIENT_IP_CALLABLE = "accounts.lock.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lock.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
# French with narrow no-break spaces in numbers, British English: ecoles/formats/.
FORMAT_MODULE_PATH = "ecoles.formats"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
_owner_only(MEDIA_ROOT, 0o700)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background work (mails, retries, batches of documents): Django's Tasks API, kept in the
# database, run by `manage.py db_worker` (make run starts one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The approved e-invoicing platform (billing.platform): its address picks the adapter
# ("local:" is the stand-in for the tests and the demo) and the school's credentials.
EINVOICING_PLATFORM = {
    "URL": env("EINVOICING_PLATFORM_URL", default="local:"),
    "LOGIN": env("EINVOICING_PLATFORM_LOGIN", default=""),
    "PASSWORD": env("EINVOICING_PLATFORM_PASSWORD", default=""),
}

# The network of schools (network/): NETWORK_HUB turns this instance into the network's
# hub (member schools, the indicators API, the network's pages); its models exist either
# way. A school sends its indicators to NETWORK_URL (the hub's API root, e.g.
# https://reseau.example/reseau/api/v1/) with the key the hub gave it.
NETWORK_HUB = env.bool("NETWORK_HUB", default=False)
NETWORK_URL = env.str("NETWORK_URL", default="")
NETWORK_KEY_ID = env.str("NETWORK_KEY_ID", default="")
NETWORK_KEY_SECRET = env.str("NETWORK_KEY_SECRET", default="")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that does not answer frees the worker after this many seconds (the mail
# is retried later) instead of holding it for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ecoles@localhost")

# Sessions: 12 hours at most, kept in the database (Django's default backend), so every
# worker and every machine sees a logout at once.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Enforced by accounts.sessions: the 12 h hold even when the session is refreshed; the idle
# limit applies to the roles that read follow-up notes or money.
SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
SESSION_IDLE_SECONDS = 30 * 60
SESSION_IDLE_ROLES = [roles.DIRECTOR, roles.OFFICE, roles.TRAINER, roles.ACCOUNTANT]

# Audit trail: changes by django-simple-history; reads of these models by accounts.audit.
AUDIT_READ_MODELS = ["students.FollowUpNote"]

# No inline script, no third-party origin. Inline *styles* stay allowed: server-drawn SVG
# charts and a few templates use style attributes, which cannot run code.
# Sent by django-csp (csp.middleware.CSPMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Behind a TLS proxy in production (see README).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The login lock keys on the client's address: the proxy's X-Forwarded-For entry behind it.
LOGIN_TRUST_X_FORWARDED_FOR = BEHIND_PROXY

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file a user may attach (ecoles.uploads); the proxy's body limit must allow it.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=10) * 1024 * 1024
# The largest image a user may upload, in pixels (a phone's photo is 12 to 50 million): a
# few kilobytes of PNG can claim 15 000 x 15 000 pixels, gigabytes once decoded.
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_MEGAPIXELS", default=60) * 1_000_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
