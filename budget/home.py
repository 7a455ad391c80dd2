"""What the budget's ledgers put on the director's home (one query)."""

from __future__ import annotations

import datetime as dt

from budget.models import Grant

REPORT_NOTICE_DAYS = 30  # a report due within a month is worth preparing now
SHOWN = 6


def grant_reports(today: dt.date) -> dict:
    """The grants whose report to the funder is due within REPORT_NOTICE_DAYS or late."""
    due = Grant.objects.report_due_by(today + dt.timedelta(days=REPORT_NOTICE_DAYS))
    return {"grant_reports": list(due.order_by("report_due")[:SHOWN]), "today": today}
