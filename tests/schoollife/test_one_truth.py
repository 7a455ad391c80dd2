"""One truth of presence (issue #26, SPEC.md R9): each contradiction the issue found, built
as a user made it, and every reader of the register saying the same of the half-day: the
register's page, its PDF, the law's threshold (L131-8), the dropping-out signals and the
hours statement beside them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from ecoles.models import Policy
from schoollife import dropout, register, rollcall, threshold
from schoollife.days import school_days
from schoollife.models import HALVES, Absence, AbsenceReason, RollCall
from tests.schoollife.conftest import TODAY, absent
from tests.training.conftest import at, make_pupil, session
from training import balance, recording
from training.models import WorkLog

pytestmark = pytest.mark.django_db

TEAM_ENTRY = reverse("training:team_entry")


def seen(user, monkeypatch, pupil, day, half) -> dict:
    """What each reader says of `pupil`'s half-day, `user` reading the pages."""
    client = Client()
    client.force_login(user)
    page = client.get(
        reverse("schoollife:register"), {"workshop": pupil.workshop_id, "day": day.isoformat()}
    )
    [row] = [r for r in page.context["rows"] if r["pupil"].pk == pupil.pk]
    [on_page] = [c for h, c, _taken, _place in row["cells"] if h == half]
    captured = {}

    def render_pdf(template, context):
        captured.update(context)
        return b"%PDF-1.7"

    monkeypatch.setattr("schoollife.views.render_pdf", render_pdf)
    client.get(
        reverse("schoollife:register_pdf"),
        {"workshop": pupil.workshop_id, "month": f"{day:%Y-%m}"},
    )
    [pdf_row] = [r for r in captured["rows"] if r["pupil"].pk == pupil.pk]
    on_pdf = pdf_row["cells"][captured["days"].index(day) * 2 + HALVES.index(half)]
    alerts = threshold.alerts(day, [pupil])
    signals = dropout.compute([pupil], TODAY)[pupil.pk]
    hours = balance.statement(pupil, day, day, Policy.load()).total.production
    return {
        "page": on_page.letter,
        "pdf": on_pdf.letter,
        "law": any((day, half) in a.half_days for a in alerts),
        "dropout_unjustified": signals.unjustified,
        "production_hours": hours,
    }


@pytest.fixture
def medical(db):
    AbsenceReason.objects.ensure_defaults()
    return AbsenceReason.objects.get(name="Rendez-vous médical")


def test_absent_at_the_afternoon_roll_call_the_team_entry_leaves_him_out_and_all_agree(
    client_for, monkeypatch, tom, zoe, woodwork, woodwork_trainer, office, table, medical
):
    """Lucas (here Tom) absent at the afternoon roll call, the office writes the reason; the
    trainer's "Tout cocher" at 17:30 no longer logs him: his card says why, he is unticked,
    and every reader says absent (the law counts it: three earlier mornings make four)."""
    earlier = school_days(dt.date(2026, 11, 2), TODAY)[:3]
    absent(woodwork, tom, earlier, woodwork_trainer)
    with time_machine.travel(at(TODAY, 17, 30), tick=False):
        rollcall.take(woodwork, TODAY, "pm", {tom.pk: rollcall.Exception_("absent")},
                      woodwork_trainer, [tom, zoe])  # fmt: skip
        Absence.objects.filter(student=tom, day=TODAY).update(reason=medical, reported_how="phone")
        trainer = client_for(woodwork_trainer)
        body = trainer.get(f"{TEAM_ENTRY}?date={TODAY.isoformat()}&slot=afternoon").content
        card = body.decode()
        start = card.index(f'name="students" value="{tom.pk}"')
        label = card[card.rindex("<label", 0, start) : card.index("</label>", start)]
        assert "absent le 18/11/2026, après-midi : Rendez-vous médical" in label
        assert "data-busy" in label  # "Tout cocher" leaves him out
        ticked = {"order": table.pk, "date": TODAY.isoformat(), "slot": "afternoon",
                  "students": [tom.pk, zoe.pk]}  # fmt: skip
        answer = trainer.post(TEAM_ENTRY, ticked).content.decode()
        assert "Rendez-vous médical" in answer and "absence enregistrée" in answer
        assert not WorkLog.objects.exists()
        trainer.post(TEAM_ENTRY, {**ticked, "students": [zoe.pk]})
        assert list(WorkLog.objects.values_list("student", flat=True)) == [zoe.pk]
        with pytest.raises(recording.Refused):  # the work-log form and the admin's path
            recording.save_work_log(
                WorkLog(order=table, student=tom, start=at(TODAY, 14), end=at(TODAY, 16)),
                by=woodwork_trainer,
            )
        views = seen(office, monkeypatch, tom, TODAY, "pm")
    assert views == {
        "page": "A",
        "pdf": "A",
        "law": True,
        "dropout_unjustified": 4,
        "production_hours": 0,
    }


def test_all_present_over_an_absence_asks_first_and_every_view_follows(
    client_for, monkeypatch, tom, zoe, woodwork, woodwork_trainer, office
):
    """Re-taking the roll call: "Tous présents" over an exception names the absence it
    would end and does nothing until confirmed; confirmed, the absence ends and every
    reader says present."""
    trainer = client_for(woodwork_trainer)
    url = f"{reverse('schoollife:roll_call')}?workshop={woodwork.pk}&half=am"
    trainer.post(url, {f"s{tom.pk}": "absent", f"s{zoe.pk}": "present"})
    absence = Absence.objects.get(student=tom)
    page = trainer.get(url).content.decode()
    checked = page[page.index(f'name="s{tom.pk}" value="absent"') :].split(">", 1)[0]
    assert "checked" in checked  # the page shows the recorded exception
    asked = trainer.post(url, {"all_present": "1"})
    text = asked.content.decode()
    assert "Marquer tout le monde présent" in text and str(tom) in text
    assert "absence levée" in text
    assert Absence.objects.filter(pk=absence.pk).exists()  # nothing done yet
    assert seen(office, monkeypatch, tom, TODAY, "am")["page"] == "A"
    trainer.post(url, {"all_present": "1", "confirmed": "yes"})
    assert not Absence.objects.exists()
    views = seen(office, monkeypatch, tom, TODAY, "am")
    assert views["page"] == views["pdf"] == "P"
    assert not views["law"] and views["dropout_unjustified"] == 0


def test_all_present_keeps_an_absence_the_office_gave_a_reason_and_the_views_say_absent(
    client_for, monkeypatch, tom, zoe, woodwork, woodwork_trainer, office, medical
):
    trainer = client_for(woodwork_trainer)
    url = f"{reverse('schoollife:roll_call')}?workshop={woodwork.pk}&half=am"
    trainer.post(url, {f"s{tom.pk}": "absent", f"s{zoe.pk}": "present"})
    Absence.objects.update(reason=medical, reported_how="phone")
    text = trainer.post(url, {"all_present": "1"}).content.decode()
    assert "absence maintenue (Rendez-vous médical)" in text
    trainer.post(url, {"all_present": "1", "confirmed": "yes"})
    assert Absence.objects.filter(student=tom).exists()
    views = seen(office, monkeypatch, tom, TODAY, "am")
    assert views["page"] == views["pdf"] == "A"


def test_a_pupil_typed_in_today_with_an_earlier_entry_date_is_not_recorded_before(
    client_for, monkeypatch, tom, woodwork, woodwork_trainer, office
):
    """The roll calls of October called Tom, not Inès, typed in today with entry date
    1 September: her past half-days read "not recorded", never present, as her hours."""
    october = school_days(dt.date(2026, 10, 1), dt.date(2026, 10, 16))
    for day in october:
        with time_machine.travel(at(day, 9), tick=False):
            rollcall.take(woodwork, day, "am", {}, woodwork_trainer, [tom])
    ines = make_pupil(woodwork, "Inès", "Martin", dt.date(2011, 4, 4), sex="F",
                      entry_date=dt.date(2026, 9, 1))  # fmt: skip
    cells = register.build([ines, tom], october[0], october[-1])
    assert {cells[(ines.pk, d, "am")].state for d in october} == {register.UNKNOWN}
    assert {cells[(tom.pk, d, "am")].state for d in october} == {"present"}
    client = client_for(office)
    views = seen(office, monkeypatch, ines, october[3], "am")
    assert views == {
        "page": "?",
        "pdf": "?",
        "law": False,
        "dropout_unjustified": 0,
        "production_hours": 0,
    }
    page = client.get(
        reverse("schoollife:register"), {"workshop": woodwork.pk, "day": october[3].isoformat()}
    ).content.decode()
    assert "Non renseigné" in page


def test_late_and_present_in_one_half_day_read_late_whichever_comes_first(
    client_for, monkeypatch, tom, zoe, woodwork, woodwork_trainer, teacher, office
):
    """Present at the workshop roll call, late at the theory session of the same morning
    (Tom); late at the workshop, present at the session (Zoé): both read late, everywhere."""
    session(teacher, at(TODAY, 8, 30), at(TODAY, 9, 30), [tom], status="late", title="Maths")
    session(teacher, at(TODAY, 10), at(TODAY, 11), [tom], status="present", title="Français")
    session(teacher, at(TODAY, 8, 30), at(TODAY, 9, 30), [zoe], status="present")
    RollCall.objects.all().delete()
    rollcall.take(woodwork, TODAY, "am", {zoe.pk: rollcall.Exception_("late", 10)},
                  woodwork_trainer, [tom, zoe])  # fmt: skip
    for pupil in (tom, zoe):
        views = seen(office, monkeypatch, pupil, TODAY, "am")
        assert (views["page"], views["pdf"]) == ("R", "R"), pupil


def test_work_logged_alone_reads_present_from_the_work_with_its_own_letter_and_legend(
    client_for, monkeypatch, tom, woodwork, woodwork_trainer, office, table
):
    """No roll call, no absence, work logged: present, from the work logged (T), said
    as such on the page and in the PDF's legend; the morning with nothing reads '?'."""
    with time_machine.travel(at(TODAY, 17, 30), tick=False):
        recording.save_work_log(
            WorkLog(order=table, student=tom, start=at(TODAY, 14), end=at(TODAY, 16)),
            by=woodwork_trainer,
        )
        client = client_for(office)
        assert seen(office, monkeypatch, tom, TODAY, "pm")["pdf"] == "T"
        assert seen(office, monkeypatch, tom, TODAY, "am")["pdf"] == "?"
        page = client.get(
            reverse("schoollife:register"), {"workshop": woodwork.pk, "day": TODAY.isoformat()}
        ).content.decode()
    assert "Présent, d'après le travail saisi" in page
