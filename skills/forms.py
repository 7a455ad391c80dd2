from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoles.bounds import SchoolDateField, parse_id
from ecoles.pickers import SearchSelect, offer
from orders.models import Order
from skills import photos
from skills.models import (
    Appraisal,
    Autonomy,
    Bloc,
    ChefDoeuvre,
    ChefDoeuvreStep,
    Competency,
    DiplomaVersion,
    Evidence,
    ExamRegistration,
    Level,
    UnitResult,
)
from students.models import Student
from training.forms import ORDER_HINT, ORDER_SEARCH, pupil_picker

SKIP = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos of the work in one input (a phone's camera or gallery); checked and
    shrunk by skills/photos.py, whose error names each file refused."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos of the work"))
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(PhotosField, self).clean(f, initial) for f in files]
        files = [f for f in cleaned if f]
        try:
            return photos.check(files)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


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
            self.fields[f"photos_{pupil.pk}"] = PhotosField()

    def rows(self):
        """(pupil, level field, autonomy field, photos field) for the template."""
        return [
            (p, self[f"level_{p.pk}"], self[f"autonomy_{p.pk}"], self[f"photos_{p.pk}"])
            for p in self.pupils
        ]

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
        self.photos = {p.pk: data.get(f"photos_{p.pk}") or [] for p in self.pupils}
        for pupil in self.pupils:
            if self.photos[pupil.pk] and not data.get(f"level_{pupil.pk}"):
                self.add_error(f"photos_{pupil.pk}", _("Give this pupil a level for his photos."))
        if not self.errors and not self.marks:
            raise forms.ValidationError(_("Give a level to at least one pupil."))
        return data


class EvidenceForm(forms.ModelForm):
    """One piece of evidence (a correction, or an observation)."""

    class Meta:
        model = Evidence
        fields = ["date", "level", "autonomy", "comment", "self_level", "self_comment"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "level": forms.RadioSelect,
            "autonomy": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    photos = PhotosField()


class PhotosForm(forms.Form):
    """Photos added to a piece of evidence while it waits for validation."""

    photos = PhotosField(required=True)

    def __init__(self, *args, already: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.already = already

    def clean_photos(self):
        files = self.cleaned_data["photos"]
        if self.already + len(files) > photos.MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)s photos per piece of evidence.") % {"count": photos.MAX_PHOTOS}
            )
        return files


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


class RncpImportForm(forms.Form):
    file = forms.FileField(
        label=_("France compétences export"),
        help_text=_(
            "The CSV ZIP (export-fiches-csv-…), the XML ZIP (export-fiches-rncp-v4-1-…) "
            "or its XML file, from data.gouv.fr."
        ),
    )

    # The whole RNCP is about 570 MB of XML: a web request is not the way for it.
    MAX_BYTES = 100 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("This file is over 100 MB: import it on the server with manage.py import_rncp.")
            )
        return upload


class ChefDoeuvreForm(forms.ModelForm):
    class Meta:
        model = ChefDoeuvre
        fields = ["subject", "oral_date", "oral_mark"]
        labels = {"subject": _("Subject of the chef-d'œuvre")}
        widgets = {"oral_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    # The orders it is made of, unticked to take one out (AddOrderForm adds one).
    keep_orders = forms.ModelMultipleChoiceField(
        queryset=Order.objects.none(),
        required=False,
        label=_("Orders it is made of"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.orders.all() if self.instance.pk else Order.objects.none()
        self.fields["keep_orders"].queryset = current
        self.fields["keep_orders"].initial = [o.pk for o in current]
        self.fields["oral_mark"].help_text = _("Out of 20, e.g. 14.5.")
        if not self.instance.pk:
            del self.fields["keep_orders"]


class AddOrderForm(forms.Form):
    """One more order for the chef-d'œuvre, through a picker (a school's orders grow past
    any list)."""

    add_order = forms.ModelChoiceField(
        queryset=Order.objects.none(),
        label=_("Add an order"),
        widget=SearchSelect("skills:order_choices", placeholder=ORDER_SEARCH, hint=ORDER_HINT),
    )

    def __init__(self, *args, chef, orders, order_search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chef = chef
        self.fields["add_order"].queryset = orders
        offer(self, "add_order", search_orders(orders, order_search))

    def clean_add_order(self):
        order = self.cleaned_data["add_order"]
        if self.chef.orders.filter(pk=order.pk).exists():
            raise forms.ValidationError(_("This order is already part of the chef-d'œuvre."))
        return order


def search_orders(orders, text: str):
    """Orders whose title, reference or customer holds `text`, the latest first."""
    if text:
        orders = orders.filter(
            Q(title__icontains=text)
            | Q(reference__icontains=text)
            | Q(customer__name__icontains=text)
        )
    return orders.order_by("-pk")


class StepForm(forms.ModelForm):
    class Meta:
        model = ChefDoeuvreStep
        fields = ["title", "planned_on", "done_on"]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_done_on(self):
        done = self.cleaned_data.get("done_on")
        if done and done > timezone.localdate():
            raise forms.ValidationError(_("A step is done on a day already passed, not ahead."))
        return done


StepFormSet = forms.inlineformset_factory(
    ChefDoeuvre, ChefDoeuvreStep, form=StepForm, extra=1, can_delete=True
)


class RegistrationForm(forms.ModelForm):
    """A pupil's registration for a session: the pupil and diploma chosen once."""

    class Meta:
        model = ExamRegistration
        fields = ["student", "version", "session_year", "number", "centre"]
        labels = {"session_year": _("Exam session (year)")}

    def __init__(self, *args, student_search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("student", "version", "session_year"):
                self.fields[name].disabled = True
        students = Student.objects.exclude(status=Student.Status.APPLICANT).select_related(
            "workshop"
        )
        self.fields["student"].queryset = students
        self.fields["student"].widget = pupil_picker("skills:pupil_choices")
        self.fields["version"].queryset = DiplomaVersion.objects.select_related("diploma")
        selected = [self.initial.get("student") or self.instance.student_id]
        if parse_id(self.data.get("student")):
            selected.append(parse_id(self.data["student"]))
        offer(self, "student", students.search(student_search).order_by("last_name"), selected)

    def validate_unique(self) -> None:
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except forms.ValidationError:
            self.add_error(
                None, _("This pupil is already registered for this diploma in this session.")
            )


class UnitsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        queryset=Bloc.objects.none(),
        required=False,
        label=_("Exam units sat"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, registration, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        field.queryset = Bloc.objects.filter(version=registration.version_id).order_by(
            "position", "code"
        )
        field.label_from_instance = lambda b: f"{b.code} · {b.name}"
        field.initial = [u.bloc_id for u in registration.units.all()]


class UnitResultForm(forms.ModelForm):
    class Meta:
        model = UnitResult
        fields = ["mark", "result"]

    def clean(self):
        data = super().clean()
        mark, result = data.get("mark"), data.get("result")
        no_mark = (UnitResult.Result.ABSENT, UnitResult.Result.EXEMPT)
        if mark is not None and result in no_mark:
            self.add_error("mark", _("An absent or exempted unit has no mark."))
        elif mark is not None and not result:
            # A unit marked 10 or more is kept (bénéfice des notes), below it is not.
            data["result"] = UnitResult.Result.PASSED if mark >= 10 else UnitResult.Result.FAILED
            self.instance.result = data["result"]
        return data


UnitResultFormSet = forms.modelformset_factory(UnitResult, form=UnitResultForm, extra=0)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Diploma outcome"), choices=ExamRegistration.Outcome)

    def __init__(self, *args, registration, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registration = registration
        self.fields["outcome"].initial = registration.outcome

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        try:
            self.registration.check_outcome(outcome)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return outcome
