"""A small school at work: two workshops, pupils of 15 and 17, orders open for work.

Time is frozen at Wednesday 18 November 2026, 21:00 in Paris, the day's work done (a log
never ends later than now), in the school year that started on 1 September 2026.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from orders.models import Customer, Order
from students.models import Student
from training.models import Attendance, TheorySession, WorkLog

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 18)  # a Wednesday


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def make_pupil(workshop, first: str, last: str, born: dt.date, **extra) -> Student:
    """Pupils with the contract fields only (others must have defaults)."""
    values = {
        "first_name": first,
        "last_name": last,
        "birth_date": born,
        "workshop": workshop,
        "entry_date": dt.date(2025, 9, 1),
        "cohort": 2025,
        "status": Student.Status.ENROLLED,
    }
    values.update(extra)
    return Student.objects.create(**values)


def make_order(workshop, trainer, title: str, status=Order.Status.IN_PRODUCTION) -> Order:
    customer = Customer.objects.create(kind=Customer.Kind.COMPANY, name=f"Client {title}")
    return Order.objects.create(
        customer=customer, title=title, workshop=workshop, trainer=trainer, status=status
    )


def log(student, order, start: dt.datetime, end: dt.datetime, by) -> WorkLog:
    return WorkLog.objects.create(
        order=order, student=student, start=start, end=end, task="", logged_by=by
    )


def session(teacher, start, end, pupils, status=Attendance.Status.PRESENT, title="Maths"):
    s = TheorySession.objects.create(
        subject=TheorySession.Subject.GENERAL, title=title, teacher=teacher, start=start, end=end
    )
    for pupil in pupils:
        Attendance.objects.create(session=s, student=pupil, status=status)
    return s


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(at(TODAY, 21), tick=False):
        yield


@pytest.fixture
def young(woodwork) -> Student:
    """15 years old on the day worked: under-16 rules (20:00 night, 14 h rest)."""
    return make_pupil(woodwork, "Léa", "Martin", dt.date(2011, 3, 10))


@pytest.fixture
def older(woodwork) -> Student:
    """17 years old: 22:00 night, 12 h rest."""
    return make_pupil(woodwork, "Hugo", "Bernard", dt.date(2009, 5, 2))


@pytest.fixture
def metal_pupil(machining) -> Student:
    """A machining pupil: the woodwork trainer must get 404 on him."""
    return make_pupil(machining, "Enzo", "Petit", dt.date(2010, 1, 20))


@pytest.fixture
def table_order(woodwork, woodwork_trainer) -> Order:
    return make_order(woodwork, woodwork_trainer, "Tables de réunion")


@pytest.fixture
def accepted_order(woodwork, woodwork_trainer) -> Order:
    return make_order(woodwork, woodwork_trainer, "Bibliothèque", Order.Status.ACCEPTED)


@pytest.fixture
def metal_order(machining, machining_trainer) -> Order:
    return make_order(machining, machining_trainer, "Brides acier")
