"""Orders pages: who sees what (role × page), forms in French, fixed query counts, and the
office's whole path from quote to paid invoice in the browser."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import invoicing
from billing.models import Invoice, Payment
from orders.models import Customer, Material, Order

pytestmark = pytest.mark.django_db

PERSONAS = ["director", "office", "woodwork_trainer", "machining_trainer", "teacher", "accountant"]


@pytest.fixture
def world(make_order, woodwork, machining, company, office):
    draft = make_order(woodwork, company)
    producing = make_order(woodwork, company, status="in_production")
    rework = make_order(woodwork, company, status="rework")
    invoiced = make_order(woodwork, company, status="invoiced")
    invoice = invoiced.invoices.get()
    note = invoicing.issue_credit_note(
        invoice, office, reason="Remise", amount_excl_vat=Decimal("10"), render=False
    )
    payment = invoicing.record_payment(
        invoice, office, date=invoice.issue_date, amount=Decimal("50"), method="cheque"
    )
    return {
        "draft": draft,
        "producing": producing,
        "rework": rework,
        "invoice": invoice,
        "note": note,
        "payment": payment,
        "customer": company,
    }


OK, DENIED, HIDDEN = 200, 403, 404
MONEY = {"director": OK, "office": OK, "accountant": OK}
FRONT = {"director": OK, "office": OK}
WORK = {"director": OK, "office": OK, "woodwork_trainer": OK, "machining_trainer": HIDDEN}
SEE = {**WORK, "accountant": OK}

# (url name, object key or None, {persona: status}; everyone else: 403)
MATRIX = [
    ("orders:list", None, {**SEE, "machining_trainer": OK}),
    ("orders:add", None, {**WORK, "machining_trainer": OK}),
    ("orders:detail", "draft", SEE),
    ("orders:edit", "draft", WORK),
    ("orders:lines", "draft", WORK),
    ("orders:deliver", "producing", WORK),
    ("orders:deliver", "rework", WORK),
    ("orders:verdict", "rework", {"director": OK}),
    ("orders:quote_pdf", "draft", SEE),
    ("billing:customers", None, MONEY),
    ("orders:customer_add", None, FRONT),
    ("billing:customer_detail", "customer", MONEY),
    ("orders:customer_edit", "customer", FRONT),
    ("billing:invoices", None, MONEY),
    ("billing:invoice_export", None, MONEY),
    ("billing:invoice_detail", "invoice", MONEY),
    ("billing:invoice_pdf", "invoice", MONEY),
    ("billing:credit_note_add", "invoice", MONEY),
    ("billing:credit_note_pdf", "note", MONEY),
    ("billing:payment_reverse", "payment", MONEY),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "key", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_role_page_matrix(
    request, client_for, world, settings, tmp_path, persona, name, key, allowed
):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(persona)
    args = [world[key].pk] if key else []
    response = client_for(user).get(reverse(name, args=args))
    assert response.status_code == allowed.get(persona, DENIED)


def test_a_trainer_sees_only_his_workshops_orders_and_no_other_prices(
    make_order, woodwork, machining, company, woodwork_trainer, client_for
):
    mine = make_order(woodwork, company, lines=[("1", "111.11", "20")])
    other = make_order(machining, company, lines=[("1", "987.65", "20")])
    body = client_for(woodwork_trainer).get(reverse("orders:list")).content.decode()
    assert mine.reference in body
    assert other.reference not in body
    assert "987,65" not in body
    client = client_for(woodwork_trainer)
    assert client.post(reverse("orders:action", args=[other.pk, "cancel"])).status_code == 404
    assert client.post(reverse("orders:material_add", args=[other.pk]), {}).status_code == 404


def test_a_trainer_cannot_issue_an_invoice(delivered, woodwork_trainer, client_for):
    response = client_for(woodwork_trainer).post(
        reverse("billing:invoice_issue", args=[delivered.pk])
    )
    assert response.status_code == 403
    assert not Invoice.objects.exists()


def test_a_bad_siret_is_refused_in_french_and_nothing_is_saved(office, client_for):
    data = {
        "kind": "company", "name": "Faux SARL", "siret": "12345678901234", "vat_number": "",
        "country": "France", "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client_for(office).post(reverse("orders:customer_add"), data)
    assert response.status_code == 200
    assert "ni un SIRET valide" in html.unescape(response.content.decode())
    assert not Customer.objects.exists()


def test_an_individual_needs_no_siret_and_a_company_does(office, client_for):
    base = {"country": "France", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    client = client_for(office)
    client.post(reverse("orders:customer_add"), {**base, "kind": "individual", "name": "M. Roux"})
    response = client.post(reverse("orders:customer_add"), {**base, "kind": "company", "name": "X"})
    assert "Une entreprise doit avoir son SIRET" in html.unescape(response.content.decode())
    assert list(Customer.objects.values_list("name", flat=True)) == ["M. Roux"]


def test_a_trainer_cannot_create_an_order_in_another_workshop(
    company, machining, woodwork, woodwork_trainer, client_for
):
    response = client_for(woodwork_trainer).post(
        reverse("orders:add"),
        {
            "customer": company.pk,
            "title": "Pièces",
            "workshop": machining.pk,
            "estimated_hours": "4",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html.unescape(response.content.decode())
    assert not Order.objects.exists()


def test_the_new_order_form_offers_the_customers_of_the_last_two_years(
    company, individual, woodwork, make_order, office, client_for
):
    """A customer who has not ordered for three years is left out of the list (it would
    grow with every year of history), but its own link still opens the form on it, and
    an order of it can still be saved and edited."""
    old = dt.datetime(2023, 6, 1, tzinfo=dt.UTC)
    Customer.objects.filter(pk=company.pk).update(created_at=old)
    Customer.objects.filter(pk=individual.pk).update(created_at=old)
    earlier = make_order(woodwork, company)
    Order.objects.filter(pk=earlier.pk).update(created_at=old)
    recent = Customer.objects.create(kind=Customer.Kind.INDIVIDUAL, name="M. Récent")
    make_order(woodwork, individual)  # ordered just now: offered again
    client = client_for(office)

    offered = html.unescape(client.get(reverse("orders:add")).content.decode())
    assert recent.name in offered and individual.name in offered
    assert company.name not in offered

    linked = client.get(reverse("orders:add") + f"?customer={company.pk}").content.decode()
    assert f'<option value="{company.pk}" selected>' in linked
    response = client.post(
        reverse("orders:add"),
        {"customer": company.pk, "title": "Banc", "workshop": woodwork.pk, "estimated_hours": "3"},
    )
    assert response.status_code == 302
    assert Order.objects.filter(customer=company, title="Banc").exists()
    editing = client.get(reverse("orders:edit", args=[earlier.pk])).content.decode()
    assert f'<option value="{company.pk}" selected>' in editing


def test_a_payment_beyond_the_balance_says_so_before_it_is_saved(world, accountant, client_for):
    """More than is due is recorded as the bank shows it (issue #29), but the page says what
    becomes of the excess first: nothing is saved until then."""
    invoice = world["invoice"]
    client = client_for(accountant)
    url = reverse("billing:payment_add", args=[invoice.pk])
    data = {"date": invoice.issue_date.isoformat(), "amount": "9999", "method": "cheque"}
    asked = html.unescape(client.post(url, data).content.decode())
    assert "le crédit du client" in asked.lower() or "crédit du client" in asked
    assert list(Payment.objects.all()) == [world["payment"]]
    done = client.post(url, {**data, "confirmed": "yes"})
    assert done.status_code == 302
    assert Payment.objects.count() == 2


def test_the_office_cancels_a_returned_cheque_and_the_invoice_is_due_again(
    world, office, client_for
):
    invoice, payment = world["invoice"], world["payment"]
    client = client_for(office)
    page = html.unescape(
        client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    )
    assert reverse("billing:payment_reverse", args=[payment.pk]) in page
    form = html.unescape(
        client.get(reverse("billing:payment_reverse", args=[payment.pk])).content.decode()
    )
    assert "Annuler un paiement" in form
    assert "50,00\u00a0€" in form

    response = client.post(
        reverse("billing:payment_reverse", args=[payment.pk]),
        {"reason": "Chèque revenu impayé", "confirmed": "yes"},
        follow=True,
    )
    body = html.unescape(response.content.decode())
    assert "Le paiement a été annulé" in body
    assert f"Annule le paiement du {payment.date:%d/%m/%Y} : Chèque revenu impayé" in body
    assert "-50,00\u00a0€" in body
    assert "annulé" in body
    assert '<span class="status">annulé</span>' in body  # on the cancelled payment's row
    # The cheque and its cancellation add up to nothing: all but the credit note is owed.
    again = Invoice.objects.with_balance().get(pk=invoice.pk)
    assert again.balance_due == again.net_incl_vat
    # Once cancelled, a payment has no cancel link and its page is gone.
    assert reverse("billing:payment_reverse", args=[payment.pk]) not in body
    assert client.get(reverse("billing:payment_reverse", args=[payment.pk])).status_code == 404
    reversal = payment.reversal
    assert client.get(reverse("billing:payment_reverse", args=[reversal.pk])).status_code == 404


def test_the_invoice_page_makes_the_same_queries_with_more_cancelled_payments(
    world, office, client_for
):
    invoice, client = world["invoice"], client_for(office)

    def pay_and_cancel():
        paid = invoicing.record_payment(
            invoice, office, date=invoice.issue_date, amount=Decimal("5"), method="cash"
        )
        invoicing.reverse_payment(paid, office, reason="Saisi deux fois")

    pay_and_cancel()
    small = count_queries(client, reverse("billing:invoice_detail", args=[invoice.pk]))
    for _ in range(4):
        pay_and_cancel()
    assert count_queries(client, reverse("billing:invoice_detail", args=[invoice.pk])) == small


def test_a_payment_is_not_cancelled_without_a_reason(world, accountant, client_for):
    response = client_for(accountant).post(
        reverse("billing:payment_reverse", args=[world["payment"].pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in html.unescape(response.content.decode())
    assert Payment.objects.count() == 1


def test_the_csv_export_lists_invoices_and_credit_notes(world, accountant, client_for):
    body = client_for(accountant).get(reverse("billing:invoice_export")).content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Type;Numéro;Date;Client;HT;TVA;TTC;Payé;Reste dû")
    assert any(line.startswith(f"Facture;{world['invoice'].number};") for line in lines)
    assert any(
        line.startswith(f"Avoir;{world['note'].number};") and ";-10,00;" in line for line in lines
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page",
    ["orders:list", "billing:customers", "billing:invoices", "detail", "invoice", "customer"],
)
def test_pages_make_the_same_number_of_queries_whatever_the_data_size(
    make_order, woodwork, company, individual, director, client_for, page
):

    client = client_for(director)

    def grow(n):
        for _ in range(n):
            order = make_order(woodwork, company, lines=[("1", "10", "20")] * 3, status="invoiced")
            Material.objects.create(order=order, description="Bois", cost=Decimal("5"))
            invoice = order.invoices.get()
            invoicing.record_payment(
                invoice, director, date=invoice.issue_date, amount=Decimal("1"), method="cash"
            )
            make_order(woodwork, individual, lines=[("1", "10", "20")] * 4)

    def url():
        order = Order.objects.filter(customer=company).first()
        return {
            "detail": reverse("orders:detail", args=[order.pk]),
            "invoice": reverse("billing:invoice_detail", args=[order.invoices.get().pk]),
            "customer": reverse("billing:customer_detail", args=[company.pk]),
        }.get(page) or reverse(page)

    grow(1)
    small = count_queries(client, url())
    grow(4)
    assert count_queries(client, url()) == small


def test_the_office_takes_a_customer_from_quote_to_paid_invoice_in_french(
    woodwork, office, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office)
    response = client.post(
        reverse("orders:customer_add"),
        {
            "kind": "company", "name": "Boulangerie Martin", "siret": "732 829 320 00074",
            "vat_number": "FR44 732829320", "address": "5 place Bellecour", "postal_code": "69002",
            "city": "Lyon", "country": "France", "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0", "contacts-0-name": "Paul Martin",
        },
    )  # fmt: skip
    customer = Customer.objects.get()
    assert customer.siret == "73282932000074"
    assert customer.contacts.get().name == "Paul Martin"
    client.post(
        reverse("orders:add"),
        {"customer": customer.pk, "title": "Comptoir en chêne", "workshop": woodwork.pk,
         "estimated_hours": "40", "promised_date": "2027-01-15"},
    )  # fmt: skip
    order = Order.objects.get()
    client.post(
        reverse("orders:lines", args=[order.pk]),
        {
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Comptoir", "lines-0-quantity": "1", "lines-0-unit": "u",
            "lines-0-unit_price": "1200", "lines-0-vat_rate": "20.00",
            "lines-1-description": "Pose", "lines-1-quantity": "3", "lines-1-unit": "h",
            "lines-1-unit_price": "45.50", "lines-1-vat_rate": "20.00",
        },
    )  # fmt: skip
    assert order.lines.count() == 2
    for action in ["send", "accept", "start_production"]:
        client.post(reverse("orders:action", args=[order.pk, action]))
    client.post(
        reverse("orders:deliver", args=[order.pk]),
        {"delivered_on": "2026-11-20", "verdict": "conforms"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:invoice_issue", args=[order.pk]), {"confirmed": "yes"}, follow=True
        )
    invoice = Invoice.objects.get()
    body = html.unescape(response.content.decode())
    assert f"La facture {invoice.number} a été émise" in body
    assert "1 603,80 €" in body.replace("\u00a0", " ").replace(
        "\u202f", " "
    )  # (1200 + 136.50) × 1.2
    response = client.post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": invoice.issue_date.isoformat(), "amount": "1603.80", "method": "transfer",
         "reference": "VIR 123", "confirmed": "yes"},
        follow=True,
    )  # fmt: skip
    assert "Le paiement a été enregistré" in html.unescape(response.content.decode())
    order.refresh_from_db()
    assert order.status == "paid"
    assert [e.to_status for e in order.events.all()] == [
        "sent", "accepted", "in_production", "delivered", "invoiced", "paid",
    ]  # fmt: skip
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content.startswith(b"%PDF")


def test_the_order_page_shows_its_hours_by_pupil(
    wood_order, woodwork, woodwork_trainer, client_for
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from students.models import Student
    from training.models import WorkLog

    paris = ZoneInfo("Europe/Paris")
    lea = Student.objects.create(
        first_name="Léa", last_name="Martin", birth_date=dt.date(2010, 3, 1),
        workshop=woodwork, entry_date=dt.date(2025, 9, 1), cohort=2025,
    )  # fmt: skip
    for day in (17, 18):
        WorkLog.objects.create(
            order=wood_order, student=lea, logged_by=woodwork_trainer,
            start=dt.datetime(2026, 11, day, 8, 30, tzinfo=paris),
            end=dt.datetime(2026, 11, day, 12, 0, tzinfo=paris),
        )  # fmt: skip
    body = client_for(woodwork_trainer).get(reverse("orders:detail", args=[wood_order.pk]))
    text = html.unescape(body.content.decode())
    assert "Léa Martin" in text
    assert "7\u00a0h" in text
