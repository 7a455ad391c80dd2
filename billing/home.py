"""What the office's home shows of the money that is late (SPEC.md R11): the reminders
ready to send in one go (two queries, whatever the number of invoices)."""

from __future__ import annotations

import datetime as dt

from billing import reminders

SHOWN = 6


def reminders_to_send(today: dt.date) -> dict:
    items = reminders.pending(today)
    return {"reminders_count": len(items), "reminders": items[:SHOWN]}
