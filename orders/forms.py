"""Forms of the orders pages; they restate the models' rules as French messages."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ecoles import roles
from ecoles.bounds import MAX_ORDER_TOTAL, SchoolDateField, parse_id
from ecoles.models import User, Workshop
from ecoles.pickers import SearchSelect, offer
from orders.models import (
    VAT_RATE_CHOICES,
    Attachment,
    Contact,
    Customer,
    Material,
    Order,
    OrderLine,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# How far back the new-order form's list of customers goes.
CUSTOMER_YEARS = 2


class CustomerForm(forms.ModelForm):
    # Typed with spaces ("732 829 320 00074"): compacted before the 14-digit check.
    siret = forms.CharField(
        label=_("SIRET or SIREN"),
        max_length=30,
        required=False,
        help_text=_("Companies: 14-digit SIRET (or 9-digit SIREN)."),
    )
    vat_number = forms.CharField(label=_("VAT number"), max_length=30, required=False)

    class Meta:
        model = Customer
        fields = [
            "kind", "name", "siret", "vat_number", "registration_number", "email", "phone",
            "address", "address_line2", "postal_code", "city", "country", "delivery_address",
            "notes", "tax_status", "country_code", "electronic_address",
        ]  # fmt: skip
        widgets = {
            "delivery_address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Left out, an individual is a person and a company a French business, in France.
        for name in ("tax_status", "country_code"):
            self.fields[name].required = False

    def clean_tax_status(self) -> str:
        return self.cleaned_data["tax_status"] or Customer.TaxStatus.FR_VAT

    def clean_country_code(self) -> str:
        return (self.cleaned_data["country_code"] or "FR").upper()

    def clean_siret(self) -> str:
        return re.sub(r"[\s.-]", "", self.cleaned_data["siret"])

    def clean_vat_number(self) -> str:
        return re.sub(r"[\s.-]", "", self.cleaned_data["vat_number"]).upper()


ContactFormSet = inlineformset_factory(
    Customer,
    Contact,
    fields=["name", "role", "email", "phone", "receives_documents"],
    extra=1,
    can_delete=True,
)


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = [
            "customer", "title", "workshop", "trainer", "specification", "start_date",
            "duration_days", "promised_date", "estimated_hours", "customer_po_number",
            "operation_category", "service_code", "commitment_number",
        ]  # fmt: skip
        widgets = {
            "start_date": DATE,
            "promised_date": DATE,
            "specification": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"start_date": SchoolDateField, "promised_date": SchoolDateField}

    def __init__(self, *args, user: User, customer_search: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        workshops = Workshop.objects.all()
        if not user.has_role(roles.DIRECTOR, roles.OFFICE):
            workshops = workshops.filter(trainers=user)
        self.fields["workshop"].queryset = workshops
        self.fields["trainer"].queryset = User.objects.filter(groups__name=roles.TRAINER).distinct()
        # Any customer may be sent (checked by one query on its id); the list offers the
        # one named and a few: the search's matches, else the latest customers with work.
        self.fields["customer"].widget = SearchSelect("orders:customer_choices")
        named = [self.instance.customer_id, self.initial.get("customer")]
        named.append(self.data.get(self.add_prefix("customer")))
        named = [parse_id(pk) for pk in named if parse_id(pk)]
        matches = (
            Customer.objects.search(customer_search).order_by("name")
            if customer_search
            else self._latest_customers()
        )
        offer(self, "customer", matches, named)

    @staticmethod
    def _latest_customers():
        """The customers of the last CUSTOMER_YEARS (an order, or a new record), newest
        first: the list stays as short after ten years as after one."""
        since = timezone.now() - dt.timedelta(days=365 * CUSTOMER_YEARS)
        ordered = Order.objects.filter(customer=OuterRef("pk"), created_at__gte=since)
        return Customer.objects.filter(Q(created_at__gte=since) | Exists(ordered)).order_by("-pk")

    def clean(self) -> dict:
        data = super().clean()
        workshop, trainer = data.get("workshop"), data.get("trainer")
        if workshop and trainer and not workshop.trainers.filter(pk=trainer.pk).exists():
            self.add_error("trainer", _("This trainer does not run this workshop."))
        start, promised = data.get("start_date"), data.get("promised_date")
        if start and promised and promised < start:
            self.add_error("promised_date", _("Delivery cannot be promised before the start."))
        return data


class OrderLineForm(forms.ModelForm):
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate (%)"), choices=VAT_RATE_CHOICES, coerce=Decimal, initial="20.00"
    )

    class Meta:
        model = OrderLine
        fields = ["description", "quantity", "unit", "unit_price", "vat_rate"]


class BaseLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        total = sum(
            (
                form.cleaned_data["quantity"] * form.cleaned_data["unit_price"]
                for form in self.forms
                if form.cleaned_data.get("quantity") is not None
                and form.cleaned_data.get("unit_price") is not None
                and not form.cleaned_data.get("DELETE")
            ),
            Decimal(0),
        )
        if total > MAX_ORDER_TOTAL:
            raise forms.ValidationError(
                _("An order's total is at most %(max)s."),
                params={"max": number_format(MAX_ORDER_TOTAL, 2, force_grouping=True)},
            )


LineFormSet = inlineformset_factory(
    Order, OrderLine, form=OrderLineForm, formset=BaseLineFormSet, extra=2, can_delete=True,
    min_num=0,
)  # fmt: skip


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["description", "supplier", "cost", "bought_on"]
        widgets = {"bought_on": DATE}
        field_classes = {"bought_on": SchoolDateField}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "description"]


NONCONFORMITY_NEEDS_REWORK = _("A delivery that does not conform must say what is to be reworked.")


def _require_rework(form: forms.Form, data: dict) -> dict:
    if data.get("verdict") == Order.Verdict.DOES_NOT_CONFORM and not data.get("rework"):
        form.add_error("rework", NONCONFORMITY_NEEDS_REWORK)
    return data


class DeliverForm(forms.Form):
    delivered_on = SchoolDateField(label=_("delivered on"), widget=DATE, initial=timezone.localdate)
    verdict = forms.ChoiceField(
        label=_("verdict"),
        choices=[(Order.Verdict.CONFORMS, Order.Verdict.CONFORMS.label),
                 (Order.Verdict.DOES_NOT_CONFORM, Order.Verdict.DOES_NOT_CONFORM.label)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    rework = forms.CharField(
        label=_("rework"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What had to be redone, if anything. Required if it does not conform: the order "
            "then goes to rework and is delivered again."
        ),
    )

    def clean_delivered_on(self):
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A delivery cannot be in the future."))
        return day

    def clean(self) -> dict:
        return _require_rework(self, super().clean())


class VerdictCorrectionForm(forms.Form):
    """The director's correction of the latest delivery's verdict, with its reason."""

    verdict = forms.ChoiceField(
        label=_("corrected verdict"), choices=Order.Verdict.choices, widget=forms.RadioSelect
    )
    rework = forms.CharField(
        label=_("rework"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What is to be reworked, if it does not conform."),
    )
    reason = forms.CharField(
        label=_("Why is the verdict corrected?"),
        max_length=300,
        help_text=_("For example: verdict typed wrong, the customer accepts it as is."),
    )

    def clean(self) -> dict:
        return _require_rework(self, super().clean())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class DepositForm(forms.Form):
    percent = forms.DecimalField(
        label=_("deposit (%)"),
        min_value=Decimal("1"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("30"),
    )


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Order.Status.choices]
    )
    workshop = forms.ModelChoiceField(
        label=_("Workshop"), required=False, queryset=Workshop.objects.all(), empty_label="—"
    )
    late = forms.BooleanField(label=_("Late only"), required=False)
