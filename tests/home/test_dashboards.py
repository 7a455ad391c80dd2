"""Each role's home page (SPEC.md §2): what needs attention, at a fixed query cost."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import invoicing
from billing.models import Invoice, Payment
from budget.models import BudgetLine, BudgetYear
from orders.models import Customer, Order
from students.models import Guardian, Student
from training.models import Attendance, TheorySession, WorkLog

D = Decimal
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def on_26_november_2026():
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0), tick=False):
        yield


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def grow(school, woodwork, machining, woodwork_trainer, teacher):
    """grow(n): add n times a slice of school life, in every state the home pages show."""
    counter = iter(range(1, 100000))

    def make(n: int) -> None:
        customer = Customer.objects.create(kind="company", name=f"Client {next(counter)}")
        for _ in range(n):
            k = next(counter)
            for workshop in (woodwork, machining):
                pupil = Student.objects.create(
                    first_name=f"Élève{k}",
                    last_name=workshop.name,
                    birth_date=dt.date(2010, 5, 1),
                    workshop=workshop,
                    entry_date=dt.date(2025, 9, 1),
                    cohort=2025,
                )
                if k % 2:
                    Guardian.objects.create(student=pupil, relationship="mother", last_name="X")
                order = Order.objects.create(
                    customer=customer,
                    title=f"Commande {k}",
                    workshop=workshop,
                    status="in_production",
                    promised_date=TODAY - dt.timedelta(days=3),
                )
                for status in ("draft", "sent", "delivered"):
                    Order.objects.create(
                        customer=customer, title=f"{status} {k}", workshop=workshop, status=status,
                        verdict="conforms" if status == "delivered" else "",
                    )  # fmt: skip
                WorkLog.objects.bulk_create(
                    WorkLog(
                        order=order,
                        student=pupil,
                        start=at(TODAY - dt.timedelta(days=d), 8, 30),
                        end=at(TODAY - dt.timedelta(days=d), 12),
                        logged_by=woodwork_trainer,
                    )
                    for d in range(1, 4)
                )
                session = TheorySession.objects.create(
                    subject="general",
                    title="Maths",
                    teacher=teacher,
                    start=at(TODAY - dt.timedelta(days=1), 14),
                    end=at(TODAY - dt.timedelta(days=1), 16),
                )
                Attendance.objects.create(session=session, student=pupil, status="absent")
                Attendance.objects.create(
                    session=TheorySession.objects.create(
                        subject="technological",
                        title="Techno",
                        teacher=teacher,
                        start=at(TODAY, 14),
                        end=at(TODAY, 16),
                    ),
                    student=pupil,
                )
                invoice = Invoice.objects.create(
                    order=order,
                    number=f"FA-2026-{k:05d}{workshop.pk}",
                    year=2026,
                    sequence=k * 10 + workshop.pk,
                    issue_date=TODAY - dt.timedelta(days=60),
                    due_date=TODAY - dt.timedelta(days=30),
                    customer_kind="company",
                    customer_name=customer.name,
                    order_reference=f"C-{order.pk}",
                    late_penalty_rate=D("12"),
                    early_payment_discount="-",
                    total_excl_vat=D("100"),
                    total_vat=D("20"),
                    total_incl_vat=D("120"),
                )
                Payment.objects.create(invoice=invoice, date=TODAY, amount=D("20"), method="cheque")
        year = BudgetYear.for_day(TODAY)
        BudgetLine.objects.get_or_create(
            year=year, kind="resource", source="other", label="Loyers", defaults={"actual": 1000}
        )

    return make


ROLES = ["director", "office", "woodwork_trainer", "teacher", "accountant"]


@pytest.mark.parametrize("persona", ROLES)
def test_each_home_page_makes_the_same_queries_with_ten_times_the_data(
    client_for, personas, persona, grow
):
    client = client_for(personas[persona])
    grow(1)
    client.get(reverse("home"))  # the first visit creates the policy and the budget year
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    grow(9)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # Each domain's card on the director's home: school life (and the year's declaration
    # of pupils), safety, grants (issues #17-#21); competencies: evidence to validate, and
    # before the deadline the exam registrations (3); the overrides of legal limits to
    # acknowledge (issue #27, training.home: 1).
    assert len(small.captured_queries) <= 39


def body(client) -> str:
    return html.unescape(client.get(reverse("home")).content.decode())


def test_the_director_sees_late_orders_overdue_money_and_unbalanced_pupils(
    client_for, director, grow
):
    grow(2)
    page = body(client_for(director))
    assert "Commandes en retard" in page and "Commande " in page
    assert "Factures en retard de paiement" in page
    assert "400,00\u00a0€" in page  # 4 invoices of 120 € less 20 € paid each
    assert "Élèves hors équilibre" in page
    assert "Trop de production" in page  # logs and no theory attended


def test_the_office_sees_quotes_to_send_orders_to_invoice_and_records_to_complete(
    client_for, office, grow
):
    grow(1)
    page = body(client_for(office))
    assert "Devis à envoyer" in page and "draft " in page
    assert "Commandes livrées à facturer" in page and "delivered" in page
    assert "Dossiers d'élèves à compléter" in page


def test_the_trainer_sees_his_orders_and_pupils_only(client_for, woodwork_trainer, grow):
    grow(1)
    page = body(client_for(woodwork_trainer))
    assert "Saisir le travail de mon équipe" in page
    assert "Menuiserie" in page and "Usinage" not in page


def test_the_teacher_sees_todays_sessions_and_attendance_to_take(client_for, teacher, grow):
    grow(2)
    page = body(client_for(teacher))
    assert "Mes cours aujourd'hui" in page and "Techno" in page
    assert "à pointer" in page


def test_the_accountant_sees_payments_of_the_month_and_overdue(client_for, accountant, grow):
    grow(1)
    page = body(client_for(accountant))
    assert "Règlements reçus ce mois-ci" in page
    assert "40,00\u00a0€" in page  # two payments of 20 € today
    assert "Factures et avoirs (CSV)" in page


def test_the_accountant_sees_a_cancelled_payment_apart_from_the_months_payments(
    client_for, accountant, office, grow
):
    grow(1)
    cheque = Payment.objects.filter(date=TODAY).first()
    invoicing.reverse_payment(cheque, office, reason="Chèque revenu impayé", today=TODAY)
    page = body(client_for(accountant))
    assert "20,00\u00a0€" in page  # two payments of 20 € today, one of them cancelled
    assert "2 règlements · 1 annulé : -20,00\u00a0€" in page


def test_the_trainers_orders_come_soonest_promised_first_and_undated_last(
    client_for, woodwork_trainer, woodwork
):
    customer = Customer.objects.create(kind="individual", name="M. Roche")
    for title, promised in [
        ("Sans date", None),
        ("Pour mars", "2027-03-01"),
        ("Pour janvier", "2027-01-15"),
    ]:
        Order.objects.create(
            customer=customer, title=title, workshop=woodwork,
            status=Order.Status.IN_PRODUCTION, promised_date=promised,
        )  # fmt: skip
    page = body(client_for(woodwork_trainer))
    assert page.index("Pour janvier") < page.index("Pour mars") < page.index("Sans date")
