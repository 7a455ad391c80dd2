"""The password reset's two forms: its mail leaves through the task queue, and its last
step lifts the login lock."""

from __future__ import annotations

from axes.utils import reset
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from accounts import mails
from ecoles import mail


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset mail is sent by the task worker, not while the page waits on the mail
    server (and a failure there is retried, not shown as an error to whoever asked).
    The queue holds the user's id only: the worker makes the token and the link
    (accounts.mails), built on SITE_URL, not on the Host header of whoever asked (a
    forged Host would otherwise put the attacker's address in front of a real token)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        mail.queue(mails.PASSWORD_RESET, user.pk, to_kind="user", to_id=user.pk)


class UnlockingSetPasswordForm(SetPasswordForm):
    """The password reset's last step: whoever proved he owns the mailbox may log in at
    once, from any address, however many wrong passwords were tried before."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        reset(username=user.get_username().casefold())
        return user
