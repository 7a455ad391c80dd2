"""Mail leaves through the task queue: the page queues it, the worker builds and sends it;
the queue holds ids only (issue #28)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ecoles.models import Mail


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def personal(text: str, names) -> list[str]:
    """What in `text` is a link, an email address or one of `names`."""
    found = re.findall(r"\w+://\S+|[\w.+-]+@[\w-]+\.[\w.-]+", text)
    found += [n for n in names if n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I)]
    return found


def assert_queue_holds_ids_only(names) -> None:
    """Every task row the queue keeps (waiting or finished) carries no link, no address,
    no name: only ids."""
    rows = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert rows, "nothing was queued"
    for path, stored in rows:
        text = json.dumps(stored, ensure_ascii=False)
        assert personal(text, names) == [], (path, text)


def test_the_password_reset_mail_is_sent_by_the_task_worker(
    client, woodwork_trainer, mailoutbox, django_capture_on_commit_callbacks
):
    woodwork_trainer.email = "marc.delorme@example.org"
    woodwork_trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "marc.delorme@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []  # queued: the page did not wait on the mail server
    names = [woodwork_trainer.first_name, woodwork_trainer.last_name, woodwork_trainer.username]
    assert_queue_holds_ids_only(names)  # no link with a working token in the table

    run_worker()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["marc.delorme@example.org"]
    assert_queue_holds_ids_only(names)  # nor in what the finished task keeps
    # The link the worker built works, as Django's own would.
    link = re.search(r"https?://[^/\s]+(/compte/reset/\S+)", mailoutbox[0].body).group(1)
    uid, token = link.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(woodwork_trainer, token)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and b'name="new_password1"' in page.content
    mail = Mail.objects.get()
    assert (mail.status, mail.to_kind, mail.to_id) == ("sent", "user", woodwork_trainer.pk)


def test_the_link_expires_as_djangos_does(
    client, woodwork_trainer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    woodwork_trainer.email = "marc.delorme@example.org"
    woodwork_trainer.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "marc.delorme@example.org"})
    run_worker()
    token = re.search(r"/compte/reset/\S+/(\S+)/", mailoutbox[0].body).group(1)
    assert default_token_generator.check_token(woodwork_trainer, token)
    settings.PASSWORD_RESET_TIMEOUT = -1  # its age is now past Django's limit
    assert not default_token_generator.check_token(woodwork_trainer, token)


@pytest.mark.django_db
def test_nothing_is_queued_for_an_unknown_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    run_worker()
    assert mailoutbox == []
    assert not DBTaskResult.objects.exists()
