"""Forms for pupils' records, their guardians, follow-up notes and leaving."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoles.bounds import BirthDateField, SchoolDateField
from ecoles.models import Policy, User, Workshop
from ecoles.roles import TRAINER
from ecoles.uploads import FileCheck
from students.ine import normalise as normalise_ine
from students.models import FollowUpNote, Guardian, Student


class DateInput(forms.DateInput):
    """The browser's date picker (a calendar on phones); the value travels as ISO."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WarningsConfirmMixin:
    """A form whose input is valid but unusual: it shows the warnings and asks once more.

    `confirm_warnings` stays hidden until there is something to confirm; then it becomes
    a checkbox the user ticks to save anyway (SPEC.md R6: age at entry, a full workshop).
    """

    warnings: list[str]

    def add_confirm_field(self) -> None:
        self.warnings = []
        self.fields["confirm_warnings"] = forms.BooleanField(
            label=_("I have read the warnings above and confirm"),
            required=False,
            widget=forms.HiddenInput,
        )

    def check_warnings(self, warnings: list[str]) -> None:
        self.warnings = warnings
        if warnings and not self.cleaned_data.get("confirm_warnings"):
            self.fields["confirm_warnings"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_warnings", _("Tick this box to save despite the warnings above.")
            )


class StudentForm(WarningsConfirmMixin, forms.ModelForm):
    # Longer than the 11 characters stored: an INE copied with spaces is normalised first.
    ine = forms.CharField(
        label=_("INE"),
        max_length=20,
        required=False,
        help_text=_("National pupil identifier (11 characters)."),
    )

    class Meta:
        model = Student
        fields = [
            "last_name",
            "first_name",
            "birth_date",
            "birth_place",
            "phone",
            "email",
            "address",
            "postal_code",
            "city",
            "workshop",
            "tutor",
            "programme",
            "programme_title",
            "programme_year",
            "entry_date",
            "cohort",
            "status",
            "ine",
            "sex",
            "previous_situation",
            "previous_class",
            "out_of_school_since",
            "previous_programme",
        ]
        widgets = {
            "birth_date": DateInput,
            "entry_date": DateInput,
            "out_of_school_since": DateInput,
        }
        field_classes = {"birth_date": BirthDateField, "entry_date": SchoolDateField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_confirm_field()
        self.fields["workshop"].queryset = Workshop.objects.active() | Workshop.objects.filter(
            pk=self.instance.workshop_id or 0
        )
        self.fields["tutor"].queryset = User.objects.filter(
            groups__name=TRAINER, is_active=True
        ).distinct()
        self.fields["tutor"].help_text = _(
            "A trainer of the pupil's workshop. Left empty: the workshop's trainer when it "
            "has only one."
        )
        self.fields["cohort"].required = False
        self.fields["cohort"].help_text = _("Year of entry; left empty, taken from the entry date.")
        # Leaving is recorded on its own form (date, reason, exam): here a pupil is an
        # applicant or enrolled, or keeps the leaving status he already has.
        allowed = [Student.Status.APPLICANT, Student.Status.ENROLLED]
        if self.instance.pk and self.instance.has_left:
            allowed.append(self.instance.status)
            self.fields["status"].help_text = _(
                "Choosing Applicant or Enrolled again cancels the recorded leaving."
            )
        else:
            self.fields["status"].help_text = _("To record a departure, use Leaving and outcomes.")
        self.fields["status"].choices = [c for c in Student.Status.choices if c[0] in allowed]
        self.was_left = bool(self.instance.pk and self.instance.has_left)

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_ine(self) -> str:
        return normalise_ine(self.cleaned_data["ine"])

    def clean(self) -> dict:
        data = super().clean()
        entry_date = data.get("entry_date")
        if entry_date and not data.get("cohort"):
            data["cohort"] = Policy.load().school_year_start(entry_date).year
        workshop = data.get("workshop")
        if workshop and not data.get("tutor"):
            trainers = list(workshop.trainers.filter(is_active=True)[:2])
            if len(trainers) == 1:
                data["tutor"] = trainers[0]
        if self.was_left and data.get("status") in (
            Student.Status.APPLICANT,
            Student.Status.ENROLLED,
        ):
            self.instance.clear_leaving()
        if not self.errors:
            draft = Student(
                pk=self.instance.pk,
                **{f: data.get(f) for f in ("first_name", "last_name", "birth_date", "entry_date")},
                workshop=workshop,
                status=data.get("status"),
            )
            self.check_warnings(draft.entry_warnings())
        return data


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = [
            "relationship",
            "last_name",
            "first_name",
            "phone",
            "phone_other",
            "email",
            "address",
            "postal_code",
            "city",
            "profession",
            "legal_representative",
            "receives_mail",
            "notices_by",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "phone_other": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left out (the pupils' import has no such column), the channel stays as it was:
        # email for a new guardian.
        self.fields["notices_by"].required = False

    def clean_notices_by(self) -> str:
        return self.cleaned_data.get("notices_by") or self.instance.notices_by


class BaseGuardianFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            f
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if not (self.can_delete and self._should_delete_form(f))
        ]
        student = self.instance
        minor = student.birth_date and student.age_on(timezone.localdate()) < 18
        if minor and not kept:
            raise ValidationError(_("A minor pupil needs at least one guardian."))
        if kept and not any(f.cleaned_data.get("receives_mail") for f in kept):
            raise ValidationError(_("Tick who receives the mail for at least one guardian."))


GuardianFormSet = inlineformset_factory(
    Student,
    Guardian,
    form=GuardianForm,
    formset=BaseGuardianFormSet,
    extra=1,
    can_delete=True,
)


class LeavingForm(forms.ModelForm):
    """The pupil leaves: date, reason, exam; later his destination at 6 and 12 months."""

    class Meta:
        model = Student
        fields = Student.LEAVING_FIELDS
        widgets = {"left_on": DateInput}
        field_classes = {"left_on": SchoolDateField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("left_on", "leaving_reason", "exam_result"):
            self.fields[name].required = True
        self.fields["exam_result"].help_text = _(
            "Obtained: the pupil becomes a graduate; otherwise he has left."
        )
        for name in ("contract_6m", "contract_12m"):
            self.fields[name].help_text = _("For employment only.")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("exam_result"):
            # The model's own rules then check the result against the status.
            self.instance.exam_result = data["exam_result"]
            self.instance.settle_leaving_status()
        return data


class FollowUpNoteForm(forms.ModelForm):
    class Meta:
        model = FollowUpNote
        fields = ["date", "category", "text"]
        widgets = {"date": DateInput, "text": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"date": SchoolDateField}


class StudentFilterForm(forms.Form):
    """The list's search and filters; every field optional, bad values ignored."""

    q = forms.CharField(label=_("Name"), required=False)
    workshop = forms.ModelChoiceField(
        label=_("Workshop"), queryset=Workshop.objects.all(), required=False
    )
    programme = forms.ChoiceField(
        label=_("Programme"),
        choices=[("", "---------"), *Student.Programme.choices],
        required=False,
    )
    programme_year = forms.TypedChoiceField(
        label=_("Year"),
        choices=[("", "---------"), (1, _("1st year")), (2, _("2nd year")), (3, _("3rd year"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    cohort = forms.IntegerField(label=_("Cohort"), required=False, min_value=1900, max_value=2999)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Applicants and enrolled")), *Student.Status.choices, ("all", _("All"))],
        required=False,
    )

    def filter(self, qs):
        if not self.is_valid():
            return qs.filter(status__in=[Student.Status.APPLICANT, Student.Status.ENROLLED])
        data = self.cleaned_data
        if data["q"]:
            qs = qs.search(data["q"])
        if data["workshop"]:
            qs = qs.filter(workshop=data["workshop"])
        if data["programme"]:
            qs = qs.filter(programme=data["programme"])
        if data["programme_year"]:
            qs = qs.filter(programme_year=data["programme_year"])
        if data["cohort"]:
            qs = qs.filter(cohort=data["cohort"])
        status = data["status"]
        if status == "all":
            return qs
        if status:
            return qs.filter(status=status)
        return qs.filter(status__in=[Student.Status.APPLICANT, Student.Status.ENROLLED])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Separated by ; or , in UTF-8 or Windows-1252 (an Excel export)."),
        validators=[FileCheck(("csv",), max_bytes=2 * 1024 * 1024)],
    )


class ConfirmImportForm(forms.Form):
    confirm_warnings = forms.BooleanField(
        label=_("I have read the warnings above and confirm"), required=False
    )
