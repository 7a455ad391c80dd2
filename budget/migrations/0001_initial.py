"""Budget years and lines, moved from the ecoles app (issue #15): the models are taken over
as they are (their tables, ecoles_*), then the tables are renamed budget_*."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = ["budgetyear", "budgetline", "historicalbudgetyear", "historicalbudgetline"]


def move_content_types(apps, schema_editor):
    """Keep the content types (and what points at them: admin log, audit) of the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="ecoles", model__in=MOVED).update(app_label="budget")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="budget", model__in=MOVED).update(app_label="ecoles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ecoles", "0006_budget_moves_to_its_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='BudgetYear',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('start', models.DateField(unique=True, verbose_name='first day')),
                    ('end', models.DateField(verbose_name='last day')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                ],
                options={
                    'db_table': 'ecoles_budgetyear',
                    'verbose_name': 'budget year',
                    'verbose_name_plural': 'budget years',
                    'ordering': ['-start'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='budgetyear_end_after_start')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalBudgetLine',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('resource', 'Resource'), ('expense', 'Expense')], max_length=10, verbose_name='kind')),
                    ('source', models.CharField(blank=True, choices=[('production', 'Production sales'), ('donations', 'Donations and patronage'), ('apprenticeship_tax', 'Apprenticeship tax'), ('grants', 'Grants'), ('families', 'Family contributions'), ('other', 'Other resources')], max_length=20, verbose_name='source')),
                    ('category', models.CharField(blank=True, choices=[('staff', 'Staff'), ('premises', 'Premises'), ('materials', 'Materials and supplies'), ('equipment', 'Equipment'), ('pupils', 'Pupils (meals, transport, outfits)'), ('other', 'Other expenses')], max_length=20, verbose_name='category')),
                    ('label', models.CharField(max_length=200, verbose_name='label')),
                    ('funder', models.CharField(blank=True, help_text='For a grant: who grants it.', max_length=200, verbose_name='funder')),
                    ('planned', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='planned')),
                    ('actual', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='actual')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('year', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='budget.budgetyear', verbose_name='budget year')),
                ],
                options={
                    'db_table': 'ecoles_historicalbudgetline',
                    'verbose_name': 'historical budget line',
                    'verbose_name_plural': 'historical budget lines',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalBudgetYear',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('start', models.DateField(db_index=True, verbose_name='first day')),
                    ('end', models.DateField(verbose_name='last day')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'ecoles_historicalbudgetyear',
                    'verbose_name': 'historical budget year',
                    'verbose_name_plural': 'historical budget years',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='BudgetLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('resource', 'Resource'), ('expense', 'Expense')], max_length=10, verbose_name='kind')),
                    ('source', models.CharField(blank=True, choices=[('production', 'Production sales'), ('donations', 'Donations and patronage'), ('apprenticeship_tax', 'Apprenticeship tax'), ('grants', 'Grants'), ('families', 'Family contributions'), ('other', 'Other resources')], max_length=20, verbose_name='source')),
                    ('category', models.CharField(blank=True, choices=[('staff', 'Staff'), ('premises', 'Premises'), ('materials', 'Materials and supplies'), ('equipment', 'Equipment'), ('pupils', 'Pupils (meals, transport, outfits)'), ('other', 'Other expenses')], max_length=20, verbose_name='category')),
                    ('label', models.CharField(max_length=200, verbose_name='label')),
                    ('funder', models.CharField(blank=True, help_text='For a grant: who grants it.', max_length=200, verbose_name='funder')),
                    ('planned', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='planned')),
                    ('actual', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='actual')),
                    ('year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='budget.budgetyear', verbose_name='budget year')),
                ],
                options={
                    'db_table': 'ecoles_budgetline',
                    'verbose_name': 'budget line',
                    'verbose_name_plural': 'budget lines',
                    'ordering': ['-kind', 'source', 'category', 'label'],
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('category', ''), ('kind', 'resource'), models.Q(('source', ''), _negated=True)), models.Q(('kind', 'expense'), ('source', ''), models.Q(('category', ''), _negated=True)), _connector='OR'), name='budgetline_source_or_category'), models.CheckConstraint(condition=models.Q(models.Q(('source', 'production'), _negated=True), ('actual__isnull', True), _connector='OR'), name='budgetline_production_actual_computed'), models.CheckConstraint(condition=models.Q(('planned__gte', 0), models.Q(('actual__isnull', True), ('actual__gte', 0), _connector='OR')), name='budgetline_amounts_positive'), models.UniqueConstraint(condition=models.Q(('source', 'production')), fields=('year',), name='budgetline_one_production_line')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="budgetyear", table=None),
        migrations.AlterModelTable(name="historicalbudgetline", table=None),
        migrations.AlterModelTable(name="historicalbudgetyear", table=None),
        migrations.AlterModelTable(name="budgetline", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
