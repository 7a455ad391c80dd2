"""CSV exports the way French spreadsheets open them, and safe to open."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ would start a formula
    (CSV injection), so such text gets a quote first; plain numbers stay numbers."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_START and not NUMBER.match(text):
        return "'" + text
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """Semicolons and a BOM: what Excel in French opens without asking."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return response
