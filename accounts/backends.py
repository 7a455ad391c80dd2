"""Django's model backend, refusing a username locked from this address (see throttle)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            if username is None:
                from django.contrib.auth import get_user_model

                username = kwargs.get(get_user_model().USERNAME_FIELD)
            until = throttle.locked_until(username, throttle.client_address(request))
            if until:
                # Stops every backend: even the right password is refused while locked.
                request.login_locked_until = until
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
