"""The password reset's two forms (its mail leaves through the task queue, and its last
step lifts the login lock) and the director's staff forms."""

from __future__ import annotations

from axes.utils import reset
from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import mails
from accounts.staff import STAFF_ROLES
from ecoles import mail
from ecoles.models import User, Workshop
from ecoles.roles import TRAINER


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


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All"))] + [(r, r) for r in STAFF_ROLES]
    )
    status = forms.ChoiceField(
        label=_("Access"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("invited", _("Invited")),
            ("suspended", _("Suspended")),
        ],
    )


class StaffForm(forms.Form):
    """A member's name, address, roles and (a trainer's) workshops: the invitation, then
    each change. The address is the login, so two accounts never share it."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), max_length=150, help_text=_("The invitation is sent there.")
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=[(r, r) for r in STAFF_ROLES], widget=forms.CheckboxSelectMultiple
    )
    workshops = forms.ModelMultipleChoiceField(
        label=_("Workshops"),
        queryset=Workshop.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The workshops a trainer runs (his pupils and orders)."),
    )

    def __init__(self, *args, member: User | None = None, **kwargs):
        self.member = member
        if member is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "email": member.email,
                    "roles": [g.name for g in member.groups.all() if g.name in STAFF_ROLES],
                    "workshops": list(member.workshops.all()),
                },
            )
        super().__init__(*args, **kwargs)
        if member is not None:
            self.fields["email"].help_text = ""
            # A workshop closed since keeps its trainer until the director unticks it.
            self.fields["workshops"].queryset = Workshop.objects.filter(
                Q(active=True) | Q(trainers=member)
            ).distinct()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        if self.member is not None:
            others = others.exclude(pk=self.member.pk)
        if others.exists():
            raise forms.ValidationError(_("Another account already has this e-mail address."))
        return email

    def clean(self):
        data = super().clean()
        if TRAINER in data.get("roles", []) and not data.get("workshops"):
            self.add_error("workshops", _("A trainer runs at least one workshop: tick it."))
        return data
