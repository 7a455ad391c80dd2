"""The bank in the admin (superusers): its accounts and CSV mappings, and the IBANs
remembered for a payer, where one remembered by mistake is corrected. Statements, their
lines and matches are shown, never changed here: a match is undone on its invoice."""

from __future__ import annotations

from django.contrib import admin

from banking.models import (
    BankAccount,
    CsvMapping,
    KnownIban,
    Match,
    StatementImport,
    StatementLine,
    TransferBatch,
)
from billing.admin import ReadOnlyAdmin


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "iban", "bic"]


@admin.register(CsvMapping)
class CsvMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "encoding", "delimiter"]
    list_select_related = ["account"]


@admin.register(KnownIban)
class KnownIbanAdmin(admin.ModelAdmin):
    list_display = ["iban", "customer", "donor", "student", "created_at"]
    list_select_related = ["customer", "donor", "student"]
    raw_id_fields = ["customer", "donor", "student"]
    search_fields = ["iban", "customer__name", "donor__name", "student__last_name"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "account", "format", "imported_at", "lines_added"]


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    list_display = ["booking_date", "amount", "counterparty_name", "remittance", "status"]
    list_filter = ["status"]
    search_fields = ["remittance", "counterparty_name", "bank_reference"]


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["line", "kind", "label", "amount", "confirmed_at"]
    list_select_related = ["line"]


@admin.register(TransferBatch)
class TransferBatchAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "execution_date", "count", "total", "sent_at"]
