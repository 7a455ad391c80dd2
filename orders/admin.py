"""Admin: customers and orders are editable as on their pages (an accepted order keeps its
customer and workshop, an invoiced, paid or cancelled one is only shown, the status moves
only through the transitions); issued invoices, credit notes and payments are read-only
(SPEC.md R4: never edited, never deleted), numbers are never typed."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from ecoles.admin import HistoryAdmin
from orders.forms import OrderForm
from orders.models import (
    Attachment,
    Contact,
    Customer,
    Delivery,
    Material,
    Order,
    OrderEvent,
    OrderLine,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "siret", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "city", "email"]
    inlines = [ContactInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ["amount_excl_vat"]

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.lines_editable

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "by", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderAdminForm(OrderForm):
    """The page's order form (trainers offered, the trainer runs the workshop), with the
    page's freeze: once the quote is accepted, customer and workshop do not move."""

    user = None  # the admin user, set per request by OrderAdmin.get_form

    def __init__(self, *args, **kwargs) -> None:
        if not {"customer", "workshop", "trainer"} <= set(self.base_fields):
            # Shown read-only (an invoiced order): no field to offer choices in.
            forms.ModelForm.__init__(self, *args, **kwargs)
            return
        super().__init__(*args, user=self.user, **kwargs)
        if self.instance.pk and not self.instance.lines_editable:
            for name in ("customer", "workshop"):
                if name in self.fields:
                    self.fields[name].disabled = True


# An invoiced, paid or cancelled order is shown, never changed (as on its page).
FROZEN_ORDERS = (Order.Status.INVOICED, Order.Status.PAID, Order.Status.CANCELLED)


class DeliveryInline(admin.TabularInline):
    """Each delivery and its verdict; recorded and corrected on the order's pages only."""

    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["delivered_on", "verdict", "rework", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(HistoryAdmin):
    form = OrderAdminForm
    list_display = ["reference", "title", "customer", "workshop", "status", "promised_date"]
    list_filter = ["status", "workshop"]
    search_fields = ["reference", "title", "customer__name"]
    list_select_related = ["customer", "workshop"]
    # The status moves only through the transitions (pages), never by typing it here.
    readonly_fields = [
        "status", "reference", "quote_date", "valid_until", "delivered_on", "verdict", "rework",
    ]  # fmt: skip
    inlines = [OrderLineInline, MaterialInline, DeliveryInline, OrderEventInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in FROZEN_ORDERS:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status in (Order.Status.DRAFT, Order.Status.CANCELLED)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["order", "description", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    raw_id_fields = ["order"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
