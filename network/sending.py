"""The school sends a year's indicators to the network's hub (issue 31 §1).

The director asks from the indicators page; a task (django-tasks) does it in the worker:
it carries the year only, and builds the payload when it runs (network.payload.build),
signs it with the school's key (settings.NETWORK_KEY_ID / NETWORK_KEY_SECRET, never in
the task's arguments) and POSTs it to settings.NETWORK_URL + "indicateurs/". What the
hub answers is kept on the year's last `Sending`, which the indicators page shows.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from network import payload, signing
from network.models import Sending

TIMEOUT = 20  # seconds: a hub that does not answer frees the worker


def configured() -> bool:
    """The hub's address (http or https only) and the school's key are set."""
    return bool(
        settings.NETWORK_URL.startswith(("https://", "http://"))
        and settings.NETWORK_KEY_ID
        and settings.NETWORK_KEY_SECRET
    )


def endpoint() -> str:
    return settings.NETWORK_URL.rstrip("/") + "/indicateurs/"


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - http(s) only, see configured()
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - the hub's URL is the settings'
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


# The tests replace this with the Django test client speaking to a hub in the same process.
transport: Callable[[str, bytes, dict[str, str]], tuple[int, dict]] = _post


def ask(year: int, user) -> Sending:
    """Record the request and queue the sending once it commits."""
    sending = Sending.objects.create(year=year, requested_by=user)
    transaction.on_commit(lambda: send_task.enqueue(year))
    return sending


@task()
def send_task(year: int) -> str:
    return send(year).status


def send(year: int) -> Sending:
    """Send the year's indicators now; the year's last queued sending records the answer."""
    sending = Sending.objects.filter(year=year, status=Sending.Status.QUEUED).first()
    if sending is None:
        sending = Sending.objects.create(year=year)
    if not configured():
        return _finish(
            sending, Sending.Status.FAILED, _("The network's address or key is not set.")
        )
    body = payload.dumps(payload.build(year))
    headers = signing.headers(settings.NETWORK_KEY_ID, settings.NETWORK_KEY_SECRET, body)
    try:
        status, answer = transport(endpoint(), body, headers)
    except (OSError, ValueError) as exc:
        return _finish(
            sending, Sending.Status.FAILED, _("The network did not answer: %(e)s") % {"e": exc}
        )
    if status == 201:
        return _finish(
            sending, Sending.Status.SENT,
            _("Received as version %(version)s.") % {"version": answer.get("version", "?")},
        )  # fmt: skip
    error = answer.get("error") or {}
    message = error.get("message") or _("HTTP error %(status)s") % {"status": status}
    if error.get("field"):
        message = f"{message} ({error['field']})"
    return _finish(sending, Sending.Status.FAILED, message)


def _finish(sending: Sending, status: str, detail: str) -> Sending:
    sending.status, sending.detail, sending.finished_at = status, detail[:500], timezone.now()
    sending.save(update_fields=["status", "detail", "finished_at"])
    return sending
