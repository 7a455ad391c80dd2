"""Inviting a guardian or a pupil to his space (SPEC.md R14).

The office invites from the pupil's record: by mail (the worker makes the one-time link
when it builds the mail, as for a password reset: the queue holds the invitation's id
only) or by a printed letter carrying a one-time code (made when the letter is printed,
shown once). Only a hash of the secret is stored. An invitation works once, until it
expires (FAMILY_INVITATION_DAYS) or the office revokes it; a new invitation replaces the
person's open one. Redeeming it makes the account (or, for a guardian already logged
in, links this child to his account: one account for siblings).

Nobody can enumerate accounts: whatever is wrong with a link or a code (unknown, used,
expired, revoked), the answer is the same.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecoles import mail as outgoing
from ecoles import roles
from ecoles.models import User
from families.models import GuardianAccount, Invitation, PupilAccount, digest, new_code

MAIL_KIND = "families.invitation"
LINK_LENGTH = 32
NOT_VALID = gettext_lazy(
    "This link or code is not valid: it may have been used, have expired or been revoked. "
    "Ask the school for a new one."
)


def has_account(student, guardian=None) -> bool:
    if guardian is not None:
        return GuardianAccount.objects.filter(guardian=guardian).exists()
    return PupilAccount.objects.filter(student=student).exists()


def _new(student, guardian, channel: str, by) -> Invitation:
    if guardian is not None and guardian.student_id != student.pk:
        raise ValidationError(_("This guardian is another pupil's."))
    if has_account(student, guardian):
        raise ValidationError(_("This person already has an account."))
    now = timezone.now()
    # One open invitation per person: the new one replaces it.
    Invitation.objects.filter(
        student=student, guardian=guardian, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    return Invitation.objects.create(
        student=student,
        guardian=guardian,
        channel=channel,
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.FAMILY_INVITATION_DAYS),
    )


def address_of(invitation: Invitation) -> str:
    person = invitation.guardian or invitation.student
    return person.email


def invite_by_mail(student, guardian=None, *, by) -> Invitation:
    """Queue the invitation's mail (the link is made by the worker)."""
    person = guardian or student
    if not person.email:
        raise ValidationError(_("Without an email, print a letter with a code."))
    with transaction.atomic():
        invitation = _new(student, guardian, Invitation.Channel.MAIL, by)
        outgoing.queue(
            MAIL_KIND,
            invitation.pk,
            to_kind="guardian" if guardian else "student",
            to_id=person.pk,
        )
    return invitation


def invite_by_letter(student, guardian=None, *, by) -> tuple[Invitation, str]:
    """The invitation and its code, to print now: it is not kept and cannot be shown
    again (a lost letter: print a new one, which revokes this one)."""
    code = new_code()
    with transaction.atomic():
        invitation = _new(student, guardian, Invitation.Channel.LETTER, by)
        invitation.secret_hash = digest(code)
        invitation.save(update_fields=["secret_hash"])
    return invitation, code


def make_link_secret(invitation: Invitation) -> str | None:
    """In the worker: a new secret for the link of an invitation still open (None if it
    is not); a retried mail's new link replaces the one before."""
    secret = new_code(LINK_LENGTH)
    changed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(secret_hash=digest(secret))  # fmt: skip
    return secret if changed else None


def revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def find(secret: str) -> Invitation | None:
    """The open invitation of this link or code, or None whatever the reason."""
    if not secret or len(secret) > 100:
        return None
    return Invitation.objects.usable().filter(secret_hash=digest(secret)).first()


def redeem(secret: str, *, username: str = "", password: str = "", user=None) -> User:
    """Use the invitation: a new account named `username`, or `user`'s own account (a
    guardian already logged in, for a brother or sister). Raises ValidationError with
    the one same message for any invitation that is not open."""
    with transaction.atomic():
        invitation = find(secret)
        if invitation is not None:
            invitation = (
                Invitation.objects.select_for_update().usable().filter(pk=invitation.pk).first()
            )
        if invitation is None:
            raise ValidationError(NOT_VALID, code="not_valid")
        if has_account(invitation.student, invitation.guardian):
            raise ValidationError(NOT_VALID, code="not_valid")
        role = roles.PUPIL if invitation.for_pupil else roles.FAMILY
        if user is None:
            person = invitation.guardian or invitation.student
            user = User.objects.create_user(
                username=username,
                password=password,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
            )
        elif invitation.for_pupil or not user.has_role(roles.FAMILY):
            raise ValidationError(
                _("Log out first: this invitation makes an account of its own."), code="other"
            )
        user.groups.add(Group.objects.get(name=role))
        if invitation.for_pupil:
            PupilAccount.objects.create(student=invitation.student, user=user)
        else:
            GuardianAccount.objects.create(guardian=invitation.guardian, user=user)
        invitation.used_at = timezone.now()
        invitation.account = user
        invitation.save(update_fields=["used_at", "account"])
    return user
