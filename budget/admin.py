"""The budget and its ledgers in the admin (superusers). Issued tax receipts are shown,
never changed; a budget line's actual is refused where a ledger computes it (the model's
clean, which the admin's form runs, and the database's constraint)."""

from __future__ import annotations

from django.contrib import admin

from billing.admin import ReadOnlyAdmin
from budget.models import (
    BudgetLine,
    BudgetYear,
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    ReceiptLine,
    TaxCampaign,
    TaxReceipt,
    Transfer,
)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "end"]
    inlines = [BudgetLineInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["label", "year", "kind", "source", "category", "planned", "actual"]
    list_filter = ["year", "kind", "source", "category"]


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "city"]
    search_fields = ["name", "siren", "city"]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["donor", "date", "amount", "form", "nature", "received_on"]
    list_select_related = ["donor"]
    list_filter = ["nature", "form"]


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaxReceipt)
class TaxReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "issue_date", "donor_name", "amount", "cancelled_at"]
    search_fields = ["number", "donor_name"]
    inlines = [ReceiptLineInline]


class PledgeInline(admin.TabularInline):
    model = Pledge
    extra = 0


@admin.register(TaxCampaign)
class TaxCampaignAdmin(admin.ModelAdmin):
    inlines = [PledgeInline]


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["reference", "date", "amount", "kind", "pledge"]
    list_select_related = ["pledge"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["funder", "programme", "amount_granted", "report_due", "report_sent_on"]
    inlines = [InstalmentInline]


class FamilyPaymentInline(admin.TabularInline):
    model = FamilyPayment
    extra = 0


@admin.register(FamilyContribution)
class FamilyContributionAdmin(admin.ModelAdmin):
    list_display = ["student", "year", "amount_due"]
    list_select_related = ["student", "year"]
    inlines = [FamilyPaymentInline]
