from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from ecoles.bounds import SchoolDateField
from ecoles.models import User
from families.models import AbsenceReport, Preference, Publication
from schoollife.absences import refuse_bad_range
from schoollife.models import AbsenceReason
from skills.models import Level
from students.forms import DateInput


class RedeemForm(forms.Form):
    """The code from the letter (or the link's, hidden), a login and a password."""

    code = forms.CharField(label=_("Code from the letter"), max_length=100)
    username = forms.CharField(
        label=_("Choose a login"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("The password again"), widget=forms.PasswordInput)

    def __init__(self, *args, link: bool = False, linking: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if link:
            self.fields["code"].widget = forms.HiddenInput()
        if linking:  # a guardian already logged in links a brother or sister
            for name in ("username", "password1", "password2"):
                del self.fields[name]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login is taken: choose another."))
        return username

    def clean(self) -> dict:
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two:
            if one != two:
                self.add_error("password2", _("The two passwords differ."))
            else:
                try:
                    validate_password(one, User(username=data.get("username", "")))
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        return data


class AbsenceReportForm(forms.ModelForm):
    """A family reports an absence in advance or justifies one (R14), over a range of
    half-days as the office records them (schoollife.absences)."""

    first_day = SchoolDateField(label=_("First day"), widget=DateInput)
    last_day = SchoolDateField(
        label=_("Last day"), widget=DateInput, help_text=_("The first day again for one day.")
    )

    class Meta:
        model = AbsenceReport
        fields = [
            "reason",
            "first_day",
            "first_half",
            "last_day",
            "last_half",
            "detail",
            "document",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = AbsenceReason.objects.filter(active=True)

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            try:
                refuse_bad_range(
                    first, data.get("first_half", "am"), last, data.get("last_half", "pm")
                )
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return data


class DecisionForm(forms.Form):
    answer = forms.CharField(
        label=_("A word to the family"),
        max_length=300,
        required=False,
        help_text=_("Required to refuse."),
    )


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["title", "file", "version", "audience", "cohort", "asks_consent"]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["channel", "quiet_from", "quiet_until"]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_channel(self) -> str:
        channel = self.cleaned_data["channel"]
        if channel != Preference.Channel.EMAIL:
            raise forms.ValidationError(_("Only email is available for now."))
        return channel


class SelfAssessmentForm(forms.Form):
    self_level = forms.TypedChoiceField(
        label=_("How well do you master it?"), choices=Level.choices, coerce=int
    )
    self_comment = forms.CharField(label=_("Your words"), max_length=500, required=False)
