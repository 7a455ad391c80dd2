"""Charts drawn on the server as SVG, so a page and its PDF show the same picture.

Plain presentation attributes only (no style attributes, no script): the pages' CSP
allows them, and WeasyPrint renders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ecoles.formats import hours as format_hours

PALETTE = ["#1f6feb", "#2e7d32", "#b26a00", "#8e24aa", "#c62828", "#00838f", "#6d4c41"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass
class Series:
    name: str
    values: Sequence[Decimal | float | int | None]
    color: str = PALETTE[0]
    dashed: bool = False


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts, lx = [], x
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(
            f'<line x1="{lx}" y1="{y}" x2="{lx + 22}" y2="{y}" stroke="{s.color}" '
            f'stroke-width="3"{dash}/>'
            f'<text x="{lx + 28}" y="{y + 4}" font-size="12" {FONT}>{escape(s.name)}</text>'
        )
        lx += 50 + 7.5 * len(s.name)
    return parts


LABEL_CHARS = 26  # what the 180 px left of a bar chart holds at 12 px


def _fit(label: str) -> str:
    """A label cut with an ellipsis rather than run off the chart's left edge (the table
    beside the chart has it whole)."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _grouped(value: float) -> str:
    """165000 -> '165 000' in French, '165,000' in English."""
    return number_format(round(value), 0, use_l10n=True, force_grouping=True)


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    fmt: Callable[[float], str] = _grouped,
    width: int = 720,
    height: int = 300,
) -> SafeString:
    """Lines over categories (months, weeks); None values leave a gap."""
    left, right, top, bottom = 70, 16, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    ymax = _nice_max(max(numbers, default=0))
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ymax

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for k in range(5):
        v = ymax * k / 4
        out.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" '
            f'text-anchor="end" {FONT}>{escape(fmt(v))}</text>'
        )
    step = max(1, n // 12)
    for i, label in enumerate(labels):
        if i % step == 0:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" font-size="11" '
                f'text-anchor="middle" {FONT}>{escape(label)}</text>'
            )
    for s in series:
        points, segments = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if points:
                    segments.append(points)
                points = []
                continue
            points.append(f"{x(i):.1f},{y(float(v)):.1f}")
        if points:
            segments.append(points)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for seg in segments:
            out.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{s.color}" '
                f'stroke-width="2.5"{dash}/>'
            )
    out += _legend(series, left, height - 14)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    fmt: Callable[[float], str] = _grouped,
    width: int = 720,
) -> SafeString:
    """Horizontal bars, one group per label, one bar per series, values written at the end."""
    left, right, top = 180, 90, 10
    bar_h, gap = 16, 12
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(labels) + 40
    plot_w = width - left - right
    numbers = [float(v) for s in series for v in s.values if v is not None]
    vmax = max(numbers, default=0) or 1.0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, label in enumerate(labels):
        gy = top + i * group_h
        out.append(
            f'<text x="{left - 8}" y="{gy + group_h / 2:.1f}" font-size="12" '
            f'text-anchor="end" {FONT}>{escape(_fit(label))}</text>'
        )
        for j, s in enumerate(series):
            v = s.values[i]
            if v is None:
                continue
            w = max(0.0, plot_w * float(v) / vmax)
            by = gy + j * bar_h
            out.append(
                f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar_h - 3}" '
                f'fill="{s.color}"/><text x="{left + w + 4:.1f}" y="{by + bar_h - 5}" '
                f'font-size="11" {FONT}>{escape(fmt(float(v)))}</text>'
            )
    out += _legend(series, left, height - 12)
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def share_gauge(
    share: Decimal | None, low: Decimal, high: Decimal, *, scale: int = 60
) -> SafeString:
    """A share (0-1) as a bar on a 0-`scale` % axis, the target band (`low`-`high` %) shaded."""

    def x(percent: float) -> float:
        return round(300 * min(max(percent, 0.0), scale) / scale, 1)

    band = f'<rect x="{x(float(low))}" y="6" width="{x(float(high)) - x(float(low))}" '
    band += 'height="16" fill="#c8e6c9"/>'
    bar = ""
    if share is not None:
        bar = f'<rect x="0" y="10" width="{x(float(share) * 100)}" height="8" fill="{PALETTE[0]}"/>'
    return mark_safe(  # noqa: S308 - numbers only
        '<svg class="gauge" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 36" '
        'role="img" aria-hidden="true">'
        '<rect x="0" y="6" width="300" height="16" rx="3" fill="#e6e6e6"/>'
        f"{band}{bar}"
        f'<text x="0" y="34" font-size="10" {FONT}>0 %</text>'
        f'<text x="{x(float(low))}" y="34" font-size="10" text-anchor="middle" {FONT}>'
        f"{low:.0f}</text>"
        f'<text x="{x(float(high))}" y="34" font-size="10" text-anchor="middle" {FONT}>'
        f"{high:.0f}</text>"
        f'<text x="300" y="34" font-size="10" text-anchor="end" {FONT}>{scale} %</text></svg>'
    )


# --- weekly production and theory hours against the target share ---------------------

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
