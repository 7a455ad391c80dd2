"""The safety records in the admin (superusers). Declarations are recorded with the user
who saved them; the rule that refuses work on a machine runs in training.recording, which
the work log admin goes through."""

from __future__ import annotations

from django.contrib import admin

from ecoles.admin import ConfidentialAdmin, HistoryAdmin
from safety.models import (
    Declaration,
    DeclarationSupervisor,
    Machine,
    MedicalOpinion,
    SafetyTraining,
    Supervision,
)


@admin.register(Machine)
class MachineAdmin(HistoryAdmin):
    list_display = ["inventory_number", "name", "workshop", "kind", "location", "in_use"]
    list_filter = ["workshop", "kind", "in_use"]
    search_fields = ["inventory_number", "name"]
    list_select_related = ["workshop"]


class SupervisorInline(admin.TabularInline):
    model = DeclarationSupervisor
    extra = 1


@admin.register(Declaration)
class DeclarationAdmin(HistoryAdmin):
    list_display = ["sent_on", "valid_until", "method", "created_by"]
    date_hierarchy = "sent_on"
    filter_horizontal = ["machines"]
    inlines = [SupervisorInline]
    readonly_fields = ["valid_until", "created_by"]
    list_select_related = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MedicalOpinion)
class MedicalOpinionAdmin(ConfidentialAdmin, HistoryAdmin):
    """Health data (R13): the Direction role itself, not the technical superuser alone."""

    list_display = ["student", "date", "valid_until", "outcome", "doctor"]
    list_filter = ["outcome", "student__workshop"]
    search_fields = ["student__last_name", "student__first_name"]
    filter_horizontal = ["restrictions"]
    readonly_fields = ["valid_until", "recorded_by"]
    list_select_related = ["student"]

    def save_model(self, request, obj, form, change):
        if not obj.recorded_by_id:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SafetyTraining)
class SafetyTrainingAdmin(HistoryAdmin):
    list_display = ["student", "machine", "date", "given_by", "signed"]
    list_filter = ["signed", "machine__workshop"]
    search_fields = ["student__last_name", "machine__name"]
    list_select_related = ["student", "machine", "given_by"]


@admin.register(Supervision)
class SupervisionAdmin(HistoryAdmin):
    list_display = ["student", "supervisor", "start", "end"]
    search_fields = ["student__last_name"]
    list_select_related = ["student", "supervisor"]
