"""What the competencies add to the role home pages: a fixed number of queries each."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from ecoles.models import Policy, Workshop
from skills.models import Competency, Evidence, ExamRegistration, Programme
from students.models import Student

SHOWN = 6


def unexercised(workshops, today: dt.date, policy: Policy) -> list[Competency]:
    """The competencies of these workshops' pupils' référentiels that no order of the
    school year in these workshops has exercised yet (as the workshop grid counts them),
    in one query."""
    year_start = policy.school_year_start(today)
    versions = Programme.objects.filter(
        student__workshop__in=workshops, student__status=Student.Status.ENROLLED
    ).values("version")
    exercised = Q(orders__workshop__in=workshops, orders__created_at__date__gte=year_start)
    return list(
        Competency.objects.filter(bloc__version__in=versions, bloc__subject="")
        .annotate(n=Count("orders", filter=exercised))
        .filter(n=0)
        .select_related("bloc")
        .order_by("bloc__version", "bloc__position", "position", "code")
    )


def exams_to_complete(today: dt.date, policy: Policy) -> dict:
    """Before the registration deadline: this session's incomplete registrations and the
    final-year pupils not registered (two queries)."""
    deadline = policy.exam_registration_deadline
    if deadline is None or deadline < today:
        return {}
    session = policy.school_year_start(today).year + 1
    registrations = ExamRegistration.objects.filter(session_year=session)
    incomplete = (
        registrations.annotate(units_n=Count("units"))
        .filter(Q(number="") | Q(centre="") | Q(units_n=0))
        .count()
    )
    unregistered = (
        Student.objects.enrolled()
        .filter(programme_year=2)
        .exclude(exam_registrations__session_year=session)
        .count()
    )
    return {"deadline": deadline, "incomplete": incomplete, "unregistered": unregistered}


def for_role(key: str, user, today: dt.date) -> dict:
    if key == "trainer":
        policy = Policy.load()
        workshops = list(Workshop.objects.active().led_by(user))
        left = unexercised(workshops, today, policy) if workshops else []
        return {
            "role": key,
            "pending": Evidence.objects.visible_to(user).pending().count(),
            "workshops": workshops,
            "unexercised": left[:SHOWN],
            "unexercised_count": len(left),
        }
    if key == "teacher":
        return {"role": key, "pending": Evidence.objects.visible_to(user).pending().count()}
    if key == "director":
        return {
            "role": key,
            "pending": Evidence.objects.pending().count(),
            "exams": exams_to_complete(today, Policy.load()),
        }
    return {"role": key}
