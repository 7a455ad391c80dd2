"""Admin: the same checks as the pages (closed periods, minors' limits, the balance)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from training import recording
from training.models import Attendance, ClosedPeriod, Override, TheorySession, WorkLog


class WorkLogAdminForm(forms.ModelForm):
    override_reason = forms.CharField(
        label=_("Director's override: reason"), required=False, widget=forms.Textarea
    )

    class Meta:
        model = WorkLog
        fields = ["order", "student", "start", "end", "task"]

    def clean(self):
        cleaned = super().clean()
        log = self.instance
        if self.errors or not (log.start and log.end):
            return cleaned
        try:
            if log.pk:
                original = WorkLog.objects.get(pk=log.pk)
                ClosedPeriod.refuse_if_closed(original.day)
            if not log.pk or original.order_id != log.order_id:
                recording._open_order(log.order, self.request_user)
            ClosedPeriod.refuse_if_closed(log.day)
            entry = recording.Entry(
                log.student,
                log.start,
                log.end,
                str(log.order),
                exclude_logs=[log.pk] if log.pk else [],
            )
            violations = recording._frozen(log) + recording.find_violations([entry])
            self.overridden = recording._settle(
                violations, self.request_user, cleaned.get("override_reason", "")
            )
        except recording.Refused as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


@admin.register(WorkLog)
class WorkLogAdmin(SimpleHistoryAdmin):
    form = WorkLogAdminForm
    list_display = ["start", "end", "student", "order", "task", "logged_by"]
    list_filter = ["student__workshop"]
    search_fields = ["student__last_name", "order__title", "task"]
    date_hierarchy = "start"
    list_select_related = ["student", "order", "logged_by"]
    raw_id_fields = ["order", "student"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.logged_by = request.user
        super().save_model(request, obj, form, change)
        recording._record_overrides(
            getattr(form, "overridden", []),
            request.user,
            form.cleaned_data.get("override_reason", ""),
            logs={obj.student_id: obj},
        )
        if obj.order.status == obj.order.Status.ACCEPTED:
            obj.order.start_production(by=request.user)

    def has_delete_permission(self, request, obj=None):
        """A log of an invoiced, paid or cancelled order is deleted from its page, where
        the director writes his reason."""
        if obj is not None and obj.order.status in recording.CLOSED_ORDER:
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


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["student", "status", "late_minutes", "reason", "taken_by", "taken_at"]
    readonly_fields = ["taken_by", "taken_at"]
    raw_id_fields = ["student"]


@admin.register(TheorySession)
class TheorySessionAdmin(SimpleHistoryAdmin):
    list_display = ["start", "end", "title", "subject", "teacher", "cohort", "workshop"]
    list_filter = ["subject", "teacher", "workshop"]
    search_fields = ["title"]
    date_hierarchy = "start"
    inlines = [AttendanceInline]

    def save_formset(self, request, form, formset, change):
        """Roll calls edited in the admin go through the same checks as the page."""
        rows = formset.save(commit=False)
        calls = [
            recording.Call(row, row.status, row.late_minutes, row.reason) for row in rows if row.pk
        ]
        session = form.instance
        if calls:
            originals = {
                a.pk: a for a in Attendance.objects.filter(pk__in=[c.attendance.pk for c in calls])
            }
            for call in calls:
                call.attendance = originals[call.attendance.pk]
            try:
                recording.record_attendance(session, calls, by=request.user)
            except (recording.Refused, ValidationError) as exc:
                self.message_user(request, " ".join(exc.messages), level="error")
        for row in rows:
            if not row.pk:
                row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(Override)
class OverrideAdmin(SimpleHistoryAdmin):
    list_display = ["day", "student", "rule", "reason", "granted_by", "created_at"]
    list_filter = ["rule"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["student", "work_log", "attendance"]


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["month", "closed_by", "closed_at"]
    exclude = ["closed_by"]

    def save_model(self, request, obj, form, change):
        obj.closed_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
