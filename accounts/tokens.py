"""The invitation's link: Django's password-reset token under a salt of its own, so that
a reset link is never an invitation link nor the other way round.

It is valid PASSWORD_RESET_TIMEOUT (three days) and once: its hash covers the password
(unusable and random until the member chooses one, and made anew when the invitation is
sent again, which voids the earlier links), the last login and whether the account is
active (a suspended member's link dies with the suspension)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"


invitation_token = InvitationTokenGenerator()
