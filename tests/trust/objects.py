"""Who owns what, for the access matrix: for each URL parameter, an object the woodwork
trainer may see ("own") and one he may not ("other": the machining workshop's).

To add a page with a new kind of object, add a rule to RULES (URL-name pattern and
parameter name -> kind) and, if the kind is new, a builder `_build_<kind>` in Scenario.
Builders use the ORM directly (the fewest fields the model needs), so that a change of a
page's rules does not break the matrix.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from billing.invoicing import issue_credit_note, issue_invoice, record_payment
from budget.models import BudgetLine, BudgetYear
from ecoles.models import Closure, OpenedDay
from orders.models import Attachment, Customer, Order, OrderLine
from students.models import FollowUpNote, Student
from training.models import Attendance, SessionPattern, TheorySession, WorkLog

# (URL-name regex, parameter) -> kind of object. First match wins.
RULES: list[tuple[str, str, str]] = [
    (r"^students:note_edit$", "note_pk", "note"),
    (r"^students:", "pk", "student"),
    (r"^training:(student_time|statement|certificate)$", "pk", "student"),
    (r"^training:worklog_", "pk", "worklog"),
    (r"^training:session(_move|_cancel)?$", "pk", "theory_session"),
    (r"^training:pattern_edit$", "pk", "pattern"),
    (r"^training:workshop_week$", "pk", "workshop"),
    (r"^closure_(edit|delete)$", "pk", "closure"),
    (r"^opened_day_(edit|delete)$", "pk", "opened_day"),
    (r"^training:workshop_balance$", "pk", "workshop"),
    (r"^training:cohort_balance$", "year", "cohort"),
    (r"^training:order_hours$", "pk", "order"),
    (r"^orders:customer_edit$", "pk", "customer"),
    (r"^billing:customer_detail$", "pk", "customer"),
    (r"^billing:(invoice_detail|invoice_pdf|payment_add|credit_note_add)$", "pk", "invoice"),
    (r"^billing:invoice_issue$", "pk", "order"),
    (r"^billing:credit_note_pdf$", "pk", "credit_note"),
    (r"^billing:payment_reverse$", "pk", "payment"),
    (r"^orders:attachment$", "pk", "attachment"),
    (r"^orders:action$", "action", "order_action"),
    (r"^orders:", "pk", "order"),
    (r"^workshop_edit$", "pk", "workshop"),
    (r"^budget:line_(add|edit)$", "year", "budget_year"),
    (r"^budget:line_edit$", "pk", "budget_line"),
]


def kind_of(route_name: str, param: str) -> str | None:
    for pattern, name, kind in RULES:
        if name == param and re.search(pattern, route_name):
            return kind
    return None


class Scenario:
    """Builds objects on demand: `scenario.get(kind)` -> (own value, other value or None).

    "other" is None for objects nobody is scoped out of (a customer, a cohort year)."""

    def __init__(self, wood_trainer, metal_trainer, woodwork, machining, director, teacher):
        self.wood_trainer = wood_trainer
        self.metal_trainer = metal_trainer
        self.woodwork = woodwork
        self.machining = machining
        self.director = director
        self.teacher = teacher
        self._cache: dict[str, tuple] = {}

    def get(self, kind: str) -> tuple:
        if kind not in self._cache:
            self._cache[kind] = getattr(self, f"_build_{kind}")()
        return self._cache[kind]

    # -- builders: each returns (own, other) model instances or plain values -----------

    def _build_workshop(self):
        return self.woodwork, self.machining

    def _build_budget_year(self):
        year = BudgetYear.objects.create(start=dt.date(2025, 9, 1), end=dt.date(2026, 8, 31))
        self._budget_year = year
        return year.start.year, None

    def _build_budget_line(self):
        self.get("budget_year")
        line = BudgetLine.objects.create(
            year=self._budget_year, kind="resource", source="donations", label="Dons"
        )
        return line, None

    def _build_cohort(self):
        self.get("student")
        return 2025, None

    def _build_student(self):
        def pupil(workshop, tutor, name):
            return Student.objects.create(
                first_name=name,
                last_name="Test",
                birth_date=dt.date(2009, 3, 1),
                workshop=workshop,
                tutor=tutor,
                entry_date=dt.date(2025, 9, 1),
                cohort=2025,
            )

        return (
            pupil(self.woodwork, self.wood_trainer, "Lucas"),
            pupil(self.machining, self.metal_trainer, "Inès"),
        )

    def _build_note(self):
        own, other = self.get("student")
        return tuple(
            FollowUpNote.objects.create(
                student=s, category="family", text="Confidentiel", author=s.tutor
            )
            for s in (own, other)
        )

    def _build_customer(self):

        return Customer.objects.create(name="Menuiseries Rhône"), None

    def _build_order(self):

        customer, _ = self.get("customer")
        orders = []
        for workshop, trainer in (
            (self.woodwork, self.wood_trainer),
            (self.machining, self.metal_trainer),
        ):
            order = Order.objects.create(
                customer=customer,
                title=f"Commande {workshop.name}",
                workshop=workshop,
                trainer=trainer,
            )
            line = OrderLine(
                order=order,
                description="Étagère",
                quantity=Decimal("2"),
                unit_price=Decimal("150.00"),
                vat_rate=Decimal("20.0"),
            )
            line.amount_excl_vat = line.quantity * line.unit_price
            line.save()
            # Accepted by the customer (lines only change before): the state work is logged on.
            Order.objects.filter(pk=order.pk).update(status=Order.Status.ACCEPTED)
            order.refresh_from_db()
            orders.append(order)
        return tuple(orders)

    def _build_order_action(self):
        return "start_production", None  # an action trainers may take

    def _build_invoice(self):
        return tuple(
            issue_invoice(order, self.director, deposit_percent=Decimal("30"), render=False)
            for order in self.get("order")
        )

    def _build_credit_note(self):
        return tuple(
            issue_credit_note(invoice, self.director, reason="Erreur", render=False)
            for invoice in self.get("invoice")
        )

    def _build_payment(self):
        return tuple(
            record_payment(
                invoice, self.director, date=invoice.issue_date, amount=Decimal("10"),
                method="cheque",
            )
            for invoice in self.get("invoice")
        )  # fmt: skip

    def _build_attachment(self):

        return tuple(
            Attachment.objects.create(order=order, file=ContentFile(b"plan", name="plan.txt"))
            for order in self.get("order")
        )

    def _build_worklog(self):
        logs = []
        start = timezone.make_aware(dt.datetime(2026, 1, 12, 8, 0))
        for student, order in zip(self.get("student"), self.get("order"), strict=True):
            logs.append(
                WorkLog.objects.create(
                    order=order,
                    student=student,
                    start=start,
                    end=start + dt.timedelta(hours=3),
                    logged_by=self.director,
                )
            )
        return tuple(logs)

    def _build_closure(self):
        closure = Closure.objects.create(
            name="Pont", first_day=dt.date(2026, 5, 15), last_day=dt.date(2026, 5, 15)
        )
        return closure, None

    def _build_opened_day(self):
        day = OpenedDay.objects.create(
            day=dt.date(2026, 5, 16), reason="Marché", opened_by=self.director
        )
        return day, None

    def _build_pattern(self):
        pattern = SessionPattern.objects.create(
            subject="general", title="Français", teacher=self.teacher, audience="cohort",
            cohort=2025, weekday=0, start_time=dt.time(8, 30), end_time=dt.time(10),
            first_day=dt.date(2025, 9, 1), last_day=dt.date(2026, 7, 3),
        )  # fmt: skip
        return pattern, None

    def _build_theory_session(self):
        sessions = []
        start = timezone.make_aware(dt.datetime(2026, 1, 13, 14, 0))
        for student in self.get("student"):
            session = TheorySession.objects.create(
                subject=TheorySession.Subject.values[0],
                title=f"Cours {student.first_name}",
                teacher=self.teacher,
                start=start,
                end=start + dt.timedelta(hours=2),
            )
            Attendance.objects.create(session=session, student=student)
            sessions.append(session)
        return tuple(sessions)


def pk_of(value) -> object:
    return getattr(value, "pk", value)
