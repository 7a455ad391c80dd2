"""One definition of "out of balance" (R1), on the balance, on every page that shows it.

Status: too much production above the band or beyond the allowance, too much theory
below the band or beyond minus the allowance (the alert), balanced otherwise.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.urls import reverse

from tests.training.conftest import at, log, make_pupil, session
from training import balance
from training.balance import Balance

TWO_THIRDS = Fraction(2, 3)
BAND = Fraction(5, 100)
ALLOWANCE = Fraction(24)
MINUTE = Fraction(1, 60)
FIRST_DAY = dt.date(2026, 9, 1)


def value(production, theory) -> Balance:
    return Balance(Fraction(production), Fraction(theory), TWO_THIRDS, BAND, ALLOWANCE)


def test_a_gap_of_minus_the_allowance_raises_no_alert_and_one_minute_more_does():
    # 200 h of production: a share within the band, whatever the theory below.
    at_limit = value(200, 112)  # gap -24 h, share 64.1 %
    beyond = value(200, 112 + MINUTE / 2)  # gap -24 h 01
    assert at_limit.gap == -24 and not at_limit.theory_alert
    assert at_limit.status == balance.BALANCED and not at_limit.is_out_of_balance
    assert beyond.theory_alert and beyond.status == balance.TOO_MUCH_THEORY
    assert beyond.is_out_of_balance


def test_a_gap_beyond_the_allowance_is_too_much_production_even_within_the_band():
    at_limit = value(224, 100)  # gap 24 h, share 69.1 %
    beyond = value(224 + MINUTE, 100)
    assert at_limit.status == balance.BALANCED and not at_limit.over_allowance
    assert beyond.status == balance.TOO_MUCH_PRODUCTION and beyond.over_allowance


def test_the_band_alone_still_decides_for_small_gaps():
    assert value(72, 28).status == balance.TOO_MUCH_PRODUCTION  # gap 16 h, 72 %
    assert value(61, 39).status == balance.TOO_MUCH_THEORY  # gap -17 h, 61 %
    assert value(0, 0).status == balance.NO_DATA


def _days(count: int, start: dt.date = FIRST_DAY):
    return [start + dt.timedelta(days=n) for n in range(count)]


def _theory_heavy(pupil, order, trainer, teacher):
    """200 h of production and 113 h 10 of theory: gap -26 h 20, share 63.9 % (in the band)."""
    days = _days(33)
    for day in days[:20]:
        log(pupil, order, at(day, 8), at(day, 18), trainer)
    for day in days[20:31]:
        session(teacher, at(day, 8), at(day, 18), [pupil])
    session(teacher, at(days[31], 8), at(days[31], 11, 10), [pupil])


@pytest.fixture
def theory_heavy(woodwork, table_order, woodwork_trainer, teacher):
    pupil = make_pupil(woodwork, "Inès", "Théorie", dt.date(2010, 1, 1))
    _theory_heavy(pupil, table_order, woodwork_trainer, teacher)
    return pupil


@pytest.fixture
def production_heavy(woodwork, table_order, woodwork_trainer):
    pupil = make_pupil(woodwork, "Paul", "Atelier", dt.date(2010, 1, 1))
    for day in _days(3, dt.date(2026, 11, 2)):
        log(pupil, table_order, at(day, 8), at(day, 12), woodwork_trainer)
    return pupil


@pytest.fixture
def balanced(woodwork, table_order, woodwork_trainer, teacher):
    pupil = make_pupil(woodwork, "Alice", "Juste", dt.date(2010, 1, 1))
    day = dt.date(2026, 11, 3)
    log(pupil, table_order, at(day, 8), at(day, 12), woodwork_trainer)
    session(teacher, at(day, 13, 30), at(day, 15, 30), [pupil])
    return pupil


def test_a_pupil_at_minus_26_h_20_shows_one_status_on_the_out_of_balance_page(
    client_for, director, theory_heavy, policy
):
    body = client_for(director).get(reverse("training:out_of_balance")).content.decode()
    assert "Inès Théorie" in body and "-26\u00a0h\u00a020" in body
    assert "Trop de théorie" in body
    assert "À l’équilibre" not in body


def test_the_pupil_page_shows_the_same_status_and_the_alert(
    client_for, director, theory_heavy, policy
):
    body = (
        client_for(director)
        .get(reverse("training:student_time", args=[theory_heavy.pk]))
        .content.decode()
    )
    assert "Trop de théorie" in body
    assert "Alerte : trop de théorie" in body


def test_the_directors_home_and_the_out_of_balance_page_list_the_same_pupils(
    client_for, director, theory_heavy, production_heavy, balanced, policy, school
):
    page = client_for(director).get(reverse("training:out_of_balance")).content.decode()
    home = client_for(director).get(reverse("home")).content.decode()
    for body in (page, home):
        assert "Inès Théorie" in body and "Paul Atelier" in body
        assert "Alice Juste" not in body
    assert '<p class="figure">2</p>' in home


def test_the_workshop_page_shows_the_same_status(
    client_for, director, theory_heavy, woodwork, policy
):
    body = (
        client_for(director)
        .get(reverse("training:workshop_balance", args=[woodwork.pk]))
        .content.decode()
    )
    row = body[body.index("Inès Théorie") :]
    assert row.index("Trop de théorie") < row.index("</tr>")


def test_a_group_of_pupils_each_within_the_allowance_is_balanced(policy):
    pupils = [value(150, 65) for _ in range(10)]  # each 20 h ahead, 69.8 %: balanced
    group = balance.total(pupils, policy)
    assert group.gap == 200
    assert group.status == balance.BALANCED and not group.over_allowance
