from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcolesConfig(AppConfig):
    name = "ecoles"
    verbose_name = _("School")
