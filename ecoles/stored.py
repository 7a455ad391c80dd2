"""A document's file stored once, with its SHA-256, and checked on every reading.

Invoices, credit notes, reminders and tax receipts keep the PDF they were sent with
(SPEC.md R7, R11): rendered once, saved, its SHA-256 beside it; a second render racing the
first loses (only the row whose `pdf` is still empty takes the name), and its file is
removed. Reading compares the file with its SHA-256: a file altered on disk is refused
(`StoredFileAltered`), never served as the document.

The model has a `pdf` FileField and a `pdf_sha256` CharField.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import models


class StoredFileAltered(OSError):
    """The stored file no longer matches the SHA-256 recorded when it was stored."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_once(
    document: models.Model, data: bytes, *, filename: str = "doc.pdf", **also: str
) -> bool:
    """Save `data` as the document's PDF with its SHA-256 (and `also`, other columns
    written with it), unless it already has one. True when this call stored it."""
    model = type(document)
    field = document.pdf
    name = field.storage.save(field.field.generate_filename(document, filename), ContentFile(data))
    stored = {"pdf": name, "pdf_sha256": sha256(data), **also}
    if model._default_manager.filter(pk=document.pk, pdf="").update(**stored):
        return True
    field.storage.delete(name)  # a concurrent render won
    return False


def read_checked(document: models.Model) -> bytes:
    """The stored PDF exactly as stored, or `StoredFileAltered`."""
    with document.pdf.open("rb") as fh:
        data = fh.read()
    if sha256(data) != document.pdf_sha256:
        raise StoredFileAltered(f"the stored PDF of {document} does not match its SHA-256")
    return data
