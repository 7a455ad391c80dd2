"""A new school's absence reasons (SPEC.md R9): the list `AbsenceReason` starts with, the
legal ones of Code de l'éducation L131-8 first (`schoollife.models.DEFAULT_REASONS`)."""

from __future__ import annotations

from django.apps import apps


def ensure_reasons(using: str = "default", **kwargs) -> None:
    """post_migrate: a school with no reason at all (a new database, or one a test flushed)
    starts with the default list; a school's own list is never touched."""
    reason = apps.get_model("schoollife", "AbsenceReason")
    if not reason.objects.using(using).exists():
        reason.objects.db_manager(using).ensure_defaults()
