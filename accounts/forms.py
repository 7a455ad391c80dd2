"""The password reset's two forms: its mail leaves through the task queue, and its last
step lifts the login lock."""

from __future__ import annotations

from urllib.parse import urlsplit

from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template import loader

from ecoles.mail import send_mail
from ecoles.models import School


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset mail is sent by the task worker, not while the page waits on the mail
    server (and a failure there is retried, not shown as an error to whoever asked).
    Its link is built on SITE_URL, not on the Host header of whoever asked (a forged Host
    would otherwise put the attacker's address in front of a real token), and it is
    signed with the school's name."""

    def save(self, *args, **kwargs) -> None:
        site = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = site.netloc
        kwargs["use_https"] = site.scheme == "https"
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "school_name": School.load().name,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        send_mail(subject, body, [to_email], html=html)


class UnlockingSetPasswordForm(SetPasswordForm):
    """The password reset's last step: whoever proved he owns the mailbox may log in at
    once, from any address, however many wrong passwords were tried before."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        reset(username=user.get_username().casefold())
        return user
