from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from ecoles.models import Policy, School, User, Workshop
from ecoles.roles import TRAINER


class SchoolForm(forms.ModelForm):
    # Wider than the stored value: people type "732 829 320 00074"; clean_* compacts it.
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)

    class Meta:
        model = School
        exclude: list[str] = []

    def clean_siret(self) -> str:
        return stdnum_siret.compact(self.cleaned_data["siret"])

    def clean_vat_number(self) -> str:
        return stdnum_tva.compact(self.cleaned_data["vat_number"])


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        exclude: list[str] = []
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            for name in (
                "night_start",
                "night_start_under_16",
                "night_end",
                "morning_start",
                "morning_end",
                "afternoon_start",
                "afternoon_end",
            )
        }


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["name", "trade", "trainers", "capacity", "active", "sales_account"]
        widgets = {"trainers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = User.objects.filter(
            groups__name=TRAINER, is_active=True
        ).distinct()
