"""The acquisition rule at its edges (SPEC.md R10): pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from skills.acquisition import Piece, Rule, current_level, is_acquired

D = dt.date(2026, 10, 1)
DEFAULT = Rule()


def p(day=0, level=3, autonomy="autonomous", order=1, validated=True, superseded=False, pk=0):
    return Piece(D + dt.timedelta(days=day), level, autonomy, order, validated, superseded, pk)


def test_two_satisfactory_from_two_orders_the_last_autonomous_is_acquired():
    assert is_acquired([p(0, 3, "guided", 1), p(1, 3, "autonomous", 2)], DEFAULT)


def test_one_piece_is_not_enough_whatever_its_level():
    assert not is_acquired([p(0, 4, order=1)], DEFAULT)


def test_two_pieces_from_the_same_order_are_not_enough():
    assert not is_acquired([p(0, order=1), p(1, order=1)], DEFAULT)


def test_a_fragile_piece_does_not_count_even_with_very_good_ones_it_is_no_average():
    # 4 and 2 average 3, satisfactory: an average would say acquired; the rule does not.
    assert not is_acquired([p(0, 4, order=1), p(1, 2, order=2)], DEFAULT)


def test_the_last_counted_piece_must_be_autonomous():
    assert not is_acquired([p(0, 3, "autonomous", 1), p(1, 3, "partly", 2)], DEFAULT)
    assert is_acquired([p(0, 3, "partly", 1), p(1, 3, "autonomous", 2)], DEFAULT)


def test_the_last_piece_is_the_latest_by_date_not_by_list_order():
    pieces = [p(5, 3, "autonomous", 2), p(0, 3, "guided", 1)]
    assert is_acquired(pieces, DEFAULT)
    assert not is_acquired([p(5, 3, "guided", 2), p(0, 3, "autonomous", 1)], DEFAULT)


def test_on_the_same_day_the_later_record_is_the_last():
    assert is_acquired([p(0, 3, "guided", 1, pk=1), p(0, 3, "autonomous", 2, pk=2)], DEFAULT)
    assert not is_acquired([p(0, 3, "guided", 1, pk=2), p(0, 3, "autonomous", 2, pk=1)], DEFAULT)


def test_pending_evidence_does_not_count():
    assert not is_acquired([p(0, order=1), p(1, order=2, validated=False)], DEFAULT)


def test_superseded_evidence_does_not_count():
    assert not is_acquired([p(0, order=1), p(1, order=2, superseded=True)], DEFAULT)


def test_evidence_without_an_order_counts_as_a_piece_but_not_as_an_order():
    pieces = [p(0, order=1), p(1, order=None), p(2, order=None)]
    assert not is_acquired(pieces, DEFAULT)
    assert is_acquired(pieces, Rule(min_orders=1))


def test_a_later_weaker_piece_does_not_undo_an_acquisition():
    pieces = [p(0, order=1), p(1, order=2), p(2, level=1, autonomy="guided", order=3)]
    assert is_acquired(pieces, DEFAULT)
    assert current_level(pieces) == 1


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule(min_pieces=3), False),
        (Rule(min_pieces=2, min_level=4), False),
        (Rule(min_pieces=2, min_level=2), True),
        (Rule(min_orders=3), False),
        (Rule(min_orders=0), True),
        (Rule(last_autonomous=False), True),
    ],
)
def test_the_policy_settings_move_the_edges(rule, expected):
    pieces = [p(0, 3, "guided", 1), p(1, 3, "partly", 2)]
    if rule.last_autonomous:
        pieces = [p(0, 3, "guided", 1), p(1, 3, "autonomous", 2)]
    assert is_acquired(pieces, rule) is expected


def test_current_level_is_the_latest_standing_validated_piece():
    assert current_level([]) is None
    assert current_level([p(0, 2), p(1, 4, validated=False)]) == 2
    assert current_level([p(0, 2), p(1, 4, superseded=True)]) == 2
