"""Server-side SVG: weekly production and theory hours against the target share line.

The same markup serves the pages and the PDFs (no JavaScript, no external fonts).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ecoles.templatetags.ecoles import hours as format_hours

PRODUCTION_COLOUR = "#1565c0"
THEORY_COLOUR = "#f9a825"
TARGET_COLOUR = "#c62828"


def _h(value: Fraction) -> str:
    return format_hours(Decimal(value.numerator) / Decimal(value.denominator))


def weekly_chart(
    weeks: list[tuple[dt.date, Fraction, Fraction]], target: Fraction, *, title: str = ""
) -> SafeString:
    """Stacked bars per week (production below, theory above, hours), each with a red
    tick at the target share of its total: production reaching the tick is on target."""
    width, height, left, bottom, top = 720, 220, 34, 26, 12
    plot_h = height - bottom - top
    count = max(len(weeks), 1)
    step = (width - left - 8) / count
    bar = max(step * 0.7, 1.5)
    peak = max([p + t for _, p, t in weeks] + [Fraction(35)])
    scale = Fraction(plot_h) / peak

    def y(value: Fraction) -> float:
        return round(float(top + plot_h - value * scale), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 22}" '
        f'role="img" aria-label="{escape(title or _("Weekly production and theory hours"))}" '
        f'font-family="sans-serif" font-size="10">'
    ]
    for hours in range(0, int(peak) + 1, 10):
        parts.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{y(Fraction(hours))}" '
            f'y2="{y(Fraction(hours))}" stroke="#ddd" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y(Fraction(hours)) + 3}" text-anchor="end" '
            f'fill="#555">{hours}</text>'
        )
    label_every = max(1, round(count / 10))
    for index, (monday, production, theory) in enumerate(weeks):
        x = round(left + index * step + (step - bar) / 2, 1)
        total = production + theory
        tip = escape(
            _("Week of %(day)s: production %(p)s, theory %(t)s")
            % {"day": f"{monday:%d/%m}", "p": _h(production), "t": _h(theory)}
        )
        parts.append(f"<g><title>{tip}</title>")
        if production:
            parts.append(
                f'<rect x="{x}" y="{y(production)}" width="{round(bar, 1)}" '
                f'height="{round(float(production * scale), 1)}" fill="{PRODUCTION_COLOUR}"/>'
            )
        if theory:
            parts.append(
                f'<rect x="{x}" y="{y(total)}" width="{round(bar, 1)}" '
                f'height="{round(float(theory * scale), 1)}" fill="{THEORY_COLOUR}"/>'
            )
        if total:
            ty = y(total * target)
            parts.append(
                f'<line x1="{x - 1}" x2="{round(x + bar + 1, 1)}" y1="{ty}" y2="{ty}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2"/>'
            )
        parts.append("</g>")
        if index % label_every == 0:
            parts.append(
                f'<text x="{round(x + bar / 2, 1)}" y="{height - bottom + 12}" '
                f'text-anchor="middle" fill="#555">{monday:%d/%m}</text>'
            )
    ly = height + 12
    target_label = _("Target: %(share)s %% production") % {"share": round(target * 100)}
    parts.append(
        f'<rect x="{left}" y="{ly - 8}" width="10" height="10" fill="{PRODUCTION_COLOUR}"/>'
        f'<text x="{left + 14}" y="{ly}">{escape(_("Production"))}</text>'
        f'<rect x="{left + 110}" y="{ly - 8}" width="10" height="10" fill="{THEORY_COLOUR}"/>'
        f'<text x="{left + 124}" y="{ly}">{escape(_("Theory"))}</text>'
        f'<line x1="{left + 200}" x2="{left + 214}" y1="{ly - 3}" y2="{ly - 3}" '
        f'stroke="{TARGET_COLOUR}" stroke-width="2"/>'
        f'<text x="{left + 218}" y="{ly}">{escape(target_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
