"""A user with several roles sees, for each kind of data, what any of his roles lets him see
of it, and no more (SPEC.md §2; issue #14 item 10).

The combinations schools have: a trainer who also teaches (names of every pupil, contacts
and hours of his workshop's only), a director who teaches (everything), the office's
clerk who keeps the accounts (records and money, never follow-up notes).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ecoles import roles
from tests.conftest import make_user

# What shows only to someone who may see a pupil's whole record.
LEA_PRIVATE = ["lea.martin@exemple.fr", "06 98 76 54 32", "14/03/2010"]
HUGO_PRIVATE = ["hugo@exemple.fr", "06 11 22 33 44", "14/03/2010"]


def with_roles(username: str, *names: str):
    user = make_user(username, None)
    user.groups.add(*Group.objects.filter(name__in=names))
    return user


@pytest.fixture
def trainer_teacher(woodwork):
    """Trainer of woodwork, and teacher of maths to every cohort."""
    user = with_roles("wood-teach", roles.TRAINER, roles.TEACHER)
    woodwork.trainers.add(user)
    return user


@pytest.fixture
def director_teacher(db):
    return with_roles("dir-teach", roles.DIRECTOR, roles.TEACHER)


@pytest.fixture
def office_accountant(db):
    return with_roles("office-compta", roles.OFFICE, roles.ACCOUNTANT)


def _page(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def _export_rows(client) -> dict[str, str]:
    text = client.get(reverse("students:export")).content.decode("utf-8-sig")
    return {line.split(";")[0].split(",")[0]: line for line in text.splitlines()[1:]}


class TestTrainerWhoTeaches:
    def test_sees_every_pupils_name_but_other_workshops_contacts_nowhere(
        self, client_for, trainer_teacher, woodwork_pupil, machining_pupil
    ):
        client = client_for(trainer_teacher)
        status, page = _page(client, reverse("students:list"))
        assert status == 200 and "Hugo" in page and "Léa" in page
        status, page = _page(client, reverse("students:detail", args=[machining_pupil.pk]))
        assert status == 200 and "BERNARD" in page.upper()
        assert [s for s in HUGO_PRIVATE if s in page] == []
        status, page = _page(client, reverse("students:detail", args=[woodwork_pupil.pk]))
        assert status == 200
        assert [s for s in LEA_PRIVATE if s not in page] == []

    def test_the_csv_export_has_his_workshops_contacts_only(
        self, client_for, trainer_teacher, woodwork_pupil, machining_pupil
    ):
        rows = _export_rows(client_for(trainer_teacher))
        assert "Hugo" in rows["Bernard"]
        assert [s for s in HUGO_PRIVATE if s in rows["Bernard"]] == []
        assert "lea.martin@exemple.fr" in rows["Martin"]
        assert "06 98 76 54 32" in rows["Martin"]

    def test_hours_of_other_workshops_pupils_are_a_404(
        self, client_for, trainer_teacher, woodwork_pupil, machining_pupil
    ):
        client = client_for(trainer_teacher)
        for name in ("training:student_time", "training:statement"):
            assert client.get(reverse(name, args=[machining_pupil.pk])).status_code == 404
        own = client.get(reverse("training:student_time", args=[woodwork_pupil.pk]))
        assert own.status_code == 200
        status, page = _page(client, reverse("training:cohort_balance", args=[2025]))
        assert "Bernard" not in page and "Martin" in page

    def test_notes_of_a_pupil_he_does_not_tutor_are_a_404(
        self, client_for, trainer_teacher, woodwork_pupil, machining_pupil, secret_note
    ):
        client = client_for(trainer_teacher)
        for pupil in (woodwork_pupil, machining_pupil):
            assert client.get(reverse("students:notes", args=[pupil.pk])).status_code == 404


class TestDirectorWhoTeaches:
    def test_sees_every_record_and_note(
        self, client_for, director_teacher, woodwork_pupil, machining_pupil, secret_note
    ):
        client = client_for(director_teacher)
        status, page = _page(client, reverse("students:detail", args=[machining_pupil.pk]))
        assert status == 200 and "hugo@exemple.fr" in page
        rows = _export_rows(client)
        assert "hugo@exemple.fr" in rows["Bernard"]
        assert "06 98 76 54 32" in rows["Martin"]
        status, page = _page(client, reverse("students:notes", args=[woodwork_pupil.pk]))
        assert status == 200 and "mot-secret-logement" in page
        hours = client.get(reverse("training:student_time", args=[machining_pupil.pk]))
        assert hours.status_code == 200


class TestOfficeWhoKeepsTheAccounts:
    def test_records_and_money_but_never_notes(
        self, client_for, office_accountant, woodwork_pupil, machining_pupil, secret_note
    ):
        client = client_for(office_accountant)
        status, page = _page(client, reverse("students:detail", args=[machining_pupil.pk]))
        assert status == 200 and "hugo@exemple.fr" in page
        assert "hugo@exemple.fr" in _export_rows(client)["Bernard"]
        assert client.get(reverse("billing:invoices")).status_code == 200
        status, page = _page(client, reverse("students:notes", args=[woodwork_pupil.pk]))
        assert status == 404 and "mot-secret-logement" not in page
