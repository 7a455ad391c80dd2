"""The school's indicators per school year, as the network reports them (R6)."""

from __future__ import annotations

import html
from decimal import Decimal

from django.urls import reverse

from students import indicators
from students.indicators import Rate


def test_the_rates_of_a_known_small_school(known_school):
    f = indicators.compute(2025)
    assert (f.start.isoformat(), f.end.isoformat()) == ("2025-09-01", "2026-08-31")
    assert (f.enrolled, f.entered, f.leavers) == (8, 3, 6)
    exams = {line.programme: line.rate for line in f.exams}
    assert exams == {"cap": Rate(2, 3), "bac_pro": Rate(1, 1), "other": Rate(0, 0), "": Rate(3, 4)}
    assert f.drop_out == Rate(2, 8)
    assert f.placement_6m == Rate(2, 4)
    assert f.placement_12m == Rate(3, 3)
    assert f.further_study == Rate(1, 4)
    assert (f.unknown_6m, f.unknown_12m) == (2, 3)
    assert f.drop_out.share == Decimal("0.25")
    assert Rate(0, 0).share is None


def test_the_year_before_counts_its_own_pupils(known_school):
    f = indicators.compute(2024)
    # A B C D K enrolled since 2024, I until June 2025; I is the only leaver.
    assert (f.enrolled, f.entered, f.leavers) == (6, 5, 1)
    assert f.exam_total.rate == Rate(1, 1)


def test_the_school_year_follows_the_policy(known_school, policy):
    policy.school_year_start_month = 1
    policy.save()
    f = indicators.compute(2026, policy)
    assert (f.start.isoformat(), f.end.isoformat()) == ("2026-01-01", "2026-12-31")
    assert f.leavers == 5  # A B C D in June, E in January


def test_the_page_shows_each_rate_with_its_counts(client_for, director, known_school):
    response = client_for(director).get(reverse("students:indicators"), {"year": 2025})
    body = html.unescape(response.content.decode()).replace("\u00a0", " ")
    assert "Indicateurs 2025-2026" in body
    assert "67 %" in body and "2 sur 3" in body  # CAP
    assert "75 %" in body and "3 sur 4" in body  # all programmes
    assert "25 %" in body and "2 sur 8" in body  # drop-out
    assert "50 %" in body and "2 sur 4" in body  # placement at 6 months
    assert "100 %" in body and "3 sur 3" in body  # at 12 months


def test_the_default_year_is_the_last_complete_one(client_for, office, known_school):
    body = client_for(office).get(reverse("students:indicators")).content.decode()
    assert "Indicateurs 2025-2026" in body
    assert '<option value="2026">2026-2027 (en cours)</option>' in body


def test_an_unknown_year_falls_back_to_the_default(client_for, office, known_school):
    for year in ("1990", "abc"):
        response = client_for(office).get(reverse("students:indicators"), {"year": year})
        assert response.status_code == 200
        assert "Indicateurs 2025-2026" in response.content.decode()


def test_the_csv_export_carries_the_counts_behind_each_rate(client_for, office, known_school):
    response = client_for(office).get(reverse("students:indicators_export"), {"year": 2025})
    assert response["Content-Type"].startswith("text/csv")
    rows = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["Année scolaire", "Indicateur", "Nombre", "Sur", "Taux (%)"]
    by_label = {row[1]: row[2:] for row in rows[1:]}
    assert by_label["Élèves inscrits dans l'année"] == ["8", "", ""]
    assert by_label["Réussite aux examens : CAP"] == ["2", "3", "66,7"]
    assert by_label["Réussite aux examens : toutes formations"] == ["3", "4", "75,0"]
    assert by_label["Décrochage"] == ["2", "8", "25,0"]
    assert by_label["Insertion à 6 mois"] == ["2", "4", "50,0"]
    assert by_label["Insertion à 12 mois"] == ["3", "3", "100,0"]
    assert by_label["Poursuite d'études à 6 mois"] == ["1", "4", "25,0"]
    assert by_label["Réussite aux examens : Autre titre"] == ["0", "0", ""]


def test_the_indicators_page_makes_a_fixed_number_of_queries(
    client_for, director, known_school, django_assert_max_num_queries
):
    client = client_for(director)
    client.get(reverse("students:indicators"))
    # 8 for the pupils' figures, 7 more for school life's (the register over the year),
    # 1 for the year's last sending to the network.
    with django_assert_max_num_queries(16):
        client.get(reverse("students:indicators"), {"year": 2025})
