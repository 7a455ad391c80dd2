"""A declaration of derogation rests on a risk assessment made before it (Code du travail
R4153-40 1°), and its information changed is sent again to the inspector within 8 days
(R4153-42): the change is flagged, with its deadline, until the update is recorded sent."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from safety.models import Declaration, DeclarationUpdate, Kind, Machine
from tests.safety.conftest import TODAY


def declaration_data(saw, trainer, **extra) -> dict:
    data = {
        "sent_on": "2026-11-02", "method": "letter", "machines": [saw.pk],
        "risk_assessed_on": "2026-10-15",
        "trainings": "CAP Menuisier", "places": "Atelier, Lyon", "inspection_office": "DREETS",
        "supervisors-TOTAL_FORMS": "1", "supervisors-INITIAL_FORMS": "0",
        "supervisors-MIN_NUM_FORMS": "1", "supervisors-MAX_NUM_FORMS": "1000",
        "supervisors-0-person": trainer.pk, "supervisors-0-role": "Maître professionnel",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_declaration_records_the_date_of_the_risk_assessment_it_rests_on(
    client_for, director, woodwork_trainer, saw
):
    client = client_for(director)
    response = client.post(
        reverse("safety:declaration_add"), declaration_data(saw, woodwork_trainer)
    )
    assert response.status_code == 302
    assert Declaration.objects.get().risk_assessed_on == dt.date(2026, 10, 15)


def test_without_the_risk_assessment_or_with_one_made_after_it_is_a_form_error(
    client_for, director, woodwork_trainer, saw
):
    client = client_for(director)
    for bad in ("", "2026-11-05"):
        data = declaration_data(saw, woodwork_trainer, risk_assessed_on=bad)
        response = client.post(reverse("safety:declaration_add"), data)
        assert response.status_code == 200 and 'class="error"' in response.content.decode(), bad
    assert not Declaration.objects.exists()


def test_the_declaration_page_and_pdf_give_the_risk_assessment_date(
    client_for, office, declaration
):
    Declaration.objects.filter(pk=declaration.pk).update(risk_assessed_on=dt.date(2024, 12, 2))
    client = client_for(office)
    page = client.get(reverse("safety:declaration", args=[declaration.pk])).content.decode()
    assert "02/12/2024" in page and "R4153-40" in page


def test_a_new_machine_not_covered_flags_the_declaration_for_update_within_8_days(
    client_for, director, woodwork, declaration
):
    client = client_for(director)
    response = client.post(
        reverse("safety:machine_add"),
        {"workshop": woodwork.pk, "inventory_number": "MEN-009", "name": "Toupie",
         "kind": Kind.MACHINES, "in_use": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    update = DeclarationUpdate.objects.get()
    assert (update.declaration, update.changed_on, update.due_on) == (
        declaration, TODAY, dt.date(2026, 11, 26),
    )  # fmt: skip
    assert "Toupie" in update.what
    home = client.get(reverse("home")).content.decode()
    assert "à mettre à jour auprès de l&#x27;inspection du travail avant le 26/11/2026" in home
    page = client.get(reverse("safety:index")).content.decode()
    assert "26/11/2026" in page


def test_a_machine_the_declaration_covers_flags_nothing(client_for, director, saw, declaration):
    client_for(director).post(
        reverse("safety:machine_edit", args=[saw.pk]),
        {"workshop": saw.workshop_id, "inventory_number": saw.inventory_number,
         "name": "Scie circulaire à format", "kind": Kind.MACHINES, "in_use": "on"},
    )  # fmt: skip
    assert Machine.objects.get().name == "Scie circulaire à format"
    assert not DeclarationUpdate.objects.exists()


def test_the_director_records_a_change_then_the_update_sent_and_the_flag_goes(
    client_for, director, office, declaration
):
    url = reverse("safety:declaration", args=[declaration.pk])
    office_post = client_for(office).post(
        url, {"action": "change", "changed_on": "2026-11-16", "what": "Nouvelle formation"}
    )
    assert office_post.status_code == 403
    client = client_for(director)
    bad = client.post(url, {"action": "change", "changed_on": "2026-11-16", "what": ""})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()
    assert not DeclarationUpdate.objects.exists()

    client.post(url, {"action": "change", "changed_on": "2026-11-16", "what": "Bac Pro ajouté"})
    update = DeclarationUpdate.objects.get()
    assert update.due_on == dt.date(2026, 11, 24)
    assert "24/11/2026" in client.get(reverse("home")).content.decode()

    response = client.post(url, {"action": "sent", "update": update.pk, "sent_on": "2026-11-18"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.sent_on == TODAY
    home = client.get(reverse("home")).content.decode()
    assert "à mettre à jour" not in home
    assert "18/11/2026" in client.get(url).content.decode()


def test_an_update_sent_before_the_change_is_a_form_error(client_for, director, declaration):
    update = DeclarationUpdate.objects.create(
        declaration=declaration, changed_on=dt.date(2026, 11, 16), what="Bac Pro",
        recorded_by=director,
    )  # fmt: skip
    url = reverse("safety:declaration", args=[declaration.pk])
    response = client_for(director).post(
        url, {"action": "sent", "update": update.pk, "sent_on": "2026-11-10"}
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    update.refresh_from_db()
    assert update.sent_on is None


def test_a_covered_machine_whose_regulated_work_changes_flags_its_declaration(
    client_for, director, saw, declaration
):
    client_for(director).post(
        reverse("safety:machine_edit", args=[saw.pk]),
        {"workshop": saw.workshop_id, "inventory_number": saw.inventory_number,
         "name": saw.name, "kind": Kind.MAINTENANCE, "in_use": "on"},
    )  # fmt: skip
    update = DeclarationUpdate.objects.get()
    assert update.declaration == declaration and "désormais" in update.what
