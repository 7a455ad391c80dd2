"""Records the law keeps as written: issued invoices and credit notes and their lines,
payments, refunds, tax receipts (SPEC.md R4, R11). Each is inserted once; afterwards only
its bookkeeping fields (the stored PDF, a settled flag, a cancellation) are ever written,
and nothing deletes it. The database refuses the same (triggers in billing and budget).

A model inherits `InsertOnly` and says which fields are bookkeeping, what a refused change
and a refused deletion say, and which error it raises; its manager is built from
`InsertOnlyQuerySet` so that `.update()` and `.delete()` on a queryset refuse too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class ImmutableError(ValidationError):
    """A record the law keeps as written was about to be changed or deleted."""


class InsertOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise self.model.immutable_error(self.model.refused_deletion)

    def update(self, **kwargs):
        if not set(kwargs) <= self.model.bookkeeping_fields:
            raise self.model.immutable_error(self.model.refused_change)
        return super().update(**kwargs)


class InsertOnly(models.Model):
    bookkeeping_fields: frozenset[str] = frozenset()
    immutable_error: type[ValidationError] = ImmutableError
    refused_change: str  # each model says it in its own words (and its app's catalogue)
    refused_deletion: str

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        if self._state.adding:
            # Django saves an object that carries a primary key by UPDATE when the row
            # exists, so a copy of an invoice with its key and another total would
            # overwrite it (360 € became 1 €): a new record is inserted or refused.
            if fields is not None or (
                self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists()
            ):
                raise self.immutable_error(self.refused_change)
            kwargs["force_insert"] = True
        elif fields is None or not set(fields) <= self.bookkeeping_fields:
            raise self.immutable_error(self.refused_change)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.immutable_error(self.refused_deletion)
