from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget")

    def ready(self) -> None:
        from budget import receipts

        # A cancelled tax receipt's donor is told on the school's one mail path.
        receipts.register_mails()
