from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EcolesConfig(AppConfig):
    name = "ecoles"
    verbose_name = _("School")

    def ready(self) -> None:
        from ecoles.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="ecoles.sync_role_permissions")
