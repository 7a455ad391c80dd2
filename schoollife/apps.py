from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoollifeConfig(AppConfig):
    name = "schoollife"
    verbose_name = _("School life")
