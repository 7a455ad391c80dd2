"""The login lock, by django-axes: 5 failed logins for one username from one address lock
that pair for 15 minutes (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME); a successful login or a
password reset lifts it.

Axes counts and refuses; this module tells it how we name a user and an address, says on
the login page why the login is refused, and lifts the lock when the password is reset.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _


def username(request, credentials: dict | None) -> str:
    """One count for "Wood", "wood" and " wood": the login itself ignores case and spaces."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return (name or "").strip().casefold()[:150]


def client_address(request) -> str:
    """The client's address. Behind our TLS proxy, the last X-Forwarded-For entry is the one
    the proxy added (earlier entries are whatever the client sent, so not trusted)."""
    if getattr(settings, "LOGIN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def locked_until(request) -> dt.datetime | None:
    """When the lock on this request's username and address ends."""
    last = (
        AccessAttempt.objects.filter(
            username=username(request, getattr(request, "axes_credentials", None)),
            ip_address=client_address(request),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return last + settings.AXES_COOLOFF_TIME if last else None


def lockout_response(request, original_response, credentials):
    """Axes' answer to a locked login: the login page itself, which LoginLockMessage has
    already given its message and its 429 status."""
    return original_response


class LoginLockMessageMiddleware:
    """When the login is refused because of the lock, say so (in place of "wrong password")
    and answer 429 Too Many Requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        form = (response.context_data or {}).get("form")
        if getattr(request, "axes_locked_out", False) and form is not None:
            until = locked_until(request) or timezone.now() + settings.AXES_COOLOFF_TIME
            minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
            message = _(
                "Too many failed attempts for this username from your address: it is locked "
                "until %(time)s (%(minutes)d min). Try again later or reset your password."
            ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}
            form.errors["__all__"] = ErrorList([message], error_class="nonfield")
            response.status_code = 429
        return response
