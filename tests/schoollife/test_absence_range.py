"""Issue #26: an absence over a range of days is one form. Every school half-day it covers
is recorded (the school's calendar, the pupil's entry and leaving), all or nothing, a
half-day already recorded said and kept, and the family told once for the whole range."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecoles.models import Closure
from schoollife import families, rollcall
from schoollife.models import Absence, FamilyNotice
from schoollife.rollcall import Exception_
from tests.schoollife.conftest import TODAY
from tests.training.conftest import make_pupil

pytestmark = pytest.mark.django_db

MONDAY, FRIDAY = dt.date(2026, 11, 16), dt.date(2026, 11, 20)
URL = "schoollife:absence_add"


def week(student, **changes) -> dict:
    data = {
        "student": student.pk,
        "first_day": f"{MONDAY:%Y-%m-%d}",
        "first_half": "am",
        "last_day": f"{FRIDAY:%Y-%m-%d}",
        "last_half": "pm",
        "reason": "",
        "reason_detail": "",
        "reported_how": "",
    }
    data.update(changes)
    return data


def recorded(student) -> list[tuple[dt.date, str]]:
    return list(
        Absence.objects.filter(student=student).order_by("day", "half").values_list("day", "half")
    )


def every_half(*days) -> list[tuple[dt.date, str]]:
    return [(day, half) for day in days for half in ("am", "pm")]


WEEK = [MONDAY + dt.timedelta(days=i) for i in range(5)]


def test_a_week_of_illness_is_one_form_and_the_family_is_told_once(
    client_for, office, tom, illness, policy, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(office).post(reverse(URL), week(tom, reason=illness.pk))
    assert response.status_code == 302
    assert recorded(tom) == every_half(*WEEK)
    assert len({a.report for a in Absence.objects.all()}) == 1
    assert Absence.objects.filter(reason=illness).count() == 10
    # Tom's mother has parental authority and an email: one notice for the ten half-days.
    notice = FamilyNotice.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mailoutbox] == [["anne.berger@exemple.fr"]]
    body = mailoutbox[0].body
    assert "du lundi 16/11/2026 (matin) au vendredi 20/11/2026 (après-midi)" in body
    FamilyNotice.objects.filter(pk=notice.pk).update(status="sent")
    # The roll call of Wednesday morning inside the range tells no one again.
    with django_capture_on_commit_callbacks(execute=True):
        rollcall.take(tom.workshop, TODAY, "am", {tom.pk: Exception_("absent")}, office, [tom])
    assert FamilyNotice.objects.count() == 1


def test_the_range_starts_and_ends_on_the_half_days_given(client_for, office, tom, policy):
    data = week(tom, first_half="pm", last_half="am", reported_how="phone")
    assert client_for(office).post(reverse(URL), data).status_code == 302
    assert recorded(tom) == every_half(*WEEK)[1:-1]
    assert not FamilyNotice.objects.exists()  # the family told the school


def test_closed_days_and_days_before_entry_are_left_out(client_for, office, woodwork, policy):
    late = make_pupil(woodwork, "Inès", "Tardive", dt.date(2010, 4, 1), entry_date=WEEK[1])
    Closure.objects.create(
        name="Pont", kind="closing", first_day=WEEK[3], last_day=WEEK[3]
    )  # fmt: skip
    data = week(late, last_day=f"{WEEK[0] + dt.timedelta(days=7):%Y-%m-%d}")
    assert client_for(office).post(reverse(URL), data).status_code == 302
    # Tuesday (her entry), Wednesday, Friday; the weekend; Monday of the next week.
    assert recorded(late) == every_half(WEEK[1], WEEK[2], WEEK[4], WEEK[0] + dt.timedelta(7))


def test_a_half_day_already_recorded_is_said_and_kept(
    client_for, office, tom, illness, policy, woodwork_trainer
):
    before = Absence.objects.create(student=tom, day=WEEK[1], half="am")
    response = client_for(office).post(
        reverse(URL), week(tom, reason=illness.pk, reported_how="note"), follow=True
    )
    assert recorded(tom) == every_half(*WEEK)
    before.refresh_from_db()
    assert before.reason is None and before.report is None
    assert "Déjà enregistrée, laissée telle quelle : 17/11/2026 matin." in response.content.decode()
    assert "9 demi-journées" in response.content.decode()


def test_nothing_is_half_saved(client_for, office, tom, policy, monkeypatch):
    def mail_server_down(absence):
        raise RuntimeError("refused")

    monkeypatch.setattr(families, "notify", mail_server_down)
    with pytest.raises(RuntimeError):
        client_for(office).post(reverse(URL), week(tom))
    assert recorded(tom) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_day": "2026-11-13"}, "La dernière demi-journée ne doit pas précéder la première"),
        ({"last_day": "2026-11-16", "first_half": "pm", "last_half": "am"}, "ne doit pas précéder"),
        ({"last_day": "2027-01-31"}, "deux mois"),
        ({"first_day": "2026-11-22", "last_day": "2026-11-22"}, "Aucune demi-journée"),
        ({"first_day": ""}, "Ce champ est obligatoire"),
        ({"accepted": "on"}, "a son motif"),
    ],
)
def test_a_bad_range_is_a_form_error_and_nothing_is_saved(
    client_for, office, tom, policy, changes, message
):
    response = client_for(office).post(reverse(URL), week(tom, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert recorded(tom) == []


def test_a_range_already_recorded_is_a_form_error(client_for, office, tom, policy):
    for day, half in every_half(*WEEK):
        Absence.objects.create(student=tom, day=day, half=half)
    response = client_for(office).post(reverse(URL), week(tom))
    assert response.status_code == 200
    assert "déjà enregistrée" in response.content.decode()
    assert Absence.objects.count() == 10


def test_one_half_day_of_a_range_is_still_edited_alone(
    client_for, office, tom, illness, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(office).post(reverse(URL), week(tom))
    wednesday = Absence.objects.get(day=WEEK[2], half="pm")
    page = client_for(office).get(reverse("schoollife:absence", args=[wednesday.pk]))
    assert "anne.berger@exemple.fr" in page.content.decode()  # the range's notice
    response = client_for(office).post(
        reverse("schoollife:absence", args=[wednesday.pk]),
        {"reason": illness.pk, "reported_how": "note", "accepted": "on"},
    )
    assert response.status_code == 302
    assert list(Absence.objects.filter(accepted=True)) == [wednesday]


def test_a_trainer_cannot_record_a_range(client_for, woodwork_trainer, tom, policy):
    response = client_for(woodwork_trainer).post(reverse(URL), week(tom))
    assert response.status_code == 403 and recorded(tom) == []


def test_an_absence_that_does_not_exist_is_a_404(client_for, office, policy):
    assert client_for(office).get(reverse("schoollife:absence", args=[999999])).status_code == 404


def test_the_form_offers_the_range_with_today_by_default(client_for, office, tom, policy):
    body = client_for(office).get(reverse(URL)).content.decode()
    for name in ("first_day", "first_half", "last_day", "last_half"):
        assert f'name="{name}"' in body
    assert 'value="2026-11-18"' in body and "Jusqu’au" in body
