"""Keeping the declaration of derogation true (Code du travail R4153-42): when what it
says changes (here: a machine in use that the declaration in force does not cover, or a
covered machine whose kind of regulated work changes), the change is recorded and the
updated information is due to the labour inspector within 8 days; the director's home
and the regulated work page show it until the update is recorded as sent."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from safety.models import Declaration, DeclarationUpdate, Machine


def flag_machine(
    machine: Machine, by, today: dt.date, kind_before: str | None = None
) -> DeclarationUpdate | None:
    """Flag the declaration in force if `machine` (just saved) changes what it says."""
    if not machine.in_use:
        return None
    in_force = Declaration.objects.in_force(today).order_by("-sent_on", "-pk")
    covering = in_force.filter(machines=machine).first()
    if covering is None:
        # The declaration of the machine's workshop is the one to update, else the latest.
        declaration = (
            in_force.filter(machines__workshop=machine.workshop_id).first() or in_force.first()
        )
        if declaration is None:
            return None
        what = _("%(machine)s, %(kind)s: not covered by the declaration") % {
            "machine": machine,
            "kind": machine.get_kind_display(),
        }
    elif kind_before is not None and kind_before != machine.kind:
        declaration = covering
        what = _("%(machine)s: its regulated work is now %(kind)s") % {
            "machine": machine,
            "kind": machine.get_kind_display(),
        }
    else:
        return None
    update, _created = DeclarationUpdate.objects.waiting().get_or_create(
        declaration=declaration,
        what=what[:300],
        defaults={"changed_on": today, "recorded_by": by},
    )
    return update
