"""The calendar pages: everyone but the accountant reads them, the director edits."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecoles import calendar
from ecoles.models import Closure, OpenedDay

pytestmark = pytest.mark.django_db
D = dt.date

ZONE_A_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Ministere de l'Education nationale//Calendrier scolaire//FR\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20261017\r
DTEND;VALUE=DATE:20261102\r
SUMMARY:Vacances de la Toussaint - Zone\r
  A\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20261219\r
DTEND;VALUE=DATE:20270104\r
SUMMARY:Vacances de No\u00ebl - Zone A\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20260901\r
SUMMARY:Rentr\u00e9e scolaire des \u00e9l\u00e8ves - Zone A\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def christmas(db) -> Closure:
    return Closure.objects.create(
        name="Vacances de Noël", first_day=D(2026, 12, 19), last_day=D(2027, 1, 3)
    )


@pytest.fixture
def market(director) -> OpenedDay:
    return OpenedDay.objects.create(
        day=D(2026, 12, 12), reason="Marché de Noël", opened_by=director
    )


READ = ["calendar", "calendar_month"]
EDIT = ["closure_add", "opened_day_add", "calendar_import"]


@pytest.mark.parametrize("name", READ + EDIT)
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/compte/login/" in response["Location"]


@pytest.mark.parametrize("name", READ)
@pytest.mark.parametrize("persona", ["director", "office", "woodwork_trainer", "teacher"])
def test_staff_read_the_calendar(client_for, request, persona, name, policy):
    assert client_for(request.getfixturevalue(persona)).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", READ)
def test_the_accountant_does_not(client_for, accountant, name):
    assert client_for(accountant).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", EDIT)
@pytest.mark.parametrize("persona", ["office", "woodwork_trainer", "teacher", "accountant"])
def test_only_the_director_edits_it(client_for, request, persona, name, christmas, market):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403
    for edit in ["closure_edit", "closure_delete"]:
        assert client.post(reverse(edit, args=[christmas.pk])).status_code == 403
    assert client.post(reverse("opened_day_delete", args=[market.pk])).status_code == 403
    assert Closure.objects.count() == 1 and OpenedDay.objects.count() == 1


def test_the_year_page_lists_holidays_opened_days_and_public_holidays(
    client_for, office, christmas, market, policy
):
    page = client_for(office).get(reverse("calendar"), {"annee": 2026}).content.decode()
    assert "Calendrier scolaire 2026-2027" in page
    assert "Vacances de Noël" in page and "Marché de Noël" in page
    assert "Lundi de Pentecôte" in page and "17/05/2027" in page
    assert "Ajouter des vacances" not in page  # the office reads, the director edits


def test_the_month_shows_closed_and_opened_days_with_their_reasons(
    client_for, director, christmas, market, policy, django_assert_max_num_queries
):
    client = client_for(director)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("calendar_month"), {"annee": 2026, "mois": 12}).content
    page = page.decode()
    assert "décembre 2026" in page
    assert "Marché de Noël" in page and 'class="day-opened"' in page
    assert "vacances scolaires (Vacances de Noël)" in page
    assert "jour férié (Noël)" in page
    assert "?jour=2026-12-21" in page  # open a day from the month
    assert "annee=2027&amp;mois=1" in page and "annee=2026&amp;mois=11" in page


def test_the_month_ignores_a_bad_month(client_for, director, policy):
    response = client_for(director).get(reverse("calendar_month"), {"annee": "x", "mois": 13})
    assert response.status_code == 200 and "novembre 2026" in response.content.decode()


def test_the_director_adds_a_closing_day(client_for, director, policy):
    response = client_for(director).post(
        reverse("closure_add"),
        {
            "kind": "closing",
            "name": "Formation",
            "first_day": "2026-11-20",
            "last_day": "2026-11-20",
        },
    )
    assert response.status_code == 302
    assert not calendar.is_open(D(2026, 11, 20))


def test_a_closure_ending_before_it_starts_is_a_form_error(client_for, director):
    response = client_for(director).post(
        reverse("closure_add"),
        {"kind": "holiday", "name": "X", "first_day": "2026-11-20", "last_day": "2026-11-19"},
    )
    assert "Le dernier jour ne peut pas précéder le premier" in response.content.decode()
    assert not Closure.objects.exists()


def test_deleting_asks_first_then_reopens_the_days(client_for, director, christmas, policy):
    client = client_for(director)
    page = client.get(reverse("closure_delete", args=[christmas.pk])).content.decode()
    assert "Oui, supprimer" in page and Closure.objects.exists()
    client.post(reverse("closure_delete", args=[christmas.pk]), {"confirmed": "yes"})
    assert not Closure.objects.exists() and calendar.is_open(D(2026, 12, 21))


def test_the_director_opens_a_saturday_with_a_reason(client_for, director, policy):
    client = client_for(director)
    form = client.get(reverse("opened_day_add"), {"jour": "2026-11-21"}).content.decode()
    assert 'value="2026-11-21"' in form
    response = client.post(reverse("opened_day_add"), {"day": "2026-11-21", "reason": "Salon"})
    assert response.status_code == 302
    opened = OpenedDay.objects.get()
    assert opened.opened_by == director and calendar.is_open(D(2026, 11, 21))


def test_opening_a_school_day_or_without_a_reason_is_a_form_error(client_for, director, policy):
    client = client_for(director)
    page = client.post(reverse("opened_day_add"), {"day": "2026-11-19", "reason": "X"}).content
    assert "déjà un jour d&#x27;école" in page.decode()
    page = client.post(reverse("opened_day_add"), {"day": "2026-11-22", "reason": ""}).content
    assert "Ce champ est obligatoire" in page.decode()
    assert not OpenedDay.objects.exists()


def test_closing_an_opened_day_again_asks_first(client_for, director, market, policy):
    client = client_for(director)
    assert (
        "Oui, supprimer"
        in client.get(reverse("opened_day_delete", args=[market.pk])).content.decode()
    )
    client.post(reverse("opened_day_delete", args=[market.pk]), {"confirmed": "yes"})
    assert not calendar.is_open(market.day)


def test_the_ministry_calendar_is_read():
    periods = calendar.parse_ics(ZONE_A_ICS)
    assert periods == [
        calendar.Period("Vacances de la Toussaint", D(2026, 10, 17), D(2026, 11, 1)),
        calendar.Period("Vacances de Noël", D(2026, 12, 19), D(2027, 1, 3)),
    ]
    with pytest.raises(calendar.CalendarFileError):
        calendar.parse_ics("name;first;last\n")


def test_the_director_imports_it_once(client_for, director, policy):
    client = client_for(director)
    for _ in range(2):
        upload = SimpleUploadedFile("zone-a.ics", ZONE_A_ICS.encode(), "text/calendar")
        assert client.post(reverse("calendar_import"), {"file": upload}).status_code == 302
    assert Closure.objects.count() == 2
    assert not calendar.is_open(D(2026, 11, 1)) and calendar.is_open(D(2026, 11, 2))


def test_a_file_that_is_not_a_calendar_is_a_form_error(client_for, director):
    upload = SimpleUploadedFile("x.ics", b"hello", "text/calendar")
    page = client_for(director).post(reverse("calendar_import"), {"file": upload}).content
    assert "iCalendar" in page.decode() and not Closure.objects.exists()
