"""Issue #16, nothing irreversible in one tap: every act that cannot be undone (delete,
issue or cancel a numbered document, cancel, anonymise, close a month, validate, record
money, send a mail) first shows a page that says what it will do, with a heading, a
submit button and a way back; only the POST from that page acts.

Each test below posts as the user's first tap would and checks that nothing changed and
the confirmation was shown; then it submits the confirmation page itself (its hidden
fields, as the browser would) and checks the act was done. The meta-tests at the end walk
the URL conf, so that a new view that deletes or issues without asking first fails here.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing import invoicing
from billing.models import DocumentSend, Payment, Refund
from budget.models import Donation, Donor, TaxReceipt
from ecoles.models import Closure, OpenedDay
from orders.models import Contact, Order
from students.models import FollowUpNote, Guardian, Student
from tests.billing.money import ISSUED, credited_after_payment, invoice  # noqa: F401
from tests.orders.conftest import company, delivered, make_order, wood_order  # noqa: F401
from tests.students.conftest import left
from tests.urlwalk import walk
from training.models import Attendance, ClosedPeriod, TheorySession

pytestmark = pytest.mark.django_db
D = Decimal


class _Forms(HTMLParser):
    """The POST forms of a page: their action and hidden fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["fields"].append((attrs.get("name"), attrs.get("value") or ""))


def text(response) -> str:
    body = html.unescape(response.content.decode())
    return body.replace("\u00a0", " ").replace("\u202f", " ")


# A savepoint alone is no write: Django's own constraint check (Q.check) takes one inside
# the test's transaction.
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.IGNORECASE)


def writes(queries) -> list[str]:
    """The statements that write or lock (issue 28, §4: a preview is a pure check)."""
    return [q["sql"] for q in queries if WRITES.search(q["sql"])]


def asks_first(client, url: str, data: dict, acted, *, says: str):
    """The first POST changes nothing and shows the confirmation; the confirmation page's
    own form then acts. Returns the response to the confirmed POST. Showing the page
    writes nothing and locks nothing: no write rolled back, no savepoint, no FOR UPDATE."""
    with CaptureQueriesContext(connection) as queries:
        first = client.post(url, data)
    assert not writes(queries), writes(queries)
    body = text(first)
    assert first.status_code == 200, first.status_code
    assert not acted(), "the first POST acted without asking"
    assert says in body, body[body.find("<main") :][:1500]
    assert re.search(r"<h1[^>]*>", body), "the confirmation page has a heading"
    parser = _Forms()
    parser.feed(first.content.decode())
    confirm = [f for f in parser.forms if ("confirmed", "yes") in f["fields"]]
    assert confirm, "the page posts confirmed=yes"
    assert "Annuler, revenir" in body or "Retour" in body, "the page has a way back"
    form = confirm[-1]
    posted: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        if name != "csrfmiddlewaretoken":
            posted.setdefault(name, []).append(value)
    second = client.post(form["action"] or url, posted)
    assert second.status_code in (200, 302), second.status_code
    assert acted(), "the confirmed POST did not act"
    return second


# --- the calendar ---------------------------------------------------------------------------


def test_deleting_a_closure_asks_first(client_for, director, policy):
    closure = Closure.objects.create(
        name="Pont", first_day=dt.date(2026, 11, 13), last_day=dt.date(2026, 11, 13)
    )
    asks_first(
        client_for(director), reverse("closure_delete", args=[closure.pk]), {},
        lambda: not Closure.objects.exists(), says="redeviendront des jours d'école",
    )  # fmt: skip


def test_deleting_an_opened_day_asks_first(client_for, director, policy):
    opened = OpenedDay.objects.create(
        day=dt.date(2026, 12, 12), reason="Marché de Noël", opened_by=director
    )
    asks_first(
        client_for(director), reverse("opened_day_delete", args=[opened.pk]), {},
        lambda: not OpenedDay.objects.exists(), says="Marché de Noël",
    )  # fmt: skip


# --- pupils ---------------------------------------------------------------------------------


def test_anonymising_former_pupils_asks_first(client_for, director, woodwork, policy):
    old = left(
        woodwork, "Ancien", dt.date(2018, 9, 1), dt.date(2020, 6, 30), "dropped_out",
        "not_taken", "seeking", last_name="Vieuxnom", birth_date=dt.date(2003, 5, 17),
    )  # fmt: skip
    Guardian.objects.create(student=old, last_name="Parent", phone="0600000000")
    asks_first(
        client_for(director), reverse("students:anonymise"), {},
        lambda: Student.objects.filter(anonymised_at__isnull=False).exists(),
        says="Cette action est définitive",
    )  # fmt: skip
    assert not FollowUpNote.objects.exists() and not Guardian.objects.exists()


# --- orders ---------------------------------------------------------------------------------


def test_cancelling_an_order_asks_first(client_for, office, wood_order):  # noqa: F811
    def cancelled():
        return Order.objects.get(pk=wood_order.pk).status == Order.Status.CANCELLED

    asks_first(
        client_for(office), reverse("orders:action", args=[wood_order.pk, "cancel"]),
        {"note": "Le client renonce"}, cancelled, says="Annuler la commande",
    )  # fmt: skip
    assert wood_order.events.get(to_status="cancelled").note == "Le client renonce"


def test_an_order_that_cannot_be_cancelled_says_why_without_asking(
    client_for,
    office,
    delivered,  # noqa: F811
):
    invoicing.issue_invoice(delivered, office, render=False)
    response = client_for(office).post(
        reverse("orders:action", args=[delivered.pk, "cancel"]), follow=True
    )
    assert "message-error" in response.content.decode() and 'value="yes"' not in text(response)
    assert Order.objects.get(pk=delivered.pk).status != Order.Status.CANCELLED


# --- time -----------------------------------------------------------------------------------


def test_closing_a_month_asks_first(client_for, director, policy):
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    asks_first(
        client_for(director), reverse("training:closed_periods"), {"month": f"{month:%Y-%m}"},
        lambda: ClosedPeriod.objects.exists(), says="ne peuvent plus être ajoutées",
    )  # fmt: skip


def test_cancelling_a_session_asks_first(client_for, teacher, woodwork, policy):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    lesson = TheorySession.objects.create(
        subject="general", title="Anglais", teacher=teacher, start=start,
        end=start + dt.timedelta(hours=1),
    )  # fmt: skip
    pupil = Student.objects.create(
        first_name="Léa", last_name="Martin", birth_date=dt.date(2010, 3, 10), workshop=woodwork,
        entry_date=dt.date(2025, 9, 1), cohort=2025, status="enrolled",
    )  # fmt: skip
    Attendance.objects.create(session=lesson, student=pupil)
    asks_first(
        client_for(teacher), reverse("training:session_cancel", args=[lesson.pk]),
        {"reason": "Enseignant malade"},
        lambda: TheorySession.objects.get(pk=lesson.pk).is_cancelled,
        says="Enseignant malade",
    )  # fmt: skip


# --- money in -------------------------------------------------------------------------------


def test_recording_a_payment_asks_first(client_for, office, invoice):  # noqa: F811
    asks_first(
        client_for(office), reverse("billing:payment_add", args=[invoice.pk]),
        {"date": ISSUED.isoformat(), "amount": "360", "method": "cheque", "reference": "CHQ 1"},
        lambda: Payment.objects.exists(), says="Enregistrer un paiement de 360,00 € ?",
    )  # fmt: skip


def test_a_payment_the_books_refuse_says_why_without_asking(client_for, office, invoice):  # noqa: F811
    response = client_for(office).post(
        reverse("billing:payment_add", args=[invoice.pk]),
        {"date": (ISSUED - dt.timedelta(days=1)).isoformat(), "amount": "360", "method": "cheque"},
    )
    assert "Un paiement ne peut pas être daté d'avant sa facture." in text(response)
    assert 'name="confirmed"' not in text(response) and not Payment.objects.exists()


def test_cancelling_a_payment_asks_first(client_for, office, invoice):  # noqa: F811
    payment = invoicing.record_payment(
        invoice, office, date=ISSUED, amount=D("360.00"), method="cheque"
    )
    asks_first(
        client_for(office), reverse("billing:payment_reverse", args=[payment.pk]),
        {"reason": "Chèque impayé"}, lambda: Payment.objects.filter(reverses=payment).exists(),
        says="Annuler ce paiement de 360,00 € ?",
    )  # fmt: skip


def test_recording_a_refund_asks_first(client_for, office, credited_after_payment):  # noqa: F811
    asks_first(
        client_for(office), reverse("billing:refund_add", args=[credited_after_payment.pk]),
        {"date": timezone.localdate().isoformat(), "amount": "60", "method": "transfer",
         "reference": "VIR-1"},
        lambda: Refund.objects.exists(), says="Enregistrer un remboursement de 60,00 € ?",
    )  # fmt: skip


@pytest.fixture
def mailed(company):  # noqa: F811
    return Contact.objects.create(
        customer=company, name="Paul Compta", email="compta@menuiseries-rhone.fr",
        receives_documents=True,
    )  # fmt: skip


def _queued() -> bool:
    return DocumentSend.objects.filter(status="queued").exists()


def test_mailing_an_invoice_asks_first(client_for, office, invoice, mailed):  # noqa: F811
    asks_first(
        client_for(office), reverse("billing:invoice_send", args=[invoice.pk]), {}, _queued,
        says=f"Envoyer la facture {invoice.number} par courriel ?",
    )  # fmt: skip


def test_mailing_a_credit_note_asks_first(client_for, office, credited_after_payment, mailed):  # noqa: F811
    note = credited_after_payment.credit_notes.get()
    asks_first(
        client_for(office), reverse("billing:credit_note_send", args=[note.pk]), {}, _queued,
        says="compta@menuiseries-rhone.fr",
    )  # fmt: skip


def test_mailing_a_quote_asks_first(client_for, office, wood_order, mailed):  # noqa: F811
    wood_order.send(by=office)
    asks_first(
        client_for(office), reverse("billing:quote_send", args=[wood_order.pk]), {}, _queued,
        says="Envoyer le devis de la commande",
    )  # fmt: skip


def test_mailing_a_statement_asks_first(client_for, office, invoice, company, mailed):  # noqa: F811
    asks_first(
        client_for(office), reverse("billing:statement_send", args=[company.pk]),
        {"start": "2026-01-01", "end": "2026-03-31"}, _queued,
        says="le relevé de compte de Menuiseries Rhône SAS du 01/01/2026 au 31/03/2026",
    )  # fmt: skip


def test_mailing_again_asks_first(client_for, office, invoice, mailed):  # noqa: F811
    from billing import sending
    from ecoles.models import Mail

    send = sending.send_invoice(invoice, office)
    # What the worker leaves after the last attempt: the mail and its log failed.
    Mail.objects.filter(kind=sending.MAIL_KIND, about_id=send.pk).update(status="failed")
    DocumentSend.objects.filter(pk=send.pk).update(status="failed")
    asks_first(
        client_for(office), reverse("billing:send_retry", args=[send.pk]), {}, _queued,
        says="Renvoyer ce courriel ?",
    )  # fmt: skip


@pytest.mark.usefixtures("policy")  # Policy.load() would create it: not the preview's write
def test_sending_the_reminders_asks_first(client_for, office, invoice, mailed, time_machine):  # noqa: F811
    time_machine.move_to(dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC))
    asks_first(
        client_for(office), reverse("billing:reminders"), {"invoices": [str(invoice.pk)]},
        lambda: invoice.reminders.exists(), says="Envoyer 1 relance par courriel ?",
    )  # fmt: skip


# --- donations ------------------------------------------------------------------------------


@pytest.fixture
def donation(school):
    school.receipt_signatory = "Claire Martin, présidente"
    school.save()
    donor = Donor.objects.create(
        kind="person", name="Jeanne Dupont", address="1 rue Haute", postal_code="69001",
        city="Lyon",
    )  # fmt: skip
    return Donation.objects.create(
        donor=donor, date=dt.date(2026, 3, 2), received_on=dt.date(2026, 3, 2),
        amount=D("1234.50"), form="manual_gift", nature="cash", method="transfer",
    )  # fmt: skip


def test_issuing_a_tax_receipt_asks_first(client_for, office, donation):
    asks_first(
        client_for(office), reverse("budget:receipt_issue", args=[donation.pk]), {},
        lambda: TaxReceipt.objects.exists(), says="1 234,50 €",
    )  # fmt: skip


def test_issuing_an_annual_tax_receipt_asks_first(client_for, office, donation):
    asks_first(
        client_for(office), reverse("budget:annual_receipt", args=[donation.donor_id]),
        {"year": "2026"}, lambda: TaxReceipt.objects.exists(),
        says="Émettre le reçu fiscal annuel de Jeanne Dupont pour 2026 ?",
    )  # fmt: skip


def test_cancelling_a_tax_receipt_asks_first(client_for, office, donation):
    from budget import receipts

    receipt = receipts.issue_receipt(donation, office, render=False)
    asks_first(
        client_for(office), reverse("budget:receipt_cancel", args=[receipt.pk]),
        {"reason": "Adresse fausse"},
        lambda: TaxReceipt.objects.get(pk=receipt.pk).is_cancelled,
        says="Annuler le reçu fiscal",
    )  # fmt: skip


# --- the URL conf: no irreversible act without asking ---------------------------------------

# What a view's code does that cannot be undone.
IRREVERSIBLE = re.compile(
    r"\.delete\(|\bissue_\w+\(|\bcancel_\w+\(|\.cancel\(|\banonymise\(|\.validate\(|"
    r"reverse_payment|record_payment|record_refund|ClosedPeriod\(|sending\.send_|send_all\(|"
    r"sending\.retry\("
)

# Acts whose confirmation is tested in their app's module rather than here.
TESTED_ELSEWHERE = {
    "billing:invoice_issue": "tests/billing/test_confirmations.py",
    "billing:credit_note_add": "tests/billing/test_confirmations.py",
    "billing:letters": "tests/billing/test_paper.py (letters recorded as posted)",
    "billing:statements_posted": "tests/billing/test_paper.py (statements recorded as posted)",
    "billing:credit_use": "tests/billing/test_credit.py (the credit used from the pages)",
    "budget:receipt_send": "tests/budget/test_receipt_sending.py (mailed or recorded)",
    "training:worklog_delete": "tests/training/test_delete_confirmation.py",
    "skills:evidence": "tests/skills/test_views.py (validation)",
    "skills:registration": "tests/skills/test_chef_and_exams_pages.py (the outcome)",
    "schoollife:roll_call": "tests/schoollife/test_one_truth.py (all present over absences)",
    "training:legal_overrides_acknowledge": "tests/training/test_legal_overrides_notice.py",
    "banking:batch_sent": "tests/banking/test_views.py (refunds recorded when sent)",
    "staff:suspend": "tests/accounts/test_staff.py",
    "staff:withdraw": "tests/accounts/test_staff.py",
}
TESTED_HERE = {
    "closure_delete", "opened_day_delete", "students:anonymise", "orders:action",
    "training:closed_periods", "training:session_cancel", "billing:payment_add",
    "billing:payment_reverse", "billing:refund_add", "billing:invoice_send",
    "billing:credit_note_send", "billing:quote_send", "billing:statement_send",
    "billing:send_retry", "billing:reminders", "budget:receipt_issue",
    "budget:annual_receipt", "budget:receipt_cancel",
}  # fmt: skip

# Views whose code matches IRREVERSIBLE but that ask in another way, and why.
ASK_OTHERWISE = {
    # The checked file is shown first (import/), with its warnings to tick: this is the
    # POST from that preview.
    "students:import_confirm": "the preview page is the confirmation",
    # Another engineer's page (issue #16): the team entry checks the slot before saving and
    # saves work logs, which stay correctable until the month is closed.
    "training:team_entry": "the entry's check step; logs stay correctable",
    # A correction is new, validated evidence that replaces the old one (with a photo that
    # a confirmation page could not carry again); its page says so before saving.
    "skills:correct": "its own page says it validates; a photo cannot be re-posted",
    # Saving an absence the family reported itself cancels the notice not yet sent to the
    # family: nothing leaves the school, and the absence stays editable.
    "schoollife:absence_add": "cancels an unsent notice only; the absence stays editable",
    "schoollife:absence": "cancels an unsent notice only; the absence stays editable",
}


def _source(callback) -> str:
    return inspect.getsource(inspect.unwrap(callback))


def _ours(route) -> bool:
    return not route.name.startswith(("admin:",)) and route.callback.__module__.split(".")[0] in {
        "ecoles", "accounts", "students", "safety", "orders", "training", "schoollife",
        "skills", "billing", "budget", "banking", "home",
    }  # fmt: skip


def _asks(source: str) -> bool:
    # billing's mail views share one helper that asks (billing.account_views).
    return "is_confirmed(" in source or "_send_after_asking(" in source


def test_every_view_that_acts_irreversibly_asks_first():
    missing = [
        route.name
        for route in walk()
        if _ours(route)
        and IRREVERSIBLE.search(_source(route.callback))
        and not _asks(_source(route.callback))
        and route.name not in ASK_OTHERWISE
    ]
    assert not missing, (
        f"{missing} act irreversibly in one tap: answer the first POST with "
        "ecoles.confirm.ask() and act only when is_confirmed(request) (CONTRIBUTING.md)"
    )


def test_every_confirmation_step_is_tested():
    asking = {
        route.name
        for route in walk()
        if _ours(route)
        and (
            "is_confirmed(" in _source(route.callback)
            or "_send_after_asking(" in _source(route.callback)
        )
    }
    untested = asking - TESTED_HERE - set(TESTED_ELSEWHERE)
    assert not untested, f"{untested} ask first: add their test to this module"
    assert asking >= TESTED_HERE, TESTED_HERE - asking


def test_the_meta_test_sees_a_delete_view_that_does_not_ask():
    def careless_delete(request, pk):
        Closure.objects.filter(pk=pk).delete()

    source = inspect.getsource(careless_delete)
    assert IRREVERSIBLE.search(source) and "is_confirmed(" not in source
