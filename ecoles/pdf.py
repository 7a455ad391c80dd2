"""PDF rendering: the only module that imports WeasyPrint (SPEC.md R7).

Documents are HTML templates extending `pdf/base.html` (A4, French, the school's
identity), rendered to bytes. Rendering is slow: call it outside transactions.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation

from ecoles.models import School


def local_path(url: str) -> Path | None:
    """The file on disk behind a /static/ or /media/ URL, or None (never the network)."""
    url = url.removeprefix("file://")
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    media_prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if url.startswith(static_prefix):
        name = url.removeprefix(static_prefix)
        # Collected (hashed) names live in STATIC_ROOT in production; sources via finders.
        collected = Path(settings.STATIC_ROOT) / name
        if collected.is_file() and collected.resolve().is_relative_to(
            Path(settings.STATIC_ROOT).resolve()
        ):
            return collected
        try:
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        return Path(found) if found else None
    if url.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / url.removeprefix(media_prefix)).resolve()
        return path if path.is_relative_to(root) and path.is_file() else None
    return None


# WeasyPrint is imported where a PDF is made, not at the top: importing it loads Pango and
# its fonts (0.66 s here), which every process serving pages only would pay at start.


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Static files and uploaded media from disk, data: URLs; nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path(url)
            if path is None:
                raise ValueError(f"PDF documents may not load {url}")
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


def render_pdf(
    template: str, context: dict, language: str = "fr", *, pdf_variant: str | None = None
) -> bytes:
    """Render `template` with `context` to PDF bytes, in French unless told otherwise;
    `pdf_variant` asks WeasyPrint for a standard, e.g. "pdf/a-3b" (Factur-X invoices)."""
    from weasyprint import HTML

    context = {"school": School.load(), **context}
    with translation.override(language):
        html = render_to_string(template, context)
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    document = HTML(string=html, base_url="/", url_fetcher=_fetcher())
    return document.write_pdf(**options)
