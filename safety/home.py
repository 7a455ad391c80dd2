"""Expiries on the director's and the trainers' homes (SPEC.md R13): what stops a pupil
from the regulated works within 60 days, flagged at 60, 30 and 7 days; and, for the
direction, a declaration of derogation to update with the labour inspector within 8 days
of a change (R4153-42) until the update is sent. Five queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from ecoles import roles
from safety.models import Declaration, DeclarationUpdate, MedicalOpinion, SafetyTraining
from students.models import Student, add_months

HORIZON = 60
THRESHOLDS = (7, 30, 60)


def _level(days: int) -> int:
    return next(t for t in THRESHOLDS if days <= t)


def expiries(user, today: dt.date) -> dict:
    """{"safety_expiries": [{"day", "days", "level", "text", "url"}], soonest first}."""
    until = today + dt.timedelta(days=HORIZON)
    items = []

    def add(day: dt.date, text: str, url: str) -> None:
        days = max((day - today).days, 0)
        items.append({"day": day, "days": days, "level": _level(days), "text": text, "url": url})

    # A declaration already renewed (a newer one names it) no longer needs attention.
    renewed = Exists(Declaration.objects.filter(renews=OuterRef("pk")))
    for d in Declaration.objects.filter(valid_until__range=(today, until)).exclude(renewed):
        add(
            d.valid_until,
            _("%(declaration)s ends on %(day)s")
            % {"declaration": d, "day": f"{d.valid_until:%d/%m/%Y}"},
            reverse("safety:index"),
        )
    if user.has_role(roles.DIRECTOR, roles.OFFICE):
        for u in DeclarationUpdate.objects.waiting().select_related("declaration"):
            add(
                u.due_on,
                _("%(declaration)s to update with the labour inspector by %(day)s: %(what)s")
                % {"declaration": u.declaration, "day": f"{u.due_on:%d/%m/%Y}", "what": u.what},
                reverse("safety:declaration", args=[u.declaration_id]),
            )
    pupils = Student.objects.records_visible_to(user).filter(status=Student.Status.ENROLLED)
    latest = MedicalOpinion.objects.filter(student=OuterRef("pk")).order_by("-date", "-pk")
    for p in pupils.annotate(until=Subquery(latest.values("valid_until")[:1])).filter(
        until__range=(today, until)
    ):
        add(
            p.until,
            _("%(pupil)s: medical opinion valid until %(day)s")
            % {"pupil": p, "day": f"{p.until:%d/%m/%Y}"},
            reverse("safety:pupil", args=[p.pk]),
        )
    # Born between these days: 15 within the horizon, not yet today.
    for p in pupils.filter(
        birth_date__gt=add_months(today, -180), birth_date__lte=add_months(until, -180)
    ):
        birthday = add_months(p.birth_date, 180)
        add(
            birthday,
            _("%(pupil)s turns 15 on %(day)s") % {"pupil": p, "day": f"{birthday:%d/%m/%Y}"},
            reverse("safety:pupil", args=[p.pk]),
        )
    trained = Exists(SafetyTraining.objects.filter(student=OuterRef("pk"), signed=True))
    joining = (
        Student.objects.records_visible_to(user)
        .filter(Q(status=Student.Status.ENROLLED) | Q(status=Student.Status.APPLICANT))
        .filter(entry_date__range=(today - dt.timedelta(days=HORIZON), until))
        .exclude(trained)
    )
    for p in joining:
        add(
            max(p.entry_date, today),
            _("%(pupil)s joins (%(day)s) without a safety training")
            % {"pupil": p, "day": f"{p.entry_date:%d/%m/%Y}"},
            reverse("safety:pupil", args=[p.pk]),
        )
    items.sort(key=lambda i: (i["day"], i["text"]))
    return {"safety_expiries": items}
