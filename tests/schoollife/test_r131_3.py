"""A hors-contrat school's declarations hold what Code de l'éducation R131-3 lists (issue
#27 §5): for the pupil, names, sex, date and place of birth, domicile, the training
followed this school year and the previous one; for the persons responsible, their link to
the pupil, names, domicile and profession. The PDF cites R131-3."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from students.models import Guardian, Student
from tests.pdftext import pdf_text
from tests.training.conftest import make_pupil


def declared(woodwork):
    """Léa entered in September 2026 from a 3e; Tom is in his second year here."""
    lea = make_pupil(
        woodwork, "Léa", "Morel", dt.date(2011, 6, 1), entry_date=dt.date(2026, 9, 1),
        cohort=2026, birth_place="Villeurbanne", previous_situation="school",
        previous_class="3e", programme_title="CAP Menuisier fabricant",
    )  # fmt: skip
    Guardian.objects.create(
        student=lea, relationship="mother", first_name="Anne", last_name="Morel",
        address="3 rue Haute", postal_code="69100", city="Villeurbanne",
        profession="Infirmière", email="anne.morel@exemple.fr",
    )  # fmt: skip
    tom = make_pupil(
        woodwork, "Tom", "Berger", dt.date(2010, 3, 2), birth_place="Lyon 3e",
        programme_title="CAP Menuisier fabricant", programme_year=2,
    )  # fmt: skip
    Guardian.objects.create(
        student=tom, relationship="father", first_name="Marc", last_name="Berger",
        address="9 quai Perrache", postal_code="69002", city="Lyon", profession="Chauffeur",
        phone="06 00 00 00 01",
    )  # fmt: skip
    return lea, tom


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_holds_what_r131_3_lists(client_for, office, woodwork):
    declared(woodwork)
    response = client_for(office).get(
        reverse("schoollife:declarations"), {"kind": "year", "month": "2026-09", "format": "csv"}
    )
    lines = {r["Nom"]: r for r in rows(response)}
    lea, tom = lines["Morel"], lines["Berger"]
    assert lea["Lieu de naissance"] == "Villeurbanne"
    assert lea["Formation de l'année précédente"] == "Scolarité : 3e"
    assert "CAP Menuisier fabricant" in lea["Formation suivie cette année"]
    assert lea["Responsable 1 : lien"] == "Mère"
    assert lea["Responsable 1 : nom"] == "Anne Morel"
    assert lea["Responsable 1 : domicile"] == "3 rue Haute 69100 Villeurbanne"
    assert lea["Responsable 1 : profession"] == "Infirmière"
    assert tom["Lieu de naissance"] == "Lyon 3e"
    assert tom["Formation de l'année précédente"] == "CAP Menuisier fabricant, 1re année"
    assert tom["Responsable 1 : profession"] == "Chauffeur"


def test_the_pdf_cites_r131_3_and_holds_what_it_lists(client_for, office, woodwork):
    declared(woodwork)
    response = client_for(office).get(
        reverse("schoollife:declarations"), {"kind": "year", "month": "2026-09", "format": "pdf"}
    )
    text = pdf_text(response.content)
    assert "R131-3" in text
    for value in ("Villeurbanne", "Infirmière", "Chauffeur", "Mère", "3e", "1re année"):
        assert value in text, value


def test_the_previous_years_training_of_a_pupil_out_of_school(woodwork):
    pupil = make_pupil(
        woodwork, "Noa", "Petit", dt.date(2011, 1, 1), entry_date=dt.date(2026, 9, 1),
        cohort=2026, previous_situation="out_of_school",
        out_of_school_since=dt.date(2025, 12, 1),
    )  # fmt: skip
    assert (
        pupil.previous_year_training(dt.date(2026, 9, 1)) == "Hors scolarité depuis le 01/12/2025"
    )
    assert Student(previous_situation="").previous_year_training(dt.date(2026, 9, 1)) == ""
