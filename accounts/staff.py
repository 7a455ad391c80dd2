"""Staff accounts, run by the director without the Django admin (issue 29 §4): invite a
member (an account without a usable password and a mail with a link to choose one),
send the invitation again, change roles and workshops, suspend and restore access.

Nobody who used his account is deleted (his name stays on what he did: work logs,
invoices, notes); only an invitation never used may be withdrawn. The school always
keeps an active director: the director cannot suspend himself, and the last director's
role cannot be taken away. Every change is a StaffChange (who, when, what).
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import mails
from accounts.models import StaffChange
from ecoles import mail, roles
from ecoles.models import Mail, User

# The roles the director gives to staff (SPEC.md §2); families' and pupils' accounts are
# not staff and are not run from these pages.
STAFF_ROLES = (roles.DIRECTOR, roles.OFFICE, roles.TRAINER, roles.TEACHER, roles.ACCOUNTANT)


def staff() -> QuerySet[User]:
    """The members of staff: every account holding a staff role, but the technical
    superuser (who is run from the admin)."""
    return User.objects.filter(is_superuser=False, groups__name__in=STAFF_ROLES).distinct()


def status(user: User) -> str:
    if not user.is_active:
        return "suspended"
    if user.last_login is None and not user.has_usable_password():
        return "invited"
    return "active"


def _role_names(names) -> str:
    return ", ".join(name for name in STAFF_ROLES if name in set(names)) or "—"


def _workshop_names(workshops) -> str:
    return ", ".join(sorted(w.name for w in workshops)) or "—"


def _log(member: User, by: User, what: str, detail: str = "") -> None:
    StaffChange.objects.create(
        member=member, member_name=str(member), by=by, what=what, detail=detail[:500]
    )


def _other_active_directors(member: User) -> bool:
    return (
        User.objects.filter(is_active=True, is_superuser=False, groups__name=roles.DIRECTOR)
        .exclude(pk=member.pk)
        .exists()
    )


def _set_workshops(member: User, workshops: set) -> None:
    """From the workshop's side, whose history keeps its trainers (ecoles.Workshop)."""
    current = set(member.workshops.all())
    for workshop in current - workshops:
        workshop.trainers.remove(member)
    for workshop in workshops - current:
        workshop.trainers.add(member)


def _send_invitation(member: User) -> None:
    mail.queue(mails.INVITATION, member.pk, to_kind="user", to_id=member.pk)


@transaction.atomic
def invite(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role_names,
    workshops=(),
) -> User:
    """Create the account (login: the e-mail address), without a usable password, and
    queue the mail whose link lets the member choose one."""
    role_names = [name for name in STAFF_ROLES if name in set(role_names)]
    if not role_names:
        raise ValidationError(_("A member of staff holds at least one role."))
    email = email.strip()
    member = User(
        username=email.casefold(), first_name=first_name, last_name=last_name, email=email
    )
    member.set_unusable_password()
    member.full_clean()
    member.save()
    member.groups.set(Group.objects.filter(name__in=role_names))
    if roles.TRAINER in role_names:
        _set_workshops(member, set(workshops))
    detail = _role_names(role_names)
    if roles.TRAINER in role_names and workshops:
        detail += f" · {_workshop_names(workshops)}"
    _log(member, by, StaffChange.What.INVITED, detail)
    _send_invitation(member)
    return member


@transaction.atomic
def invite_again(member: User, *, by: User) -> None:
    """A new link (the earlier ones stop working): only for an invitation not yet taken up."""
    if status(member) != "invited":
        raise ValidationError(
            _("%(member)s has already chosen a password: there is no invitation to send.")
            % {"member": member}
        )
    member.set_unusable_password()
    member.save(update_fields=["password"])
    _log(member, by, StaffChange.What.INVITATION_SENT_AGAIN, member.email)
    _send_invitation(member)


@transaction.atomic
def change(
    member: User,
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role_names,
    workshops=(),
) -> None:
    """New name, e-mail, roles and workshops; the workshops are a trainer's only."""
    role_names = [name for name in STAFF_ROLES if name in set(role_names)]
    before_roles = set(member.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
    losing_director = roles.DIRECTOR in before_roles and roles.DIRECTOR not in role_names
    if losing_director and member.is_active and not _other_active_directors(member):
        raise ValidationError(
            _("%(member)s is the school's only active director: give the role to "
              "someone else first.") % {"member": member}
        )  # fmt: skip
    if not role_names:
        raise ValidationError(_("A member of staff holds at least one role."))
    details = (member.first_name, member.last_name, member.email)
    member.first_name, member.last_name, member.email = first_name, last_name, email.strip()
    if (member.first_name, member.last_name, member.email) != details:
        member.full_clean()
        member.save(update_fields=["first_name", "last_name", "email"])
        _log(member, by, StaffChange.What.DETAILS, f"{member.get_full_name()} <{member.email}>")
    if set(role_names) != before_roles:
        member.groups.remove(*Group.objects.filter(name__in=before_roles - set(role_names)))
        member.groups.add(*Group.objects.filter(name__in=role_names))
        _log(
            member,
            by,
            StaffChange.What.ROLES,
            f"{_role_names(before_roles)} → {_role_names(role_names)}",
        )
    new_workshops = set(workshops) if roles.TRAINER in role_names else set()
    old_workshops = set(member.workshops.all())
    if new_workshops != old_workshops:
        _set_workshops(member, new_workshops)
        _log(
            member,
            by,
            StaffChange.What.WORKSHOPS,
            f"{_workshop_names(old_workshops)} → {_workshop_names(new_workshops)}",
        )


def end_sessions(member: User) -> int:
    """Log the member out everywhere (the database sessions that carry his id)."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(member.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def check_suspend(member: User, *, by: User) -> None:
    """Why this suspension cannot be done, if it cannot (before asking to confirm it)."""
    if member.pk == by.pk:
        raise ValidationError(_("You cannot suspend your own access."))
    if not member.is_active:
        raise ValidationError(_("%(member)s is already suspended.") % {"member": member})
    if member.is_director and not _other_active_directors(member):
        raise ValidationError(
            _("%(member)s is the school's only active director.") % {"member": member}
        )


@transaction.atomic
def suspend(member: User, *, by: User) -> None:
    """No more login, every open session ended; the account and its history stay."""
    check_suspend(member, by=by)
    member.is_active = False
    member.save(update_fields=["is_active"])
    _log(member, by, StaffChange.What.SUSPENDED)
    end_sessions(member)


@transaction.atomic
def restore(member: User, *, by: User) -> None:
    if member.is_active:
        raise ValidationError(_("%(member)s's access is not suspended.") % {"member": member})
    member.is_active = True
    member.save(update_fields=["is_active"])
    _log(member, by, StaffChange.What.RESTORED)


def check_withdraw(member: User) -> None:
    if member.last_login is not None or member.has_usable_password():
        raise ValidationError(
            _("%(member)s has used the account: it cannot be deleted, only suspended.")
            % {"member": member}
        )


@transaction.atomic
def withdraw(member: User, *, by: User) -> None:
    """Delete an invitation never taken up (a mistyped address, a member who did not
    come). Its trail stays, under the name."""
    check_withdraw(member)
    _log(member, by, StaffChange.What.WITHDRAWN, member.email)
    mail.cancel(member_mails(member), _("the invitation was withdrawn"))
    try:
        with transaction.atomic():
            member.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("%(member)s's name is already on the school's records: suspend the account "
              "instead.") % {"member": member}
        ) from exc  # fmt: skip


def member_mails(member: User) -> QuerySet[Mail]:
    return Mail.objects.filter(to_kind="user", to_id=member.pk)
