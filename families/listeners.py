"""Keeping family accounts in step with the records they open (R14, RGPD art. 5-1-e)."""

from __future__ import annotations

from ecoles.models import User
from families.models import GuardianAccount, PupilAccount


def guardian_link_deleted(sender, instance: GuardianAccount, **kwargs) -> None:
    """A guardian's row went (corrected by the office, or the pupil's record anonymised,
    which deletes his guardians): an account left with no child is closed, and forgets
    the name and address it was made with."""
    user_id = instance.user_id
    if GuardianAccount.objects.filter(user_id=user_id).exists():
        return
    if PupilAccount.objects.filter(user_id=user_id).exists():
        return
    User.objects.filter(pk=user_id).update(is_active=False, first_name="", last_name="", email="")
