"""The password reset's own forms, in front of django.contrib.auth.urls (same names)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts.forms import QueuedPasswordResetForm, UnlockingSetPasswordForm

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
]
