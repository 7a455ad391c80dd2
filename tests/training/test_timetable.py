"""R8: the yearly timetable. Weekly patterns make sessions on open days; a session is
moved or cancelled (then counts nothing and blocks no one); editing a pattern changes
only the sessions still to come; where each pupil is expected on a half-day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ecoles.models import Closure, OpenedDay
from students.models import Student
from tests.conftest import make_user
from tests.students.test_pupils import pupil_data
from tests.training.conftest import TODAY, at, make_pupil
from training import balance, recording, timeguard, timetable
from training.models import Attendance, SessionPattern, TheorySession, WorkshopSlot

pytestmark = pytest.mark.django_db
D = dt.date
T = dt.time


@pytest.fixture
def maths(teacher, young, older) -> SessionPattern:
    """Thursday 8:30-10:00 for cohort 2025, from 1 October to 17 December 2026."""
    return SessionPattern.objects.create(
        subject="general",
        title="Mathématiques",
        teacher=teacher,
        audience="cohort",
        cohort=2025,
        weekday=3,
        start_time=T(8, 30),
        end_time=T(10),
        first_day=D(2026, 10, 1),
        last_day=D(2026, 12, 17),
    )


def days_of(pattern) -> list[dt.date]:
    return sorted(pattern.sessions.values_list("pattern_day", flat=True))


def test_a_pattern_makes_its_sessions_on_the_open_days_to_come(
    maths, teacher, young, older, policy
):
    Closure.objects.create(
        name="Formation", kind="closing", first_day=D(2026, 12, 10), last_day=D(2026, 12, 10)
    )
    planned = timetable.make_sessions(maths, by=teacher)
    # From the first Thursday after today (18/11) to the last day, 10/12 closed.
    assert days_of(maths) == [D(2026, 11, 19), D(2026, 11, 26), D(2026, 12, 3), D(2026, 12, 17)]
    assert planned.skipped == [(D(2026, 12, 10), "établissement fermé (Formation)")]
    session = maths.sessions.get(pattern_day=D(2026, 11, 19))
    assert (session.start, session.end) == (at(D(2026, 11, 19), 8, 30), at(D(2026, 11, 19), 10))
    assert {a.student for a in session.attendances.all()} == {young, older}
    assert timetable.make_sessions(maths, by=teacher).created == []  # idempotent


def test_a_pattern_skips_public_holidays_and_takes_an_opened_day(teacher, director, young, policy):
    pattern = SessionPattern.objects.create(
        subject="general", title="Français", teacher=teacher, audience="cohort", cohort=2025,
        weekday=3, start_time=T(8, 30), end_time=T(10),
        first_day=D(2027, 5, 1), last_day=D(2027, 5, 31),
    )  # fmt: skip
    OpenedDay.objects.create(day=D(2027, 5, 6), reason="Examen blanc", opened_by=director)
    timetable.make_sessions(pattern, by=teacher)
    # Ascension 2027 is Thursday 6 May (opened); 13, 20, 27 May are school days.
    assert days_of(pattern) == [D(2027, 5, 6), D(2027, 5, 13), D(2027, 5, 20), D(2027, 5, 27)]


def test_a_pattern_leaves_out_a_day_a_pupil_is_elsewhere(maths, teacher, young, policy):
    other = TheorySession.objects.create(
        subject="general", title="Sortie", teacher=teacher,
        start=at(D(2026, 11, 26), 8), end=at(D(2026, 11, 26), 12),
    )  # fmt: skip
    Attendance.objects.create(session=other, student=young)
    planned = timetable.make_sessions(maths, by=teacher)
    assert D(2026, 11, 26) not in days_of(maths)
    assert (D(2026, 11, 26), "un élève du groupe est ailleurs") in planned.skipped


def test_only_its_teacher_or_the_director_plans_a_pattern(
    maths, young, policy, accountant, director
):
    other = maths.teacher
    maths.teacher = director
    with pytest.raises(PermissionDenied):
        timetable.save_pattern(maths, by=other)
    assert timetable.save_pattern(maths, by=director).created


def test_editing_a_pattern_changes_the_sessions_to_come_never_those_held(
    maths, teacher, young, policy
):
    with time_machine.travel(at(D(2026, 11, 1), 12), tick=False):
        timetable.make_sessions(maths, by=teacher)
    held = maths.sessions.get(pattern_day=D(2026, 11, 12))
    assert held.has_started
    maths.start_time, maths.end_time, maths.title = T(14), T(15, 30), "Maths appliquées"
    timetable.save_pattern(maths, by=teacher)
    held.refresh_from_db()
    assert held.title == "Mathématiques" and timezone_hour(held.start) == 8
    coming = maths.sessions.get(pattern_day=D(2026, 11, 19))
    assert coming.title == "Maths appliquées" and timezone_hour(coming.start) == 14
    assert maths.sessions.filter(pattern_day=D(2026, 11, 5)).exists()  # held, kept


def test_editing_a_pattern_keeps_a_session_moved_or_cancelled_by_hand(maths, teacher, policy):
    timetable.make_sessions(maths, by=teacher)
    cancelled = maths.sessions.get(pattern_day=D(2026, 11, 26))
    timetable.cancel_session(cancelled, reason="Sortie au salon", by=teacher)
    maths.weekday = 2  # Wednesdays now
    timetable.save_pattern(maths, by=teacher)
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled and cancelled.pattern_id == maths.pk
    wednesdays = {d for d in days_of(maths) if d.weekday() == 2}
    assert D(2026, 11, 25) in wednesdays


def timezone_hour(value: dt.datetime) -> int:
    return timezone.localtime(value).hour


def test_a_cancelled_session_frees_its_pupils_and_counts_no_theory(
    teacher, young, table_order, woodwork_trainer, policy
):
    day = TODAY
    lesson = TheorySession.objects.create(
        subject="general", title="Anglais", teacher=teacher, start=at(day, 8, 30), end=at(day, 12)
    )
    Attendance.objects.create(session=lesson, student=young)
    with pytest.raises(recording.Refused) as refused:
        recording.save_team_entry(order=table_order, day=day, start=T(8, 30), end=T(12),
                                  students=[young], task="", by=woodwork_trainer)  # fmt: skip
    assert refused.value.violations[0].rule == timeguard.OVERLAP
    with time_machine.travel(at(day, 7), tick=False):
        timetable.cancel_session(lesson, reason="Enseignant malade", by=teacher)
    recording.save_team_entry(order=table_order, day=day, start=T(8, 30), end=T(12),
                              students=[young], task="", by=woodwork_trainer)  # fmt: skip
    # Even marked present by mistake, a cancelled session counts nothing.
    Attendance.objects.filter(session=lesson).update(status="present")
    theory = balance.balances([young.pk], day, day)[young.pk].theory
    assert theory == 0
    assert Attendance.objects.get(session=lesson).attended == dt.timedelta()
    with pytest.raises(ValidationError):
        recording.record_attendance(lesson, [], by=teacher)


def test_a_session_is_cancelled_with_a_reason_and_not_once_held(teacher, young, policy):
    lesson = TheorySession.objects.create(
        subject="general", title="Anglais", teacher=teacher, start=at(TODAY, 8), end=at(TODAY, 9)
    )
    row = Attendance.objects.create(session=lesson, student=young)
    with pytest.raises(ValidationError):
        timetable.cancel_session(lesson, reason="  ", by=teacher)
    row.status = "present"
    row.save()
    with pytest.raises(ValidationError):
        timetable.cancel_session(lesson, reason="Trop tard", by=teacher)
    assert not TheorySession.objects.get().is_cancelled


def test_a_session_is_moved_to_an_open_day_and_leaves_its_pattern(maths, teacher, young, policy):
    timetable.make_sessions(maths, by=teacher)
    session = maths.sessions.get(pattern_day=D(2026, 11, 26))
    with pytest.raises(recording.Refused):
        timetable.move_session(session, start=at(D(2026, 11, 29), 9), end=at(D(2026, 11, 29), 10),
                               by=teacher)  # fmt: skip  # a Sunday
    timetable.move_session(session, start=at(D(2026, 11, 27), 9), end=at(D(2026, 11, 27), 10),
                           by=teacher)  # fmt: skip
    session.refresh_from_db()
    assert session.day == D(2026, 11, 27) and not session.follows_pattern
    assert session.pattern_day == D(2026, 11, 26)
    with pytest.raises(ValidationError):
        timetable.move_session(session, start=at(TODAY, 9), end=at(TODAY, 10), by=teacher)


def test_the_expected_place_of_each_pupil_for_a_half_day(
    maths,
    teacher,
    young,
    older,
    metal_pupil,
    woodwork,
    machining,
    policy,
    django_assert_max_num_queries,
):
    timetable.set_workshop_week(woodwork, [(3, "am"), (3, "pm")])
    timetable.set_workshop_week(machining, [(3, "pm")])
    timetable.make_sessions(maths, by=teacher)
    thursday = D(2026, 11, 19)
    ids = [young.pk, older.pk, metal_pupil.pk]
    with django_assert_max_num_queries(6):
        places = timetable.expected_place(ids, thursday)
    assert (
        places[young.pk]["am"].kind == "theory" and places[young.pk]["am"].label == "Mathématiques"
    )
    assert places[young.pk]["pm"] == timetable.Place(
        "workshop", "Menuiserie", workshop_id=woodwork.pk
    )
    assert places[metal_pupil.pk]["am"].kind == "theory"  # same cohort
    assert places[metal_pupil.pk]["pm"] == timetable.Place(
        "workshop", "Usinage", workshop_id=machining.pk
    )
    timetable.cancel_session(maths.sessions.get(pattern_day=thursday), reason="Grève", by=teacher)
    after = timetable.expected_place(ids, thursday)
    assert after[young.pk]["am"].kind == "workshop"
    assert after[metal_pupil.pk]["am"] is None  # no theory, no workshop that morning
    assert timetable.expected_place(ids, D(2026, 11, 22)) == {
        pk: {"am": None, "pm": None} for pk in ids
    }


def test_the_workshop_week_is_replaced_as_a_whole(woodwork):
    timetable.set_workshop_week(woodwork, [(0, "am"), (1, "pm")])
    timetable.set_workshop_week(woodwork, [(1, "pm"), (2, "am")])
    assert set(WorkshopSlot.objects.values_list("weekday", "half_day")) == {(1, "pm"), (2, "am")}


# --- pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["director", "office", "woodwork_trainer", "teacher"])
def test_staff_see_a_week_of_the_timetable(
    client_for, request, persona, maths, teacher, woodwork, policy
):
    timetable.make_sessions(maths, by=teacher)
    client = client_for(request.getfixturevalue(persona))
    page = client.get(
        reverse("training:timetable"), {"voir": "promotion-2025", "semaine": "2026-11-19"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mathématiques" in body and "Semaine suivante" in body and "semaine=2026-11-23" in body


def test_the_accountant_and_anonymous_get_no_timetable(client, client_for, accountant):
    assert client.get(reverse("training:timetable")).status_code == 302
    assert client_for(accountant).get(reverse("training:timetable")).status_code == 403


def test_a_trainer_gets_404_on_another_workshops_pupil_or_workshop(
    client_for, woodwork_trainer, metal_pupil, machining, young, policy
):
    client = client_for(woodwork_trainer)
    url = reverse("training:timetable")
    assert client.get(url, {"voir": f"eleve-{metal_pupil.pk}"}).status_code == 404
    assert client.get(url, {"voir": f"atelier-{machining.pk}"}).status_code == 404
    assert client.get(url, {"voir": f"eleve-{young.pk}"}).status_code == 200


def test_a_pupils_week_shows_his_workshop_where_no_session_calls_him(
    client_for, woodwork_trainer, woodwork, young, maths, teacher, policy
):
    timetable.set_workshop_week(woodwork, [(3, "am"), (3, "pm")])
    timetable.make_sessions(maths, by=teacher)
    days = timetable.week(
        D(2026, 11, 16),
        TheorySession.objects.filter(attendances__student=young),
        [woodwork],
        one_pupil=True,
    )
    thursday = next(d for d in days if d["day"] == D(2026, 11, 19))
    am, pm = thursday["halves"]
    assert [s.title for s in am["sessions"]] == ["Mathématiques"] and am["workshops"] == []
    assert pm["workshops"] == ["Menuiserie"]
    assert all(d["day"].weekday() < 5 for d in days)  # the closed weekend is left out


def test_the_teacher_plans_a_weekly_session_from_the_page(
    client_for, teacher, young, older, policy
):
    data = {
        "subject": "general", "title": "Français", "teacher": teacher.pk, "weekday": 4,
        "start_time": "08:30", "end_time": "10:00", "first_day": "2026-11-19",
        "last_day": "2026-12-18", "audience": "cohort", "cohort": 2025,
    }  # fmt: skip
    response = client_for(teacher).post(reverse("training:pattern_add"), data)
    assert response.status_code == 302
    pattern = SessionPattern.objects.get()
    assert len(days_of(pattern)) == 5  # 20/11 to 18/12, five Fridays
    assert "Français" in client_for(teacher).get(reverse("training:patterns")).content.decode()


def test_a_weekly_session_with_bad_times_is_a_form_error(client_for, teacher, policy):
    data = {
        "subject": "general", "title": "Français", "teacher": teacher.pk, "weekday": 4,
        "start_time": "10:00", "end_time": "09:00", "first_day": "2026-11-19",
        "last_day": "2026-11-01", "audience": "cohort", "cohort": "",
    }  # fmt: skip
    body = client_for(teacher).post(reverse("training:pattern_add"), data).content.decode()
    assert "doit être après" in body or "après le début" in body
    assert not SessionPattern.objects.exists()


def test_a_teacher_cannot_edit_another_teachers_pattern(client_for, maths, policy):
    other = make_user("other", "Enseignant")
    assert (
        client_for(other).get(reverse("training:pattern_edit", args=[maths.pk])).status_code == 403
    )


def test_the_teacher_cancels_a_session_from_its_page_after_confirming(
    client_for, teacher, young, policy
):
    lesson = TheorySession.objects.create(
        subject="general", title="Anglais", teacher=teacher,
        start=at(D(2026, 11, 19), 8), end=at(D(2026, 11, 19), 9),
    )  # fmt: skip
    Attendance.objects.create(session=lesson, student=young)
    client = client_for(teacher)
    assert (
        "Oui, annuler le cours"
        in client.get(reverse("training:session_cancel", args=[lesson.pk])).content.decode()
    )
    assert (
        "obligatoire"
        in client.post(
            reverse("training:session_cancel", args=[lesson.pk]), {"reason": ""}
        ).content.decode()
    )
    client.post(
        reverse("training:session_cancel", args=[lesson.pk]),
        {"reason": "Enseignant malade", "confirmed": "yes"},
    )
    page = client.get(reverse("training:session", args=[lesson.pk])).content.decode()
    assert "Annulé : Enseignant malade" in page


def test_the_workshop_trainer_sets_its_week_another_gets_404(
    client_for, woodwork_trainer, machining_trainer, woodwork, policy
):
    url = reverse("training:workshop_week", args=[woodwork.pk])
    assert client_for(machining_trainer).get(url).status_code == 404
    client_for(woodwork_trainer).post(url, {"slots": ["0am", "0pm", "3pm"]})
    assert WorkshopSlot.objects.filter(workshop=woodwork).count() == 3


# --- sessions follow their group (R8, R9) ---------------------------------------------------


@pytest.fixture
def maths_since_november(maths, teacher, young, older, policy):
    """Maths made on 1 November: 5 and 12/11 are held (roll call taken), 19/11 on to come."""
    with time_machine.travel(at(D(2026, 11, 1), 8), tick=False):
        timetable.make_sessions(maths, by=teacher)
    Attendance.objects.filter(session__start__lt=timezone.now()).update(status="present")
    return maths


def expected_on(pattern, pupil) -> list[dt.date]:
    return sorted(
        pattern.sessions.filter(attendances__student=pupil).values_list("pattern_day", flat=True)
    )


HELD = [D(2026, 11, 5), D(2026, 11, 12)]
TO_COME = [D(2026, 11, 19), D(2026, 11, 26), D(2026, 12, 3), D(2026, 12, 10), D(2026, 12, 17)]


def test_a_pupil_created_in_a_cohort_is_expected_at_its_sessions_to_come_only(
    maths_since_november, woodwork
):
    newcomer = make_pupil(woodwork, "Inès", "Nouvelle", D(2010, 4, 1))
    assert expected_on(maths_since_november, newcomer) == TO_COME
    row = Attendance.objects.get(student=newcomer, session__pattern_day=D(2026, 11, 19))
    assert row.status == Attendance.Status.PENDING


def test_a_pupil_entering_later_is_expected_from_her_entry_date(maths_since_november, woodwork):
    later = make_pupil(woodwork, "Inès", "Tardive", D(2010, 4, 1), entry_date=D(2026, 12, 1))
    assert expected_on(maths_since_november, later) == TO_COME[2:]


def test_an_applicant_is_expected_nowhere_until_enrolled(maths_since_november, woodwork):
    applicant = make_pupil(woodwork, "Inès", "Candidate", D(2010, 4, 1), status="applicant")
    assert expected_on(maths_since_november, applicant) == []
    applicant.status = "enrolled"
    applicant.save()
    assert expected_on(maths_since_november, applicant) == TO_COME


def test_a_pupil_changing_cohort_leaves_its_sessions_to_come_and_keeps_those_held(
    maths_since_november, young
):
    young.cohort = 2026
    young.save()
    assert expected_on(maths_since_november, young) == HELD
    young.cohort = 2025
    young.save()
    assert expected_on(maths_since_november, young) == HELD + TO_COME


def test_a_pupil_who_leaves_the_school_is_taken_off_the_sessions_to_come(
    maths_since_november, older
):
    older.status, older.left_on, older.leaving_reason = "left", TODAY, "dropped_out"
    older.save()
    assert expected_on(maths_since_november, older) == HELD
    assert Attendance.objects.get(student=older, session__pattern_day=HELD[0]).status == "present"


def test_a_session_whose_roll_call_was_taken_keeps_its_rows(maths_since_november, young, older):
    """A roll call taken (by the admin) on a coming session is never rewritten."""
    coming = maths_since_november.sessions.get(pattern_day=TO_COME[0])
    coming.attendances.filter(student=older).update(status="excused", reason="Stage")
    young.cohort = 2026
    young.save()
    assert coming.attendances.filter(student=young).exists()


def test_a_pupil_changing_workshop_follows_the_workshops_sessions(
    teacher, young, woodwork, machining, policy
):
    pattern = SessionPattern.objects.create(
        subject="technological", title="Techno métal", teacher=teacher, audience="workshop",
        workshop=machining, weekday=4, start_time=T(13, 30), end_time=T(15),
        first_day=D(2026, 11, 1), last_day=D(2026, 12, 11),
    )  # fmt: skip
    timetable.make_sessions(pattern, by=teacher)
    assert expected_on(pattern, young) == []
    young.workshop = machining
    young.save()
    assert expected_on(pattern, young) == [
        D(2026, 11, 20),
        D(2026, 11, 27),
        D(2026, 12, 4),
        D(2026, 12, 11),
    ]
    young.workshop = woodwork
    young.save()
    assert expected_on(pattern, young) == []


def test_a_pupil_added_to_a_picked_group_is_expected_at_its_sessions_to_come(
    teacher, young, older, policy
):
    pattern = SessionPattern.objects.create(
        subject="general", title="Soutien", teacher=teacher, audience="picked",
        weekday=4, start_time=T(16), end_time=T(17),
        first_day=D(2026, 11, 1), last_day=D(2026, 11, 30),
    )  # fmt: skip
    pattern.students.set([young])
    timetable.make_sessions(pattern, by=teacher)
    pattern.students.add(older)
    assert expected_on(pattern, older) == [D(2026, 11, 20), D(2026, 11, 27)]
    pattern.students.remove(young)
    assert expected_on(pattern, young) == []


def test_a_joining_pupil_is_not_put_in_two_places_at_once(
    maths_since_november, teacher, woodwork, policy
):
    newcomer = make_pupil(woodwork, "Inès", "Occupée", D(2010, 4, 1), status="applicant")
    other = TheorySession.objects.create(
        subject="general", title="Accueil", teacher=teacher,
        start=at(TO_COME[0], 8), end=at(TO_COME[0], 9),
    )  # fmt: skip
    Attendance.objects.create(session=other, student=newcomer)
    newcomer.status = "enrolled"
    newcomer.save()
    assert expected_on(maths_since_november, newcomer) == TO_COME[1:]


def test_the_offices_pupil_form_puts_a_new_pupil_on_her_groups_sessions(
    client_for, office, maths_since_november, woodwork
):
    data = pupil_data(woodwork, entry_date="2025-09-01", cohort="2025")
    assert client_for(office).post(reverse("students:add"), data).status_code == 302
    newcomer = Student.objects.get(last_name="Dupont")
    assert expected_on(maths_since_november, newcomer) == TO_COME


def test_the_leaving_form_takes_the_pupil_off_the_sessions_to_come(
    client_for, office, maths_since_november, young
):
    data = {"left_on": "2026-11-18", "leaving_reason": "dropped_out", "exam_result": "not_taken"}
    response = client_for(office).post(reverse("students:leaving", args=[young.pk]), data)
    assert response.status_code == 302
    assert expected_on(maths_since_november, young) == HELD
