"""Issued documents and payments are shown, never changed (SPEC.md R4)."""

from __future__ import annotations

from django.contrib import admin

from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, NumberSeries, Payment


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
