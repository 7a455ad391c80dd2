"""Issue #16, the finish: the school's own error pages, the password-reset mail, labels
with a capital, a phone menu that holds every entry of the role."""

from __future__ import annotations

import html
import re

import pytest
from django import forms
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from ecoles.models import School
from ecoles.navigation import entries_for

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_schools_own_in_french_with_a_way_back(client_for, office):
    response = client_for(office).get("/pas-de-page-ici/")
    body = html.unescape(response.content.decode())
    assert response.status_code == 404
    assert "Page introuvable" in body
    assert f'href="{reverse("home")}"' in body and "Revenir à mon accueil" in body


@override_settings(DEBUG=False)
def test_a_refused_page_says_so_in_french_with_a_way_back(client_for, teacher):
    response = client_for(teacher).get(reverse("billing:invoices"))
    body = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert "Accès refusé" in body
    assert "Revenir à mon accueil" in body


def test_the_server_error_page_renders_without_a_request_in_french():
    body = html.unescape(render_to_string("500.html"))
    assert "Une erreur s'est produite" in body
    assert 'href="/"' in body


def test_the_password_reset_mail_links_with_site_url_and_is_signed_by_the_school(
    client, woodwork_trainer, school, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://ecole.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    School.objects.filter(pk=school.pk).update(name="École de Production de Lyon")
    woodwork_trainer.email = "marc@example.org"
    woodwork_trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"), {"email": "marc@example.org"}, HTTP_HOST="evil.example"
        )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail = mailoutbox[0]
    assert re.search(r"https://ecole\.example\.org/compte/reset/\S+/\S+/", mail.body)
    assert "evil.example" not in mail.body
    assert "École de Production de Lyon" in mail.subject
    assert mail.body.rstrip().splitlines()[-2] == "École de Production de Lyon"


class LowercaseForm(forms.Form):
    reason = forms.CharField(label="motif de la correction")


def test_every_form_label_starts_with_a_capital():
    body = render_to_string("includes/form.html", {"form": LowercaseForm()})
    assert ">Motif de la correction" in body
    assert ">motif" not in body


@pytest.mark.parametrize("persona", ["woodwork_trainer", "director", "accountant"])
def test_the_phone_menu_holds_every_entry_of_the_role(client_for, request, persona):
    user = request.getfixturevalue(persona)
    body = client_for(user).get(reverse("home")).content.decode()
    phone_menu = body.split('<details class="nav-phone">')[1].split("</details>")[0]
    for entry in entries_for(user):
        assert f'href="{entry["url"]}"' in phone_menu


def test_the_trainers_home_marks_a_late_order_as_late(
    client_for, woodwork_trainer, woodwork, school
):
    import datetime as dt

    from orders.models import Customer, Order

    customer = Customer.objects.create(kind="individual", name="M. Roche")
    Order.objects.create(
        customer=customer, title="Buffet", workshop=woodwork, trainer=woodwork_trainer,
        status=Order.Status.IN_PRODUCTION, promised_date=dt.date(2020, 1, 6),
    )  # fmt: skip
    Order.objects.create(
        customer=customer, title="Banc", workshop=woodwork, trainer=woodwork_trainer,
        status=Order.Status.IN_PRODUCTION, promised_date=dt.date(2099, 1, 6),
    )  # fmt: skip
    body = client_for(woodwork_trainer).get(reverse("home")).content.decode()
    buffet = body.split(">Buffet</a>")[1].split("</li>")[0]
    banc = body.split(">Banc</a>")[1].split("</li>")[0]
    assert "en retard" in buffet
    assert "en retard" not in banc


def test_the_budget_chart_tells_june_from_july(client_for, director, school):
    body = client_for(director).get(reverse("budget:overview")).content.decode()
    assert "juin" in body and "juil." in body
    assert ">jui<" not in body


# A colon glued to a translated word after the tag: French wants a space before it
# ("Commandes :"), English none. The colon belongs in the msgid ("Orders:").
GLUED_COLON = re.compile(r"\{%\s*(?:translate|trans|endblocktranslate|endblocktrans)\b[^%]*%\}:")


def test_no_template_glues_a_colon_to_a_translated_word():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    glued = [
        f"{path.relative_to(root)}:{number}"
        for path in root.glob("*/templates/**/*.html")
        if ".venv" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if GLUED_COLON.search(line)
    ] + [
        f"{path.relative_to(root)}:{number}"
        for path in (root / "templates").glob("**/*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if GLUED_COLON.search(line)
    ]
    assert glued == [], "put the colon in the msgid: " + ", ".join(glued)
