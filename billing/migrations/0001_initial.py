"""Invoices, credit notes, payments and their numbering, taken over from the orders app as
they are: their tables keep their names (orders_*), so nothing moves in the database but
the content types."""

import billing.models
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ["invoice", "invoiceline", "creditnote", "creditnoteline", "numberseries", "payment", "historicalinvoice", "historicalcreditnote", "historicalpayment"]


def move_content_types(apps, schema_editor):
    """Keep the content types (and what points at them: admin log, audit) of the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="orders", model__in=MOVED).update(app_label="billing")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="billing", model__in=MOVED).update(app_label="orders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('orders', '0012_billing_moves_to_its_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='CreditNote',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.CharField(max_length=30, unique=True, verbose_name='number')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                    ('issue_date', models.DateField(verbose_name='issue date')),
                    ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                    ('customer_kind', models.CharField(choices=[('company', 'Company'), ('individual', 'Individual')], max_length=20, verbose_name='customer kind')),
                    ('customer_name', models.CharField(max_length=200, verbose_name='customer name')),
                    ('customer_address', models.TextField(blank=True, verbose_name='customer address')),
                    ('customer_siren', models.CharField(blank=True, max_length=9, verbose_name='customer SIREN')),
                    ('customer_vat_number', models.CharField(blank=True, max_length=20, verbose_name='customer VAT number')),
                    ('issuer', models.JSONField(default=dict, verbose_name='school identity at issue')),
                    ('vat_mention', models.CharField(blank=True, max_length=100, verbose_name='VAT mention')),
                    ('vat_breakdown', models.JSONField(default=list, verbose_name='VAT per rate')),
                    ('total_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total excl. VAT')),
                    ('total_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='VAT')),
                    ('total_incl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total incl. VAT')),
                    ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                    ('reason', models.CharField(max_length=300, verbose_name='reason')),
                    ('pdf', models.FileField(blank=True, upload_to=billing.models.credit_note_upload, verbose_name='PDF')),
                    ('issued_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                ],
                options={
                    'verbose_name': 'credit note',
                    'verbose_name_plural': 'credit notes',
                    'db_table': 'orders_creditnote',
                    'ordering': ['-year', '-sequence'],
                },
            ),
            migrations.CreateModel(
                name='CreditNoteLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('description', models.CharField(max_length=300, verbose_name='description')),
                    ('quantity', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='quantity')),
                    ('unit', models.CharField(choices=[('u', 'piece'), ('h', 'hour'), ('j', 'day'), ('m', 'metre'), ('m2', 'm²'), ('kg', 'kg'), ('pers', 'person'), ('forfait', 'lump sum')], default='u', max_length=10, verbose_name='unit')),
                    ('unit_price', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='unit price excl. VAT')),
                    ('vat_rate', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='VAT rate (%)')),
                    ('amount_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount excl. VAT')),
                    ('credit_note', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='billing.creditnote')),
                ],
                options={
                    'verbose_name': 'credit note line',
                    'verbose_name_plural': 'credit note lines',
                    'db_table': 'orders_creditnoteline',
                    'ordering': ['position', 'pk'],
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='HistoricalInvoice',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('number', models.CharField(db_index=True, max_length=30, verbose_name='number')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                    ('issue_date', models.DateField(verbose_name='issue date')),
                    ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                    ('customer_kind', models.CharField(choices=[('company', 'Company'), ('individual', 'Individual')], max_length=20, verbose_name='customer kind')),
                    ('customer_name', models.CharField(max_length=200, verbose_name='customer name')),
                    ('customer_address', models.TextField(blank=True, verbose_name='customer address')),
                    ('customer_siren', models.CharField(blank=True, max_length=9, verbose_name='customer SIREN')),
                    ('customer_vat_number', models.CharField(blank=True, max_length=20, verbose_name='customer VAT number')),
                    ('issuer', models.JSONField(default=dict, verbose_name='school identity at issue')),
                    ('vat_mention', models.CharField(blank=True, max_length=100, verbose_name='VAT mention')),
                    ('vat_breakdown', models.JSONField(default=list, verbose_name='VAT per rate')),
                    ('total_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total excl. VAT')),
                    ('total_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='VAT')),
                    ('total_incl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total incl. VAT')),
                    ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                    ('kind', models.CharField(choices=[('final', 'Invoice'), ('deposit', 'Deposit invoice')], default='final', max_length=10, verbose_name='kind')),
                    ('delivery_date', models.DateField(blank=True, null=True, verbose_name='date of sale or delivery')),
                    ('due_date', models.DateField(verbose_name='due date')),
                    ('order_reference', models.CharField(max_length=60, verbose_name='order reference')),
                    ('late_penalty_rate', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='late-payment penalty rate (%)')),
                    ('early_payment_discount', models.CharField(max_length=200, verbose_name='early-payment discount terms')),
                    ('pdf', models.TextField(blank=True, max_length=100, verbose_name='PDF')),
                    ('settled', models.BooleanField(default=False, editable=False, verbose_name='settled')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('issued_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                    ('order', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orders.order', verbose_name='order')),
                ],
                options={
                    'verbose_name': 'historical invoice',
                    'verbose_name_plural': 'historical invoices',
                    'db_table': 'orders_historicalinvoice',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Invoice',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.CharField(max_length=30, unique=True, verbose_name='number')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                    ('issue_date', models.DateField(verbose_name='issue date')),
                    ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                    ('customer_kind', models.CharField(choices=[('company', 'Company'), ('individual', 'Individual')], max_length=20, verbose_name='customer kind')),
                    ('customer_name', models.CharField(max_length=200, verbose_name='customer name')),
                    ('customer_address', models.TextField(blank=True, verbose_name='customer address')),
                    ('customer_siren', models.CharField(blank=True, max_length=9, verbose_name='customer SIREN')),
                    ('customer_vat_number', models.CharField(blank=True, max_length=20, verbose_name='customer VAT number')),
                    ('issuer', models.JSONField(default=dict, verbose_name='school identity at issue')),
                    ('vat_mention', models.CharField(blank=True, max_length=100, verbose_name='VAT mention')),
                    ('vat_breakdown', models.JSONField(default=list, verbose_name='VAT per rate')),
                    ('total_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total excl. VAT')),
                    ('total_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='VAT')),
                    ('total_incl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total incl. VAT')),
                    ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                    ('kind', models.CharField(choices=[('final', 'Invoice'), ('deposit', 'Deposit invoice')], default='final', max_length=10, verbose_name='kind')),
                    ('delivery_date', models.DateField(blank=True, null=True, verbose_name='date of sale or delivery')),
                    ('due_date', models.DateField(verbose_name='due date')),
                    ('order_reference', models.CharField(max_length=60, verbose_name='order reference')),
                    ('late_penalty_rate', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='late-payment penalty rate (%)')),
                    ('early_payment_discount', models.CharField(max_length=200, verbose_name='early-payment discount terms')),
                    ('pdf', models.FileField(blank=True, upload_to=billing.models.document_upload, verbose_name='PDF')),
                    ('settled', models.BooleanField(default=False, editable=False, verbose_name='settled')),
                    ('issued_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                    ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='orders.order', verbose_name='order')),
                ],
                options={
                    'verbose_name': 'invoice',
                    'verbose_name_plural': 'invoices',
                    'db_table': 'orders_invoice',
                    'ordering': ['-year', '-sequence'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalCreditNote',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('number', models.CharField(db_index=True, max_length=30, verbose_name='number')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                    ('issue_date', models.DateField(verbose_name='issue date')),
                    ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                    ('customer_kind', models.CharField(choices=[('company', 'Company'), ('individual', 'Individual')], max_length=20, verbose_name='customer kind')),
                    ('customer_name', models.CharField(max_length=200, verbose_name='customer name')),
                    ('customer_address', models.TextField(blank=True, verbose_name='customer address')),
                    ('customer_siren', models.CharField(blank=True, max_length=9, verbose_name='customer SIREN')),
                    ('customer_vat_number', models.CharField(blank=True, max_length=20, verbose_name='customer VAT number')),
                    ('issuer', models.JSONField(default=dict, verbose_name='school identity at issue')),
                    ('vat_mention', models.CharField(blank=True, max_length=100, verbose_name='VAT mention')),
                    ('vat_breakdown', models.JSONField(default=list, verbose_name='VAT per rate')),
                    ('total_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total excl. VAT')),
                    ('total_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='VAT')),
                    ('total_incl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='total incl. VAT')),
                    ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                    ('reason', models.CharField(max_length=300, verbose_name='reason')),
                    ('pdf', models.TextField(blank=True, max_length=100, verbose_name='PDF')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('issued_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                    ('invoice', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='billing.invoice', verbose_name='invoice')),
                ],
                options={
                    'verbose_name': 'historical credit note',
                    'verbose_name_plural': 'historical credit notes',
                    'db_table': 'orders_historicalcreditnote',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.AddField(
                model_name='creditnote',
                name='invoice',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='billing.invoice', verbose_name='invoice'),
            ),
            migrations.CreateModel(
                name='InvoiceLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('description', models.CharField(max_length=300, verbose_name='description')),
                    ('quantity', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='quantity')),
                    ('unit', models.CharField(choices=[('u', 'piece'), ('h', 'hour'), ('j', 'day'), ('m', 'metre'), ('m2', 'm²'), ('kg', 'kg'), ('pers', 'person'), ('forfait', 'lump sum')], default='u', max_length=10, verbose_name='unit')),
                    ('unit_price', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='unit price excl. VAT')),
                    ('vat_rate', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='VAT rate (%)')),
                    ('amount_excl_vat', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount excl. VAT')),
                    ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='billing.invoice')),
                ],
                options={
                    'verbose_name': 'invoice line',
                    'verbose_name_plural': 'invoice lines',
                    'db_table': 'orders_invoiceline',
                    'ordering': ['position', 'pk'],
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='NumberSeries',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('invoice', 'Invoice'), ('credit_note', 'Credit note')], max_length=20, verbose_name='kind')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('last', models.PositiveIntegerField(default=0, verbose_name='last number')),
                ],
                options={
                    'verbose_name': 'number series',
                    'verbose_name_plural': 'number series',
                    'db_table': 'orders_numberseries',
                    'constraints': [models.UniqueConstraint(fields=('kind', 'year'), name='numberseries_kind_year')],
                },
            ),
            migrations.CreateModel(
                name='Payment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                    ('method', models.CharField(choices=[('transfer', 'Bank transfer'), ('cheque', 'Cheque'), ('card', 'Card'), ('cash', 'Cash')], max_length=10, verbose_name='method')),
                    ('reference', models.CharField(blank=True, max_length=100, verbose_name='reference')),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='billing.invoice', verbose_name='invoice')),
                    ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='billing.payment', verbose_name='cancels')),
                ],
                options={
                    'verbose_name': 'payment',
                    'verbose_name_plural': 'payments',
                    'db_table': 'orders_payment',
                    'ordering': ['date', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalPayment',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                    ('method', models.CharField(choices=[('transfer', 'Bank transfer'), ('cheque', 'Cheque'), ('card', 'Card'), ('cash', 'Cash')], max_length=10, verbose_name='method')),
                    ('reference', models.CharField(blank=True, max_length=100, verbose_name='reference')),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('invoice', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='billing.invoice', verbose_name='invoice')),
                    ('reverses', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='billing.payment', verbose_name='cancels')),
                ],
                options={
                    'verbose_name': 'historical payment',
                    'verbose_name_plural': 'historical payments',
                    'db_table': 'orders_historicalpayment',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.AddIndex(
                model_name='invoice',
                index=models.Index(fields=['issue_date'], name='invoice_issue_date'),
            ),
            migrations.AddIndex(
                model_name='invoice',
                index=models.Index(condition=models.Q(('settled', False)), fields=['due_date'], name='invoice_unsettled'),
            ),
            migrations.AddConstraint(
                model_name='invoice',
                constraint=models.UniqueConstraint(fields=('year', 'sequence'), name='invoice_number_unique'),
            ),
            migrations.AddConstraint(
                model_name='invoice',
                constraint=models.CheckConstraint(condition=models.Q(('sequence__gte', 1)), name='invoice_sequence_positive'),
            ),
            migrations.AddConstraint(
                model_name='invoice',
                constraint=models.CheckConstraint(condition=models.Q(('due_date__gte', models.F('issue_date'))), name='invoice_due_after_issue'),
            ),
            migrations.AddConstraint(
                model_name='creditnote',
                constraint=models.UniqueConstraint(fields=('year', 'sequence'), name='creditnote_number_unique'),
            ),
            migrations.AddConstraint(
                model_name='creditnote',
                constraint=models.CheckConstraint(condition=models.Q(('sequence__gte', 1)), name='creditnote_sequence_positive'),
            ),
            migrations.AddConstraint(
                model_name='creditnote',
                constraint=models.CheckConstraint(condition=models.Q(('total_incl_vat__gt', 0)), name='creditnote_total_positive'),
            ),
            migrations.AddIndex(
                model_name='payment',
                index=models.Index(fields=['date'], name='payment_date'),
            ),
            migrations.AddConstraint(
                model_name='payment',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gt', 0), ('reverses__isnull', True)), models.Q(('amount__lt', 0), ('reverses__isnull', False), models.Q(('reason', ''), _negated=True)), _connector='OR'), name='payment_amount_sign', violation_error_message='A payment is positive; only the cancellation of a payment, with its reason, is negative.'),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
