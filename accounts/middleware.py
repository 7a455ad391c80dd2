"""Security headers, and forms that save once."""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts import SUBMIT_TOKEN_FIELD
from accounts.models import SubmittedForm


def local_path(request, location: str) -> str:
    """`location` if it is a path of this site, else the home page: a stored answer is
    sent back as a redirect, never read as a view's name nor sent to another site."""
    safe = (
        location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            location, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return location if safe else "/"


class SecurityHeadersMiddleware:
    """Permissions-Policy, and no caching of pages shown to a logged-in user (a shared
    workshop computer keeps nothing). The Content-Security-Policy is django-csp's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response


class SubmitOnceMiddleware:
    """A POST carrying a form's one-time token (added by `{% csrf_token %}`, see
    accounts.templatetags.once) is processed once: a second submission of the same
    rendering (double click, back and resubmit) is answered with the first one's redirect
    and saves nothing. A submission that did not redirect (form errors) frees its token.

    The browser sends the token: it is trusted only as far as it goes. A token that is not
    of the shape the template tag makes is ignored (a normal submission); a token is kept
    for one user and one form (the path it is posted to), so that another user or another
    form sending it is processed as usual; and the first answer is replayed only as a
    redirect to a local path."""

    # A double click's second request waits this long for the first one's answer.
    WAIT_SECONDS = 10
    TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claimed = getattr(request, "_submit_once", None)
        if claimed is not None:
            if 300 <= response.status_code < 400 and response.get("Location"):
                SubmittedForm.objects.filter(pk=claimed.pk).update(
                    location=response["Location"][:2000]
                )
            else:
                SubmittedForm.objects.filter(pk=claimed.pk).delete()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = request.POST.get(SUBMIT_TOKEN_FIELD, "")
        if not self.TOKEN_SHAPE.fullmatch(token):
            return None
        # Stored for this user and this form only.
        key = hashlib.sha256(f"{request.user.pk}:{request.path}:{token}".encode()).hexdigest()
        SubmittedForm.objects.filter(
            created_at__lt=timezone.now() - timezone.timedelta(days=1)
        ).delete()
        try:
            with transaction.atomic():
                request._submit_once = SubmittedForm.objects.create(
                    token=key, user=request.user, path=request.path[:300]
                )
            return None
        except IntegrityError:
            pass
        deadline = time.monotonic() + self.WAIT_SECONDS
        while True:
            first = SubmittedForm.objects.filter(
                token=key, user=request.user, path=request.path[:300]
            ).first()
            if first is None:
                return None  # the first submission had errors: this one is processed
            if first.location:
                messages.info(request, _("This form had already been sent: it was saved once."))
                return HttpResponseRedirect(local_path(request, first.location))
            if time.monotonic() > deadline:
                messages.warning(request, _("This form is already being saved, please wait."))
                return HttpResponseRedirect(local_path(request, request.get_full_path()))
            time.sleep(0.1)
