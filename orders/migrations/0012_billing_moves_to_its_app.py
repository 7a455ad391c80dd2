"""Invoices, credit notes, payments and their numbering move to the billing app (issue #15:
one app per domain). Only Django's record of the models moves; the tables stay orders_*
(the triggers of 0009 guard them by name)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0011_line_bounds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='creditnote',
                name='invoice',
            ),
            migrations.RemoveField(
                model_name='creditnote',
                name='issued_by',
            ),
            migrations.RemoveField(
                model_name='creditnoteline',
                name='credit_note',
            ),
            migrations.RemoveField(
                model_name='historicalcreditnote',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalcreditnote',
                name='invoice',
            ),
            migrations.RemoveField(
                model_name='historicalcreditnote',
                name='issued_by',
            ),
            migrations.RemoveField(
                model_name='historicalinvoice',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalinvoice',
                name='issued_by',
            ),
            migrations.RemoveField(
                model_name='historicalinvoice',
                name='order',
            ),
            migrations.RemoveField(
                model_name='historicalpayment',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalpayment',
                name='invoice',
            ),
            migrations.RemoveField(
                model_name='historicalpayment',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='historicalpayment',
                name='reverses',
            ),
            migrations.RemoveField(
                model_name='invoice',
                name='issued_by',
            ),
            migrations.RemoveField(
                model_name='invoice',
                name='order',
            ),
            migrations.RemoveField(
                model_name='payment',
                name='invoice',
            ),
            migrations.RemoveField(
                model_name='invoiceline',
                name='invoice',
            ),
            migrations.DeleteModel(
                name='NumberSeries',
            ),
            migrations.RemoveField(
                model_name='payment',
                name='recorded_by',
            ),
            migrations.RemoveField(
                model_name='payment',
                name='reverses',
            ),
            migrations.DeleteModel(
                name='CreditNote',
            ),
            migrations.DeleteModel(
                name='CreditNoteLine',
            ),
            migrations.DeleteModel(
                name='HistoricalCreditNote',
            ),
            migrations.DeleteModel(
                name='HistoricalInvoice',
            ),
            migrations.DeleteModel(
                name='HistoricalPayment',
            ),
            migrations.DeleteModel(
                name='Invoice',
            ),
            migrations.DeleteModel(
                name='InvoiceLine',
            ),
            migrations.DeleteModel(
                name='Payment',
            ),
            ],
            database_operations=[],
        ),
    ]
