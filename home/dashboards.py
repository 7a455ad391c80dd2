"""What each role sees first (SPEC.md §2, R1, R3, R5): figures that need attention today.

Each function returns a template context built with a fixed number of SQL queries,
whatever the size of the school's history (lists are cut to a few rows).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from billing import home as billing_home
from billing.models import Invoice, Payment
from budget import figures as budget
from budget import home as budget_home
from budget.models import BudgetYear
from ecoles.charts import share_gauge
from ecoles.db import Cents
from ecoles.models import Policy
from orders.models import Order
from safety import home as safety_home
from schoollife import home as schoollife_home
from skills import home as skills_home
from students import indicators
from students.models import Guardian, Student
from training import balance
from training import home as training_home
from training.models import Attendance, TheorySession

SHOWN = 6  # rows of each list on a home page
ZERO = Decimal("0.00")


def _overdue(today: dt.date) -> dict:
    overdue = Invoice.objects.overdue(today)
    totals = overdue.aggregate(count=Count("pk"), due=Cents(Sum("balance_due")))
    return {
        "overdue_count": totals["count"],
        "overdue_amount": totals["due"] or ZERO,
        "overdue_invoices": list(overdue.order_by("due_date")[:SHOWN]),
    }


def director(user, today: dt.date) -> dict:
    policy = Policy.load()
    year = BudgetYear.for_day(today)
    # The out-of-balance page's list, by the same definition (training.balance).
    unbalanced = balance.out_of_balance(
        Student.objects.enrolled().select_related("workshop"), today, policy
    )
    late = Order.objects.late(today).select_related("customer", "workshop")
    school_year = indicators.current_school_year(today, policy) - 1
    summary = budget.summary(year)
    return {
        "budget_year": year,
        "summary": summary,
        "share_gauge": share_gauge(summary.share, summary.share_min, summary.share_max),
        "unbalanced": unbalanced[:SHOWN],
        "unbalanced_count": len(unbalanced),
        "late_orders": list(late.order_by("promised_date")[:SHOWN]),
        **Order.objects.aggregate(
            late_count=Count("pk", filter=Q(pk__in=late.values("pk"))),
            quotes_waiting=Count(
                "pk", filter=Q(pk__in=Order.objects.with_status(Order.Status.SENT, today))
            ),
        ),
        "indicators": indicators.compute(school_year, policy),
        **_overdue(today),
        **safety_home.expiries(user, today),
        **budget_home.grant_reports(today),
        **training_home.legal_overrides(user),  # issue #27: shown once, then acknowledged
    }


def office(user, today: dt.date) -> dict:
    drafts = Order.objects.filter(status=Order.Status.DRAFT).select_related("customer")
    # A sent quote unanswered for a week is worth a call; past its validity it has expired.
    follow_up = (
        Order.objects.with_status(Order.Status.SENT, today)
        .filter(quote_date__lte=today - dt.timedelta(days=7))
        .select_related("customer")
    )
    to_invoice = Order.objects.filter(status=Order.Status.DELIVERED).select_related("customer")
    has_guardian = Exists(Guardian.objects.filter(student=OuterRef("pk")))
    missing = (
        Student.objects.enrolled()
        .current()
        .annotate(has_guardian=has_guardian)
        .filter(Q(has_guardian=False) | Q(tutor__isnull=True) | Q(phone="") & Q(email=""))
        .select_related("workshop")
    )
    return {
        "drafts": list(drafts.order_by("pk")[:SHOWN]),
        "drafts_count": drafts.count(),
        "follow_up": list(follow_up.order_by("quote_date")[:SHOWN]),
        "follow_up_count": follow_up.count(),
        "to_invoice": list(to_invoice.order_by("pk")[:SHOWN]),
        "to_invoice_count": to_invoice.count(),
        "missing_data": list(missing[:SHOWN]),
        "missing_count": missing.count(),
        **_overdue(today),
        **billing_home.reminders_to_send(today),
    }


def trainer(user, today: dt.date) -> dict:
    policy = Policy.load()
    orders = Order.objects.visible_to(user)
    in_hand = (
        orders.open_for_work()  # a delivery to rework is back in his hands
        .select_related("customer")
        .order_by(F("promised_date").asc(nulls_last=True), "pk")  # undated last, any database
    )
    to_estimate = orders.filter(status=Order.Status.DRAFT).select_related("customer")
    pupils = Student.objects.records_visible_to(user).enrolled().select_related("workshop")
    week = balance.periods(today, policy)["week"]
    week_balances = balance.balances(pupils, week[0], min(week[1], today), policy=policy)
    return {
        "orders": list(in_hand[: SHOWN * 2]),
        "orders_count": in_hand.count(),
        "to_estimate": list(to_estimate.order_by("pk")[:SHOWN]),
        "pupils_week": [(p, week_balances[p.pk]) for p in pupils],
        "week": week,
        **safety_home.expiries(user, today),
    }


def teacher(user, today: dt.date) -> dict:
    sessions = TheorySession.objects.filter(teacher=user).planned()
    todays = (
        sessions.between(today, today)
        .annotate(pending=Count("attendances", filter=Q(attendances__status="pending")))
        .order_by("start")
    )
    to_take = sessions.roll_call_to_take(today).order_by("-start")
    since = today - dt.timedelta(days=30)
    absent = (
        Attendance.objects.filter(status=Attendance.Status.ABSENT)
        .between(since, today)
        .values("student", "student__first_name", "student__last_name", "student__cohort")
        .annotate(absences=Count("pk"))
        .filter(absences__gte=3)
        .order_by("-absences")
    )
    return {
        "today_sessions": list(todays),
        "to_take": list(to_take[:SHOWN]),
        "to_take_count": to_take.count(),
        "often_absent": list(absent[:SHOWN]),
        "since": since,
    }


def accountant(user, today: dt.date) -> dict:
    year = BudgetYear.for_day(today)
    month_start = today.replace(day=1)
    # The cash of the month, net of the payments cancelled this month (a cheque returned
    # unpaid weeks later), which are counted and shown apart.
    cancelled = Q(reverses__isnull=False)
    month = Payment.objects.filter(date__range=(month_start, today)).aggregate(
        count=Count("pk", filter=~cancelled),
        total=Cents(Sum("amount")),
        cancelled_count=Count("pk", filter=cancelled),
        cancelled_total=Cents(Sum("amount", filter=cancelled)),
    )
    return {
        "budget_year": year,
        **dict(zip(("revenue", "cash"), budget.money_in(year.start, year.end), strict=True)),
        "payments_count": month["count"],
        "payments_total": month["total"] or ZERO,
        "cancelled_count": month["cancelled_count"],
        "cancelled_total": month["cancelled_total"] or ZERO,
        "month_start": month_start,
        **_overdue(today),
    }


BY_ROLE = {
    "director": director,
    "office": office,
    "trainer": trainer,
    "teacher": teacher,
    "accountant": accountant,
}


def for_role(key: str, user) -> dict:
    today = timezone.localdate()
    return {
        **BY_ROLE[key](user, today),
        "schoollife": schoollife_home.for_role(key, user, today),
        "skills": skills_home.for_role(key, user, today),
    }
