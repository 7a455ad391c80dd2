"""Budget years and lines (SPEC.md R5): twelve months from the school's start month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from budget.models import BudgetLine, BudgetYear
from ecoles.models import School


@pytest.mark.parametrize(
    ("day", "start_month", "bounds"),
    [
        (dt.date(2026, 11, 26), 9, (dt.date(2026, 9, 1), dt.date(2027, 8, 31))),
        (dt.date(2026, 8, 31), 9, (dt.date(2025, 9, 1), dt.date(2026, 8, 31))),
        (dt.date(2026, 9, 1), 9, (dt.date(2026, 9, 1), dt.date(2027, 8, 31))),
        (dt.date(2026, 11, 26), 1, (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
        (dt.date(2028, 2, 29), 1, (dt.date(2028, 1, 1), dt.date(2028, 12, 31))),
    ],
)
def test_a_budget_year_is_twelve_months_from_the_start_month(day, start_month, bounds):
    assert BudgetYear.bounds_for(day, start_month) == bounds


def test_the_year_of_a_day_follows_the_school_setting(db):
    school = School.load()
    school.budget_year_start_month = 1
    school.save()
    year = BudgetYear.for_day(dt.date(2026, 11, 26))
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert str(year) == "2026"
    assert BudgetYear.for_day(dt.date(2026, 3, 1)) == year
    assert BudgetYear.objects.count() == 1


def test_a_september_year_is_named_by_its_two_calendar_years(db):
    assert str(BudgetYear.for_day(dt.date(2026, 11, 26))) == "2026-2027"


@pytest.fixture
def year(db):
    return BudgetYear.for_day(dt.date(2026, 11, 26))


def test_the_production_line_cannot_hold_a_typed_actual_amount(year):
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(
            year=year, kind="resource", source="production", label="Ventes", actual=Decimal("10")
        )


def test_clean_refuses_a_typed_production_actual_and_asks_for_a_source(year):
    line = BudgetLine(year=year, kind="resource", source="production", label="Ventes", actual=1)
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "actual" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        BudgetLine(year=year, kind="resource", label="Don").full_clean()
    assert "source" in error.value.message_dict


def test_a_year_has_one_production_line_at_most(year):
    BudgetLine.objects.create(year=year, kind="resource", source="production", label="Ventes")
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(year=year, kind="resource", source="production", label="Bis")


def test_an_expense_needs_a_category_and_no_source(year):
    with pytest.raises(IntegrityError):
        BudgetLine.objects.create(year=year, kind="expense", source="grants", label="Loyer")
