"""The families' mails, built by the task worker (ecoles.mail): the queue holds ids only.
An invitation's link is made here, when the mail is built (families.invitations); a
reminder to acknowledge a document names it, and is not sent once answered. Both keep
the families' quiet hours (schoollife.families.next_allowed)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ecoles.mail import NotNeeded, register
from ecoles.models import Mail, School, User
from families import invitations
from families.models import Acknowledgement, Invitation, Publication
from schoollife.families import next_allowed

REMINDER_KIND = "families.reminder"


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {
        **context,
        "school_name": School.load().name,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        body = loader.render_to_string(template, context)
    subject, _sep, body = body.partition("\n")
    return subject.strip(), body.lstrip("\n")


def build_invitation(mail: Mail) -> EmailMessage:
    invitation = (
        Invitation.objects.select_related("student", "guardian").filter(pk=mail.about_id).first()
    )
    if invitation is None or not invitation.is_open:
        raise NotNeeded(_("the invitation is no longer open"))
    address = invitations.address_of(invitation)
    if not address:
        raise NotNeeded(_("no email address any more"))
    secret = invitations.make_link_secret(invitation)
    if secret is None:
        raise NotNeeded(_("the invitation is no longer open"))
    link = settings.SITE_URL.rstrip("/") + reverse("families:redeem_link", args=[secret])
    subject, body = _render(
        "families/invitation_mail.txt",
        {"invitation": invitation, "link": link, "expires_at": invitation.expires_at},
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def build_reminder(mail: Mail) -> EmailMessage:
    publication = Publication.objects.filter(pk=mail.about_id).first()
    user = User.objects.filter(pk=mail.to_id, is_active=True).first()
    if publication is None or user is None or not user.email:
        raise NotNeeded(_("nobody to remind"))
    if Acknowledgement.objects.filter(
        publication=publication, user=user, version=publication.version
    ).exists():
        raise NotNeeded(_("already answered"))
    link = settings.SITE_URL.rstrip("/") + reverse("families:home")
    subject, body = _render(
        "families/reminder_mail.txt", {"publication": publication, "user": user, "link": link}
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def register_mails() -> None:
    register(invitations.MAIL_KIND, build=build_invitation, allowed_from=next_allowed)
    register(REMINDER_KIND, build=build_reminder, allowed_from=next_allowed)
