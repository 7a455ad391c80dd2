"""A line of an issued document says its VAT category when where the customer is sets it
(issue #27 §2, SPEC.md R12): intra-EU goods (K), export (G), reverse charge (AE), outside
the scope of French VAT (O). Lines issued before keep none (French VAT as their rate says);
the new column is guarded like the rest by ecoles.guards, after the migrate."""

from django.db import migrations, models


CATEGORIES = [
    ("K", "Intra-EU supply of goods (exempt)"),
    ("G", "Export of goods (exempt)"),
    ("AE", "Reverse charge (services to an EU business)"),
    ("O", "Outside the scope of French VAT (services outside the EU)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_guards_after_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="creditnoteline",
            name="vat_category",
            field=models.CharField(
                blank=True, choices=CATEGORIES, default="", max_length=2,
                verbose_name="VAT category",
            ),
        ),
        migrations.AddField(
            model_name="invoiceline",
            name="vat_category",
            field=models.CharField(
                blank=True, choices=CATEGORIES, default="", max_length=2,
                verbose_name="VAT category",
            ),
        ),
    ]
