"""The text of a PDF as a reader sees it, for tests: whitespace folded to single spaces."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
