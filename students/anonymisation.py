"""Personal data of former pupils (SPEC.md R6, RGPD art. 5-1-e: kept no longer than needed).

After the retention period (`Policy.retention_years`, 5 years by default) a former
pupil's record loses everything that names or reaches him or his family: names,
birth day, contacts, guardians, follow-up notes, and the same fields in the record's
history. The trace of who read his notes (accounts.ReadLog: a reader, a time, a note
number) names no pupil and stays, as an audit trail should. What the indicators count
stays: workshop, programme, cohort, entry and leaving dates, leaving reason, exam result,
destinations. So do his hours (work logs, attendance), now an anonymous pupil's.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from ecoles.models import Policy
from students.models import FollowUpNote, Guardian, Student, fold

ANONYMOUS_FIRST_NAME = "Élève"
ANONYMOUS_LAST_NAME = "ANONYME-"  # + the record's number, so that lists stay readable
CLEARED = ("phone", "email", "address", "postal_code", "city")


def due(today: dt.date | None = None, policy: Policy | None = None):
    """Former pupils whose retention period is over and who still carry names."""
    policy = policy or Policy.load()
    return Student.objects.due_for_anonymisation(
        today or timezone.localdate(), policy.retention_years
    )


@transaction.atomic
def anonymise(students, by=None) -> int:
    """Strip the personal data of `students` (a queryset), history included; returns how
    many pupils were anonymised. `by`: the user who asked (None from the command)."""
    ids = list(students.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    # The related rows go first, then their history, which would otherwise keep a copy.
    FollowUpNote.objects.filter(student_id__in=ids).delete()
    FollowUpNote.history.filter(student_id__in=ids).delete()
    Guardian.objects.filter(student_id__in=ids).delete()
    Guardian.history.filter(student_id__in=ids).delete()
    last_name = Concat(Value(ANONYMOUS_LAST_NAME), Cast("id", output_field=CharField()))
    anonymous = {
        "first_name": Value(ANONYMOUS_FIRST_NAME),
        "last_name": last_name,
        "search_name": Concat(
            Value(fold(ANONYMOUS_FIRST_NAME + " " + ANONYMOUS_LAST_NAME)),
            Cast("id", output_field=CharField()),
        ),
        # The year of birth stays (ages in statistics); the day and month go.
        "birth_date": TruncYear(F("birth_date")),
        **{name: Value("") for name in CLEARED},
    }
    Student.history.filter(id__in=ids).update(**anonymous)
    Student.objects.filter(pk__in=ids).update(**anonymous, anonymised_at=now)
    # One history line says who anonymised the record, and when.
    Student.history.bulk_history_create(
        list(Student.objects.filter(pk__in=ids)),
        update=True,
        default_user=by,
        default_change_reason="anonymised after the retention period",
        default_date=now,
    )
    return len(ids)


def anonymise_former_pupils(today: dt.date | None = None, by=None) -> int:
    return anonymise(due(today), by=by)
