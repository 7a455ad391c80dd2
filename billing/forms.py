"""The forms of invoices, credit notes, payments and the customers' accounts."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import ChartOfAccounts, DocumentSend, Payment, Refund
from ecoles.bounds import SchoolDateField
from ecoles.formats import money
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


# --- R11: refunds, periods, the chart of accounts ---------------------------------------


class RefundForm(forms.ModelForm):
    class Meta:
        model = Refund
        fields = ["date", "amount", "method", "reference"]
        widgets = {"date": DATE}
        field_classes = {"date": SchoolDateField}

    def __init__(self, *args, owed_back: Decimal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        if owed_back:
            self.fields["amount"].initial = owed_back


class PeriodForm(forms.Form):
    """A period of days, both included; at most ten years (a journal, a statement)."""

    start = SchoolDateField(label=_("from"), widget=DATE)
    end = SchoolDateField(label=_("to"), widget=DATE)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period must end after it starts."))
        return data


class ChartOfAccountsForm(forms.ModelForm):
    class Meta:
        model = ChartOfAccounts
        exclude: list[str] = []


class ReminderBatchForm(forms.Form):
    """The invoices whose reminder is sent now (all those listed, by default)."""

    invoices = forms.TypedMultipleChoiceField(coerce=int, required=True)

    def __init__(self, *args, choices: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(pk, pk) for pk in choices]
        self.fields["invoices"].error_messages["required"] = _("Tick at least one reminder.")

    registered = forms.BooleanField(
        label=_("as registered letters with acknowledgement of receipt"), required=False
    )


class SendForm(forms.Form):
    """How a document leaves, in one step (issue #29): mailed from the application, or
    recorded as posted, sent as a registered letter (with its number) or handed over."""

    how = forms.ChoiceField(
        label=_("how"), choices=DocumentSend.Channel.choices, widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip
    on = SchoolDateField(label=_("posted or handed over on"), widget=DATE, required=False)
    number = forms.CharField(label=_("registered letter number"), max_length=40, required=False)

    def __init__(self, *args, can_mail: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = DocumentSend.Channel.choices
        if not can_mail:
            choices = [c for c in choices if c[0] != DocumentSend.Channel.EMAIL]
        self.fields["how"].choices = choices
        self.fields["how"].initial = choices[0][0]
        self.fields["on"].initial = timezone.localdate
        self.can_mail = can_mail

    def clean_how(self) -> str:
        # A plain "Send by mail" button posts no choice: by mail, when there is an address.
        how = self.cleaned_data["how"] or (DocumentSend.Channel.EMAIL if self.can_mail else "")
        if not how:
            raise forms.ValidationError(
                _(
                    "This customer has no email address: record how the document left, or "
                    "add an address first."
                )
            )
        return how

    def clean(self) -> dict:
        data = super().clean()
        how = data.get("how")
        if how and how != DocumentSend.Channel.EMAIL:
            if not data.get("on"):
                self.add_error("on", _("Say when the document left."))
            elif data["on"] > timezone.localdate():
                self.add_error("on", _("A document cannot have left in the future."))
        if how == DocumentSend.Channel.REGISTERED and not data.get("number", "").strip():
            self.add_error("number", _("A registered letter is recorded with its number."))
        return data


class StatementSendForm(PeriodForm, SendForm):
    """The statement of a period, sent or posted in one step."""


class LettersPostedForm(forms.Form):
    """The letters put in the post, on which day; a registered letter's number beside it
    (fields `number_<reminder id>`)."""

    letters = forms.TypedMultipleChoiceField(label=_("letters"), coerce=int)
    on = SchoolDateField(label=_("posted on"), widget=DATE)

    def __init__(self, *args, letters, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.letters = {r.pk: r for r in letters}
        self.fields["letters"].choices = [(pk, pk) for pk in self.letters]
        self.fields["letters"].error_messages["required"] = _("Tick at least one letter.")
        self.fields["on"].initial = timezone.localdate
        for reminder in letters:
            if reminder.registered:
                self.fields[f"number_{reminder.pk}"] = forms.CharField(
                    label=_("registered letter number"), max_length=40, required=False
                )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("A letter cannot have been posted in the future."))
        for pk in data.get("letters", []):
            name = f"number_{pk}"
            if name in self.fields and not (data.get(name) or "").strip():
                self.add_error(
                    name,
                    _("Letter %(number)s is registered: give its number.")
                    % {"number": self.letters[pk].invoice.number},
                )
        return data

    def numbers(self) -> dict[int, str]:
        return {
            pk: (self.cleaned_data.get(f"number_{pk}") or "").strip()
            for pk in self.cleaned_data["letters"]
        }

    def chosen(self) -> list:
        return [self.letters[pk] for pk in self.cleaned_data["letters"]]


class StatementsPostedForm(PeriodForm):
    """The statements of a period put in the post, on which day."""

    customers = forms.TypedMultipleChoiceField(label=_("customers"), coerce=int)
    on = SchoolDateField(label=_("posted on"), widget=DATE)

    def __init__(self, *args, customers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.customers = {c.pk: c for c in customers}
        self.fields["customers"].choices = [(pk, pk) for pk in self.customers]
        self.fields["customers"].error_messages["required"] = _("Tick at least one customer.")
        self.fields["on"].initial = timezone.localdate

    def clean(self) -> dict:
        data = super().clean()
        if data.get("on") and data["on"] > timezone.localdate():
            self.add_error("on", _("A letter cannot have been posted in the future."))
        return data

    def chosen(self) -> list:
        return [self.customers[pk] for pk in self.cleaned_data["customers"]]


class CreditUseForm(forms.Form):
    """Which of the customer's invoices his credit pays, how much, on which day."""

    target = forms.ModelChoiceField(label=_("invoice to pay"), queryset=None)
    amount = forms.DecimalField(label=_("amount"), min_value=Decimal("0.01"), decimal_places=2)
    date = SchoolDateField(label=_("date"), widget=DATE)

    def __init__(self, *args, targets, credit: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = lambda i: (
            f"{i.number} · {i.issue_date:%d/%m/%Y} · {money(i.balance_due)}"
        )
        self.fields["amount"].initial = credit
        self.fields["date"].initial = timezone.localdate
