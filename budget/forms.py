"""Forms of the funding ledgers (SPEC.md R11); the rules are the models'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren

from budget.models import (
    Donation,
    Donor,
    FamilyContribution,
    FamilyPayment,
    Grant,
    Instalment,
    Pledge,
    Transfer,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DonorForm(forms.ModelForm):
    # Wider than the stored value: people type "732 829 320"; the model compacts it.
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)

    class Meta:
        model = Donor
        fields = ["kind", "name", "siren", "address", "postal_code", "city", "email"]

    def clean_siren(self) -> str:
        return stdnum_siren.compact(self.cleaned_data["siren"])


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = [
            "date", "amount", "form", "nature", "method", "description", "campaign",
            "received_on", "counterpart", "counterpart_value",
        ]  # fmt: skip
        widgets = {"date": DATE, "received_on": DATE}


class CancelReceiptForm(forms.Form):
    reason = forms.CharField(label=_("Reason of the cancellation"), max_length=300)


class AnnualReceiptForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class DonorFilterForm(SearchForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(Donor.Kind.choices)
    )


class PledgeForm(forms.ModelForm):
    class Meta:
        model = Pledge
        fields = [
            "company", "customer", "contact_name", "contact_email", "status", "share",
            "amount", "last_contact", "follow_up",
        ]  # fmt: skip
        widgets = {"last_contact": DATE, "follow_up": forms.Textarea(attrs={"rows": 3})}


class TransferForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["date", "amount", "reference", "kind", "pledge"]
        widgets = {"date": DATE}

    def __init__(self, *args, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.fields["pledge"].queryset = campaign.pledges.all()


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = [
            "funder", "programme", "amount_granted", "agreement_start", "agreement_end",
            "conditions", "report_due", "report_sent_on",
        ]  # fmt: skip
        widgets = {
            "agreement_start": DATE, "agreement_end": DATE, "report_due": DATE,
            "report_sent_on": DATE, "conditions": forms.Textarea(attrs={"rows": 3}),
        }  # fmt: skip


class InstalmentForm(forms.ModelForm):
    class Meta:
        model = Instalment
        fields = ["expected_on", "expected_amount", "received_on", "received_amount"]
        widgets = {"expected_on": DATE, "received_on": DATE}


class ContributionForm(forms.ModelForm):
    class Meta:
        model = FamilyContribution
        fields = ["amount_due"]


class FamilyPaymentForm(forms.ModelForm):
    class Meta:
        model = FamilyPayment
        fields = ["date", "amount", "method"]
        widgets = {"date": DATE}


class CallForm(forms.Form):
    amount_due = forms.DecimalField(
        label=_("Amount due per pupil"), max_digits=12, decimal_places=2, min_value=0
    )
