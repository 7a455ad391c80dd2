from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoles.bounds import SchoolDateField
from skills.models import Appraisal, Autonomy, ChefDoeuvre, Competency, Evidence, Level

SKIP = ""


class TeamEvidenceForm(forms.Form):
    """One competency, one date, and for each pupil of the team a level (or nothing) and
    an autonomy: a few taps for a whole team, as the team work entry."""

    competency = forms.ModelChoiceField(queryset=Competency.objects.none(), label=_("Competency"))
    date = SchoolDateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    validate_now = forms.BooleanField(label=_("Validate now"), required=False, initial=True)

    def __init__(self, *args, pupils, competencies, labels=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pupils = list(pupils)
        self.fields["competency"].queryset = competencies
        self.fields["competency"].label_from_instance = lambda c: f"{c.code} · {c.wording}"
        # The school's names of the levels (short, for a thumb on a phone).
        levels = [(SKIP, _("—")), *(labels or Level.choices)]
        for pupil in self.pupils:
            self.fields[f"level_{pupil.pk}"] = forms.TypedChoiceField(
                label=str(pupil),
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"autonomy_{pupil.pk}"] = forms.ChoiceField(
                label=_("Autonomy"),
                choices=Autonomy.choices,
                initial=Autonomy.PARTLY,
                widget=forms.RadioSelect,
            )

    def rows(self):
        """(pupil, level field, autonomy field) for the template."""
        return [(p, self[f"level_{p.pk}"], self[f"autonomy_{p.pk}"]) for p in self.pupils]

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Evidence records work done: not a date in the future."))
        return day

    def clean(self):
        data = super().clean()
        self.marks = [
            (p, data[f"level_{p.pk}"], data[f"autonomy_{p.pk}"])
            for p in self.pupils
            if data.get(f"level_{p.pk}")
        ]
        if not self.errors and not self.marks:
            raise forms.ValidationError(_("Give a level to at least one pupil."))
        return data


class EvidenceForm(forms.ModelForm):
    """One piece of evidence (a correction, or an observation)."""

    class Meta:
        model = Evidence
        fields = ["date", "level", "autonomy", "comment", "photo", "self_level", "self_comment"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "level": forms.RadioSelect,
            "autonomy": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }


class OrderCompetenciesForm(forms.Form):
    competencies = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.none(),
        required=False,
        label=_("Competencies this order exercises"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, competencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competencies"]
        field.queryset = competencies
        field.label_from_instance = lambda c: f"{c.bloc.code} {c.code} · {c.wording}"


class AppraisalForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class ChefDoeuvreForm(forms.ModelForm):
    class Meta:
        model = ChefDoeuvre
        fields = ["subject", "oral_date", "oral_mark"]
        widgets = {"oral_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
