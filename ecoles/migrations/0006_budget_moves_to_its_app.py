"""Budget years and lines move to the budget app (issue #15: one app per domain). Only
Django's record of the models moves here; the tables are renamed by budget 0001."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ecoles", "0005_roles_without_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='historicalbudgetline',
                name='year',
            ),
            migrations.RemoveField(
                model_name='historicalbudgetline',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalbudgetyear',
                name='history_user',
            ),
            migrations.DeleteModel(
                name='BudgetLine',
            ),
            migrations.DeleteModel(
                name='BudgetYear',
            ),
            migrations.DeleteModel(
                name='HistoricalBudgetLine',
            ),
            migrations.DeleteModel(
                name='HistoricalBudgetYear',
            ),
            ],
            database_operations=[],
        ),
    ]
