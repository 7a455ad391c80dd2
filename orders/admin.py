"""Admin: customers and orders are editable; issued invoices and credit notes are read-only
(SPEC.md R4: never edited, never deleted), numbers are never typed."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orders.models import (
    Attachment,
    Contact,
    CreditNote,
    CreditNoteLine,
    Customer,
    Delivery,
    Invoice,
    InvoiceLine,
    Material,
    NumberSeries,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
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


class DeliveryInline(admin.TabularInline):
    """Each delivery and its verdict; recorded and corrected on the order's pages only."""

    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["delivered_on", "verdict", "rework", "recorded_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "customer", "workshop", "status", "promised_date"]
    list_filter = ["status", "workshop"]
    search_fields = ["reference", "title", "customer__name"]
    list_select_related = ["customer", "workshop"]
    # The status moves only through the transitions (pages), never by typing it here.
    readonly_fields = [
        "status", "reference", "quote_date", "valid_until", "delivered_on", "verdict", "rework",
    ]  # fmt: skip
    inlines = [OrderLineInline, MaterialInline, DeliveryInline, OrderEventInline]

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status in (Order.Status.DRAFT, Order.Status.CANCELLED)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued documents: visible, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CreditNoteLineInline(InvoiceLineInline):
    model = CreditNoteLine


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "issue_date", "customer_name", "total_incl_vat", "due_date"]
    list_filter = ["year", "kind"]
    search_fields = ["number", "customer_name", "order_reference"]
    inlines = [InvoiceLineInline]


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ["number", "issue_date", "customer_name", "total_incl_vat", "invoice"]
    list_filter = ["year"]
    search_fields = ["number", "customer_name"]
    inlines = [CreditNoteLineInline]


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ["kind", "year", "last"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "date", "amount", "method", "reference"]
    list_filter = ["method"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["order", "description", "uploaded_at"]
