"""The audit trail: changes come from django-simple-history (`history = HistoricalRecords()`
on each audited model, the user from its request middleware); reads of confidential
records (settings.AUDIT_READ_MODELS, the follow-up notes) are recorded here.

A read is recorded whenever a request loads such a row from the database, whichever view
or list does it: a `post_init` receiver notes the rows, and ReadAuditMiddleware writes
them in one query at the end of the request.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_init

from accounts.models import ReadLog

_loaded: ContextVar[set | None] = ContextVar("audit_loaded", default=None)


def read_audited_models() -> list:
    models = []
    for label in getattr(settings, "AUDIT_READ_MODELS", []):
        try:
            models.append(apps.get_model(label))
        except LookupError:
            continue  # the app has not written that model yet
    return models


def _note_read(sender, instance, **kwargs) -> None:
    loaded = _loaded.get()
    # A row built in memory has no pk yet; one loaded from the database has.
    if loaded is not None and instance.pk is not None:
        loaded.add((sender, str(instance.pk)))


def connect_read_audit() -> None:
    for model in read_audited_models():
        post_init.connect(_note_read, sender=model, dispatch_uid=f"audit-read-{model._meta}")


class ReadAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _loaded.set(set())
        try:
            response = self.get_response(request)
            loaded = _loaded.get()
        finally:
            _loaded.reset(token)
        user = getattr(request, "user", None)
        if loaded and user is not None and user.is_authenticated:
            types = ContentType.objects.get_for_models(*{model for model, _ in loaded})
            ReadLog.objects.bulk_create(
                ReadLog(
                    user=user,
                    content_type=types[model],
                    object_id=pk,
                    path=request.get_full_path()[:300],
                )
                for model, pk in sorted(loaded, key=lambda item: (str(item[0]), item[1]))
            )
        return response


def history_of(obj, limit: int = 50) -> list[dict]:
    """An object's changes, newest first: who, when, what (field: old → new)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append({"field": field.verbose_name, "old": change.old, "new": change.new})
        entries.append(
            {
                "record": record,
                "type": record.history_type,
                "user": record.history_user,
                "date": record.history_date,
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
    return entries


def reads_of(obj, limit: int = 50) -> list:
    if type(obj) not in read_audited_models():
        return []
    return list(
        ReadLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("user")[:limit]
    )
