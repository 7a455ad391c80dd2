"""PDF rendering: the only module that imports WeasyPrint (SPEC.md R7).

Documents are HTML templates extending `pdf/base.html` (A4, French, the school's
identity), rendered to bytes. Rendering is slow: call it outside transactions.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


def _fetch(url: str, *args, **kwargs) -> dict:
    """Serve /static/ and the school's uploaded logo from disk; refuse the network."""
    from weasyprint import default_url_fetcher

    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    media_prefix = "/" + settings.MEDIA_URL.lstrip("/")
    for prefix in (static_prefix, "file:" + static_prefix):
        if url.startswith(prefix):
            path = finders.find(url.removeprefix(prefix))
            if path:
                return default_url_fetcher("file://" + path)
    for prefix in (media_prefix, "file:" + media_prefix):
        if url.startswith(prefix):
            path = (settings.MEDIA_ROOT / url.removeprefix(prefix)).resolve()
            if path.is_relative_to(settings.MEDIA_ROOT.resolve()) and path.is_file():
                return default_url_fetcher(path.as_uri())
    if url.startswith("data:"):
        return default_url_fetcher(url)
    raise ValueError(f"PDF documents may not load {url}")


def render_pdf(template: str, context: dict, language: str = "fr") -> bytes:
    """Render `template` with `context` to PDF bytes, in French unless told otherwise."""
    from weasyprint import HTML

    from ecoles.models import School

    context = {"school": School.load(), **context}
    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html, base_url="/", url_fetcher=_fetch).write_pdf()
