"""The roles of SPEC.md §2, as Django groups (created by a data migration): five staff
roles, and the two of the families' and pupils' spaces (R14, the `families` app).

What a role may do is decided in one place per page, `role_required(...)` on the view
(ecoles.access), and per object by the model's `visible_to(user)` queryset: the groups
carry no Django permissions. The admin is for superusers only.
"""

from __future__ import annotations

DIRECTOR = "Direction"
OFFICE = "Secrétariat"
TRAINER = "Maître professionnel"
TEACHER = "Enseignant"
ACCOUNTANT = "Comptable"
ALL_ROLES = (DIRECTOR, OFFICE, TRAINER, TEACHER, ACCOUNTANT)
# The network's staff, on the network's hub only (network/, NETWORK_HUB): not a role of a
# school, so not among the roles a school's superuser holds.
NETWORK_STAFF = "Réseau"
# R14: a guardian and a pupil reach their own space only (families.middleware), never a
# staff page; a superuser does not hold them (he is staff).
FAMILY = "Famille"
PUPIL = "Élève"
SPACE_ROLES = (FAMILY, PUPIL)


def ensure_role_groups(**kwargs) -> None:
    """post_migrate: the role groups exist (also after a flush, which empties the table
    the data migration filled)."""
    from django.contrib.auth.models import Group  # here: settings.py imports this module

    for name in (*ALL_ROLES, *SPACE_ROLES, NETWORK_STAFF):
        Group.objects.get_or_create(name=name)
