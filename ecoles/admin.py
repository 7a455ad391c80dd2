"""Admin: the same rules as the pages. A rule-bound record's history is shown, never
"reverted" (a revert would save an old version past every rule); users offered in a
field are those of the right role."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from ecoles import roles
from ecoles.models import Policy, School, User, Workshop


def users_with_role(role: str):
    """The users a field may offer for `role` (a trainer field lists trainers only)."""
    return User.objects.filter(groups__name=role).distinct()


class _DryRun(Exception):  # noqa: N818 - control flow, never escapes dry_run
    pass


def dry_run(process, *args, **kwargs) -> None:
    """Run a process function (the one the pages call) and roll it back: its refusals
    become the admin form's errors; the real call is made when the admin saves."""
    try:
        with transaction.atomic():
            process(*args, **kwargs)
            raise _DryRun
    except _DryRun:
        pass


def _reads_confidential(request) -> bool:
    """The login page asks the admin's permissions of a visitor not yet logged in."""
    return getattr(request.user, "reads_confidential", False)


class ConfidentialAdmin(admin.ModelAdmin):
    """Follow-up notes and health data: hidden from, and refused to, a superuser without
    the Direction role (SPEC.md §2: the Admin reads them only if he also holds it)."""

    def has_module_permission(self, request) -> bool:
        return _reads_confidential(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _reads_confidential(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return _reads_confidential(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _reads_confidential(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _reads_confidential(request) and super().has_delete_permission(request, obj)


class HistoryAdmin(SimpleHistoryAdmin):
    """History is readable; "Revert" is refused (simple_history saves the old version as
    it was, status and frozen fields included, past the model's transitions)."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class EcolesUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")


class SingletonAdmin(HistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(School)
class SchoolAdmin(SingletonAdmin):
    list_display = ("name", "legal_form", "city", "siret", "vat_regime")


@admin.register(Policy)
class PolicyAdmin(SingletonAdmin):
    list_display = (
        "__str__",
        "target_production_parts",
        "target_theory_parts",
        "balance_allowance_hours",
        "max_daily_hours",
        "max_weekly_hours",
    )


@admin.register(Workshop)
class WorkshopAdmin(HistoryAdmin):
    list_display = ("name", "trade", "capacity", "active")
    list_filter = ("active",)
    search_fields = ("name", "trade")
    filter_horizontal = ("trainers",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "trainers":
            kwargs["queryset"] = users_with_role(roles.TRAINER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
