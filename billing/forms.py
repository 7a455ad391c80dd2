"""The forms of invoices, credit notes, payments and the customers' accounts."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Payment
from ecoles.bounds import SchoolDateField
from orders.models import VAT_RATE_CHOICES, Customer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# How far back the new-order form's list of customers goes.
CUSTOMER_YEARS = 2


class CreditNoteForm(forms.Form):
    FULL, PARTIAL = "full", "partial"
    extent = forms.ChoiceField(
        label=_("credit"),
        choices=[(FULL, _("the whole invoice")), (PARTIAL, _("an amount"))],
        widget=forms.RadioSelect,
        initial=FULL,
    )
    reason = forms.CharField(label=_("reason"), max_length=300)
    amount_excl_vat = forms.DecimalField(
        label=_("amount excl. VAT"), required=False, min_value=Decimal("0.01"), decimal_places=2
    )
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate (%)"), choices=VAT_RATE_CHOICES, coerce=Decimal, required=False
    )

    def __init__(self, *args, invoice, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rates = [r for r, _b, _v in invoice.by_rate]
        if rates:
            self.fields["vat_rate"].choices = [
                (r, f"{r.normalize():f} %".replace(".", ",")) for r in rates
            ]
            self.fields["vat_rate"].initial = rates[0]
        else:
            del self.fields["vat_rate"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("extent") == self.PARTIAL and not data.get("amount_excl_vat"):
            self.add_error("amount_excl_vat", _("Say how much to credit."))
        return data


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["date", "amount", "method", "reference"]
        widgets = {"date": DATE}
        field_classes = {"date": SchoolDateField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


class PaymentReversalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=200,
        help_text=_("For example: cheque returned unpaid, amount typed wrong, wrong invoice."),
    )


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *Customer.Kind.choices]
    )
    owing = forms.BooleanField(label=_("Owes money"), required=False)


class InvoiceFilterForm(forms.Form):
    ALL, OWED, OVERDUE, PAID = "", "owed", "overdue", "paid"
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            (ALL, _("all")),
            (OWED, _("owed")),
            (OVERDUE, _("overdue")),
            (PAID, _("paid")),
        ],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
