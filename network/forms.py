from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import MemberSchool
from skills.models import DiplomaVersion


class MemberSchoolForm(forms.ModelForm):
    class Meta:
        model = MemberSchool
        fields = ["name", "uai", "siret", "active"]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("file"), help_text=_("The JSON file a school downloaded from its indicators page.")
    )


class PublishForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("référentiel"),
        queryset=DiplomaVersion.objects.select_related("diploma"),
        help_text=_("A version checked by the network, imported on this hub (Competencies)."),
    )
