"""The password reset's mail, built by the task worker (ecoles.mail): the queue holds the
user's id, never the link. Its token is Django's own (default_token_generator), made when
the mail is built, so it works once and expires after PASSWORD_RESET_TIMEOUT as the
one Django's PasswordResetForm would have mailed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.tokens import invitation_token
from ecoles.mail import NotNeeded, register
from ecoles.models import Mail, School, User

PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 - a kind of mail
INVITATION = "accounts.invitation"


def build_password_reset(mail: Mail) -> EmailMessage:
    user = User.objects.filter(pk=mail.about_id).first()
    if user is None or not user.is_active or not user.has_usable_password() or not user.email:
        raise NotNeeded(_("the account cannot be reset any more"))
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if site.scheme == "https" else "http",
        "school_name": School.load().name,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = loader.render_to_string("registration/password_reset_subject.txt", context)
        body = loader.render_to_string("registration/password_reset_email.html", context)
    subject = "".join(subject.splitlines())
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def build_invitation(mail: Mail) -> EmailMessage:
    """The director's invitation (accounts.staff.invite): a link to choose a password,
    made here, when the mail leaves (accounts.tokens)."""
    user = User.objects.filter(pk=mail.about_id).first()
    if user is None or not user.is_active or user.has_usable_password() or not user.email:
        raise NotNeeded(_("the invitation is not waiting any more"))
    site = urlsplit(settings.SITE_URL)
    link = settings.SITE_URL.rstrip("/") + reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": link,
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "school_name": School.load().name,
        "site_name": site.netloc,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = loader.render_to_string("accounts/invitation_subject.txt", context)
        body = loader.render_to_string("accounts/invitation_email.txt", context)
    subject = "".join(subject.splitlines())
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def register_mails() -> None:
    register(PASSWORD_RESET, build=build_password_reset)
    register(INVITATION, build=build_invitation)
