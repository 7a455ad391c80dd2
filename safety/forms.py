"""Forms of the safety pages: machines, declarations, a pupil's opinions, trainings and
supervisor. The models' rules (dates not in the future, the machine in the pupil's
workshop) run through full_clean; what spans several rows is said here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecoles import roles
from ecoles.bounds import SchoolDateField
from ecoles.models import User, Workshop
from safety.models import (
    Declaration,
    DeclarationSupervisor,
    DeclarationUpdate,
    Machine,
    MedicalOpinion,
    SafetyTraining,
    Supervision,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def staff_for(workshop) -> object:
    """Who may train or supervise a pupil of `workshop`: its trainers and the direction."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(workshops=workshop) | Q(groups__name=roles.DIRECTOR))
        .distinct()
        .order_by("last_name", "first_name")
    )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    workshop = forms.ModelChoiceField(
        label=_("Workshop"),
        queryset=Workshop.objects.none(),
        required=False,
        empty_label=_("All workshops"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        workshops = Workshop.objects.active().order_by("name")
        if not user.has_role(roles.DIRECTOR, roles.OFFICE):
            workshops = workshops.filter(trainers=user)
        self.fields["workshop"].queryset = workshops


class MachineForm(forms.ModelForm):
    class Meta:
        model = Machine
        fields = ["workshop", "inventory_number", "name", "kind", "location", "risk_line", "in_use"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        workshops = Workshop.objects.active().order_by("name")
        if not user.has_role(roles.DIRECTOR):
            workshops = workshops.filter(trainers=user)
        self.fields["workshop"].queryset = workshops


class DeclarationForm(forms.ModelForm):
    sent_on = SchoolDateField(label=_("date sent"), widget=DateInput())

    class Meta:
        model = Declaration
        fields = [
            "sent_on",
            "method",
            "proof",
            "inspection_office",
            "risk_assessed_on",
            "machines",
            "trainings",
            "places",
            "renews",
        ]
        widgets = {
            "risk_assessed_on": DateInput(),
            "machines": forms.CheckboxSelectMultiple,
            "trainings": forms.Textarea(attrs={"rows": 3}),
            "places": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["machines"].queryset = Machine.objects.in_use().select_related("workshop")
        self.fields["renews"].queryset = Declaration.objects.order_by("-sent_on")


class DeclarationChangeForm(forms.ModelForm):
    """A change to what the declaration says (R4153-42), the day it happened."""

    changed_on = SchoolDateField(label=_("changed on"), widget=DateInput())

    class Meta:
        model = DeclarationUpdate
        fields = ["changed_on", "what"]

    def clean_what(self):
        return " ".join(self.cleaned_data["what"].split())


class UpdateSentForm(forms.Form):
    """The updated information left for the inspector on that day (R4153-42)."""

    update = forms.IntegerField(widget=forms.HiddenInput)
    sent_on = SchoolDateField(label=_("update sent on"), widget=DateInput())

    def __init__(self, *args, declaration: Declaration, **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = declaration

    def clean(self):
        data = super().clean()
        update = self.declaration.updates.waiting().filter(pk=data.get("update")).first()
        if update is None:
            raise forms.ValidationError(_("This change is not waiting for its update."))
        update.sent_on = data.get("sent_on")
        if update.sent_on:
            try:
                update.full_clean()
            except ValidationError as error:
                for message in error.messages:
                    self.add_error("sent_on", message)
        self.instance = update
        return data

    def save(self) -> DeclarationUpdate:
        self.instance.save(update_fields=["sent_on"])
        return self.instance


class SupervisorForm(forms.ModelForm):
    class Meta:
        model = DeclarationSupervisor
        fields = ["person", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[roles.DIRECTOR, roles.TRAINER])
            .distinct()
            .order_by("last_name", "first_name")
        )


SupervisorFormSet = forms.inlineformset_factory(
    Declaration,
    DeclarationSupervisor,
    form=SupervisorForm,
    extra=3,
    min_num=1,
    validate_min=True,
    can_delete=False,
)


class OpinionForm(forms.ModelForm):
    date = SchoolDateField(label=_("date of the opinion"), widget=DateInput())

    class Meta:
        model = MedicalOpinion
        fields = ["date", "doctor", "outcome", "restrictions", "scan"]
        widgets = {"restrictions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.student = student
        self.fields["restrictions"].queryset = Machine.objects.filter(workshop=student.workshop)

    def clean(self):
        cleaned = super().clean()
        outcome, excluded = cleaned.get("outcome"), cleaned.get("restrictions")
        if outcome == MedicalOpinion.Outcome.RESTRICTED and not excluded:
            self.add_error("restrictions", _("Tick what the doctor excluded."))
        if outcome != MedicalOpinion.Outcome.RESTRICTED and excluded:
            self.add_error(
                "restrictions", _("Only an opinion with restrictions excludes machines.")
            )
        return cleaned


class TrainingForm(forms.ModelForm):
    date = SchoolDateField(label=_("date"), widget=DateInput())

    class Meta:
        model = SafetyTraining
        fields = ["machine", "date", "given_by", "content", "signed"]

    def __init__(self, *args, student, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.student = student
        self.fields["machine"].queryset = Machine.objects.in_use().filter(workshop=student.workshop)
        self.fields["given_by"].queryset = staff_for(student.workshop)
        self.fields["given_by"].initial = user.pk


class SupervisionForm(forms.ModelForm):
    start = SchoolDateField(label=_("from"), widget=DateInput())

    class Meta:
        model = Supervision
        fields = ["supervisor", "start"]

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.student = student
        self.fields["supervisor"].queryset = staff_for(student.workshop)
