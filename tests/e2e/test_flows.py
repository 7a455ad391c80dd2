"""The daily paths, end to end in a real browser: the trainer's team entry on a phone,
the director's override of a balance refusal."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from billing.models import Invoice
from orders.models import Customer, Order, OrderLine
from students.models import Student
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from training.models import Override, WorkLog

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
DAY = dt.date(2026, 11, 18)  # a Wednesday of the school year


def pupil(workshop, first: str, last: str) -> Student:
    return Student.objects.create(
        first_name=first,
        last_name=last,
        birth_date=dt.date(2010, 4, 1),
        workshop=workshop,
        entry_date=dt.date(2025, 9, 1),
        cohort=2025,
    )


@pytest.fixture
def order(woodwork, woodwork_trainer):
    customer = Customer.objects.create(kind="individual", name="M. Roche")
    return Order.objects.create(
        customer=customer,
        title="Bibliothèque en chêne",
        workshop=woodwork,
        trainer=woodwork_trainer,
        status=Order.Status.ACCEPTED,
    )


def fill_team_entry(page, order, pupils) -> None:
    page.goto("/temps/equipe/")
    page.select_option("select[name=order]", str(order.pk))
    page.fill("input[name=date]", DAY.isoformat())
    page.check("input[name=slot][value=morning]")
    for p in pupils:
        page.check(f"input[name=students][value='{p.pk}']")
    page.click("main .sticky-save button")
    page.wait_for_load_state()


def test_a_trainer_logs_a_morning_for_his_team_on_a_phone(phone, woodwork, woodwork_trainer, order):
    team = [pupil(woodwork, "Léa", "Martin"), pupil(woodwork, "Hugo", "Bernard")]
    log_in(phone, "wood", PASSWORD)
    fill_team_entry(phone, order, team)
    logs = WorkLog.objects.filter(order=order)
    assert logs.count() == 2
    assert {log.student for log in logs} == set(team)
    first = logs.first().start.astimezone(PARIS)
    assert (first.date(), first.hour, first.minute) == (DAY, 8, 30)
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PRODUCTION  # the first log starts production


def test_enter_in_the_task_field_saves_and_the_page_fits_the_phone(
    phone, woodwork, woodwork_trainer, order
):
    """Enter submits the save, not the machine check before it (issue #16)."""
    team = [pupil(woodwork, "Léa", "Martin"), pupil(woodwork, "Hugo", "Bernard")]
    log_in(phone, "wood", PASSWORD)
    phone.goto("/temps/equipe/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.select_option("select[name=order]", str(order.pk))
    phone.fill("input[name=date]", DAY.isoformat())
    phone.check("input[name=slot][value=morning]")
    for p in team:
        phone.check(f"input[name=students][value='{p.pk}']")
    phone.fill("input[name=task]", "Ponçage")
    phone.press("input[name=task]", "Enter")
    phone.wait_for_load_state()
    assert WorkLog.objects.filter(order=order, task="Ponçage").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_select_all_leaves_out_the_pupil_already_busy_in_the_slot(
    phone, woodwork, woodwork_trainer, order
):
    lea, hugo = pupil(woodwork, "Léa", "Martin"), pupil(woodwork, "Hugo", "Bernard")
    WorkLog.objects.create(
        order=order,
        student=hugo,
        start=dt.datetime.combine(DAY, dt.time(8, 30), tzinfo=PARIS),
        end=dt.datetime.combine(DAY, dt.time(12), tzinfo=PARIS),
        logged_by=woodwork_trainer,
    )
    log_in(phone, "wood", PASSWORD)
    phone.goto(f"/temps/equipe/?date={DAY.isoformat()}&slot=morning")
    hugos = f"label.pick:has(input[name=students][value='{hugo.pk}'])"
    assert "déjà saisi" in phone.inner_text(hugos)
    phone.check("[data-select-all]")
    assert phone.is_checked(f"input[name=students][value='{lea.pk}']")
    assert not phone.is_checked(f"input[name=students][value='{hugo.pk}']")
    phone.check("input[name=slot][value=afternoon]")  # free in the afternoon: select all takes him
    phone.uncheck("[data-select-all]")
    phone.check("[data-select-all]")
    assert phone.is_checked(f"input[name=students][value='{hugo.pk}']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_director_overrides_a_balance_refusal_with_a_reason(page, woodwork, director, order):
    hugo = pupil(woodwork, "Hugo", "Bernard")
    # 24 h 30 of production already this school year, no theory: over the 24 h allowance.
    WorkLog.objects.bulk_create(
        WorkLog(
            order=order,
            student=hugo,
            start=dt.datetime(2026, 11, day, 8, 30, tzinfo=PARIS),
            end=dt.datetime(2026, 11, day, 12, 0, tzinfo=PARIS),
            logged_by=director,
        )
        for day in (2, 3, 4, 5, 6, 9, 10)
    )
    log_in(page, "dir", PASSWORD)
    fill_team_entry(page, order, [hugo])
    assert WorkLog.objects.filter(student=hugo).count() == 7
    assert "théorie" in page.inner_text("main")  # says how much theory he is short
    page.fill("[name=override_reason]", "Livraison urgente validée avec la famille")
    page.click("main .sticky-save button")
    page.wait_for_load_state()
    assert WorkLog.objects.filter(student=hugo).count() == 8
    override = Override.objects.get()
    assert override.reason == "Livraison urgente validée avec la famille"
    assert page.goto(f"/temps/eleves/{hugo.pk}/").status == 200
    assert "Livraison urgente validée avec la famille" in page.inner_text("main")


def test_the_office_takes_an_order_from_quote_to_paid_invoice_and_downloads_it(
    page, woodwork, office, school, settings, tmp_path
):
    from decimal import Decimal

    settings.MEDIA_ROOT = tmp_path
    customer = Customer.objects.create(kind="individual", name="Mme Garnier", city="Lyon")
    order = Order.objects.create(customer=customer, title="Comptoir en chêne", workshop=woodwork)
    OrderLine(
        order=order,
        description="Comptoir",
        quantity=Decimal("1"),
        unit_price=Decimal("1200"),
        vat_rate=Decimal("20"),
    ).compute().save()
    log_in(page, "office", PASSWORD)
    # Sending the quote is one step (issue #29): here handed over, then confirmed.
    page.goto(f"/commandes/{order.pk}/")
    page.click(f"a[href$='/{order.pk}/devis/envoyer/']")
    page.wait_for_load_state()
    page.check("input[name=how][value=hand]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.click("main form button[type=submit]")  # the confirmation
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == "sent"
    for action in ["accept", "start_production"]:
        page.goto(f"/commandes/{order.pk}/")
        page.click(f"form[action$='/action/{action}/'] button")
        page.wait_for_load_state()
    page.goto(f"/commandes/{order.pk}/livraison/")
    page.check("input[name=verdict][value=conforms]")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click(f"a[href$='/{order.pk}/facturer/']")
    page.wait_for_load_state()
    assert "Émettre cette facture ?" in page.inner_text("main")  # the preview, nothing issued yet
    assert not Invoice.objects.exists()
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    invoice = Invoice.objects.get()
    assert invoice.number in page.inner_text("main")
    page.goto(f"/commandes/factures/{invoice.pk}/")
    page.click("details:has(form[action$='/paiement/']) summary")
    page.fill("input[name=amount]", "1440.00")
    page.select_option("select[name=method]", "transfer")
    page.click("form[action$='/paiement/'] button")
    page.wait_for_load_state()
    assert page.locator(".confirm-step").count() == 1  # money recorded: asked first
    assert not invoice.payments.exists()
    page.click(".confirm-step form button[type=submit]")
    page.wait_for_load_state()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; "
            "document.body.appendChild(a); a.click(); }",
            f"/commandes/factures/{invoice.pk}/pdf/",
        )
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
