"""Issue #27: overrides of a minor's legal limits granted before they were refused are
shown once to the director on his home page (pupil, day, which limit), until he
acknowledges them; who acknowledged and when is kept on each override."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.test_confirmations import asks_first, text
from tests.training.conftest import at, log
from training.models import Override

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 10, 6)
ACK = "training:legal_overrides_acknowledge"


@pytest.fixture
def granted(young, older, table_order, director):
    """A night and a weekly override of two pupils' work logs, and an allowance override
    (the school's own rule, still allowed)."""
    night = log(young, table_order, at(DAY, 20, 30), at(DAY, 23, 59), director)
    week = log(older, table_order, at(DAY, 8), at(DAY, 12), director)
    rows = [
        (young, "night", night, "commande urgente"),
        (older, "weekly", week, "salon"),
        (young, "balance", night, "rattrapage"),
    ]
    return [
        Override.objects.create(
            student=pupil,
            rule=rule,
            day=DAY,
            detail="x",
            reason=reason,
            work_log=worklog,
            granted_by=director,
        )  # fmt: skip
        for pupil, rule, worklog, reason in rows
    ]


def test_the_director_sees_each_legal_override_until_he_acknowledges_it(client, director, granted):
    client.force_login(director)
    page = text(client.get("/"))
    assert "Dérogations aux limites légales accordées avant leur interdiction" in page
    assert "Léa Martin" in page and "Hugo Bernard" in page
    assert "06/10/2026" in page
    assert "Travail de nuit" in page or "Heures de nuit" in page
    assert "Heures par semaine" in page
    assert "rattrapage" not in page  # the allowance is the school's own rule

    url = reverse(ACK)
    asks_first(
        client, url, {}, lambda: Override.objects.filter(acknowledged_at__isnull=False).exists(),
        says="Prendre acte",
    )  # fmt: skip
    acknowledged = Override.objects.filter(rule__in=["night", "weekly"])
    assert {(o.acknowledged_by, o.acknowledged_at is not None) for o in acknowledged} == {
        (director, True)
    }
    assert Override.objects.get(rule="balance").acknowledged_at is None
    assert "Dérogations aux limites légales" not in text(client.get("/"))
    # History is not rewritten: the overrides are all still there.
    assert Override.objects.count() == 3


def test_only_the_director_sees_or_acknowledges_them(client, office, woodwork_trainer, granted):
    for user in (office, woodwork_trainer):
        client.force_login(user)
        assert "Dérogations aux limites légales" not in text(client.get("/"))
        assert client.post(reverse(ACK), {"confirmed": "yes"}).status_code in (403, 404)
    assert not Override.objects.filter(acknowledged_at__isnull=False).exists()


def test_no_notice_without_a_legal_override(client, director, young, table_order):
    Override.objects.create(
        student=young, rule="balance", day=DAY, detail="x", reason="r", granted_by=director
    )
    client.force_login(director)
    assert "Dérogations aux limites légales" not in text(client.get("/"))
