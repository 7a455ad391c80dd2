"""Mail leaves through the task queue: the page queues it, the worker sends it."""

from __future__ import annotations

from django.core.management import call_command
from django.urls import reverse


def test_the_password_reset_mail_is_sent_by_the_task_worker(
    client, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    woodwork_trainer.email = "marc.delorme@example.org"
    woodwork_trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "marc.delorme@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []  # queued: the page did not wait on the mail server

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["marc.delorme@example.org"]
    assert "/compte/reset/" in mailoutbox[0].body


def test_nothing_is_queued_for_an_unknown_address(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mailoutbox == []
