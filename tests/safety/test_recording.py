"""R13 enforced when work is logged: every path refuses, no override even for the
director; the team entry says who cannot be logged before saving and leaves them out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safety.models import MedicalOpinion
from tests.safety.conftest import TODAY
from tests.training.conftest import at, make_pupil
from training import recording
from training.admin import WorkLogAdminForm
from training.models import Override, WorkLog

MORNING = dt.time(8, 30), dt.time(12)


@pytest.fixture
def jade(woodwork):
    """14: no derogation, nothing else recorded."""
    return make_pupil(woodwork, "Jade", "Richard", dt.date(2011, 12, 1))


def test_a_team_entry_on_the_saw_saves_the_lawful_pupils_with_the_machine(
    lea, saw, table_order, woodwork_trainer
):
    logs = recording.save_team_entry(
        order=table_order, day=TODAY, start=MORNING[0], end=MORNING[1],
        students=[lea], task="Débit", by=woodwork_trainer, machine=saw,
    )  # fmt: skip
    assert [log.machine for log in logs] == [saw]


def test_the_director_cannot_override_the_regulated_work_rule(
    lea, jade, saw, table_order, director
):
    with pytest.raises(recording.Refused) as refused:
        recording.save_team_entry(
            order=table_order, day=TODAY, start=MORNING[0], end=MORNING[1],
            students=[lea, jade], task="", by=director, machine=saw,
            override_reason="Urgent, j'assume.",
        )  # fmt: skip
    assert not refused.value.overridable
    assert "Jade Richard a moins de 15 ans le 18/11/2026" in refused.value.messages[0]
    assert WorkLog.objects.count() == 0
    assert Override.objects.count() == 0


def test_without_a_machine_the_same_pupil_is_logged(jade, table_order, woodwork_trainer):
    recording.save_team_entry(
        order=table_order, day=TODAY, start=MORNING[0], end=MORNING[1],
        students=[jade], task="Ponçage", by=woodwork_trainer,
    )  # fmt: skip
    assert WorkLog.objects.get().machine is None


def test_correcting_a_log_onto_the_machine_is_refused(lea, saw, table_order, woodwork_trainer):
    log = WorkLog.objects.create(
        order=table_order, student=lea, start=at(TODAY, 8, 30), end=at(TODAY, 12),
        logged_by=woodwork_trainer,
    )  # fmt: skip
    MedicalOpinion.objects.filter(student=lea).update(outcome=MedicalOpinion.Outcome.UNFIT)
    log.machine = saw
    with pytest.raises(recording.Refused) as refused:
        recording.save_work_log(log, by=woodwork_trainer)
    assert refused.value.messages == ["Léa Martin a été déclaré inapte le 01/02/2026."]
    assert WorkLog.objects.get().machine is None


def test_the_admin_refuses_it_too(lea, saw, table_order, director):
    MedicalOpinion.objects.filter(student=lea).delete()
    form = WorkLogAdminForm(
        data={
            "order": table_order.pk, "student": lea.pk, "machine": saw.pk, "task": "",
            "start": "2026-11-18 08:30", "end": "2026-11-18 12:00",
            "override_reason": "Je passe outre.",
        }
    )  # fmt: skip
    form.user = director
    assert not form.is_valid()
    assert form.non_field_errors() == ["Léa Martin n'a pas d'avis médical d'aptitude."]


def test_a_machine_of_another_workshop_is_refused(lea, table_order, machining, woodwork_trainer):
    from tests.safety.conftest import make_machine

    lathe = make_machine(machining, "Tour", "USI-001")
    with pytest.raises(Exception, match="pas dans l'atelier de la commande"):
        recording.save_team_entry(
            order=table_order, day=TODAY, start=MORNING[0], end=MORNING[1],
            students=[lea], task="", by=woodwork_trainer, machine=lathe,
        )  # fmt: skip


def _entry(order, pupils, machine, **extra) -> dict:
    return {
        "order": order.pk, "date": "2026-11-18", "slot": "morning", "machine": machine.pk,
        "students": [p.pk for p in pupils], "task": "Débit", **extra,
    }  # fmt: skip


def test_the_check_button_lists_who_cannot_use_the_machine_and_saves_nothing(
    client_for, woodwork_trainer, lea, jade, saw, table_order
):
    page = client_for(woodwork_trainer).post(
        reverse("training:team_entry"), _entry(table_order, [lea], saw, check="1")
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "ne peuvent pas être inscrits sur Scie circulaire" in text
    assert "Jade Richard" in text and "moins de 15 ans" in text
    assert WorkLog.objects.count() == 0


def test_saving_with_a_refused_pupil_ticked_unticks_him_and_saves_nothing(
    client_for, woodwork_trainer, lea, jade, saw, table_order
):
    client = client_for(woodwork_trainer)
    page = client.post(reverse("training:team_entry"), _entry(table_order, [lea, jade], saw))
    assert page.status_code == 200
    assert WorkLog.objects.count() == 0
    form = page.context["form"]
    assert form["students"].value() == [str(lea.pk)]  # Jade was unticked
    assert "Ils ont été décochés" in page.content.decode()
    again = client.post(reverse("training:team_entry"), _entry(table_order, [lea], saw))
    assert again.status_code == 302
    assert WorkLog.objects.get().machine == saw


def test_the_work_log_form_refuses_the_machine_with_the_reason(
    client_for, director, jade, saw, table_order
):
    page = client_for(director).post(
        reverse("training:worklog_add"),
        {
            "order": table_order.pk, "student": jade.pk, "date": "2026-11-18",
            "start_time": "08:30", "end_time": "12:00", "machine": saw.pk, "task": "",
            "override_reason": "Passe-droit",
        },
    )  # fmt: skip
    assert page.status_code == 200
    assert "moins de 15 ans" in page.content.decode()
    assert "vous pouvez" not in page.content.decode().lower()  # no override offered
    assert WorkLog.objects.count() == 0
