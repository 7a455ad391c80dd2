from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Security and audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import audit, mails, sessions

        user_logged_in.connect(sessions.on_logged_in, dispatch_uid="accounts.session_start")
        audit.connect_read_audit()
        mails.register_mails()
