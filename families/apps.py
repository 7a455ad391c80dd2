from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families and pupils")

    def ready(self) -> None:
        from families import mails

        # Invitations and reminders leave on the school's one mail path (ecoles.mail).
        mails.register_mails()
