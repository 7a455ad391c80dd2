"""The password reset's own forms, in front of django.contrib.auth.urls (same names)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy
from django.views.generic import TemplateView

from accounts.forms import QueuedPasswordResetForm, UnlockingSetPasswordForm
from accounts.tokens import invitation_token

urlpatterns = [
    path(
        "password_reset/",
        login_not_required(
            auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
        ),
        name="password_reset",
    ),
    # The reset's last step also lifts the login lock.
    path(
        "reset/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(form_class=UnlockingSetPasswordForm)
        ),
        name="password_reset_confirm",
    ),
    # The director's invitation (accounts.staff): the member chooses his first password.
    path(
        "invitation/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                form_class=UnlockingSetPasswordForm,
                token_generator=invitation_token,
                template_name="accounts/invitation_confirm.html",
                success_url=reverse_lazy("invitation_done"),
            )
        ),
        name="invitation",
    ),
    path(
        "invitation/fait/",
        login_not_required(TemplateView.as_view(template_name="accounts/invitation_done.html")),
        name="invitation_done",
    ),
]
