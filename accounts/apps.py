from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Security and audit")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import audit, sessions, throttle

        user_login_failed.connect(throttle.on_login_failed, dispatch_uid="accounts.failed")
        user_logged_in.connect(throttle.on_logged_in, dispatch_uid="accounts.throttle_ok")
        user_logged_in.connect(sessions.on_logged_in, dispatch_uid="accounts.session_start")
        audit.connect_read_audit()
