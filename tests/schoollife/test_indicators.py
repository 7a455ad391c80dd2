"""The indicators page's school-life part (SPEC.md R6, R9): the year's attendance rate and
the pupils who left without a qualification, per workshop and per cohort."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from schoollife import indicators
from tests.schoollife.conftest import TODAY, call
from tests.training.conftest import make_pupil

MONDAY, TUESDAY = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)


def school(woodwork, machining, woodwork_trainer):
    """Three pupils entered on Monday: two days (4 half-days each) are over by Wednesday."""
    enter = {"entry_date": MONDAY}
    tom = make_pupil(woodwork, "Tom", "Berger", dt.date(2011, 3, 2), cohort=2026, **enter)
    zoe = make_pupil(woodwork, "Zoé", "Caron", dt.date(2010, 1, 9), cohort=2025, **enter)
    make_pupil(machining, "Karim", "Haddad", dt.date(2010, 5, 5), cohort=2026, **enter)
    call(woodwork, MONDAY, "am", woodwork_trainer)  # both present
    call(woodwork, MONDAY, "pm", woodwork_trainer, [(tom, "absent")])
    call(woodwork, TUESDAY, "am", woodwork_trainer, [(tom, "late", 10), (zoe, "away", "exam")])
    # Tuesday afternoon: no roll call, no work; machining never called its roll.


def leavers(woodwork, machining):
    """The year before: a graduate in woodwork, a drop-out and one who failed in machining."""
    left = {"entry_date": dt.date(2024, 9, 2), "cohort": 2024, "left_on": dt.date(2026, 6, 30)}
    make_pupil(woodwork, "Léa", "Roy", dt.date(2008, 1, 1), status="graduated",
               exam_result="passed", leaving_reason="end_of_programme", **left)  # fmt: skip
    make_pupil(machining, "Noé", "Petit", dt.date(2008, 2, 1), status="left",
               leaving_reason="dropped_out", **left)  # fmt: skip
    make_pupil(machining, "Inès", "Blanc", dt.date(2008, 3, 1), status="left",
               exam_result="failed", leaving_reason="end_of_programme", **left)  # fmt: skip


def rates(lines):
    return {line.label: (line.attended, line.expected, line.unknown) for line in lines}


def test_present_late_and_away_half_days_over_the_expected_ones_per_workshop_and_cohort(
    woodwork, machining, woodwork_trainer
):
    school(woodwork, machining, woodwork_trainer)
    figures = indicators.compute(2026)
    assert figures.end == TUESDAY  # today is not over
    # Tom: present, absent, late, no roll call; Zoé: present, present, away, no roll call.
    assert rates(figures.workshops) == {woodwork.name: (5, 8, 2), machining.name: (0, 4, 4)}
    assert rates(figures.cohorts) == {"2025": (3, 4, 1), "2026": (2, 8, 5)}
    assert (figures.total.attended, figures.total.expected) == (5, 12)


def test_the_leavers_without_a_qualification_per_workshop_and_cohort(woodwork, machining):
    leavers(woodwork, machining)
    figures = indicators.compute(2025)
    by_workshop = {
        line.label: (line.without_qualification, line.leavers) for line in figures.workshops
    }
    assert by_workshop == {woodwork.name: (0, 1), machining.name: (2, 2)}
    assert [(c.label, c.without_qualification, c.leavers) for c in figures.cohorts] == [
        ("2024", 2, 3)
    ]


def test_the_page_says_the_definition_draws_the_rates_and_exports_them(
    client_for, director, woodwork, machining, woodwork_trainer, settings
):
    settings.LANGUAGE_CODE = "en"
    school(woodwork, machining, woodwork_trainer)
    client = client_for(director)
    page = client.get(reverse("students:indicators"), {"year": 2026}).content.decode()
    assert "present, late or away on a school activity, out of the school half-days" in page
    assert "6 half-days have no roll call and no work logged" in page
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Attendance rate per cohort" in page
    )
    assert "42\u00a0%</div>attendance rate" in page  # 5 of 12 half-days
    export = client.get(reverse("students:indicators_export"), {"year": 2026})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert any(f"Attendance rate: workshop {woodwork.name}" in line and ";5;8;62,5" in line
               for line in lines), lines  # fmt: skip
