"""The chef-d'œuvre page and the exam registration pages: who edits, who reads, who gets
nothing, bad input, the outcome confirmed first and kept in the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skills.models import ChefDoeuvre, ExamRegistration, UnitResult
from tests.training.conftest import make_order


def chef_post(subject="Une armoire", mark="14.5", keep=(), steps=()):
    data = {
        "action": "chef",
        "subject": subject,
        "oral_date": "2027-05-20",
        "oral_mark": mark,
        "keep_orders": list(keep),
        "steps-TOTAL_FORMS": str(max(len(steps), 1)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for n, (title, planned, done) in enumerate(steps):
        data[f"steps-{n}-title"] = title
        data[f"steps-{n}-planned_on"] = planned
        data[f"steps-{n}-done_on"] = done
    return data


def test_the_trainer_writes_his_pupils_chef_doeuvre(client_for, woodwork_trainer, lea, table):
    url = reverse("skills:chef", args=[lea.pk])
    client = client_for(woodwork_trainer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        chef_post(
            steps=[("Cahier des charges", "2026-10-01", "2026-10-03"), ("Oral", "2027-05-20", "")],
        ),
    )
    assert response.status_code == 302
    # Then its orders, one at a time through the picker.
    page = client.get(url + "?add_order_q=Tab").content.decode()
    assert f'value="{table.pk}"' in page
    assert client.post(url, {"action": "add_order", "add_order": table.pk}).status_code == 302
    again = client.post(url, {"action": "add_order", "add_order": table.pk})
    assert "add_order" in again.context["adding"].errors
    chef = ChefDoeuvre.objects.get(student=lea)
    assert chef.subject == "Une armoire" and str(chef.oral_mark) == "14.50"
    assert list(chef.orders.all()) == [table]
    assert [(s.title, s.done_on) for s in chef.steps.all()] == [
        ("Cahier des charges", dt.date(2026, 10, 3)),
        ("Oral", None),
    ]
    assert chef.history.count() == 1
    booklet = client.get(reverse("skills:booklet", args=[lea.pk])).content.decode()
    assert "Une armoire" in booklet and "14.50/20" in booklet.replace(",", ".")


def test_an_order_is_removed_by_unticking_it(client_for, woodwork_trainer, lea, table, shelf):
    chef = ChefDoeuvre.objects.create(student=lea, subject="Une armoire")
    chef.orders.set([table, shelf])
    response = client_for(woodwork_trainer).post(
        reverse("skills:chef", args=[lea.pk]), chef_post(keep=[shelf.pk])
    )
    assert response.status_code == 302 and list(chef.orders.all()) == [shelf]


def test_the_order_picker_offers_only_the_users_orders(
    client_for, woodwork_trainer, machining_trainer, machining, lea, table
):
    other = make_order(machining, machining_trainer, "Étau")
    url = reverse("skills:order_choices")
    labels = [r["label"] for r in client_for(woodwork_trainer).get(url).json()["results"]]
    assert any("Table" in label for label in labels) and not any("Étau" in x for x in labels)
    # Nor may he post another workshop's order into his pupil's chef-d'oeuvre.
    ChefDoeuvre.objects.create(student=lea, subject="Une armoire")
    response = client_for(woodwork_trainer).post(
        reverse("skills:chef", args=[lea.pk]), {"action": "add_order", "add_order": other.pk}
    )
    assert response.status_code == 200 and "add_order" in response.context["adding"].errors
    assert not ChefDoeuvre.objects.get().orders.exists()


@pytest.mark.parametrize(
    ("mark", "field"), [("21", "oral_mark"), ("-1", "oral_mark"), ("abc", "oral_mark")]
)
def test_a_mark_outside_0_to_20_is_a_form_error(client_for, woodwork_trainer, lea, mark, field):
    response = client_for(woodwork_trainer).post(
        reverse("skills:chef", args=[lea.pk]), chef_post(mark=mark)
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not ChefDoeuvre.objects.exists()


def test_a_step_cannot_be_done_in_the_future(client_for, woodwork_trainer, lea):
    response = client_for(woodwork_trainer).post(
        reverse("skills:chef", args=[lea.pk]),
        chef_post(steps=[("Réalisation", "2026-12-01", "2026-12-01")]),
    )
    assert response.status_code == 200 and response.context["steps"].errors[0]["done_on"]


def test_chef_doeuvre_access(
    client_for, machining_trainer, office, teacher, accountant, director, lea
):
    url = reverse("skills:chef", args=[lea.pk])
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(machining_trainer).post(url, chef_post()).status_code == 404
    assert client_for(accountant).get(url).status_code == 403
    for reader in (office, teacher):
        assert client_for(reader).get(url).status_code == 200
        assert client_for(reader).post(url, chef_post()).status_code == 403
    assert client_for(director).post(url, chef_post()).status_code == 302


# --- exams ----------------------------------------------------------------------------


@pytest.fixture
def registration(lea, version):
    item = ExamRegistration.objects.create(student=lea, version=version, session_year=2027)
    for bloc in version.blocs.all():
        UnitResult.objects.create(registration=item, bloc=bloc)
    return item


def results_post(registration, values):
    units = list(registration.units.order_by("bloc__position"))
    data = {
        "action": "results",
        "units-TOTAL_FORMS": str(len(units)),
        "units-INITIAL_FORMS": str(len(units)),
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
    }
    for n, (unit, (mark, result)) in enumerate(zip(units, values, strict=True)):
        data[f"units-{n}-id"] = unit.pk
        data[f"units-{n}-mark"] = mark
        data[f"units-{n}-result"] = result
    return data


def test_the_director_registers_a_pupil_with_every_unit(client_for, director, lea, version):
    client = client_for(director)
    page = client.get(reverse("skills:registration_add") + f"?eleve={lea.pk}")
    assert page.context["form"].initial["version"] == version.pk
    response = client.post(
        reverse("skills:registration_add"),
        {
            "student": lea.pk,
            "version": version.pk,
            "session_year": 2027,
            "number": "02712345",
            "centre": "Lycée X",
        },
    )
    registration = ExamRegistration.objects.get()
    assert response["Location"] == reverse("skills:registration", args=[registration.pk])
    assert sorted(u.bloc.code for u in registration.units.all()) == ["UG2", "UP2"]
    # Twice is refused, with a message.
    again = client.post(
        reverse("skills:registration_add"),
        {"student": lea.pk, "version": version.pk, "session_year": 2027},
    )
    assert again.status_code == 200 and again.context["form"].errors["session_year"]


def test_the_director_unticks_a_unit_and_enters_the_results(
    client_for, director, registration, version
):
    url = reverse("skills:registration", args=[registration.pk])
    client = client_for(director)
    general = version.blocs.get(code="UG2")
    workshop = version.blocs.get(code="UP2")
    client.post(url, {"action": "details", "number": "N1", "centre": "C", "units": [workshop.pk]})
    assert [u.bloc for u in registration.units.all()] == [workshop]
    response = client.post(url, results_post(registration, [("12.5", "")]))
    assert response.status_code == 302
    unit = registration.units.get()
    assert unit.result == "passed" and str(unit.mark) == "12.50"  # 10 or more: kept
    assert unit.history.count() == 2
    assert general not in [u.bloc for u in registration.units.all()]


@pytest.mark.parametrize(
    ("mark", "result"), [("25", ""), ("12", "absent"), ("x", ""), ("8", "nonsense")]
)
def test_a_bad_unit_result_is_a_form_error(client_for, director, registration, mark, result):
    url = reverse("skills:registration", args=[registration.pk])
    response = client_for(director).post(
        url, results_post(registration, [(mark, result), ("", "")])
    )
    assert response.status_code == 200 and any(response.context["results"].errors)
    assert not registration.units.exclude(result="").exists()


def test_the_outcome_is_confirmed_first_then_kept_in_the_history(
    client_for, director, registration
):
    url = reverse("skills:registration", args=[registration.pk])
    client = client_for(director)
    # Not before every unit has its result.
    early = client.post(url, {"action": "outcome", "outcome": "good"})
    assert early.status_code == 200 and early.context["outcome"].errors
    client.post(url, results_post(registration, [("14", ""), ("11", "")]))
    first = client.post(url, {"action": "outcome", "outcome": "good"})
    assert first.status_code == 200 and "confirmed" in first.content.decode()
    registration.refresh_from_db()
    assert registration.outcome == ""
    done = client.post(url, {"action": "outcome", "outcome": "good", "confirmed": "yes"})
    assert done.status_code == 302
    registration.refresh_from_db()
    assert registration.outcome == "good"
    latest = registration.history.latest()
    assert latest.outcome == "good" and latest.history_user == director
    # Absent needs no unit result.
    assert registration.get_outcome_display() in client.get(url).content.decode()


def test_exam_access(
    client_for, office, woodwork_trainer, machining_trainer, teacher, accountant, registration
):
    url = reverse("skills:registration", args=[registration.pk])
    for reader in (office, woodwork_trainer):
        assert client_for(reader).get(url).status_code == 200
        response = client_for(reader).post(url, {"action": "outcome", "outcome": "absent"})
        assert response.status_code == 403
    assert client_for(machining_trainer).get(url).status_code == 404
    assert client_for(teacher).get(url).status_code == 403
    assert client_for(accountant).get(url).status_code == 403
    for name in ("registration_add", "pupil_choices"):
        assert client_for(office).get(reverse(f"skills:{name}")).status_code == 403
    registration.refresh_from_db()
    assert registration.outcome == ""


def test_the_exams_list_links_the_unregistered_finalists_to_their_registration(
    client_for, director, office, lea
):
    page = client_for(director).get(reverse("skills:exams")).content.decode()
    assert reverse("skills:registration_add") + f"?eleve={lea.pk}" in page
    assert reverse("skills:registration_add") not in (
        client_for(office).get(reverse("skills:exams")).content.decode()
    )
