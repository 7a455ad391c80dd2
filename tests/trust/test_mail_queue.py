"""What sits at rest in the task queue (issue #28 §1) and the one mail path (§2): every kind
of mail the school sends is queued with ids only, built by the worker, and sent outside
any transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import staff
from billing import sending
from budget import receipts
from budget.models import Donation, Donor
from ecoles import mail as outgoing
from ecoles import roles
from ecoles.models import Mail, School, User
from families import invitations
from families import mails as family_mails
from families.models import GuardianAccount, Publication
from schoollife import families
from schoollife.models import Absence
from students.models import Guardian
from tests.ecoles.test_mail import assert_queue_holds_ids_only
from tests.training.conftest import at

WEDNESDAY = dt.date(2026, 11, 18)
pytestmark = pytest.mark.django_db


class WatchingBackend(EmailBackend):
    """The test's mail server, which notes how deep in transactions each mail was sent."""

    depths: list[int] = []

    def send_messages(self, messages):
        WatchingBackend.depths.append(len(connection.atomic_blocks))
        return super().send_messages(messages)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def exercise_every_mail(scenario, client, office) -> list[str]:
    """Queue one mail of each kind the school sends; the names they concern."""
    office.email = "secretariat@ecole.fr"
    office.save()
    client.post(reverse("password_reset"), {"email": "secretariat@ecole.fr"})
    invoice = scenario.get("invoice")[0]
    customer = invoice.order.customer
    customer.email = "compta@menuiseries-rhone.fr"
    customer.save()
    sending.send_invoice(invoice, office)
    sending.send_statement(customer, office, dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    pupil = scenario.get("student")[0]
    mother = Guardian.objects.create(
        student=pupil, relationship="mother", first_name="Nadia", last_name="Benali",
        email="nadia.benali@exemple.fr", legal_representative=True,
    )  # fmt: skip
    families.notify(Absence.objects.create(student=pupil, day=WEDNESDAY, half="am"))
    # R14: the mother is invited to her space; the father, who has one, is reminded of
    # the school rules he has not acknowledged.
    invitations.invite_by_mail(pupil, mother, by=office)
    father = Guardian.objects.create(
        student=pupil, relationship="father", first_name="Karim", last_name="Benali",
        email="karim.benali@exemple.fr", legal_representative=True,
    )  # fmt: skip
    account = User.objects.create_user(
        "karim", email=father.email, first_name="Karim", last_name="Benali"
    )
    GuardianAccount.objects.create(guardian=father, user=account)
    rules = Publication.objects.create(
        title="Règlement", file=ContentFile(b"%PDF-1.4\n%%EOF", name="r.pdf"),
        published_by=office,
    )  # fmt: skip
    outgoing.queue(family_mails.REMINDER_KIND, rules.pk, to_kind="user", to_id=account.pk)
    school = School.load()
    school.receipt_signatory, school.receipt_signatory_title = "Claire Vasseur", "Directrice"
    school.save()
    donor = Donor.objects.create(name="Jean Dupuis", email="jean.dupuis@exemple.fr")
    gift = Donation.objects.create(
        donor=donor, date=WEDNESDAY, received_on=WEDNESDAY, amount=D("100"), method="cheque"
    )
    receipt = receipts.issue_receipt(gift, office, today=WEDNESDAY, render=False)
    receipts.cancel_receipt(receipt, office, reason="Montant erroné")
    second = Donation.objects.create(
        donor=donor, date=WEDNESDAY, received_on=WEDNESDAY, amount=D("50"), method="cheque"
    )
    mailed = receipts.issue_receipt(second, office, today=WEDNESDAY, render=False)
    receipts.send_receipt(mailed, office, channel="email")  # its PDF made by the worker
    director = User.objects.filter(groups__name=roles.DIRECTOR).first() or office
    staff.invite(
        by=director, first_name="Karim", last_name="Haddad", email="karim.haddad@ecole.fr",
        role_names=[roles.TEACHER],
    )  # fmt: skip
    return [
        "Karim", "Haddad", "karim.haddad@ecole.fr",
        office.first_name, office.last_name, office.username, pupil.first_name,
        pupil.last_name, "Nadia", "Benali", "Karim", customer.name, "Dupuis",
    ]  # fmt: skip


def test_no_task_keeps_a_link_an_address_or_a_name(
    scenario, client, office, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            names = exercise_every_mail(scenario, client, office)
        # Every kind of mail an app registers was exercised above.
        assert set(Mail.objects.values_list("kind", flat=True)) == set(outgoing.KINDS)
        assert_queue_holds_ids_only(names)
        run_worker()
    assert len(mailoutbox) >= 3
    assert_queue_holds_ids_only(names)  # nor what finished tasks keep
    assert DBTaskResult.objects.filter(task_path="ecoles.mail.deliver").count() >= 4


def test_every_mail_is_sent_outside_any_transaction(
    scenario, client, office, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.trust.test_mail_queue.WatchingBackend"
    WatchingBackend.depths = []
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            exercise_every_mail(scenario, client, office)
        outside = len(connection.atomic_blocks)  # the test's own transaction
        for pk in Mail.objects.values_list("pk", flat=True):
            outgoing.deliver.call(pk)
    assert len(WatchingBackend.depths) == Mail.objects.filter(status="sent").count() >= 3
    assert set(WatchingBackend.depths) == {outside}


def test_the_mail_server_is_given_a_timeout(settings):
    from django.core.mail import get_connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert get_connection().timeout == settings.EMAIL_TIMEOUT
    assert 0 < settings.EMAIL_TIMEOUT <= 60


def test_anonymising_a_pupil_reaches_his_mails_their_log_and_their_tasks(
    scenario, client, office, mailoutbox, django_capture_on_commit_callbacks
):
    from schoollife.models import FamilyNotice
    from students.anonymisation import anonymise
    from students.models import Student

    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            exercise_every_mail(scenario, client, office)
        run_worker()
    pupil = scenario.get("student")[0]
    notice_mail = Mail.objects.get(kind=families.MAIL_KIND)
    assert notice_mail.address == "nadia.benali@exemple.fr"  # the proof it was sent

    anonymise(Student.objects.filter(pk=pupil.pk))

    notice_mail.refresh_from_db()
    assert (notice_mail.status, notice_mail.address) == ("sent", "")
    tasks = DBTaskResult.objects.filter(task_path="ecoles.mail.deliver")
    assert notice_mail.pk not in [
        row["args"][0] for row in tasks.values_list("args_kwargs", flat=True)
    ]
    assert tasks.exists()  # the other mails' tasks are not his
    notice = FamilyNotice.objects.get()
    assert "nadia" not in f"{notice.email} {notice.phone} {notice.result}".lower()
    assert Mail.objects.exclude(address="").exists()  # the others keep theirs


def test_finished_tasks_are_pruned_by_the_command_the_readme_schedules(
    scenario, client, office, mailoutbox, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.conf import settings as django_settings

    readme = (Path(django_settings.BASE_DIR) / "README.md").read_text()
    cron = [line for line in readme.splitlines() if "manage.py prune_db_task_results" in line]
    assert cron and cron[0].split()[0].isdigit()  # a crontab line
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            exercise_every_mail(scenario, client, office)
        run_worker()
    assert DBTaskResult.objects.exists()
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=8), 3, 30), tick=False):
        args = cron[0].split("manage.py ", 1)[1].split()
        call_command(*args, verbosity=0)
    assert not DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
