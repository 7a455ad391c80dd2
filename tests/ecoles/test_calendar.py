"""The school calendar (R8): computed public holidays, closures, days the director opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ecoles import calendar
from ecoles.calendar import Calendar, easter
from ecoles.models import Closure, OpenedDay

D = dt.date

# Published Easter Sundays, including the earliest (22 March) and latest (25 April) ones.
KNOWN_EASTERS = [
    D(1818, 3, 22), D(1886, 4, 25), D(1943, 4, 25), D(1954, 4, 18), D(1961, 4, 2),
    D(2000, 4, 23), D(2001, 4, 15), D(2002, 3, 31), D(2003, 4, 20), D(2004, 4, 11),
    D(2005, 3, 27), D(2006, 4, 16), D(2007, 4, 8), D(2008, 3, 23), D(2009, 4, 12),
    D(2010, 4, 4), D(2011, 4, 24), D(2012, 4, 8), D(2013, 3, 31), D(2014, 4, 20),
    D(2015, 4, 5), D(2016, 3, 27), D(2017, 4, 16), D(2018, 4, 1), D(2019, 4, 21),
    D(2020, 4, 12), D(2021, 4, 4), D(2022, 4, 17), D(2023, 4, 9), D(2024, 3, 31),
    D(2025, 4, 20), D(2026, 4, 5), D(2027, 3, 28), D(2028, 4, 16), D(2029, 4, 1),
    D(2030, 4, 21), D(2031, 4, 13), D(2032, 3, 28), D(2033, 4, 17), D(2034, 4, 9),
    D(2035, 3, 25), D(2036, 4, 13), D(2037, 4, 5), D(2038, 4, 25), D(2039, 4, 10),
    D(2040, 4, 1), D(2285, 3, 22),
]  # fmt: skip


@pytest.mark.parametrize("sunday", KNOWN_EASTERS, ids=str)
def test_easter_matches_the_published_date(sunday):
    assert easter(sunday.year) == sunday


def _gauss(year: int) -> dt.date:
    """Gauss's Gregorian Easter, with its two exceptions: an independent formula."""
    a, b, c, k = year % 19, year % 4, year % 7, year // 100
    p, q = (13 + 8 * k) // 25, k // 4
    m, n = (15 - p + k - q) % 30, (4 + k - q) % 7
    d = (19 * a + m) % 30
    e = (2 * b + 4 * c + 6 * d + n) % 7
    if d == 29 and e == 6:
        return D(year, 4, 19)
    if d == 28 and e == 6 and (11 * m + 11) % 30 < 19:
        return D(year, 4, 18)
    return D(year, 3, 22) + dt.timedelta(days=d + e)


def test_easter_agrees_with_gauss_on_every_gregorian_year_to_4099():
    for year in range(1583, 4100):
        sunday = easter(year)
        assert sunday == _gauss(year), year
        assert sunday.weekday() == 6 and D(year, 3, 22) <= sunday <= D(year, 4, 25)


@pytest.mark.parametrize(
    "year, monday, ascension, whit_monday",
    [
        (2024, D(2024, 4, 1), D(2024, 5, 9), D(2024, 5, 20)),
        (2025, D(2025, 4, 21), D(2025, 5, 29), D(2025, 6, 9)),
        (2026, D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
        (2027, D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)),
        (2038, D(2038, 4, 26), D(2038, 6, 3), D(2038, 6, 14)),
    ],
)
def test_the_movable_public_holidays_follow_easter(year, monday, ascension, whit_monday):
    days = calendar.public_holidays(year)
    assert days[monday] == "Lundi de Pâques"
    assert days[ascension] == "Ascension"
    assert days[whit_monday] == "Lundi de Pentecôte"
    assert len(days) == 11
    assert monday - dt.timedelta(days=1) not in days  # Easter Sunday is a Sunday, not listed


def test_the_fixed_public_holidays_of_a_year():
    days = calendar.public_holidays(2026)
    for month, day in [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]:
        assert D(2026, month, day) in days
    assert days[D(2026, 11, 11)] == "Armistice 1918"
    assert calendar.public_holiday(D(2026, 11, 12)) is None


@pytest.mark.django_db
class TestTheSchoolsDays:
    def test_a_weekday_is_a_school_day(self, policy):
        assert calendar.is_open(D(2026, 11, 18))
        assert calendar.closed_reason(D(2026, 11, 18)) is None

    def test_sunday_and_saturday_are_closed(self, policy):
        assert calendar.closed_reason(D(2026, 11, 22)) == "dimanche"
        assert calendar.closed_reason(D(2026, 11, 21)) == "samedi"

    def test_saturday_is_a_school_day_when_the_policy_says_so(self, policy):
        policy.saturday_is_school_day = True
        policy.save()
        assert calendar.is_open(D(2026, 11, 21))
        assert not calendar.is_open(D(2026, 11, 22))

    def test_a_public_holiday_is_closed_and_named(self, policy):
        assert calendar.closed_reason(D(2026, 11, 11)) == "jour férié (Armistice 1918)"
        assert calendar.closed_reason(D(2027, 5, 6)) == "jour férié (Ascension)"

    def test_a_holiday_closes_its_first_and_last_day_only(self, policy):
        Closure.objects.create(
            name="Vacances de la Toussaint", first_day=D(2026, 10, 17), last_day=D(2026, 11, 1)
        )
        assert calendar.is_open(D(2026, 10, 16))
        assert calendar.closed_reason(D(2026, 10, 19)) == (
            "vacances scolaires (Vacances de la Toussaint)"
        )
        assert not calendar.is_open(D(2026, 10, 17))
        assert not calendar.is_open(D(2026, 10, 30))
        assert calendar.is_open(D(2026, 11, 2))

    def test_a_closing_day_is_closed(self, policy):
        Closure.objects.create(
            kind=Closure.Kind.CLOSING,
            name="Pont de l'Ascension",
            first_day=D(2027, 5, 7),
            last_day=D(2027, 5, 7),
        )
        assert calendar.closed_reason(D(2027, 5, 7)) == (
            "établissement fermé (Pont de l'Ascension)"
        )

    def test_the_director_opens_a_sunday_a_holiday_or_a_public_holiday(self, policy, director):
        Closure.objects.create(name="Noël", first_day=D(2026, 12, 19), last_day=D(2027, 1, 3))
        for day in [D(2026, 11, 29), D(2026, 12, 22), D(2026, 11, 11)]:
            OpenedDay.objects.create(day=day, reason="Livraison urgente", opened_by=director)
            assert calendar.is_open(day)
        assert not calendar.is_open(D(2026, 12, 23))
        loaded = Calendar.load(D(2026, 11, 29), D(2026, 11, 29))
        assert loaded.calendar_reason(D(2026, 11, 29)) == "dimanche"
        assert loaded.opened_day(D(2026, 11, 29)).reason == "Livraison urgente"

    def test_open_days_of_a_range_in_a_fixed_number_of_queries(
        self, policy, director, django_assert_num_queries
    ):
        Closure.objects.create(name="Noël", first_day=D(2026, 12, 19), last_day=D(2027, 1, 3))
        OpenedDay.objects.create(day=D(2026, 12, 19), reason="Marché de Noël", opened_by=director)
        with django_assert_num_queries(3):  # the policy, closures, opened days
            days = calendar.open_days(D(2026, 11, 1), D(2027, 1, 31))
        assert D(2026, 11, 11) not in days and D(2026, 11, 12) in days
        assert D(2026, 12, 18) in days and D(2026, 12, 19) in days
        assert D(2026, 12, 21) not in days and D(2027, 1, 4) in days
        assert len(calendar.open_days(D(2026, 11, 1), D(2026, 11, 30))) == 20

    def test_a_calendar_refuses_a_day_it_did_not_load(self, policy):
        with pytest.raises(ValueError):
            Calendar.load(D(2026, 11, 1), D(2026, 11, 30)).is_open(D(2026, 12, 1))


@pytest.mark.django_db
def test_a_closure_ends_on_or_after_its_first_day():
    closure = Closure(name="Erreur", first_day=D(2026, 11, 2), last_day=D(2026, 11, 1))
    with pytest.raises(ValidationError):
        closure.full_clean()
    with pytest.raises(IntegrityError):
        closure.save()


@pytest.mark.django_db
def test_an_opened_day_needs_a_reason(director):
    with pytest.raises(ValidationError):
        OpenedDay(day=D(2026, 11, 29), reason="  ", opened_by=director).full_clean()
    with pytest.raises(IntegrityError):
        OpenedDay.objects.create(day=D(2026, 11, 29), reason="", opened_by=director)
