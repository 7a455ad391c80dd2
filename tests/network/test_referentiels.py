"""Référentiels the network publishes: the hub serialises a checked version with its
blocs and competencies; a school lists them, imports one in one step (the CSV import's
rules: all or nothing) and is told when a newer version of a diploma it has is out.
School and hub share one database here: the hub's copy is removed before the school
imports, as if they were two."""

from __future__ import annotations

import copy
import html
from pathlib import Path

import pytest
from django.urls import reverse

from network import referentiels
from network.models import PublishedReferentiel
from skills import importing
from skills.models import Bloc, Competency, Diploma, DiplomaVersion

SHIPPED = Path(importing.__file__).resolve().parent / "referentiels" / "cap-menuisier-fabricant.csv"


@pytest.fixture
def published(db, hub):
    with SHIPPED.open("rb") as upload:
        assert importing.import_file(upload).ok
    version = DiplomaVersion.objects.get()
    item = referentiels.publish(version, by="nadia")
    counts = (Bloc.objects.count(), Competency.objects.count())
    code, label = version.diploma.code, version.label
    Bloc.objects.all().delete()
    DiplomaVersion.objects.all().delete()
    Diploma.objects.all().delete()
    return item, counts, code, label


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_network_publishes_a_version_with_its_blocs_and_competencies(published, client):
    item, (blocs, competencies), code, label = published
    listing = client.get("/reseau/api/v1/referentiels/").json()["referentiels"]
    assert [(r["code"], r["version"]) for r in listing] == [(code, label)]
    content = client.get(f"/reseau/api/v1/referentiels/{item.pk}/").json()
    assert len(content["rows"]) == competencies
    assert len({row["bloc_code"] for row in content["rows"]}) == blocs


def test_a_school_imports_one_in_one_step(published, client_for, director, through_test_client):
    item, (blocs, competencies), code, label = published
    client = client_for(director)
    listed = text(client.get(reverse("network:referentiels")))
    assert item.title in listed and reverse("network:referentiel_import") in listed
    response = client.post(reverse("network:referentiel_import"), {"id": item.pk}, follow=True)
    assert response.status_code == 200
    version = DiplomaVersion.objects.get(diploma__code=code, label=label)
    assert version.blocs.count() == blocs
    assert Competency.objects.filter(bloc__version=version).count() == competencies
    assert referentiels.offers()[0].imported


def test_importing_again_adds_nothing(published, client_for, director, through_test_client):
    item = published[0]
    client = client_for(director)
    client.post(reverse("network:referentiel_import"), {"id": item.pk})
    before = Competency.objects.count()
    client.post(reverse("network:referentiel_import"), {"id": item.pk})
    assert Competency.objects.count() == before


def test_the_school_is_told_when_a_newer_version_is_published(
    published, client_for, director, through_test_client
):
    item, _counts, code, _label = published
    client = client_for(director)
    client.post(reverse("network:referentiel_import"), {"id": item.pk})
    newer = copy.deepcopy(item.content)
    newer["version"] = "2030"
    for row in newer["rows"]:
        row["version"] = "2030"
    PublishedReferentiel.objects.create(
        code=code, title=item.title, version="2030", content=newer, published_by="nadia"
    )
    offers = {o.version: o for o in referentiels.offers()}
    assert offers["2030"].newer and not offers["2030"].imported
    assert not offers[item.version].newer
    body = text(client.get(reverse("network:referentiels")))
    assert "Une version plus récente d'un diplôme que vous préparez est publiée." in body
    assert "plus récent que le vôtre" in body


def test_a_hub_that_does_not_answer_is_said_on_the_page(client_for, director, settings):
    settings.NETWORK_URL = "http://127.0.0.1:9/reseau/api/v1/"
    body = text(client_for(director).get(reverse("network:referentiels")))
    assert 'class="form-errors" role="alert"' in body
    bad = client_for(director).post(reverse("network:referentiel_import"), {"id": "x"})
    assert bad.status_code == 302 and not DiplomaVersion.objects.exists()
