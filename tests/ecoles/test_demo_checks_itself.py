"""The demo checks itself (issue 29 §5): seeded as a visitor sees it, it must not contradict
its own rules: no document mailed to a customer the school has no address for, no refund
before the money it gives back came in, no mother with a man's name, invoice and credit
note numbers in the order of their dates, no pupil marked absent from a half-day he spent
in a theory class or at work. Each check returns what it found, so one seeding reports
every contradiction at once."""

from __future__ import annotations

import collections
import io

import pytest
from django.core.management import call_command
from django.db.models import Max, Min

from billing import sending
from billing.models import CreditNote, DocumentSend, Invoice, Payment, Refund
from ecoles.demo import FIRST_NAMES
from ecoles.models import Policy
from schoollife.models import Absence
from schoollife.register import half_span
from students import demo as students_demo
from students.models import Guardian, Student
from training.models import Attendance, WorkLog

pytestmark = pytest.mark.django_db


def mailed_without_an_address() -> list[str]:
    found = []
    for send in DocumentSend.objects.select_related("customer").prefetch_related(
        "customer__contacts"
    ):
        known = set(sending.recipients(send.customer))
        sent_to = {a.strip() for a in send.recipients.split(",") if a.strip()}
        if not known or not sent_to <= known:
            found.append(f"{send.get_kind_display()} to {send.customer} at {send.recipients!r}")
    return found


def refunds_before_their_money() -> list[str]:
    found = []
    for refund in Refund.objects.select_related("invoice"):
        paid = Payment.objects.filter(invoice=refund.invoice).aggregate(
            first=Min("date"), last=Max("date")
        )
        credited = refund.invoice.credit_notes.aggregate(last=Max("issue_date"))["last"]
        if paid["first"] is None or refund.date < paid["last"]:
            found.append(f"refund of {refund.invoice} on {refund.date}, paid {paid}")
        if credited and refund.date < credited:
            found.append(f"refund of {refund.invoice} on {refund.date}, credited {credited}")
    return found


def guardians_whose_name_contradicts_their_relationship() -> list[str]:
    women, men = set(students_demo.ADULT_WOMEN), set(students_demo.ADULT_MEN)
    found = []
    for guardian in Guardian.objects.filter(relationship__in=["mother", "father"]):
        mother = guardian.relationship == Guardian.Relationship.MOTHER
        if guardian.first_name in (men if mother else women):
            found.append(str(guardian))
    return found


def pupils_whose_name_contradicts_their_sex() -> list[str]:
    boys = set(FIRST_NAMES[:20])  # the boys' names first (schoollife.demo)
    return [
        f"{s} ({s.sex})"
        for s in Student.objects.exclude(sex="").exclude(anonymised_at__isnull=False)
        if (s.first_name in boys) != (s.sex == "M")
    ]


def numbers_out_of_date_order() -> list[str]:
    found = []
    for model in (Invoice, CreditNote):
        series = collections.defaultdict(list)
        for number, day in model.objects.values_list("number", "issue_date"):
            series[number.rsplit("-", 1)[0]].append((number, day))
        for rows in series.values():
            rows.sort()
            for (before, day_before), (after, day_after) in zip(rows, rows[1:], strict=False):
                if day_after < day_before:
                    found.append(f"{after} ({day_after}) after {before} ({day_before})")
    return found


def absences_while_somewhere_else() -> list[str]:
    policy = Policy.load()
    found = []
    for absence in Absence.objects.select_related("student"):
        start, end = half_span(absence.day, absence.half, policy)
        if WorkLog.objects.filter(student=absence.student, start__lt=end, end__gt=start):
            found.append(f"{absence.student} absent {absence.day} {absence.half}, yet worked")
        attended = Attendance.objects.filter(
            student=absence.student,
            session__start__lt=end,
            session__end__gt=start,
            status__in=Attendance.ATTENDED,
            session__cancelled_at__isnull=True,
        )
        if attended.exists():
            found.append(f"{absence.student} absent {absence.day} {absence.half}, yet in class")
    return found


def test_the_demo_does_not_contradict_itself(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    checks = [
        mailed_without_an_address,
        refunds_before_their_money,
        guardians_whose_name_contradicts_their_relationship,
        pupils_whose_name_contradicts_their_sex,
        numbers_out_of_date_order,
        absences_while_somewhere_else,
    ]
    found = {check.__name__: check() for check in checks}
    # The checks look at something: the demo has what they read.
    assert DocumentSend.objects.exists() and Refund.objects.exists()
    assert Guardian.objects.filter(relationship="mother").exists() and Absence.objects.exists()
    assert {name: items[:5] for name, items in found.items() if items} == {}
