from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from students.models import FollowUpNote, Guardian, Student


class GuardianInline(admin.StackedInline):
    model = Guardian
    extra = 0


@admin.register(Student)
class StudentAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "workshop", "programme", "cohort", "status")
    list_filter = ("status", "workshop", "programme", "programme_year", "cohort")
    search_fields = ("last_name", "first_name", "search_name")
    date_hierarchy = "entry_date"
    inlines = [GuardianInline]
    readonly_fields = ("anonymised_at",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).records_visible_to(request.user)
        return qs.select_related("workshop")


@admin.register(FollowUpNote)
class FollowUpNoteAdmin(SimpleHistoryAdmin):
    """Even in the admin, a note shows only to the pupil's tutor and the direction."""

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
