from __future__ import annotations

from ecoles.navigation import entries_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    return {"nav_entries": entries_for(user, request.path)}
