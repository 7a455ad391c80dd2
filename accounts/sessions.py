"""Sessions end after SESSION_ABSOLUTE_SECONDS (12 h) whatever happens, and after
SESSION_IDLE_SECONDS (30 min) without a request for roles that read notes or money."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

LOGIN_AT = "_trust_login_at"
SEEN_AT = "_trust_seen_at"
# Refreshing "last seen" costs a session write; once a minute is precise enough.
SEEN_GRANULARITY = 60


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


def idle_limit_applies(user) -> bool:
    return user.has_role(*getattr(settings, "SESSION_IDLE_ROLES", ()))


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT, login_at)
            absolute = getattr(settings, "SESSION_ABSOLUTE_SECONDS", settings.SESSION_COOKIE_AGE)
            idle = getattr(settings, "SESSION_IDLE_SECONDS", 30 * 60)
            reason = None
            if login_at is None or now - login_at > absolute:
                reason = _("Your session has ended after 12 hours. Please log in again.")
            elif seen_at is not None and now - seen_at > idle and idle_limit_applies(user):
                reason = _(
                    "Your session has ended after %(minutes)d minutes without activity. "
                    "Please log in again."
                ) % {"minutes": idle // 60}
            if reason:
                logout(request)  # flushes the session on the server
                messages.warning(request, reason)
                return redirect_to_login(request.get_full_path())
            if seen_at is None or now - seen_at >= SEEN_GRANULARITY:
                session[SEEN_AT] = now
        return self.get_response(request)
