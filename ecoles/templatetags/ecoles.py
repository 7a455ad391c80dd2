"""Formatting filters used by pages and PDFs: French amounts, hours, percentages."""

from __future__ import annotations

from django import template

from ecoles import formats

register = template.Library()


register.filter("money", formats.money)
register.filter("hours", formats.hours)
register.filter("percent", formats.percent)
