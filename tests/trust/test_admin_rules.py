"""The Django admin goes through the same rules as the pages (issue #14, item 3).

Everything here is done as a superuser through the admin's own URLs: the change form, the
changelist's actions, the history's "Revert" form. What the rules freeze stays as it was,
a time entry the pages refuse is refused here too, and every admin page opens.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.forms import MultiWidget
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from billing.invoicing import issue_credit_note
from billing.models import CreditNote, Invoice, Payment
from ecoles import roles
from ecoles.models import Policy
from orders.models import Attachment, Customer, Order
from students.anonymisation import anonymise
from students.models import FollowUpNote, Student
from tests.conftest import make_user
from tests.orders.conftest import add_lines, walk_to
from training.models import Attendance, ClosedPeriod, Override, TheorySession, WorkLog

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 16)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(at(dt.date(2026, 11, 18), 10), tick=False):
        yield


@pytest.fixture
def boss(db, school):
    """The admin's superuser who is also the director (the Direction role itself: without
    it, the admin hides follow-up notes and health data from him, issue #28)."""
    return make_user("root", roles.DIRECTOR, is_staff=True, is_superuser=True)


@pytest.fixture
def site(client, boss):
    client.force_login(boss)
    return client


@pytest.fixture
def acme(db):
    return Customer.objects.create(kind=Customer.Kind.COMPANY, name="Acme Menuiserie")


@pytest.fixture
def other_customer(db):
    return Customer.objects.create(kind=Customer.Kind.COMPANY, name="Autre Client SARL")


def order_at(status: str, workshop, trainer, customer, by) -> Order:
    order = Order.objects.create(
        customer=customer, title="Table de réfectoire", workshop=workshop, trainer=trainer
    )
    add_lines(order, [("2", "150.00", "20")])
    walk_to(order, status, by)
    order.refresh_from_db()
    return order


@pytest.fixture
def young(woodwork):
    """15 years old: under-16 limits (no work after 20:00)."""
    return Student.objects.create(
        first_name="Léa",
        last_name="Martin",
        birth_date=dt.date(2011, 3, 10),
        workshop=woodwork,
        entry_date=dt.date(2025, 9, 1),
        cohort=2025,
        status=Student.Status.ENROLLED,
    )


def url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def _field_data(form, data: dict) -> None:
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        value = form[name].value()
        widget = field.widget
        if isinstance(widget, MultiWidget):
            parts = widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{key}_{i}"] = _text(part)
        elif isinstance(value, (list, tuple)):
            data[key] = [_text(v) for v in value]
        elif value is True:
            data[key] = "on"
        elif value is not False:
            data[key] = _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def posted(response, **changes) -> dict:
    """The data an admin change (or history) form would send back as shown, with changes."""
    data: dict = {}
    _field_data(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        _field_data(formset.management_form, data)
        for form in formset.forms:
            _field_data(form, data)
    data.update(changes)
    return data


def options(response, field: str) -> set[str]:
    """The option labels of a <select> on the page."""
    html = response.content.decode()
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {field}"
    return {label.strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select[1])}


# --- 1. what the rules freeze stays frozen ---------------------------------------------


class TestFrozenOrders:
    def test_the_customer_of_an_invoiced_order_cannot_be_changed(
        self, site, woodwork, woodwork_trainer, acme, other_customer, office
    ):
        order = order_at("invoiced", woodwork, woodwork_trainer, acme, office)
        page = site.get(url("orders_order_change", order.pk))
        assert page.status_code == 200
        data = posted(page, customer=str(other_customer.pk), title="Autre titre")
        response = site.post(url("orders_order_change", order.pk), data)
        order.refresh_from_db()
        assert (order.customer, order.title) == (acme, "Table de réfectoire")
        assert response.status_code == 403
        customer_page = site.get(reverse("billing:customer_detail", args=[other_customer.pk]))
        assert Invoice.objects.get(order=order).number not in customer_page.content.decode()

    def test_an_accepted_orders_customer_and_workshop_are_read_only(
        self, site, woodwork, machining, woodwork_trainer, acme, other_customer, office
    ):
        order = order_at("accepted", woodwork, woodwork_trainer, acme, office)
        page = site.get(url("orders_order_change", order.pk))
        form = page.context["adminform"].form
        assert form.fields["customer"].disabled and form.fields["workshop"].disabled
        data = posted(page, title="Bibliothèque")
        data.update(customer=str(other_customer.pk), workshop=str(machining.pk))
        response = site.post(url("orders_order_change", order.pk), data)
        assert response.status_code == 302
        order.refresh_from_db()
        assert (order.customer, order.workshop, order.title) == (acme, woodwork, "Bibliothèque")

    def test_the_status_is_no_dropdown(self, site, woodwork, woodwork_trainer, acme, office):
        order = order_at("delivered", woodwork, woodwork_trainer, acme, office)
        page = site.get(url("orders_order_change", order.pk))
        data = posted(page, status="paid")
        site.post(url("orders_order_change", order.pk), data)
        order.refresh_from_db()
        assert order.status == Order.Status.DELIVERED

    def test_an_order_is_not_deleted_by_the_bulk_action(
        self, site, woodwork, woodwork_trainer, acme, office
    ):
        order = order_at("accepted", woodwork, woodwork_trainer, acme, office)
        site.post(
            url("orders_order_changelist"),
            {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"},
        )
        assert Order.objects.filter(pk=order.pk).exists()

    def test_issued_documents_are_never_changed_nor_deleted(
        self, site, woodwork, woodwork_trainer, acme, office
    ):
        order = order_at("paid", woodwork, woodwork_trainer, acme, office)
        invoice = order.invoices.get()

        note = issue_credit_note(invoice, office, reason="Geste commercial", render=False)
        payment = invoice.payments.get()
        for name, obj in (
            ("billing_invoice", invoice),
            ("billing_creditnote", note),
            ("billing_payment", payment),
        ):
            assert site.post(url(f"{name}_delete", obj.pk), {"post": "yes"}).status_code == 403
            response = site.post(url(f"{name}_changelist"), {
                "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes",
            })  # fmt: skip
            assert response.status_code in (200, 302)
        assert Invoice.objects.filter(pk=invoice.pk).exists()
        assert CreditNote.objects.filter(pk=note.pk).exists()
        assert Payment.objects.filter(pk=payment.pk).exists()


# --- 2. the history's Revert ------------------------------------------------------------


class TestNoRevert:
    def test_an_invoiced_order_is_not_put_back_to_delivered(
        self, site, woodwork, woodwork_trainer, acme, office
    ):
        order = order_at("invoiced", woodwork, woodwork_trainer, acme, office)
        delivered = order.history.filter(status=Order.Status.DELIVERED).first()
        revert_url = url("orders_order_simple_history", order.pk, delivered.history_id)
        page = site.get(revert_url)
        assert page.status_code == 200  # the history stays readable
        assert 'name="_save"' not in page.content.decode()
        response = site.post(revert_url, posted(page))
        assert response.status_code == 403
        order.refresh_from_db()
        assert order.status == Order.Status.INVOICED
        assert order.invoices.count() == 1

    def test_no_model_of_the_admin_can_be_reverted(self, site, woodwork, young, director):
        """Every history form refuses the POST of a revert, whatever the model."""
        reverted = []
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, SimpleHistoryAdmin):
                continue
            record = model.history.first() if model.history.exists() else None
            if record is None:
                continue
            info = f"{model._meta.app_label}_{model._meta.model_name}"
            object_id = getattr(record, model._meta.pk.attname)
            revert_url = url(f"{info}_simple_history", object_id, record.history_id)
            if site.post(revert_url, {}).status_code != 403:
                reverted.append(model.__name__)
        assert reverted == []


# --- 3. time entered in the admin: the pages' checks ------------------------------------


def log_data(order, student, start: tuple[int, int], end: tuple[int, int], **extra) -> dict:
    data = {
        "order": str(order.pk),
        "student": str(student.pk),
        "start_0": MONDAY.isoformat(),
        "start_1": f"{start[0]:02d}:{start[1]:02d}",
        "end_0": MONDAY.isoformat(),
        "end_1": f"{end[0]:02d}:{end[1]:02d}",
        "task": "Ponçage",
        "override_reason": "",
    }
    data.update(extra)
    return data


class TestWorkLogs:
    @pytest.fixture
    def busy(self, woodwork, woodwork_trainer, acme, office, young):
        order = order_at("in_production", woodwork, woodwork_trainer, acme, office)
        WorkLog.objects.create(
            order=order, student=young, start=at(MONDAY, 13), end=at(MONDAY, 17),
            logged_by=woodwork_trainer,
        )  # fmt: skip
        return order

    def test_a_late_overlapping_log_for_a_15_year_old_is_refused(self, site, busy, young):
        response = site.post(url("training_worklog_add"), log_data(busy, young, (14, 0), (23, 30)))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Léa Martin a déjà une activité de 13\u00a0h à 17\u00a0h" in text
        assert "ne peut pas être occupé entre 20:00" in text
        assert WorkLog.objects.count() == 1

    def test_the_override_reason_does_not_let_an_overlap_through(self, site, busy, young):
        data = log_data(busy, young, (14, 0), (16, 0), override_reason="Commande urgente")
        response = site.post(url("training_worklog_add"), data)
        assert "a déjà une activité" in response.content.decode()
        assert WorkLog.objects.count() == 1

    def test_moving_a_log_onto_another_is_refused(self, site, busy, young, woodwork_trainer):
        other = WorkLog.objects.create(
            order=busy, student=young, start=at(MONDAY, 8), end=at(MONDAY, 10),
            logged_by=woodwork_trainer,
        )  # fmt: skip
        response = site.post(
            url("training_worklog_change", other.pk), log_data(busy, young, (12, 0), (14, 0))
        )
        assert "a déjà une activité" in response.content.decode()
        other.refresh_from_db()
        assert other.end == at(MONDAY, 10)

    def test_a_director_cannot_override_a_legal_limit_with_a_reason(self, site, busy, young):
        """R2 is the law (issue #27): the admin's reason lets nothing through either."""
        data = log_data(busy, young, (17, 30), (20, 30), override_reason="Livraison demain")
        refused = site.post(url("training_worklog_add"), data)
        assert refused.status_code == 200
        assert "20:00" in refused.content.decode()
        assert WorkLog.objects.count() == 1
        assert not Override.objects.exists()

    def test_the_first_log_puts_an_accepted_order_in_production(
        self, site, woodwork, woodwork_trainer, acme, office, young
    ):
        order = order_at("accepted", woodwork, woodwork_trainer, acme, office)
        response = site.post(url("training_worklog_add"), log_data(order, young, (8, 0), (10, 0)))
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.status == Order.Status.IN_PRODUCTION
        assert order.events.filter(action="start_production").count() == 1

    def test_no_log_on_an_invoiced_order(
        self, site, woodwork, woodwork_trainer, acme, office, young
    ):
        order = order_at("invoiced", woodwork, woodwork_trainer, acme, office)
        response = site.post(url("training_worklog_add"), log_data(order, young, (8, 0), (10, 0)))
        assert "que sur une commande acceptée" in response.content.decode()
        assert not WorkLog.objects.exists()

    def test_a_log_of_a_closed_month_is_not_deleted(self, site, busy, young, director):
        log = WorkLog.objects.get()
        ClosedPeriod.objects.create(month=MONDAY.replace(day=1), closed_by=director)
        assert site.post(url("training_worklog_delete", log.pk), {"post": "yes"}).status_code == 403
        site.post(
            url("training_worklog_changelist"),
            {"action": "delete_selected", "_selected_action": [log.pk], "post": "yes"},
        )
        assert WorkLog.objects.filter(pk=log.pk).exists()


class TestSessions:
    def test_a_session_is_not_planned_in_a_closed_month(self, site, teacher, director):
        ClosedPeriod.objects.create(month=dt.date(2026, 10, 1), closed_by=director)
        data = {
            "subject": "general",
            "title": "Français",
            "teacher": str(teacher.pk),
            "start_0": "2026-10-05",
            "start_1": "09:00",
            "end_0": "2026-10-05",
            "end_1": "10:00",
            "audience": "picked",
            "cohort": "",
            "workshop": "",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        }
        response = site.post(url("training_theorysession_add"), data)
        assert "La période 10/2026 est clôturée" in response.content.decode()
        assert not TheorySession.objects.exists()

    def test_a_roll_call_that_breaks_a_rule_is_refused_on_the_form(
        self, site, teacher, young, woodwork, woodwork_trainer, acme, office
    ):
        order = order_at("in_production", woodwork, woodwork_trainer, acme, office)
        WorkLog.objects.create(
            order=order, student=young, start=at(MONDAY, 8), end=at(MONDAY, 12),
            logged_by=woodwork_trainer,
        )  # fmt: skip
        session = TheorySession.objects.create(
            subject="general", title="Maths", teacher=teacher,
            start=at(MONDAY, 10), end=at(MONDAY, 11),
        )  # fmt: skip
        row = Attendance.objects.create(session=session, student=young)
        page = site.get(url("training_theorysession_change", session.pk))
        data = posted(page, **{"attendances-0-status": "present"})
        response = site.post(url("training_theorysession_change", session.pk), data)
        assert "Léa Martin a déjà une activité de 8\u00a0h à 12\u00a0h" in response.content.decode()
        row.refresh_from_db()
        assert row.status == Attendance.Status.PENDING

    def test_a_held_sessions_times_are_read_only(self, site, teacher, young):
        session = TheorySession.objects.create(
            subject="general", title="Maths", teacher=teacher,
            start=at(MONDAY, 10), end=at(MONDAY, 11),
        )  # fmt: skip
        Attendance.objects.create(session=session, student=young, status="present")
        page = site.get(url("training_theorysession_change", session.pk))
        assert "start" not in page.context["adminform"].form.fields
        data = posted(page, start_0=MONDAY.isoformat(), start_1="06:00")
        site.post(url("training_theorysession_change", session.pk), data)
        session.refresh_from_db()
        assert session.start == at(MONDAY, 10)

    def test_a_session_whose_roll_call_was_taken_is_not_deleted(self, site, teacher, young):
        session = TheorySession.objects.create(
            subject="general", title="Maths", teacher=teacher,
            start=at(MONDAY, 10), end=at(MONDAY, 11),
        )  # fmt: skip
        Attendance.objects.create(session=session, student=young, status="present")
        response = site.post(url("training_theorysession_delete", session.pk), {"post": "yes"})
        assert response.status_code == 403
        assert TheorySession.objects.filter(pk=session.pk).exists()

    def test_a_month_is_not_closed_before_it_starts(self, site):
        response = site.post(url("training_closedperiod_add"), {"month": "2026-12-01"})
        assert "ne peut pas être clôturé avant d’être terminé" in response.content.decode()
        assert not ClosedPeriod.objects.exists()

    def test_an_override_is_a_record_not_a_form(self, site, young, director):
        granted = Override.objects.create(
            student=young, rule="night", day=MONDAY, detail="20:30", reason="Livraison",
            granted_by=director,
        )  # fmt: skip
        response = site.post(
            url("training_override_change", granted.pk), {"reason": "autre", "detail": "x"}
        )
        assert response.status_code == 403
        assert site.get(url("training_override_add")).status_code == 403
        granted.refresh_from_db()
        assert granted.reason == "Livraison"


# --- 4. users offered by role -----------------------------------------------------------


class TestUsersByRole:
    def test_the_trainer_field_lists_trainers_only(
        self, site, woodwork, woodwork_trainer, teacher, accountant
    ):
        page = site.get(url("orders_order_add"))
        listed = options(page, "trainer")
        assert str(woodwork_trainer) in listed
        assert str(teacher) not in listed
        assert str(accountant) not in listed

    def test_the_trainer_must_run_the_orders_workshop(
        self, site, woodwork, machining, machining_trainer, acme
    ):
        page = site.get(url("orders_order_add"))
        data = posted(page)
        data.update(
            customer=str(acme.pk), title="Étagère", workshop=str(woodwork.pk),
            trainer=str(machining_trainer.pk), estimated_hours="0",
        )  # fmt: skip
        response = site.post(url("orders_order_add"), data)
        assert response.status_code == 200
        assert not Order.objects.exists()

    def test_a_session_teacher_is_a_teacher(self, site, teacher, woodwork_trainer):
        listed = options(site.get(url("training_theorysession_add")), "teacher")
        assert str(teacher) in listed
        assert str(woodwork_trainer) not in listed

    def test_workshop_trainers_and_tutors_are_trainers(
        self, site, woodwork, woodwork_trainer, teacher, young
    ):
        listed = options(site.get(url("ecoles_workshop_change", woodwork.pk)), "trainers")
        assert str(woodwork_trainer) in listed
        assert str(teacher) not in listed
        listed = options(site.get(url("students_student_change", young.pk)), "tutor")
        assert str(woodwork_trainer) in listed
        assert str(teacher) not in listed


class TestPupils:
    def test_an_anonymised_pupil_is_not_typed_into_again(self, site, young):
        anonymise(Student.objects.filter(pk=young.pk))
        page = site.get(url("students_student_change", young.pk))
        assert page.status_code == 200
        response = site.post(
            url("students_student_change", young.pk), {"first_name": "Léa", "last_name": "Martin"}
        )
        assert response.status_code == 403
        young.refresh_from_db()
        assert young.first_name != "Léa"

    def test_an_attachment_is_uploaded_by_who_sends_it(self, site, woodwork, teacher):
        page = site.get(url("orders_attachment_add"))
        assert 'name="uploaded_by"' not in page.content.decode()


# --- 5. every admin page opens ----------------------------------------------------------


@pytest.fixture
def one_of_each(woodwork, woodwork_trainer, acme, office, young, teacher, director):
    from django.core.files.base import ContentFile

    order = order_at("paid", woodwork, woodwork_trainer, acme, office)
    issue_credit_note(order.invoices.get(), office, reason="Geste", render=False)
    Attachment.objects.create(order=order, file=ContentFile(b"plan", name="plan.txt"))
    running = order_at("in_production", woodwork, woodwork_trainer, acme, office)
    log = WorkLog.objects.create(
        order=running, student=young, start=at(MONDAY, 8), end=at(MONDAY, 10),
        logged_by=woodwork_trainer,
    )  # fmt: skip
    session = TheorySession.objects.create(
        subject="general", title="Maths", teacher=teacher,
        start=at(MONDAY, 14), end=at(MONDAY, 15),
    )  # fmt: skip
    Attendance.objects.create(session=session, student=young)
    Override.objects.create(
        student=young, rule="night", day=MONDAY, detail="x", reason="y", granted_by=director,
        work_log=log,
    )  # fmt: skip
    ClosedPeriod.objects.create(month=dt.date(2026, 9, 1), closed_by=director)
    FollowUpNote.objects.create(student=young, category="family", text="t", author=director)

    Policy.load()
    Group.objects.get_or_create(name=roles.TRAINER)


def test_every_admin_page_opens(site, boss, one_of_each, rf):
    request = rf.get("/")
    request.user = boss
    broken = []
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        pages = [url(f"{info}_changelist")]
        if model_admin.has_add_permission(request):
            pages.append(url(f"{info}_add"))
        obj = model._default_manager.first()
        if obj is not None:
            pages.append(url(f"{info}_change", obj.pk))
            if isinstance(model_admin, SimpleHistoryAdmin):
                record = obj.history.first()
                pages.append(url(f"{info}_history", obj.pk))
                pages.append(url(f"{info}_simple_history", obj.pk, record.history_id))
        for page in pages:
            status = site.get(page).status_code
            if status != 200:
                broken.append((page, status))
    assert broken == []
