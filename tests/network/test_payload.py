"""What a school sends the network: aggregates only, the figures of its indicators page."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from network import payload
from network.validation import validate
from schoollife.days import school_days
from tests.schoollife.conftest import absent, call
from tests.students.conftest import make_student
from tests.training.conftest import make_pupil


def test_the_payload_holds_the_years_aggregates_and_nothing_else(known_school, member):
    data = payload.build(2025)
    assert set(data) == {
        "format", "school", "year", "period", "built_at", "pupils", "exams", "outcomes",
        "attendance", "budget", "hours",
    }  # fmt: skip
    assert set(data["school"]) == {"uai", "siret", "name"}
    assert data["year"] == "2025-2026"
    assert data["pupils"] == {
        "enrolled": 8, "entered": 3, "leavers": 6, "dropped_out": 2,
        "left_without_qualification": 3,
    }  # fmt: skip
    assert data["exams"]["by_programme"]["cap"] == {"sat": 3, "passed": 2}
    assert data["exams"]["total"] == {"sat": 4, "passed": 3}
    assert data["outcomes"]["6_months"] == {
        "leavers": 6,
        "known": 4,
        "placed": 2,
        "further_study": 1,
    }
    assert data["outcomes"]["12_months"] == {"leavers": 6, "known": 3, "placed": 3}
    assert validate(data) == 2025
    # F and G are on the books on 31 August 2026; the others had left or not come yet.
    assert data["attendance"]["pupils_on_the_last_day"] == 2
    assert data["attendance"]["dropout_signals"] == 0  # closed in August: nothing to see


def test_a_year_in_progress_counts_todays_signs_of_dropping_out(
    woodwork, woodwork_trainer, policy, school
):
    tom = make_pupil(woodwork, "Tom", "Berger", dt.date(2011, 3, 2), tutor=woodwork_trainer)
    make_pupil(woodwork, "Zoé", "Caron", dt.date(2010, 1, 9))
    today = dt.date(2026, 11, 26)
    days = school_days(today - dt.timedelta(days=50), today - dt.timedelta(days=1))
    for day in days[:-2]:
        call(woodwork, day, "am", woodwork_trainer)
    absent(woodwork, tom, days[-2:], woodwork_trainer)
    policy.dropout_unjustified_half_days = 2
    policy.dropout_consecutive_half_days = 2
    policy.dropout_days_since_present = 2
    policy.save()
    attendance = payload.build(2026)["attendance"]
    assert (attendance["pupils_on_the_last_day"], attendance["dropout_signals"]) == (2, 1)


def test_no_pupils_name_or_birth_date_is_in_what_is_sent(known_school, member):
    body = payload.dumps(payload.build(2025)).decode()
    pupil = known_school["A"]
    for word in (pupil.last_name, pupil.first_name + " " + pupil.last_name, pupil.email,
                 pupil.phone, pupil.address, pupil.birth_date.isoformat()):  # fmt: skip
        assert word not in body

    def leaves(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):  # no list at all: a list would be rows
            raise AssertionError("a list in the payload")
        else:
            yield value

    assert all(isinstance(v, (int, str)) for v in leaves(json.loads(body)))


def test_the_payload_takes_as_many_queries_whatever_the_number_of_pupils(
    known_school, member, woodwork, django_assert_num_queries
):
    payload.build(2025)  # the first loads what stays loaded (the policy, content types)
    with CaptureQueriesContext(connection) as few:
        payload.build(2025)
    for n in range(15):
        make_student(woodwork, first_name=f"N{n}", entry_date=dt.date(2025, 9, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        payload.build(2025)
