from django.contrib import admin

from ecoles import roles
from ecoles.admin import ConfidentialAdmin, HistoryAdmin, users_with_role
from students.models import FollowUpNote, Guardian, Student


class GuardianInline(admin.StackedInline):
    model = Guardian
    extra = 0


@admin.register(Student)
class StudentAdmin(HistoryAdmin):
    list_display = ("last_name", "first_name", "workshop", "programme", "cohort", "status")
    list_filter = ("status", "workshop", "programme", "programme_year", "cohort")
    search_fields = ("last_name", "first_name", "search_name")
    date_hierarchy = "entry_date"
    inlines = [GuardianInline]
    readonly_fields = ("anonymised_at",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).records_visible_to(request.user)
        return qs.select_related("workshop")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tutor":
            kwargs["queryset"] = users_with_role(roles.TRAINER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        """An anonymised record stays anonymous: shown, never typed into again."""
        if obj is not None and obj.is_anonymised:
            return False
        return super().has_change_permission(request, obj)


@admin.register(FollowUpNote)
class FollowUpNoteAdmin(ConfidentialAdmin, HistoryAdmin):
    """Even in the admin, a note shows only to the direction (the Direction role itself:
    ConfidentialAdmin) and the pupil's tutor."""

    list_display = ("student", "date", "category", "author")
    list_filter = ("category",)
    raw_id_fields = ("student",)
    readonly_fields = ("author",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("student")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
