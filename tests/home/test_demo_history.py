"""`seed_demo --scale N` builds N school years of every domain (issue #32 §1): the years
before the current one have their school life, competencies, safety records, billing and
budget, not only pupils, orders and hours. A module of its own: it seeds its own school
at scale 3 (the other demo tests share one at scale 1, which the history leaves as is)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from billing import reminders
from billing.models import DocumentSend, LifecycleEvent, Refund, Reminder, SupplierInvoice
from budget.models import Donation, FamilyContribution, Grant, TaxReceipt
from ecoles.models import Policy
from safety.models import Declaration, MedicalOpinion, SafetyTraining
from schoollife.models import Absence, AuthorityReport, DeclarationSent
from skills.models import Appraisal, ChefDoeuvre, Evidence, EvidencePhoto

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def history(tmp_path):
    moment = dt.datetime.combine(TODAY, dt.time(10), tzinfo=ZoneInfo("Europe/Paris"))
    out = io.StringIO()
    with (
        time_machine.travel(moment, tick=False),
        override_settings(DEBUG=True, MEDIA_ROOT=tmp_path),
    ):
        call_command("seed_demo", "--scale", "3", stdout=out)
    return out.getvalue()


def test_every_domain_has_the_years_before_the_current_one(history):
    start = Policy.load().school_year_start(TODAY)
    before = start.replace(year=start.year - 1)  # the year before the current one
    oldest = start.replace(year=start.year - 2)

    # School life: every month's declaration sent, illnesses entered over days in a row.
    months = DeclarationSent.objects.filter(
        kind="month", period__gte=before, period__lt=start
    ).count()
    assert months == 12
    assert DeclarationSent.objects.filter(kind="year", period=oldest).exists()
    ill = Absence.objects.filter(day__gte=oldest, day__lt=start, reason_detail="Certificat médical")
    assert ill.count() > 20
    referrals = AuthorityReport.objects.filter(month__lt=start, kind="dasen")
    assert referrals.exists()  # a pupil under 16 missed two days of November unreported
    for report in AuthorityReport.objects.filter(month__lt=start):  # as L131-8 asks
        assert report.half_days >= 4
        assert report.kind == "dasen" or report.referent

    # Competencies: the former pupils' evidence, appraisals of each term, chefs-d'œuvre.
    assert Evidence.objects.filter(date__gte=oldest, date__lt=before).exists()
    terms = set(
        Appraisal.objects.filter(term_start__gte=before, term_start__lt=start).values_list(
            "term_start", flat=True
        )
    )
    assert len(terms) == 3
    assert ChefDoeuvre.objects.filter(oral_date__lt=start).exists()
    assert EvidencePhoto.objects.filter(evidence__date__lt=start).exists()

    # Safety: a medical opinion each year, the trainings of the former pupils.
    assert MedicalOpinion.objects.filter(date__gte=before, date__lt=start).count() > 20
    assert MedicalOpinion.objects.filter(date__gte=oldest, date__lt=before).count() > 20
    assert SafetyTraining.objects.filter(student__status__in=["left", "graduated"]).exists()
    assert Declaration.objects.count() >= 2

    # Billing: invoices mailed, reminders with their mails, refunds, platform statuses,
    # a supplier's invoice a month.
    assert DocumentSend.objects.filter(
        kind="invoice", invoice__issue_date__gte=oldest, invoice__issue_date__lt=before
    ).exists()
    assert DocumentSend.objects.filter(kind="reminder", created_at__date__lt=before).exists()
    assert Reminder.objects.filter(created_at__date__lt=before).exists()
    assert reminders.waiting_letters().exists()  # the day's letters, for the batch PDF
    assert Refund.objects.filter(date__lt=dt.date(TODAY.year, 1, 1)).exists()
    assert LifecycleEvent.objects.filter(at__date__lt=before, status="205").exists()
    assert (
        SupplierInvoice.objects.filter(issue_date__gte=oldest, issue_date__lt=start).count() == 24
    )

    # Budget: gifts each year with their receipts in date order, grants, contributions.
    assert Donation.objects.filter(received_on__gte=oldest, received_on__lt=before).count() >= 12
    for year in {r.year for r in TaxReceipt.objects.all()}:
        series = list(
            TaxReceipt.objects.filter(year=year)
            .order_by("sequence")
            .values_list("issue_date", flat=True)
        )
        assert series == sorted(series)  # the series runs with the dates
    assert Grant.objects.filter(agreement_start=oldest).count() == 2
    assert FamilyContribution.objects.filter(year__start=oldest).count() > 20
    assert "history of" in history
