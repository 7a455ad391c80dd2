"""Issue 29, done when: the director invites, suspends and restores a trainer without the
admin, here on a 360 px phone, each page no wider than the screen."""

from __future__ import annotations

import pytest

from ecoles import roles
from ecoles.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.test_phone_width import WIDTH

pytestmark = pytest.mark.django_db(transaction=True)


def fits(phone) -> None:
    width, viewport = phone.evaluate(WIDTH)
    assert width <= viewport, f"{phone.url}: {width} px on a {viewport} px screen"


def test_the_director_invites_suspends_and_restores_a_trainer_on_a_phone(phone, director, woodwork):
    log_in(phone, director.username, PASSWORD)
    phone.goto("/comptes/personnel/")
    fits(phone)
    phone.click("text=Inviter un membre du personnel")
    fits(phone)
    phone.fill("input[name=first_name]", "Karim")
    phone.fill("input[name=last_name]", "Haddad")
    phone.fill("input[name=email]", "karim.haddad@ecole.fr")
    phone.check(f"input[name=roles][value='{roles.TRAINER}']")
    phone.check(f"input[name=workshops][value='{woodwork.pk}']")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "est invité" in phone.content()
    fits(phone)
    member = User.objects.get(username="karim.haddad@ecole.fr")
    assert list(member.workshops.all()) == [woodwork]

    phone.click("text=Suspendre l’accès")
    assert "Suspendre l’accès de Karim Haddad" in phone.content()
    fits(phone)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert not User.objects.get(pk=member.pk).is_active
    assert "Suspendu" in phone.content()

    phone.click("text=Rétablir l’accès")
    phone.wait_for_load_state()
    assert User.objects.get(pk=member.pk).is_active
    assert "peut à nouveau se connecter" in phone.content()
    fits(phone)
