"""Evidence: validation's immutability, who validates, corrections, the version mapping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ecoles.models import Policy
from skills import booklet, evidencing
from skills.acquisition import mapped_to
from skills.models import Competency, Evidence, EvidenceLocked
from tests.skills.conftest import evidence
from tests.training.conftest import TODAY


def test_validated_evidence_cannot_be_saved_again(lea, usiner, woodwork_trainer):
    item = evidence(lea, usiner, woodwork_trainer, validated_by=woodwork_trainer)
    item.level = 4
    with pytest.raises(EvidenceLocked):
        item.save()
    assert Evidence.objects.get(pk=item.pk).level == 3


def test_validated_evidence_cannot_be_deleted(lea, usiner, woodwork_trainer):
    item = evidence(lea, usiner, woodwork_trainer, validated_by=woodwork_trainer)
    with pytest.raises(EvidenceLocked):
        item.delete()
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_the_queryset_refuses_to_update_or_delete_validated_evidence(lea, usiner, woodwork_trainer):
    evidence(lea, usiner, woodwork_trainer, validated_by=woodwork_trainer)
    pending = evidence(lea, usiner, woodwork_trainer)
    with pytest.raises(EvidenceLocked):
        Evidence.objects.all().update(level=1)
    with pytest.raises(EvidenceLocked):
        Evidence.objects.all().delete()
    assert Evidence.objects.filter(pk=pending.pk).update(level=1) == 1
    assert set(Evidence.objects.values_list("level", flat=True)) == {1, 3}


def test_pending_evidence_may_still_be_edited(lea, usiner, woodwork_trainer):
    item = evidence(lea, usiner, woodwork_trainer)
    item.level = 4
    item.save()
    assert Evidence.objects.get(pk=item.pk).level == 4


def test_validating_twice_keeps_the_first_validation(lea, usiner, woodwork_trainer, director):
    item = evidence(lea, usiner, woodwork_trainer, validated_by=woodwork_trainer)
    stale = Evidence.objects.get(pk=item.pk)
    stale.validate(director)
    assert Evidence.objects.get(pk=item.pk).validated_by == woodwork_trainer


def test_a_trainer_of_another_workshop_may_not_validate(
    lea, usiner, woodwork_trainer, machining_trainer
):
    item = evidence(lea, usiner, woodwork_trainer)
    with pytest.raises(ValidationError):
        item.validate(machining_trainer)
    assert not Evidence.objects.get(pk=item.pk).is_validated


def test_a_teacher_validates_his_subjects_competencies_only(lea, usiner, calculer, teacher, maths):
    own = evidence(lea, calculer, teacher)
    own.validate(teacher)
    assert own.is_validated
    workshop = evidence(lea, usiner, teacher)
    with pytest.raises(ValidationError):
        workshop.validate(teacher)


def test_a_teacher_who_teaches_nothing_validates_nothing(lea, calculer, teacher):
    item = evidence(lea, calculer, teacher)
    with pytest.raises(ValidationError):
        item.validate(teacher)


def test_a_correction_is_new_evidence_and_the_old_one_stops_counting(lea, usiner, woodwork_trainer):
    old = evidence(lea, usiner, woodwork_trainer, level=4, validated_by=woodwork_trainer)
    new = Evidence(date=TODAY, level=2, autonomy="guided")
    evidencing.correct(old, new, woodwork_trainer, validate=True)
    old.refresh_from_db()
    assert old.level == 4 and old.is_superseded
    flags = dict(Evidence.objects.with_flags().values_list("pk", "has_correction"))
    assert flags == {old.pk: True, new.pk: False}


def test_only_validated_evidence_is_corrected(lea, usiner, woodwork_trainer):
    old = evidence(lea, usiner, woodwork_trainer)
    with pytest.raises(ValidationError):
        evidencing.correct(
            old, Evidence(date=TODAY, level=2, autonomy="guided"), woodwork_trainer, True
        )


def test_evidence_is_not_dated_in_the_future(lea, usiner, woodwork_trainer):
    item = Evidence(
        student=lea,
        competency=usiner,
        source="observation",
        date=TODAY + dt.timedelta(days=1),
        level=3,
        autonomy="guided",
        recorded_by=woodwork_trainer,
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "date" in error.value.message_dict


def test_evidence_from_a_work_log_takes_its_order(lea, lea_logs, usiner, woodwork_trainer):
    item = Evidence.objects.create(
        student=lea,
        competency=usiner,
        source="work_log",
        work_log=lea_logs[0],
        level=3,
        autonomy="guided",
        recorded_by=woodwork_trainer,
    )
    assert item.order_id == lea_logs[0].order_id


def test_a_work_log_of_another_pupil_is_refused(lea, hugo, lea_logs, usiner, woodwork_trainer):
    item = Evidence(
        student=hugo,
        competency=usiner,
        source="work_log",
        work_log=lea_logs[0],
        level=3,
        autonomy="guided",
        recorded_by=woodwork_trainer,
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "work_log" in error.value.message_dict


def test_team_entry_records_each_pupil_from_the_days_work_log(
    lea, hugo, lea_logs, table, usiner, woodwork_trainer
):
    saved = evidencing.record_team(
        competency=usiner,
        day=TODAY,
        marks=[(lea, 3, "autonomous")],
        by=woodwork_trainer,
        order=table,
        validate=True,
    )
    assert [(e.source, e.work_log, e.is_validated) for e in saved] == [
        ("work_log", lea_logs[0], True)
    ]


def test_team_entry_saves_nothing_when_one_pupil_may_not_be_validated(
    lea, hugo, table, usiner, woodwork_trainer
):
    with pytest.raises(ValidationError):
        evidencing.record_team(
            competency=usiner,
            day=TODAY,
            marks=[(lea, 3, "guided"), (hugo, 3, "guided")],
            by=woodwork_trainer,
            order=table,
            validate=True,
        )
    assert not Evidence.objects.exists()


# --- the version mapping and the booklet -------------------------------------------------


def test_old_competencies_map_onto_the_new_version(version, old_version):
    old = Competency.objects.get(code="C30")
    assert mapped_to(version) == {old.pk: [Competency.objects.get(code="C3.3").pk]}
    assert mapped_to(old_version) == {}


def test_evidence_under_the_old_referentiel_counts_for_the_new(
    lea, table, shelf, woodwork_trainer, director
):
    old = Competency.objects.get(code="C30")
    evidence(
        lea,
        old,
        woodwork_trainer,
        order=table,
        day=TODAY - dt.timedelta(days=30),
        validated_by=director,
    )
    evidence(
        lea,
        Competency.objects.get(code="C3.3"),
        woodwork_trainer,
        order=shelf,
        validated_by=director,
    )
    book = booklet.booklet(lea, TODAY)
    lines = {line.competency.code: line for b in book.blocs for line in b.lines}
    assert lines["C3.3"].acquired
    assert not lines["C3.4"].acquired
    assert book.acquired == 1 and book.total == 3


def test_without_the_mapping_the_old_evidence_would_not_count(
    lea, table, shelf, woodwork_trainer, director
):
    from skills.models import CompetencyMapping

    CompetencyMapping.objects.all().delete()
    old = Competency.objects.get(code="C30")
    evidence(
        lea,
        old,
        woodwork_trainer,
        order=table,
        day=TODAY - dt.timedelta(days=30),
        validated_by=director,
    )
    evidence(
        lea,
        Competency.objects.get(code="C3.3"),
        woodwork_trainer,
        order=shelf,
        validated_by=director,
    )
    assert booklet.booklet(lea, TODAY).acquired == 0


def test_the_rule_follows_the_policy(lea, usiner, table, shelf, woodwork_trainer, director):
    evidence(lea, usiner, woodwork_trainer, order=table, validated_by=director)
    assert booklet.booklet(lea, TODAY).acquired == 0
    policy = Policy.load()
    policy.skills_min_evidence, policy.skills_min_orders = 1, 1
    policy.save()
    assert booklet.booklet(lea, TODAY).acquired == 1


def test_the_workshop_grid_lists_competencies_no_order_of_the_year_exercised(lea, table, woodwork):
    grid = booklet.workshop_grid(woodwork, TODAY)
    assert [c.code for c in grid.unexercised] == ["C3.4"]
    assert [r.student for r in grid.rows] == [lea]


def test_a_subjects_competency_needs_no_orders(lea, calculer, teacher, maths):
    evidence(lea, calculer, teacher, day=TODAY - dt.timedelta(days=7), validated_by=teacher)
    assert booklet.booklet(lea, TODAY).acquired == 0
    evidence(lea, calculer, teacher, validated_by=teacher)
    lines = {
        line.competency.code: line for b in booklet.booklet(lea, TODAY).blocs for line in b.lines
    }
    assert lines["G2.1"].acquired and not lines["C3.3"].acquired
