"""Mail leaves through the task queue (django-tasks, database backend): the page that sends
it answers at once, and the worker (`manage.py db_worker`, started by `make run`) sends it
through EMAIL_URL."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task


@task()
def deliver(subject: str, body: str, to: list[str], html: str | None = None) -> int:
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def send_mail(subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Queue a mail once the current transaction commits (none for a rolled-back change)."""
    transaction.on_commit(lambda: deliver.enqueue(subject, body, list(to), html))
