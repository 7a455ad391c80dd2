"""Role checks for views: a wrong role gets 403, an object out of scope gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*names: str) -> Callable:
    """Only users holding one of `names` (or superusers) may call the view; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(names)
        return wrapped

    return decorator
