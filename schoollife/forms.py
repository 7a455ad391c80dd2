"""Forms of school life: the workshop roll call, an absence, the register's choice."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoles.bounds import SchoolDateField, parse_id
from ecoles.models import Workshop
from ecoles.pickers import offer
from schoollife import absences
from schoollife.models import Absence, AbsenceReason, Activity, AuthorityReport, HalfDay, Mark
from schoollife.rollcall import Exception_
from students.forms import DateInput
from students.models import Student
from training.forms import pupil_picker


class RollCallForm(forms.Form):
    """One line per pupil, present unless changed: "all present" is one tap."""

    def __init__(self, *args, pupils, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pupils = list(pupils)
        for p in self.pupils:
            self.fields[f"s{p.pk}"] = forms.ChoiceField(
                label=str(p), choices=Mark.choices, initial=Mark.PRESENT, widget=forms.RadioSelect
            )
            self.fields[f"m{p.pk}"] = forms.IntegerField(
                label=_("Minutes late"), required=False, min_value=1, max_value=240
            )
            self.fields[f"a{p.pk}"] = forms.ChoiceField(
                label=_("Activity"), choices=[("", "—"), *Activity.choices], required=False
            )

    def lines(self):
        for p in self.pupils:
            yield {
                "pupil": p,
                "status": self[f"s{p.pk}"],
                "minutes": self[f"m{p.pk}"],
                "activity": self[f"a{p.pk}"],
            }

    def clean(self) -> dict:
        data = super().clean()
        for p in self.pupils:
            status = data.get(f"s{p.pk}")
            if status == Mark.LATE and not data.get(f"m{p.pk}"):
                self.add_error(f"m{p.pk}", _("Say how many minutes late."))
            if status == Mark.AWAY and not data.get(f"a{p.pk}"):
                self.add_error(f"a{p.pk}", _("Say which school activity."))
        return data

    def exceptions(self) -> dict[int, Exception_]:
        found = {}
        for p in self.pupils:
            status = self.cleaned_data[f"s{p.pk}"]
            if status == Mark.PRESENT:
                continue
            found[p.pk] = Exception_(
                status=status,
                late_minutes=self.cleaned_data[f"m{p.pk}"] or 0 if status == Mark.LATE else 0,
                activity=self.cleaned_data[f"a{p.pk}"] if status == Mark.AWAY else "",
            )
        return found


class RegisterFilterForm(forms.Form):
    """A group (a workshop or a cohort) and a day."""

    workshop = forms.ModelChoiceField(
        label=_("Workshop"), queryset=Workshop.objects.none(), required=False
    )
    cohort = forms.TypedChoiceField(label=_("Cohort"), coerce=int, required=False, empty_value=None)
    day = SchoolDateField(label=_("Day"), required=False, widget=DateInput)

    def __init__(self, *args, workshops, cohorts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops
        self.fields["cohort"].choices = [("", "—"), *[(c, c) for c in cohorts]]

    def clean_day(self):
        day = self.cleaned_data["day"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("The register is kept for days already begun."))
        return day


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = [
            "student",
            "day",
            "half",
            "reason",
            "reason_detail",
            "reported_how",
            "document",
            "accepted",
        ]
        widgets = {"day": DateInput}

    def __init__(self, *args, students, search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        if not self.instance.pk:  # every pupil of the school: a picker (issue #16)
            self.fields["student"].widget = pupil_picker("schoollife:pupil_choices")
            named = [parse_id(self.data.get(self.add_prefix("student")))]
            offer(self, "student", students.search(search).order_by("last_name", "first_name"),
                  [pk for pk in named if pk])  # fmt: skip
        self.fields["reason"].queryset = AbsenceReason.objects.filter(active=True) | (
            AbsenceReason.objects.filter(pk=self.instance.reason_id or 0)
        )
        self.fields["half"].choices = HalfDay.choices
        if self.instance.pk:
            for name in ("student", "day", "half"):
                self.fields[name].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        if data.get("accepted") and not data.get("reason"):
            self.add_error("reason", _("An accepted absence has its reason."))
        return data


class AbsenceRangeForm(forms.ModelForm):
    """A new absence over a range of days (R9): from a half-day of the first day to a
    half-day of the last; schoollife.absences records each school half-day in it."""

    first_day = SchoolDateField(label=_("First day"), widget=DateInput)
    first_half = forms.ChoiceField(
        label=_("From the"), choices=HalfDay.choices, initial=HalfDay.MORNING
    )
    last_day = SchoolDateField(
        label=_("Last day"), widget=DateInput, help_text=_("The first day again for one day.")
    )
    last_half = forms.ChoiceField(
        label=_("Until the"), choices=HalfDay.choices, initial=HalfDay.AFTERNOON
    )

    class Meta:
        model = Absence
        fields = [
            "student",
            "first_day",
            "first_half",
            "last_day",
            "last_half",
            "reason",
            "reason_detail",
            "reported_how",
            "document",
            "accepted",
        ]

    def __init__(self, *args, students, search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        # every pupil of the school: a picker (issue #16)
        self.fields["student"].widget = pupil_picker("schoollife:pupil_choices")
        named = [parse_id(self.data.get(self.add_prefix("student")))]
        offer(self, "student", students.search(search).order_by("last_name", "first_name"),
              [pk for pk in named if pk])  # fmt: skip
        self.fields["reason"].queryset = AbsenceReason.objects.filter(active=True)
        today = timezone.localdate()
        self.fields["first_day"].initial = self.fields["last_day"].initial = today

    def clean(self) -> dict:
        data = super().clean()
        if data.get("accepted") and not data.get("reason"):
            self.add_error("reason", _("An accepted absence has its reason."))
        if all(data.get(k) for k in ("first_day", "first_half", "last_day", "last_half")):
            try:
                absences.refuse_bad_range(
                    data["first_day"], data["first_half"], data["last_day"], data["last_half"]
                )
            except forms.ValidationError as refused:
                self.add_error(None, refused)
        return data

    def record(self, *, by) -> absences.Recorded:
        data = self.cleaned_data
        template = self.save(commit=False)
        return absences.record(
            template, data["first_day"], data["first_half"], data["last_day"],
            data["last_half"], by=by,
        )  # fmt: skip


class ReportForm(forms.Form):
    """Record what was done for an alert (L131-8): the referral to the DASEN and how it
    left; on persistence, the meeting of the educational community and its referent; for
    16-18, the local youth mission contacted."""

    kind = forms.CharField(widget=forms.HiddenInput)
    student = forms.IntegerField(widget=forms.HiddenInput)
    sent_on = SchoolDateField(label=_("On"), widget=DateInput, initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("Sent by"), choices=[("", "—"), *AuthorityReport.Method.choices], required=False
    )
    referent = forms.CharField(label=_("Referent"), max_length=200, required=False)

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Record what was sent, not what will be."))
        return day

    def clean_referent(self):
        return " ".join(self.cleaned_data["referent"].split())

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # The record's own rule (AuthorityReport.clean), said on the form's fields.
        report = AuthorityReport(
            kind=kind, method=data.get("method", ""), referent=data.get("referent", "")
        )
        try:
            report.clean()
        except forms.ValidationError as refused:
            for field, errors in refused.message_dict.items():
                self.add_error(field, errors)
        if kind != AuthorityReport.Kind.DASEN:
            data["method"] = ""
        if kind != AuthorityReport.Kind.MEETING:
            data["referent"] = ""
        return data


class MonthForm(forms.Form):
    month = SchoolDateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        day = self.cleaned_data["month"] or timezone.localdate()
        return day.replace(day=1)


def cohorts() -> list[int]:
    return list(
        Student.objects.enrolled().order_by("-cohort").values_list("cohort", flat=True).distinct()
    )


class DeclarationSentForm(forms.Form):
    """Record that a declaration left for the academic authority and the mayor (R131-3 II)."""

    sent_on = SchoolDateField(label=_("Sent on"), widget=DateInput, initial=timezone.localdate)

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Record what was sent, not what will be."))
        return day
