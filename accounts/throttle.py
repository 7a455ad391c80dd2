"""Brute-force protection: 5 failed logins for one username from one address lock that
username from that address for 15 minutes (settings LOGIN_FAILURE_LIMIT, LOGIN_LOCK_MINUTES).

The lock is enforced by the authentication backend (so the login page, the admin login and
any later login path share it) and explained on the page by LoginLockMessageMiddleware.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LoginThrottle


def failure_limit() -> int:
    return getattr(settings, "LOGIN_FAILURE_LIMIT", 5)


def lock_duration() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LOGIN_LOCK_MINUTES", 15))


def client_address(request) -> str:
    """The client's address. Behind our TLS proxy, the last X-Forwarded-For entry is the one
    the proxy added (earlier entries are whatever the client sent, so not trusted)."""
    if request is None:
        return ""
    if getattr(settings, "LOGIN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def normalise(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def locked_until(username: str | None, address: str) -> dt.datetime | None:
    """When the lock on (username, address) ends, or None if it is not locked."""
    until = (
        LoginThrottle.objects.filter(username=normalise(username), address=address)
        .values_list("locked_until", flat=True)
        .first()
    )
    if until and until > timezone.now():
        return until
    return None


def record_failure(username: str | None, address: str) -> dt.datetime | None:
    """Count one failure; returns the end of the lock if this failure locks the username."""
    now = timezone.now()
    with transaction.atomic():
        row, created = LoginThrottle.objects.select_for_update().get_or_create(
            username=normalise(username),
            address=address,
            defaults={"failures": 0, "last_failure_at": now},
        )
        if row.locked_until and row.locked_until > now:
            return row.locked_until
        stale = row.last_failure_at < now - lock_duration() or row.locked_until is not None
        row.failures = 1 if (stale and not created) else row.failures + 1
        row.last_failure_at = now
        row.locked_until = now + lock_duration() if row.failures >= failure_limit() else None
        row.save()
        return row.locked_until


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None or getattr(request, "login_locked_until", None):
        return  # no address to lock (a script), or refused because already locked
    username = credentials.get("username")
    until = record_failure(username, client_address(request))
    if until:
        request.login_locked_until = until


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        LoginThrottle.objects.filter(
            username=normalise(user.get_username()), address=client_address(request)
        ).delete()
