"""Forms of the bank's pages; the rules are the models' and banking.reconcile's."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from banking.models import BankAccount, CsvMapping, Format, compact_iban, validate_iban

# A month's statement of a small school is a few dozen kilobytes; a year's, a megabyte.
MAX_STATEMENT_BYTES = 5 * 1024 * 1024


class BankAccountForm(forms.ModelForm):
    # Wider than the stored value: people type the IBAN in groups of four.
    iban = forms.CharField(label=_("IBAN"), max_length=50)

    class Meta:
        model = BankAccount
        fields = ["name", "iban", "bic"]

    def clean_iban(self) -> str:
        return compact_iban(self.cleaned_data["iban"])


class CsvMappingForm(forms.ModelForm):
    class Meta:
        model = CsvMapping
        fields = [
            "name", "encoding", "delimiter", "decimal_comma", "date_format", "header_rows",
            "date_column", "value_date_column", "label_column", "amount_column",
            "debit_column", "credit_column", "name_column", "iban_column", "reference_column",
        ]  # fmt: skip


class ImportForm(forms.Form):
    account = forms.ModelChoiceField(label=_("account"), queryset=BankAccount.objects.none())
    format = forms.ChoiceField(label=_("format"), choices=Format.choices)
    mapping = forms.ModelChoiceField(
        label=_("CSV mapping"),
        queryset=CsvMapping.objects.none(),
        required=False,
        help_text=_("For a CSV file: how this bank writes it."),
    )
    file = forms.FileField(label=_("statement file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        accounts = BankAccount.objects.all()
        self.fields["account"].queryset = accounts
        self.fields["mapping"].queryset = CsvMapping.objects.select_related("account")
        if len(self.fields["account"].choices) == 2:  # one account: chosen already
            self.fields["account"].initial = accounts.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = MAX_STATEMENT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("format") == Format.CSV:
            mapping = data.get("mapping")
            if mapping is None:
                self.add_error("mapping", _("Pick the CSV mapping of this bank."))
            elif data.get("account") and mapping.account_id != data["account"].pk:
                self.add_error("mapping", _("This mapping belongs to another account."))
        return data


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("explanation"),
        max_length=200,
        help_text=_("Bank fees, a transfer between accounts…"),
    )


class FilterForm(forms.Form):
    DIRECTIONS = [("", _("All")), ("in", _("Credits")), ("out", _("Debits"))]
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sens = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, required=False)


class RefundChoiceForm(forms.Form):
    """One invoice owed back: chosen or not, and the IBAN to send it to."""

    chosen = forms.BooleanField(label=_("send"), required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=50, required=False)

    def clean_iban(self) -> str:
        iban = compact_iban(self.cleaned_data["iban"])
        if iban:
            validate_iban(iban)
        return iban

    def clean(self):
        data = super().clean()
        if data.get("chosen") and not data.get("iban") and "iban" not in self.errors:
            self.add_error("iban", _("Give the customer's IBAN."))
        return data


class BatchForm(forms.Form):
    execution_date = forms.DateField(
        label=_("execution date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
