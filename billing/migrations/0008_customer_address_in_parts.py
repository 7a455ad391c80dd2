"""The buyer's address in its parts on every issued invoice and credit note (issue #27 §2,
SPEC.md R12): the XML no longer reads a text block again ("12 rue de la Paix / ZAC des Pins
/ 69007 Lyon" came out with postcode "ZAC"). Documents already issued get their parts read
from the address they printed, which stays as it is: their meaning does not change, only
the parts are written beside it, once, here, before ecoles.guards remakes the guards over the new
columns (on SQLite the new columns rebuilt the tables without their triggers; on
PostgreSQL the triggers name the columns they guard, and these were not among them)."""

import re

from django.db import migrations, models


# A copy of orders.models.split_address as it stood (a migration does not follow later
# changes of the code): postcode and city on the last line after the first that starts
# with a postcode holding a digit ("ZAC des Pins" is none), street before, country after.
POSTCODE_CITY = re.compile(
    r"^((?=[A-Z0-9 -]*\d)(?:[A-Z]{1,2}-)?[A-Z0-9]{2,5}(?: [A-Z0-9]{2,3})?)\s+(\D.*)$"
)


def split_address(text):
    """(line 1, line 2, postcode, city, country) of an address written on lines."""
    lines = [" ".join(ln.split()) for ln in (text or "").splitlines() if ln.strip()]
    for i in range(len(lines) - 1, 0, -1):
        match = POSTCODE_CITY.match(lines[i])
        if match:
            street = lines[:i]
            return (street[0], ", ".join(street[1:]), match.group(1), match.group(2).strip(),
                    " ".join(lines[i + 1 :]))  # fmt: skip
    return (lines[0] if lines else "", "", "", " ".join(lines[1:2]), "")


def split_issued(apps, schema_editor):
    for name in ("Invoice", "CreditNote"):
        model = apps.get_model("billing", name)
        for pk, text in model.objects.exclude(customer_address="").values_list(
            "pk", "customer_address"
        ):
            line1, line2, postcode, city, country = split_address(text)
            model.objects.filter(pk=pk).update(
                customer_address_line1=line1, customer_address_line2=line2,
                customer_postcode=postcode, customer_city=city, customer_country=country,
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_line_vat_category"),
    ]

    operations = [
        migrations.AddField(
            model_name="creditnote",
            name="customer_address_line1",
            field=models.CharField(blank=True, max_length=200, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="customer_address_line2",
            field=models.CharField(blank=True, max_length=200, verbose_name="address (continued)"),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="customer_city",
            field=models.CharField(blank=True, max_length=100, verbose_name="city"),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="customer_country",
            field=models.CharField(blank=True, max_length=60, verbose_name="country"),
        ),
        migrations.AddField(
            model_name="creditnote",
            name="customer_postcode",
            field=models.CharField(blank=True, max_length=10, verbose_name="postal code"),
        ),
        migrations.AddField(
            model_name="historicalcreditnote",
            name="customer_address_line1",
            field=models.CharField(blank=True, max_length=200, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="historicalcreditnote",
            name="customer_address_line2",
            field=models.CharField(blank=True, max_length=200, verbose_name="address (continued)"),
        ),
        migrations.AddField(
            model_name="historicalcreditnote",
            name="customer_city",
            field=models.CharField(blank=True, max_length=100, verbose_name="city"),
        ),
        migrations.AddField(
            model_name="historicalcreditnote",
            name="customer_country",
            field=models.CharField(blank=True, max_length=60, verbose_name="country"),
        ),
        migrations.AddField(
            model_name="historicalcreditnote",
            name="customer_postcode",
            field=models.CharField(blank=True, max_length=10, verbose_name="postal code"),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="customer_address_line1",
            field=models.CharField(blank=True, max_length=200, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="customer_address_line2",
            field=models.CharField(blank=True, max_length=200, verbose_name="address (continued)"),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="customer_city",
            field=models.CharField(blank=True, max_length=100, verbose_name="city"),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="customer_country",
            field=models.CharField(blank=True, max_length=60, verbose_name="country"),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="customer_postcode",
            field=models.CharField(blank=True, max_length=10, verbose_name="postal code"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="customer_address_line1",
            field=models.CharField(blank=True, max_length=200, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="customer_address_line2",
            field=models.CharField(blank=True, max_length=200, verbose_name="address (continued)"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="customer_city",
            field=models.CharField(blank=True, max_length=100, verbose_name="city"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="customer_country",
            field=models.CharField(blank=True, max_length=60, verbose_name="country"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="customer_postcode",
            field=models.CharField(blank=True, max_length=10, verbose_name="postal code"),
        ),
        migrations.RunPython(split_issued, migrations.RunPython.noop),
    ]
