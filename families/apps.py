from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = _("Families and pupils")

    def ready(self) -> None:
        from families import listeners, mails

        # An account left with no child is closed (a guardian removed, a record anonymised).
        post_delete.connect(
            listeners.guardian_link_deleted,
            sender="families.GuardianAccount",
            dispatch_uid="families.guardian_link_deleted",
        )

        # Invitations and reminders leave on the school's one mail path (ecoles.mail).
        mails.register_mails()
