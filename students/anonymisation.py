"""Personal data of former pupils (SPEC.md R6, RGPD art. 5-1-e: kept no longer than needed).

After the retention period (`Policy.retention_years`, 5 years by default) a former
pupil's record loses everything that names or reaches him or his family: names,
birth day, contacts, guardians, follow-up notes, and the same fields in the record's
history. The trace of who read his notes (accounts.ReadLog: a reader, a time, a note
number) names no pupil and stays, as an audit trail should. What the indicators count
stays: workshop, programme, cohort, entry and leaving dates, leaving reason, exam result,
destinations. So do his hours (work logs, attendance), now an anonymous pupil's; their
free text (a task, an absence's reason, a director's override with the refusal message
that named him), the same text in their history, and the admin's log lines are rewritten
with his anonymous name in place of anything that named him or his family. Files other
apps keep about him (the scan of a medical fitness opinion: health data, R13) are deleted.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone

from ecoles import mail
from ecoles.models import Mail, Policy
from students.models import FollowUpNote, Guardian, Student, fold

ANONYMOUS_FIRST_NAME = "Élève"
ANONYMOUS_LAST_NAME = "ANONYME-"  # + the record's number, so that lists stay readable
CLEARED = ("phone", "email", "address", "postal_code", "city", "ine", "birth_place")


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
    _rewrite_free_text(ids)
    _drop_files(ids)
    _forget_admin_log(ids)
    _forget_mails(ids)
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


def anonymous_name(pk: int) -> str:
    return f"{ANONYMOUS_FIRST_NAME} {ANONYMOUS_LAST_NAME}{pk}"


def _words(student: Student) -> list[str]:
    """What names or reaches `student` and his family, longest first."""
    born = student.birth_date
    words = {
        f"{student.first_name} {student.last_name}",
        f"{student.last_name} {student.first_name}",
        student.first_name,
        student.last_name,
        student.phone,
        student.email,
        student.address,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%d/%m/%y"),
    }
    for g in student.guardians.all():
        words |= {f"{g.first_name} {g.last_name}", g.first_name, g.last_name}
        words |= {g.phone, g.phone_other, g.email, g.address}
    words = {w.strip() for w in words if w and len(w.strip()) >= 2}
    return sorted(words, key=len, reverse=True)


def _text_fields(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def _rewrite_free_text(ids: list[int]) -> None:
    """In every row of another model that points at one of these pupils, and in its
    history, replace what named him or his family by his anonymous name."""
    students = Student.objects.filter(pk__in=ids).prefetch_related("guardians")
    # Whole words only: a pupil named Roy leaves "Royal" alone.
    patterns = {
        s.pk: re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in _words(s)) + r")(?!\w)", re.IGNORECASE
        )
        for s in students
    }
    targets = []
    for rel in Student._meta.related_objects:
        if rel.related_model in (Guardian, FollowUpNote) or not rel.field.concrete:
            continue
        if rel.many_to_many:  # a row shared by several pupils (a weekly session's group)
            continue
        targets.append((rel.related_model, rel.field.attname))
        history = getattr(rel.related_model, "history", None)
        if history is not None:
            targets.append((history.model, rel.field.attname))
    for model, link in targets:
        fields = _text_fields(model)
        if not fields:
            continue
        rows = model._base_manager.filter(**{f"{link}__in": ids}).values_list("pk", link, *fields)
        for pk, student_id, *values in rows.iterator():
            name = anonymous_name(student_id)
            changed = {
                field: patterns[student_id].sub(name, value)
                for field, value in zip(fields, values, strict=True)
                if value and patterns[student_id].search(value)
            }
            if changed:
                model._base_manager.filter(pk=pk).update(**changed)


def _drop_files(ids: list[int]) -> None:
    """Files on rows of other apps that point at these pupils (photos of their work) go,
    history included: a picture may show who he was. Through the base manager, which no
    model's guard on its own rows (validated evidence never changes) applies to: the law
    on personal data comes first."""
    for rel in Student._meta.related_objects:
        if not rel.field.concrete:
            continue
        link = rel.field.attname
        models_ = [rel.related_model]
        if getattr(rel.related_model, "history", None) is not None:
            models_.append(rel.related_model.history.model)
        for model in models_:
            files = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
            for field in files:
                rows = model._base_manager.filter(**{f"{link}__in": ids}).exclude(
                    **{field.attname: ""}
                )
                for name in rows.values_list(field.attname, flat=True):
                    field.storage.delete(name)
                rows.update(**{field.attname: ""})


def _forget_admin_log(ids: list[int]) -> None:
    """The admin's log lines name the objects they changed: the pupil's get his anonymous
    name, those of his guardians and notes (deleted below) go."""
    log = LogEntry.objects.filter
    student_type = ContentType.objects.get_for_model(Student)
    for pk in ids:
        log(content_type=student_type, object_id=str(pk)).update(object_repr=anonymous_name(pk))
    for model in (Guardian, FollowUpNote):
        pks = model.objects.filter(student_id__in=ids).values_list("pk", flat=True)
        related = [str(pk) for pk in pks]
        log(content_type=ContentType.objects.get_for_model(model), object_id__in=related).delete()


def _forget_mails(ids: list[int]) -> None:
    """The mails sent to his family or about him (ecoles.mail) lose their addresses and
    their task rows (SPEC.md R6, issue #28); the apps' own mail logs that point at him
    (schoollife's family notices) had their text rewritten above."""
    guardians = Guardian.objects.filter(student_id__in=ids).values_list("pk", flat=True)
    mail.forget(
        Mail.objects.filter(to_kind="guardian", to_id__in=list(guardians))
        | Mail.objects.filter(to_kind="student", to_id__in=ids)
    )


def anonymise_former_pupils(today: dt.date | None = None, by=None) -> int:
    return anonymise(due(today), by=by)
