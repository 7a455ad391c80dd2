"""{% load audit %}{% object_history obj %}: the director sees who changed what, when."""

from __future__ import annotations

from django import template

from accounts.audit import history_of, reads_of

register = template.Library()


@register.inclusion_tag("includes/history.html", takes_context=True)
def object_history(context, obj, limit: int = 50) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if obj is None or user is None or not user.is_authenticated or not user.is_director:
        return {"shown": False}
    return {
        "shown": True,
        "object": obj,
        "entries": history_of(obj, limit) if hasattr(obj, "history") else [],
        "reads": reads_of(obj, limit),
    }
