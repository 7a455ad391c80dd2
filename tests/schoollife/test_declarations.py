"""A hors-contrat school's list of pupils is due within 8 days of the school year's start
(SPEC.md R9): the declarations page says by when and whether it was sent in time, and the
director's home says it is due from 8 days before the deadline until it is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from schoollife import declarations
from schoollife.models import DeclarationSent
from tests.training.conftest import at

START = dt.date(2026, 9, 1)  # the policy's school year starts on 1 September
DEADLINE = dt.date(2026, 9, 9)  # start + 8 days


@pytest.fixture
def last_year_sent(db, director):
    """Last year's list went on time: only this year's is at stake."""
    return DeclarationSent.objects.create(
        kind="year", period=dt.date(2025, 9, 1), sent_on=dt.date(2025, 9, 5), sent_by=director
    )


def test_the_deadline_is_eight_days_after_the_start(db):
    assert declarations.year_declaration(dt.date(2026, 11, 18)).deadline == DEADLINE


@pytest.mark.parametrize(
    ("sent_on", "on_time"), [(DEADLINE, True), (DEADLINE + dt.timedelta(days=1), False)]
)
def test_sent_on_the_eighth_day_is_on_time_and_on_the_ninth_late(db, director, sent_on, on_time):
    DeclarationSent.objects.create(kind="year", period=START, sent_on=sent_on, sent_by=director)
    assert declarations.year_declaration(dt.date(2026, 11, 18)).on_time is on_time


def home(client_for, director, day):
    with time_machine.travel(at(day, 9), tick=False):
        return client_for(director).get(reverse("home")).content.decode()


ALERT = "Declaration of the pupils at the year's start"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_home_says_it_is_due_eight_days_before_the_deadline_not_nine(
    client_for, director, last_year_sent
):
    assert ALERT not in home(client_for, director, DEADLINE - dt.timedelta(days=9))
    text = home(client_for, director, DEADLINE - dt.timedelta(days=8))
    assert ALERT in text and "8 days left" in text
    assert "(0 days left)" in home(client_for, director, DEADLINE)


def test_the_home_says_it_is_late_after_the_deadline_until_it_is_recorded(
    client_for, director, last_year_sent
):
    assert "Late: it was due by 09/09/2026" in home(
        client_for, director, DEADLINE + dt.timedelta(days=1)
    )
    DeclarationSent.objects.create(
        kind="year", period=START, sent_on=DEADLINE + dt.timedelta(days=1), sent_by=director
    )
    assert ALERT not in home(client_for, director, DEADLINE + dt.timedelta(days=2))


def test_the_office_records_the_list_as_sent_and_the_page_says_it_was_on_time(client_for, office):
    url = reverse("schoollife:declarations") + "?kind=year&month=2026-09"
    client = client_for(office)
    with time_machine.travel(at(dt.date(2026, 11, 18), 10), tick=False):
        assert "the deadline has passed" in client.get(url).content.decode()
        response = client.post(
            url, {"sent_on": "2026-09-08", "kind": "month", "period": "2020-01-01"}
        )
        assert response.status_code == 302
        sent = DeclarationSent.objects.get()  # the page's declaration, not a posted one
        assert (sent.kind, sent.period, sent.sent_by) == ("year", START, office)
        assert "Sent on 08/09/2026, on time" in client.get(url).content.decode()
        future = client.post(url, {"sent_on": "2026-11-19"})
        assert future.status_code == 200 and "not what will be" in future.content.decode()


def test_the_month_declaration_is_recorded_for_its_month(client_for, office):
    url = reverse("schoollife:declarations") + "?month=2026-10"
    with time_machine.travel(at(dt.date(2026, 11, 18), 10), tick=False):
        client_for(office).post(url, {"sent_on": "2026-11-02"})
    sent = DeclarationSent.objects.get()
    assert (sent.kind, sent.period) == ("month", dt.date(2026, 10, 1))


def test_a_trainer_cannot_record_a_declaration(client_for, woodwork_trainer):
    response = client_for(woodwork_trainer).post(
        reverse("schoollife:declarations"), {"sent_on": "2026-11-02"}
    )
    assert response.status_code == 403
    assert not DeclarationSent.objects.exists()
