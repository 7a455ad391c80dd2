from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from ecoles import calendar
from ecoles.bounds import SchoolDateField
from ecoles.models import Closure, OpenedDay, Policy, School, User, Workshop
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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["kind", "name", "first_day", "last_day"]
        widgets = {"first_day": DateInput(), "last_day": DateInput()}


class OpenedDayForm(forms.ModelForm):
    class Meta:
        model = OpenedDay
        fields = ["day", "reason"]
        widgets = {"day": DateInput()}
        field_classes = {"day": SchoolDateField}
        help_texts = {
            "reason": _("An open day, a Saturday market, a customer's urgent delivery..."),
        }

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and not calendar.Calendar.load(day, day).calendar_reason(day):
            raise forms.ValidationError(_("This day is already a school day."))
        return day


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar file (.ics)"),
        help_text=_("The official school calendar of your zone, as the ministry publishes it."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            periods = calendar.parse_ics(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not text (UTF-8).")) from exc
        except calendar.CalendarFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not periods:
            raise forms.ValidationError(_("The file holds no holiday period."))
        return periods
