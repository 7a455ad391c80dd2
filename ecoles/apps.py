from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EcolesConfig(AppConfig):
    name = "ecoles"
    verbose_name = _("School")

    def ready(self) -> None:
        from ecoles.guards import make_triggers
        from ecoles.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="ecoles.ensure_role_groups")
        # Once per migrate (or flush), after every app's migrations: the insert-only tables'
        # triggers over their columns as they now stand.
        post_migrate.connect(make_triggers, sender=self, dispatch_uid="ecoles.make_triggers")
