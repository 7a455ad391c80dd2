from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from ecoles.models import Policy, School, User, Workshop


@admin.register(User)
class EcolesUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")


class SingletonAdmin(SimpleHistoryAdmin):
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
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ("name", "trade", "capacity", "active")
    list_filter = ("active",)
    search_fields = ("name", "trade")
    filter_horizontal = ("trainers",)
