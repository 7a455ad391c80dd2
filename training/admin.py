"""Admin: the same checks as the pages (closed periods, minors' limits, the balance).

Work logs, sessions and roll calls go through training.recording, the module the pages
call: the admin's form runs it once and rolls it back (its refusals are the form's
errors), then the save runs it for real. Overrides are records of a director's decision,
made only through that module with a reason: shown here, never typed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, construct_instance
from django.utils.translation import gettext_lazy as _

from ecoles import roles
from ecoles.admin import HistoryAdmin, dry_run, users_with_role
from training import recording
from training.models import (
    Attendance,
    ClosedPeriod,
    Override,
    TheorySession,
    WorkLog,
    local_day,
)


def _is_closed(day) -> bool:
    return ClosedPeriod.objects.covering(day).exists()


def _copy(instance):
    """An unsaved copy of `instance` to try a process function on."""
    model = type(instance)
    copy = model(**{f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields})
    copy._state.adding = instance._state.adding
    return copy


class WorkLogAdminForm(forms.ModelForm):
    override_reason = forms.CharField(
        label=_("Director's override: reason"), required=False, widget=forms.Textarea
    )
    user = None  # the admin user, set per request by WorkLogAdmin.get_form

    class Meta:
        model = WorkLog
        fields = ["order", "student", "start", "end", "task", "machine"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = construct_instance(self, _copy(self.instance), fields=self._meta.fields)
        # The trial may move the order into production: on its own copy, not the form's.
        candidate.order = type(candidate.order).objects.get(pk=candidate.order_id)
        try:
            dry_run(
                recording.save_work_log,
                candidate,
                by=self.user,
                override_reason=cleaned.get("override_reason", ""),
            )
        except (recording.Refused, ValidationError) as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


@admin.register(WorkLog)
class WorkLogAdmin(HistoryAdmin):
    form = WorkLogAdminForm
    list_display = ["start", "end", "student", "order", "task", "logged_by"]
    list_filter = ["student__workshop"]
    search_fields = ["student__last_name", "order__title", "task"]
    date_hierarchy = "start"
    list_select_related = ["student", "order", "logged_by"]
    raw_id_fields = ["order", "student"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and _is_closed(obj.day):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        recording.save_work_log(
            obj, by=request.user, override_reason=form.cleaned_data.get("override_reason", "")
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        """A log of a closed month is kept; one of an invoiced, paid or cancelled order is
        deleted from its page, where the director writes his reason."""
        if obj is not None and (_is_closed(obj.day) or obj.order.status in recording.CLOSED_ORDER):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        recording.delete_work_log(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        """One by one, through the same checks as a single deletion (closed months,
        closed orders), instead of one SQL DELETE that would skip them."""
        for obj in queryset.select_related("order", "student__workshop"):
            try:
                self.delete_model(request, obj)
            except (recording.Refused, ValidationError) as exc:
                self.message_user(request, " ".join(exc.messages), level=messages.ERROR)


class AttendanceFormSet(BaseInlineFormSet):
    """A roll call changed here is taken through recording.record_attendance."""

    user = None  # set per request by AttendanceInline.get_formset

    def calls(self) -> list[recording.Call]:
        forms_ = [f for f in self.forms if f.instance.pk and f.has_changed()]
        originals = Attendance.objects.select_related("student", "session").in_bulk(
            [f.instance.pk for f in forms_]
        )
        return [
            recording.Call(
                originals[f.instance.pk],
                f.cleaned_data["status"],
                f.cleaned_data.get("late_minutes") or 0,
                f.cleaned_data.get("reason", ""),
            )
            for f in forms_
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        calls = self.calls()
        if not calls:
            return
        try:
            dry_run(recording.record_attendance, self.instance, calls, by=self.user)
        except (recording.Refused, ValidationError) as exc:
            raise ValidationError(exc.messages) from exc

    def save(self, commit=True):
        calls = self.calls()
        if calls:
            recording.record_attendance(self.instance, calls, by=self.user)
        # What the admin's change message reads.
        self.new_objects, self.deleted_objects = [], []
        self.changed_objects = [(c.attendance, ["status"]) for c in calls]
        return [call.attendance for call in calls]


class AttendanceInline(admin.TabularInline):
    """Pupils are expected when the session is planned (its page); here the roll call."""

    model = Attendance
    formset = AttendanceFormSet
    extra = 0
    fields = ["student", "status", "late_minutes", "reason", "taken_by", "taken_at"]
    readonly_fields = ["student", "taken_by", "taken_at"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# What a session's expected pupils depend on: frozen once pupils are expected.
SESSION_FROZEN = ["start", "end", "audience", "cohort", "workshop"]


class TheorySessionAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        session = construct_instance(self, _copy(self.instance), fields=self._meta.fields)
        try:
            if self.instance.pk:
                ClosedPeriod.refuse_if_closed(local_day(self.instance.start), session.day)
            else:
                dry_run(recording.plan_session, **_plan(session, self.user))
        except (recording.Refused, ValidationError) as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


def _plan(session: TheorySession, by) -> dict:
    """plan_session's arguments for a session typed in the admin (no pupil expected yet)."""
    names = ["subject", "title", "teacher", "start", "end", "audience", "cohort", "workshop"]
    return {name: getattr(session, name) for name in names} | {"students": [], "by": by}


@admin.register(TheorySession)
class TheorySessionAdmin(HistoryAdmin):
    form = TheorySessionAdminForm
    list_display = ["start", "end", "title", "subject", "teacher", "cohort", "workshop"]
    list_filter = ["subject", "teacher", "workshop"]
    search_fields = ["title"]
    date_hierarchy = "start"
    inlines = [AttendanceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "teacher":
            kwargs["queryset"] = users_with_role(roles.TEACHER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        frozen = SESSION_FROZEN if obj is not None and obj.attendances.exists() else []
        return [*super().get_readonly_fields(request, obj), *frozen]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and _is_closed(obj.day):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        """A session whose roll call was taken counts in pupils' hours: it stays."""
        taken = obj is not None and obj.attendances.exclude(status=Attendance.Status.PENDING)
        if obj is not None and (_is_closed(obj.day) or taken.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if change:
            super().save_model(request, obj, form, change)
            return
        planned = recording.plan_session(**_plan(obj, request.user))
        obj.pk, obj.created_at = planned.pk, planned.created_at
        obj._state.adding = False


@admin.register(Override)
class OverrideAdmin(HistoryAdmin):
    list_display = ["day", "student", "rule", "reason", "granted_by", "created_at"]
    list_filter = ["rule"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ClosedPeriodAdminForm(forms.ModelForm):
    class Meta:
        model = ClosedPeriod
        fields = ["month"]

    def clean_month(self):
        """The first of the month; that it has started is ClosedPeriod.clean()'s rule."""
        return self.cleaned_data["month"].replace(day=1)


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(HistoryAdmin):
    form = ClosedPeriodAdminForm
    list_display = ["month", "closed_by", "closed_at"]

    def save_model(self, request, obj, form, change):
        obj.closed_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
