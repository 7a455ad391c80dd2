from django.contrib import admin

from ecoles.admin import HistoryAdmin
from skills.models import (
    Appraisal,
    Bloc,
    ChefDoeuvre,
    ChefDoeuvreStep,
    Competency,
    CompetencyMapping,
    Diploma,
    DiplomaVersion,
    Evidence,
    ExamRegistration,
    KnowledgeItem,
    Programme,
    RncpFiche,
    UnitResult,
)


class VersionInline(admin.TabularInline):
    model = DiplomaVersion
    extra = 0
    fields = ("label", "valid_from", "previous")


@admin.register(Diploma)
class DiplomaAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "rncp", "years")
    search_fields = ("name", "code", "rncp")
    inlines = [VersionInline]


class BlocInline(admin.TabularInline):
    model = Bloc
    extra = 0
    fields = ("position", "code", "rncp_code", "name", "subject")


@admin.register(DiplomaVersion)
class DiplomaVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "rncp", "valid_from", "previous")
    list_select_related = ("diploma", "previous__diploma")
    inlines = [BlocInline]


@admin.register(RncpFiche)
class RncpFicheAdmin(admin.ModelAdmin):
    """Written by the import (skills/rncp.py) from France compétences' data: read only."""

    list_display = ("number", "title", "active", "registration_ends", "version", "exported_on")
    list_select_related = ("version__diploma",)
    search_fields = ("number", "title")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ("position", "code", "wording")


@admin.register(Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "version", "rncp_code", "subject")
    list_filter = ("version",)
    list_select_related = ("version__diploma",)
    inlines = [CompetencyInline]


class KnowledgeInline(admin.TabularInline):
    model = KnowledgeItem
    extra = 0


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "wording", "bloc")
    list_filter = ("bloc__version",)
    list_select_related = ("bloc",)
    search_fields = ("code", "wording")
    inlines = [KnowledgeInline]
    raw_id_fields = ("orders",)


@admin.register(CompetencyMapping)
class CompetencyMappingAdmin(admin.ModelAdmin):
    list_display = ("old", "new")
    raw_id_fields = ("old", "new")


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = ("student", "version", "started_on")
    list_select_related = ("student", "version__diploma")
    raw_id_fields = ("student",)


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    """Validated evidence shows read-only: a correction is new evidence (the pages)."""

    list_display = ("student", "competency", "date", "level", "autonomy", "validated_at")
    list_filter = ("level", "autonomy", "source")
    list_select_related = ("student", "competency")
    raw_id_fields = ("student", "competency", "order", "work_log", "theory_session", "supersedes")
    readonly_fields = ("validated_by", "validated_at", "recorded_at")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_validated:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_validated:
            return False
        return super().has_delete_permission(request, obj)


class StepInline(admin.TabularInline):
    model = ChefDoeuvreStep
    extra = 1


@admin.register(ChefDoeuvre)
class ChefDoeuvreAdmin(HistoryAdmin):
    list_display = ("subject", "student", "oral_date", "oral_mark")
    list_select_related = ("student",)
    raw_id_fields = ("student", "orders")
    inlines = [StepInline]


@admin.register(Appraisal)
class AppraisalAdmin(HistoryAdmin):
    list_display = ("student", "term_start", "author")
    list_select_related = ("student", "author")
    raw_id_fields = ("student",)


class UnitInline(admin.TabularInline):
    model = UnitResult
    extra = 0


@admin.register(ExamRegistration)
class ExamRegistrationAdmin(HistoryAdmin):
    list_display = ("student", "version", "session_year", "number", "centre", "outcome")
    list_filter = ("session_year", "outcome", "version")
    list_select_related = ("student", "version__diploma")
    raw_id_fields = ("student",)
    inlines = [UnitInline]
