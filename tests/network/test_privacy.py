"""Small numbers are protected: a figure about fewer than 5 pupils of one school is not
shown for that school, only counted in the totals (network.privacy, the one rule)."""

from __future__ import annotations

import copy

import pytest

from network.consolidation import COLUMNS, Line, cells
from network.privacy import THRESHOLD, protected


@pytest.mark.parametrize("pupils", range(0, 60))
def test_only_figures_about_one_to_four_pupils_are_protected(pupils):
    assert protected(pupils) is (1 <= pupils <= 4)


def test_a_figure_about_no_pupil_is_never_protected():
    assert protected(None) is False
    assert THRESHOLD == 5


def figures(enrolled=40, entered=10, leavers=12, sat=10, passed=8, known_6m=10, known_12m=9):
    return {
        "pupils": {"enrolled": enrolled, "entered": entered, "leavers": leavers,
                   "dropped_out": 1, "left_without_qualification": 2},
        "exams": {"total": {"sat": sat, "passed": passed}},
        "outcomes": {"6_months": {"known": known_6m, "placed": min(7, known_6m),
                                  "further_study": 1},
                     "12_months": {"known": known_12m, "placed": min(8, known_12m)}},
        "attendance": {"expected_half_days": 9000, "attended_half_days": 8100,
                       "pupils_on_the_last_day": enrolled - leavers, "dropout_signals": 1},
        "budget": {"resources": {"production": "300000.00", "donations": "50000.00",
                                 "apprenticeship_tax": "80000.00", "grants": "70000.00",
                                 "families": "0.00"}},
        "hours": {"production": "24000.00", "theory": "12000.00"},
    }  # fmt: skip


def shown(line, *, one_school=True) -> dict[str, bool]:
    return {c.column.name: not c.hidden for c in cells(line, one_school=one_school)}


def test_a_large_school_shows_every_figure():
    assert all(shown(Line.of("A", 2025, figures())).values())


@pytest.mark.parametrize(
    ("change", "hidden"),
    [
        ({"entered": 3}, {"entered"}),
        ({"sat": 4, "passed": 4}, {"exam"}),
        ({"known_6m": 2}, {"placement_6m", "further_study"}),
        ({"known_12m": 1}, {"placement_12m"}),
        ({"leavers": 4, "sat": 4, "passed": 3, "known_6m": 4, "known_12m": 4},
         {"leavers", "exam", "placement_6m", "further_study", "placement_12m",
          "without_qualification"}),
        ({"enrolled": 4, "entered": 4, "leavers": 4, "sat": 4, "passed": 3, "known_6m": 4,
          "known_12m": 4},
         {"enrolled", "entered", "leavers", "exam", "placement_6m", "placement_12m",
          "further_study", "attendance", "drop_out", "without_qualification"}),
    ],
)  # fmt: skip
def test_a_figure_about_fewer_than_five_pupils_is_hidden_for_the_school(change, hidden):
    line = Line.of("Small", 2025, figures(**change))
    assert {name for name, visible in shown(line).items() if not visible} == hidden
    # hours, money and the production share are about no pupil
    assert shown(line)["production_share"] and shown(line)["production_hours"]


def test_the_hidden_figure_shows_nothing_of_it_but_the_totals_count_it():
    small = Line.of("Small", 2025, figures(enrolled=40, entered=3))
    large = Line.of("Large", 2025, figures(enrolled=60, entered=20))
    cell = next(c for c in cells(small, one_school=True) if c.column.name == "entered")
    assert (cell.text, cell.count, cell.out_of, cell.share) == ("", None, None, None)
    total = copy.deepcopy(large)
    total.add(small)
    cell = next(c for c in cells(total, one_school=False) if c.column.name == "entered")
    assert cell.count == 23 and cell.text == "23"


def test_a_total_of_few_pupils_is_shown_since_it_is_several_schools():
    line = Line.of("All", 2025, figures(entered=3))
    assert all(shown(line, one_school=False).values())


def test_every_column_says_what_it_is_about():
    line = Line.of("A", 2025, figures())
    for column in COLUMNS:
        assert column.pupils(line) is None or column.pupils(line) >= 0
