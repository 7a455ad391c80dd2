from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from network import indicators
        from students.indicators import add_section

        # The indicators page offers to send its year to the network (issue 31 §1).
        add_section(indicators.compute)
