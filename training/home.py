"""What the director's home shows of the pupils' time (issue #27, SPEC.md R2): the
overrides of a legal limit granted before the law was refused for everyone, once, until
he acknowledges them. One query, whatever their number."""

from __future__ import annotations

from training.models import Override

SHOWN = 30  # rows of the notice; the overrides page lists the rest


def legal_overrides(user) -> dict:
    if not user.is_director:
        return {"legal_overrides": [], "legal_overrides_more": False}
    rows = list(
        Override.objects.to_acknowledge()
        .select_related("student", "work_log__order", "attendance__session")
        .order_by("day", "student__last_name", "student__first_name")[: SHOWN + 1]
    )
    return {"legal_overrides": rows[:SHOWN], "legal_overrides_more": len(rows) > SHOWN}
