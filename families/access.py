"""Who sees which child in the families' and pupils' spaces (SPEC.md §2 and R14).

A guardian sees a child only while he holds parental authority (the record's "legal
representative") and the child is a minor: at 18 (Code civil art. 388 and 414: majority
ends parental authority) his access ends on the birthday itself, unless the adult pupil
agrees in his own space (AdultConsent, revocable). A pupil sees himself only. Any other
child is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from ecoles import roles
from families.models import AdultConsent
from students.models import Student

MAJORITY = 18


def adult_since(today: dt.date) -> dt.date:
    """Pupils born on or before this day are adults `today` (born a 29 February: adult on
    1 March of a common year)."""
    try:
        return today.replace(year=today.year - MAJORITY)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MAJORITY, day=28)


def is_minor(student: Student, today: dt.date | None = None) -> bool:
    return student.birth_date > adult_since(today or timezone.localdate())


def children_of(user, today: dt.date | None = None):
    """The children `user` sees as a guardian, today."""
    if not user.is_authenticated or not user.has_role(roles.FAMILY):
        return Student.objects.none()
    today = today or timezone.localdate()
    consent = AdultConsent.objects.filter(student=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        Student.objects.current()
        .filter(
            guardians__account__user=user,
            guardians__legal_representative=True,
        )
        .filter(Q(birth_date__gt=adult_since(today)) | Q(Exists(consent)))
        .distinct()
        .order_by("first_name", "pk")
    )


def child_of(user, pk: int) -> Student:
    """One of `user`'s children, or 404."""
    child = children_of(user).filter(pk=pk).first()
    if child is None:
        raise Http404
    return child


def pupil_of(user) -> Student:
    """The pupil whose own account `user` is, or 404."""
    if not user.has_role(roles.PUPIL):
        raise Http404
    student = Student.objects.current().filter(account__user=user).first()
    if student is None:
        raise Http404
    return student


def in_a_space_only(user) -> bool:
    """A family or pupil account holding no staff role: it reaches its space and its own
    account pages, nothing else."""
    if not user.is_authenticated or user.is_superuser:
        return False
    held = user.roles
    return bool(held) and held <= set(roles.SPACE_ROLES)
