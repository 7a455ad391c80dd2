"""Every mail the school sends takes this one path (issue #28): a page queues a `Mail` row
and a task (django-tasks, database backend) that carries the row's id and nothing else;
the worker (`manage.py db_worker`, started by `make run`) builds the message from the
database, sends it through EMAIL_URL outside any transaction or lock, and keeps the
result. One retry policy for all (RETRY_AFTER, then failed after MAX_ATTEMPTS).

So the task table holds no link, address or name: a password reset's token is made by
the worker, not stored in the queue for three days and in every backup. Finished task
rows are pruned by `manage.py prune_db_task_results` (django-tasks-db), run from cron
(README).

An app declares a kind of mail with `register(kind, build=..., allowed_from=...,
on_change=...)` from its AppConfig.ready: `build(mail)` returns the EmailMessage (or
raises NotNeeded), `allowed_from(moment)` the first moment it may leave (families'
quiet hours), `on_change(mail)` keeps the app's own log (DocumentSend, FamilyNotice) in
step with the mail's status.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks_db.models import DBTaskResult

from ecoles.models import Mail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
RETRY_AFTER = [dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2)]
S = Mail.Status


class NotNeeded(Exception):  # noqa: N818 - an outcome, not an error
    """Raised by a kind's `build` when the mail is not needed any more (the family
    reported the absence): the mail is cancelled with this reason."""


@dataclass(frozen=True)
class Kind:
    build: Callable[[Mail], EmailMessage]
    allowed_from: Callable[[dt.datetime], dt.datetime] | None = None
    on_change: Callable[[Mail], None] | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, *, build, allowed_from=None, on_change=None) -> None:
    KINDS[name] = Kind(build=build, allowed_from=allowed_from, on_change=on_change)


def _allowed(kind: Kind, moment: dt.datetime) -> dt.datetime:
    return kind.allowed_from(moment) if kind.allowed_from else moment


def queue(
    kind: str, about_id: int | None = None, *, to_kind: str = "", to_id: int | None = None
) -> Mail:
    """Log a mail and queue its sending once the current transaction commits (none if it
    rolls back); the task carries the mail's id only."""
    when = _allowed(KINDS[kind], timezone.now())
    mail = Mail.objects.create(
        kind=kind, about_id=about_id, to_kind=to_kind, to_id=to_id, send_after=when
    )
    _enqueue(mail.pk, when)
    return mail


def retry(mail: Mail) -> bool:
    """Send again a mail that failed for good (the address was corrected since); False
    if it had not failed."""
    when = _allowed(KINDS[mail.kind], timezone.now())
    again = Mail.objects.filter(pk=mail.pk, status=S.FAILED).update(
        status=S.QUEUED, attempts=0, send_after=when
    )
    if again:
        _enqueue(mail.pk, when)
    return bool(again)


def cancel(mails, reason: str = "") -> int:
    """The waiting `mails` (a queryset) are not needed any more."""
    return mails.filter(status=S.QUEUED).update(status=S.CANCELLED, last_error=reason)


def forget(mails) -> int:
    """A person's data is anonymised: his mails (a queryset) keep what happened, not to
    which address nor the server's words (which may quote it); those still waiting are
    cancelled, and their task rows, finished or not, leave the queue's table."""
    ids = set(mails.values_list("pk", flat=True))
    if not ids:
        return 0
    Mail.objects.filter(pk__in=ids, status=S.QUEUED).update(status=S.CANCELLED)
    Mail.objects.filter(pk__in=ids).update(address="", last_error="")
    rows = DBTaskResult.objects.filter(task_path=deliver.module_path)
    doomed = [pk for pk, stored in rows.values_list("pk", "args_kwargs") if _mail_id(stored) in ids]
    DBTaskResult.objects.filter(pk__in=doomed).delete()
    return len(ids)


def _mail_id(stored: dict) -> int | None:
    args = (stored or {}).get("args") or [(stored or {}).get("kwargs", {}).get("mail_id")]
    return args[0] if args else None


def _enqueue(pk: int, when: dt.datetime | None, *, at_commit: bool = True) -> None:
    """Queue the task (the mail's id only), deferred to `when` if it is later; by a page,
    once its transaction commits; by the worker, which holds none, at once."""
    later = when if when and when > timezone.now() else None
    if later and not default_task_backend.supports_defer:
        # A backend that runs at once (tests): the next attempt is made by hand.
        logger.info("mail #%s will be retried by hand (backend cannot defer)", pk)
        return
    if at_commit:
        transaction.on_commit(lambda: deliver.using(run_after=later).enqueue(pk))
    else:
        deliver.using(run_after=later).enqueue(pk)


def _save(mail: Mail, kind: Kind, *fields: str) -> None:
    Mail.objects.filter(pk=mail.pk).update(**{f: getattr(mail, f) for f in fields})
    if kind.on_change:
        kind.on_change(mail)


@task()
def deliver(mail_id: int) -> str:
    """Build and send one queued mail if its hour has come; keep the result. No
    transaction is open and no row is locked while the mail server is talked to: the
    mail is claimed by one conditional UPDATE (its attempt count), so a second worker
    given the same id does nothing."""
    mail = Mail.objects.filter(pk=mail_id, status=S.QUEUED).first()
    if mail is None or mail.kind not in KINDS:
        return "nothing to do"
    kind = KINDS[mail.kind]
    now = timezone.now()
    allowed = _allowed(kind, now)
    if allowed > now:  # a worker that ran late must not write at night
        mail.send_after = allowed
        _save(mail, kind, "send_after")
        _enqueue(mail.pk, allowed, at_commit=False)
        return "waiting"
    claimed = Mail.objects.filter(pk=mail.pk, status=S.QUEUED, attempts=mail.attempts).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return "nothing to do"
    mail.attempts += 1
    try:
        message = kind.build(mail)
        message.send()
    except NotNeeded as reason:
        mail.status = S.CANCELLED
        mail.last_error = str(reason)[:1000]
    except Exception as exc:  # a mail server down, a PDF that failed: logged, retried
        logger.warning("mail %s #%s failed: %s", mail.kind, mail.pk, type(exc).__name__)
        mail.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = S.FAILED
        else:
            delay = RETRY_AFTER[min(mail.attempts, len(RETRY_AFTER)) - 1]
            mail.send_after = _allowed(kind, now + delay)
            _enqueue(mail.pk, mail.send_after, at_commit=False)
    else:
        mail.status = S.SENT
        mail.sent_at = now
        mail.address = ", ".join(message.to)
        mail.last_error = ""
    _save(mail, kind, "status", "last_error", "send_after", "sent_at", "address", "attempts")
    return "retry" if mail.status == S.QUEUED else mail.status
