"""Each condition of R13 refuses at its boundary (safety.rules.refusals)."""

from __future__ import annotations

import datetime as dt

from safety.models import MedicalOpinion, SafetyTraining, Supervision
from safety.rules import refusals
from tests.safety.conftest import TODAY, declare, make_lawful, make_machine, opinion
from tests.training.conftest import make_pupil


def test_a_pupil_with_everything_in_order_may_use_the_machine(lea, saw):
    assert refusals([lea], saw, TODAY) == {}


def test_the_day_before_his_15th_birthday_he_is_refused_and_on_it_he_passes(
    woodwork, saw, declaration, woodwork_trainer, director
):
    young = make_pupil(woodwork, "Jade", "Richard", dt.date(2011, 11, 19))
    make_lawful(young, saw, woodwork_trainer, director)
    before = refusals([young], saw, dt.date(2026, 11, 18))
    assert before == {
        young.pk: [
            "Jade Richard a moins de 15 ans le 18/11/2026 : "
            "aucune dérogation n'existe avant 15 ans."
        ]
    }
    assert refusals([young], saw, dt.date(2026, 11, 19)) == {}


def test_adults_are_outside_the_rules_for_minors(woodwork, saw):
    adult = make_pupil(woodwork, "Paul", "Adulte", dt.date(2008, 11, 18))  # 18 today
    assert refusals([adult], saw, TODAY) == {}
    assert adult.pk in refusals([adult], saw, dt.date(2026, 11, 17))  # 17 the day before


def test_an_opinion_is_valid_one_year_its_last_day_being_the_day_before_its_anniversary(
    lea, saw, director
):
    MedicalOpinion.objects.filter(student=lea).delete()
    o = opinion(lea, dt.date(2025, 11, 20), director)
    assert o.valid_until == dt.date(2026, 11, 19)  # the last valid day
    assert refusals([lea], saw, dt.date(2026, 11, 19)) == {}
    assert refusals([lea], saw, dt.date(2026, 11, 20)) == {
        lea.pk: ["L'avis médical de Léa Martin du 20/11/2025 était valable jusqu'au 19/11/2026."]
    }


def test_a_declaration_ends_the_day_before_its_third_anniversary(
    woodwork, director, woodwork_trainer
):
    lathe = make_machine(woodwork, "Toupie", "MEN-002")
    pupil = make_pupil(woodwork, "Hugo", "Bernard", dt.date(2009, 5, 2))
    make_lawful(pupil, lathe, woodwork_trainer, director)
    d = declare([lathe], dt.date(2023, 11, 19), director)
    assert d.valid_until == dt.date(2026, 11, 18)
    assert refusals([pupil], lathe, dt.date(2026, 11, 18)) == {}
    third_anniversary = dt.date(2026, 11, 19)
    assert refusals([pupil], lathe, third_anniversary) == {
        pupil.pk: ["Aucune déclaration de dérogation en vigueur le 19/11/2026 ne couvre Toupie."]
    }
    declare([lathe], dt.date(2026, 11, 10), director)  # renewed by a new declaration
    assert refusals([pupil], lathe, third_anniversary) == {}


def test_a_declaration_covers_only_its_machines(lea, woodwork, director, woodwork_trainer):
    other = make_machine(woodwork, "Raboteuse", "MEN-003")
    SafetyTraining.objects.create(
        student=lea,
        machine=other,
        date=dt.date(2025, 9, 10),
        given_by=woodwork_trainer,
        signed=True,
    )
    assert "Aucune déclaration" in refusals([lea], other, TODAY)[lea.pk][0]


def test_a_restriction_refuses_what_it_excludes_only(lea, saw, woodwork, director):
    other = make_machine(woodwork, "Raboteuse", "MEN-003")
    opinion(lea, dt.date(2026, 10, 1), director, MedicalOpinion.Outcome.RESTRICTED, [saw])
    assert refusals([lea], saw, TODAY) == {
        lea.pk: ["L'avis médical de Léa Martin du 01/10/2026 exclut Scie circulaire."]
    }
    MedicalOpinion.objects.get(date=dt.date(2026, 10, 1)).restrictions.set([other])
    assert refusals([lea], saw, TODAY) == {}


def test_the_latest_opinion_governs_and_unfit_refuses(lea, saw, director):
    opinion(lea, dt.date(2026, 10, 1), director, MedicalOpinion.Outcome.UNFIT)
    unfit = ["Léa Martin a été déclaré inapte le 01/10/2026."]
    assert refusals([lea], saw, TODAY) == {lea.pk: unfit}
    # Before the unfit opinion, the earlier fit one held.
    assert refusals([lea], saw, dt.date(2026, 9, 30)) == {}


def test_no_opinion_is_refused(lea, saw):
    MedicalOpinion.objects.filter(student=lea).delete()
    none = ["Léa Martin n'a pas d'avis médical d'aptitude."]
    assert refusals([lea], saw, TODAY) == {lea.pk: none}


def test_missing_or_unsigned_training_is_refused(lea, saw, woodwork, woodwork_trainer):
    SafetyTraining.objects.filter(student=lea).update(signed=False)
    assert refusals([lea], saw, TODAY) == {
        lea.pk: ["La formation à la sécurité de Léa Martin pour Scie circulaire n'est pas signée."]
    }
    SafetyTraining.objects.filter(student=lea).delete()
    other = make_machine(woodwork, "Raboteuse", "MEN-003")
    SafetyTraining.objects.create(
        student=lea,
        machine=other,
        date=dt.date(2025, 9, 10),
        given_by=woodwork_trainer,
        signed=True,
    )
    assert refusals([lea], saw, TODAY) == {
        lea.pk: [
            "Aucune formation à la sécurité de Léa Martin n'est enregistrée pour Scie circulaire."
        ]
    }


def test_a_training_given_after_the_day_does_not_count(lea, saw):
    SafetyTraining.objects.filter(student=lea).update(date=dt.date(2026, 11, 18))
    assert refusals([lea], saw, dt.date(2026, 11, 18)) == {}
    assert "Aucune formation" in refusals([lea], saw, dt.date(2026, 11, 17))[lea.pk][0]


def test_missing_supervisor_is_refused(lea, saw):
    Supervision.objects.filter(student=lea).update(end=dt.date(2026, 11, 17))
    assert refusals([lea], saw, dt.date(2026, 11, 17)) == {}
    assert refusals([lea], saw, TODAY) == {
        lea.pk: ["Aucun encadrant n'est désigné pour Léa Martin le 18/11/2026."]
    }


def test_every_reason_is_listed(woodwork, saw):
    bare = make_pupil(woodwork, "Tom", "Petit", dt.date(2012, 1, 1))
    assert len(refusals([bare], saw, TODAY)[bare.pk]) == 5


def test_a_team_costs_the_same_queries_as_one_pupil(
    lea, saw, woodwork, woodwork_trainer, director, django_assert_num_queries
):
    team = [lea]
    for i in range(6):
        p = make_pupil(woodwork, f"P{i}", "Équipe", dt.date(2010, 1, 1 + i))
        make_lawful(p, saw, woodwork_trainer, director)
        team.append(p)
    with django_assert_num_queries(5):
        refusals([lea], saw, TODAY)
    with django_assert_num_queries(5):
        assert refusals(team, saw, TODAY) == {}
