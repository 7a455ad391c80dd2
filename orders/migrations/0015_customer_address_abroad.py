"""A customer abroad (issue #27 §2): its national registration beside its VAT number
(checked in Customer.clean for EU numbers), and the billing address in its parts (a second
line). Customers whose address field held several lines ("12 rue de la Paix / ZAC des Pins
/ 69007 Lyon", through the admin or an import) are read into line 1, line 2, postcode and
city, where those are still empty; what cannot be read stays as it was."""

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


def split_customers(apps, schema_editor):
    Customer = apps.get_model("orders", "Customer")
    for customer in Customer.objects.filter(address__contains="\n"):
        line1, line2, postcode, city, country = split_address(customer.address)
        if not postcode:  # no postcode and city in it: its lines are the street's
            lines = [" ".join(ln.split()) for ln in customer.address.splitlines() if ln.strip()]
            line1, line2, city, country = lines[0], ", ".join(lines[1:]), "", ""
        customer.address, customer.address_line2 = line1[:200], line2[:200]
        if postcode and not customer.postal_code and not customer.city:
            customer.postal_code, customer.city = postcode, city
        if country and not customer.country:
            customer.country = country
        customer.save(update_fields=["address", "address_line2", "postal_code", "city", "country"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0014_merge_0013_einvoicing_0013_money_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="address_line2",
            field=models.CharField(
                blank=True,
                help_text="Building, industrial estate, post box...",
                max_length=200,
                verbose_name="address (continued)",
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="registration_number",
            field=models.CharField(
                blank=True,
                help_text="A company abroad: its registration in its country (e.g. CHE-123.456.789).",
                max_length=40,
                verbose_name="national registration number",
            ),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="address_line2",
            field=models.CharField(
                blank=True,
                help_text="Building, industrial estate, post box...",
                max_length=200,
                verbose_name="address (continued)",
            ),
        ),
        migrations.AddField(
            model_name="historicalcustomer",
            name="registration_number",
            field=models.CharField(
                blank=True,
                help_text="A company abroad: its registration in its country (e.g. CHE-123.456.789).",
                max_length=40,
                verbose_name="national registration number",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="vat_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="VAT number"),
        ),
        migrations.AlterField(
            model_name="historicalcustomer",
            name="vat_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="VAT number"),
        ),
        migrations.RunPython(split_customers, migrations.RunPython.noop),
    ]
