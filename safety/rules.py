"""Who may be logged on a regulated machine or work on a day (SPEC.md R13).

A pupil of 15 to 17 only if, that day: a declaration of derogation in force covers the
machine (R4153-40), his medical fitness opinion is valid and does not exclude it, his
safety training for it is recorded and signed, and a supervisor is named for him. Under
15 the law allows no derogation (L4153-9 reserves it to young people of at least 15);
adults of 18 and over are outside these rules. There is no override: the law gives none,
so the caller (training.recording) refuses whoever has a reason here, director or not.

`refusals()` reads a whole team's data in five queries, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safety.models import Declaration, Machine, MedicalOpinion, SafetyTraining, Supervision
from students.models import age_on

MINIMUM_AGE = 15
ADULT_AGE = 18


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def refusals(students, machine: Machine, day: dt.date) -> dict[int, list[str]]:
    """{pupil id: [reasons]} for the pupils who may not work on `machine` on `day`; a pupil
    who may is absent from the result."""
    minors = [s for s in students if age_on(s.birth_date, day) < ADULT_AGE]
    if not minors:
        return {}
    ids = [s.pk for s in minors]
    covered = Declaration.objects.in_force(day).filter(machines=machine).exists()
    opinions: dict[int, MedicalOpinion] = {}
    for opinion in (
        MedicalOpinion.objects.filter(student_id__in=ids, date__lte=day)
        .order_by("student_id", "-date", "-pk")
        .prefetch_related(Prefetch("restrictions", queryset=Machine.objects.only("pk")))
    ):
        opinions.setdefault(opinion.student_id, opinion)  # the latest on or before the day
    trained: dict[int, set[bool]] = defaultdict(set)
    for student_id, signed in SafetyTraining.objects.filter(
        student_id__in=ids, machine=machine, date__lte=day
    ).values_list("student_id", "signed"):
        trained[student_id].add(signed)
    supervised = set(
        Supervision.objects.on(day).filter(student_id__in=ids).values_list("student_id", flat=True)
    )

    found: dict[int, list[str]] = {}
    for student in minors:
        words = {"pupil": student, "machine": machine.name, "day": _day(day)}
        reasons = []
        if age_on(student.birth_date, day) < MINIMUM_AGE:
            reasons.append(
                _("%(pupil)s is under 15 on %(day)s: no derogation exists under 15.") % words
            )
        if not covered:
            reasons.append(
                _("No declaration of derogation in force on %(day)s covers %(machine)s.") % words
            )
        reasons += _opinion_reasons(opinions.get(student.pk), machine, day, words)
        if True not in trained[student.pk]:
            if False in trained[student.pk]:
                message = _("%(pupil)s's safety training for %(machine)s is not signed.")
            else:
                message = _("%(pupil)s has no safety training recorded for %(machine)s.")
            reasons.append(message % words)
        if student.pk not in supervised:
            reasons.append(_("No supervisor is named for %(pupil)s on %(day)s.") % words)
        if reasons:
            found[student.pk] = reasons
    return found


def _opinion_reasons(opinion, machine: Machine, day: dt.date, words: dict) -> list[str]:
    if opinion is None:
        return [_("%(pupil)s has no medical fitness opinion.") % words]
    words = {**words, "date": _day(opinion.date), "until": _day(opinion.valid_until)}
    if not opinion.valid_on(day):
        return [_("%(pupil)s's medical opinion of %(date)s was valid until %(until)s.") % words]
    if opinion.outcome == MedicalOpinion.Outcome.UNFIT:
        if getattr(words["pupil"], "sex", "") == "F":  # French agrees: "déclarée inapte"
            return [pgettext("feminine", "%(pupil)s was found unfit on %(date)s.") % words]
        return [_("%(pupil)s was found unfit on %(date)s.") % words]
    if opinion.outcome == MedicalOpinion.Outcome.RESTRICTED and any(
        m.pk == machine.pk for m in opinion.restrictions.all()
    ):
        return [_("%(pupil)s's medical opinion of %(date)s excludes %(machine)s.") % words]
    return []
