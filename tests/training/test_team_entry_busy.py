"""Issue #16, the trainer's team entry: who is already booked in the slot is said next
to his name and left out of "Select all"; ticking him anyway names him and why, in one
line, and the others are saved at the second tap; an overlap of stored rows is not
counted twice in the day's total."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecoles.models import Policy
from tests.training.conftest import TODAY, at, log, make_pupil, session
from training import timeguard
from training.models import WorkLog
from training.timeguard import Interval, Limits

pytestmark = pytest.mark.django_db

URL = reverse("training:team_entry")


@pytest.fixture
def nina(woodwork):
    return make_pupil(woodwork, "Nina", "Bernard", dt.date(2010, 6, 1), sex="F")


@pytest.fixture
def team(woodwork):
    return [make_pupil(woodwork, f"Élève{i}", "Atelier", dt.date(2010, 2, 1)) for i in range(4)]


def morning(order, pupils, **extra):
    return {
        "order": order.pk,
        "date": TODAY.isoformat(),
        "slot": "morning",
        "students": [p.pk for p in pupils],
        **extra,
    }


def pick(body: str, pupil) -> str:
    """The label of one pupil's checkbox in the page."""
    start = body.index(f'name="students" value="{pupil.pk}"')
    return body[body.rindex("<label", 0, start) : body.index("</label>", start)]


def test_the_list_says_who_is_already_booked_in_the_slot(
    client_for, woodwork_trainer, nina, young, table_order, policy, school
):
    log(nina, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    query = f"?date={TODAY.isoformat()}&slot=morning"
    body = client_for(woodwork_trainer).get(URL + query).content.decode()
    assert "déjà saisie 8\u00a0h\u00a030 – 12\u00a0h sur Tables de réunion" in pick(body, nina)
    assert "data-busy" in pick(body, nina)  # "Tout cocher" leaves her out
    assert "data-busy" not in pick(body, young) and "déjà" not in pick(body, young)


def test_a_pupil_busy_in_the_afternoon_is_not_marked_for_the_morning(
    client_for, woodwork_trainer, teacher, nina, table_order, policy, school
):
    session(teacher, at(TODAY, 14), at(TODAY, 16), [nina], title="Français")
    body = client_for(woodwork_trainer).get(f"{URL}?date={TODAY.isoformat()}").content.decode()
    label = pick(body, nina)
    assert "data-busy" not in label
    assert "hidden" in label and "attendue en cours Français 14\u00a0h – 16\u00a0h" in label
    body = client_for(woodwork_trainer).get(f"{URL}?slot=afternoon").content.decode()
    assert "data-busy" in pick(body, nina)  # today, the afternoon: in class


def test_a_busy_pupil_ticked_is_named_unticked_and_the_others_saved_at_the_second_tap(
    client_for, woodwork_trainer, nina, team, table_order, policy, school
):
    log(nina, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
    client = client_for(woodwork_trainer)
    response = client.post(URL, morning(table_order, [nina, *team]))  # "Tout cocher" without JS
    body = response.content.decode()
    assert WorkLog.objects.count() == 1  # nothing saved yet
    assert (
        "Nina Bernard est déjà occupée de 8\u00a0h\u00a030 à 12\u00a0h (Tables de réunion)" in body
    )
    assert "1 élève est déjà occupé sur ce créneau et a été décoché" in body
    assert body.count('class="error"') == 1  # one line for her, not one per rule
    assert "checked" not in pick(body, nina)
    assert all("checked" in pick(body, p) for p in team)
    client.post(URL, morning(table_order, team))  # the page as re-rendered, saved again
    assert WorkLog.objects.filter(start=at(TODAY, 8, 30)).count() == 5


def test_a_logged_slot_gives_one_line_per_pupil_not_one_per_rule(
    client_for, woodwork_trainer, team, table_order, policy, school
):
    for p in team:
        log(p, table_order, at(TODAY, 8, 30), at(TODAY, 12), woodwork_trainer)
        log(p, table_order, at(TODAY, 13, 30), at(TODAY, 17), woodwork_trainer)
    body = client_for(woodwork_trainer).post(URL, morning(table_order, team)).content.decode()
    assert body.count('class="error"') == len(team)
    assert "10\u00a0h\u00a030" not in body  # the day's total is not counted on his busy time
    assert "tous déjà occupés sur ce créneau" in body


def test_the_server_refusal_of_an_overlap_is_one_line_per_pupil(
    woodwork_trainer, nina, table_order, policy, school
):
    from training import recording

    log(nina, table_order, at(TODAY, 8, 30), at(TODAY, 10), woodwork_trainer)
    log(nina, table_order, at(TODAY, 10), at(TODAY, 12), woodwork_trainer)
    with pytest.raises(recording.Refused) as refused:
        recording.save_team_entry(
            order=table_order, day=TODAY, start=dt.time(8, 30), end=dt.time(12),
            students=[nina], task="", by=woodwork_trainer,
        )  # fmt: skip
    assert len(refused.value.messages) == 1
    assert "de 8 h 30 à 10 h (Tables de réunion), de 10 h à 12 h" in refused.value.messages[
        0
    ].replace("\u00a0", " ")


def test_two_overlapping_logs_are_counted_once_in_the_day():
    day = dt.date(2026, 11, 16)
    stored = [  # an overlap kept from before the rule (an import, the admin)
        Interval(at(day, 8), at(day, 12)),
        Interval(at(day, 10), at(day, 12)),
    ]
    assert timeguard.busy_time(stored) == dt.timedelta(hours=4)
    afternoon = Interval(at(day, 13), at(day, 17))
    found = timeguard.check(
        afternoon, stored, limits=Limits.for_age(Policy(), 16), pupil="Léa", student_id=1
    )
    assert timeguard.DAILY not in {v.rule for v in found}  # 8 h, not 10 h
    later = Interval(at(day, 13), at(day, 17, 1))
    found = timeguard.check(
        later, stored, limits=Limits.for_age(Policy(), 16), pupil="Léa", student_id=1
    )
    daily = [v for v in found if v.rule == timeguard.DAILY]
    assert daily and daily[0].excess == dt.timedelta(minutes=1)


def test_enter_saves_because_the_save_button_comes_first(
    client_for, woodwork_trainer, table_order, policy, school
):
    body = client_for(woodwork_trainer).get(URL).content.decode()
    form = body[body.index('class="team-entry"') :]
    assert form.index('name="save"') < form.index('name="check"')


def test_a_team_entry_opened_with_nonsense_in_its_query_still_opens(
    client_for, woodwork_trainer, policy, school
):
    for query in ["?date=demain&slot=morning", "?slot=custom&start_time=zz&end_time=8",
                  "?date=2026-11-18&slot=custom&start_time=12:00&end_time=08:00",
                  "?order=abc&machine=-1&date=99999-01-01"]:  # fmt: skip
        assert client_for(woodwork_trainer).get(URL + query).status_code == 200


def test_a_slot_logged_again_is_refused_by_the_overlap_alone():
    """The morning logged twice: the day counts 7 h, not 10 h 30, so no daily, break or
    weekly line is added to the overlap's (issue #16: 44 lines for 11 pupils)."""
    day = dt.date(2026, 11, 16)
    stored = [Interval(at(day, 8, 30), at(day, 12)), Interval(at(day, 13, 30), at(day, 17))]
    again = Interval(at(day, 8, 30), at(day, 12))
    found = timeguard.check(
        again, stored, limits=Limits.for_age(Policy(), 15), pupil="Léa", student_id=1
    )
    assert [v.rule for v in found] == [timeguard.OVERLAP]
