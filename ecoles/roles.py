"""The five roles of SPEC.md §2 as Django groups, and the permissions each one holds.

Groups are created by a data migration; their permissions are (re)assigned after every
`migrate` from ROLE_PERMISSIONS, so a model added later gets its permissions without a
new data migration. Patterns are `app_label.codename` globs; a leading `!` removes.
"""

from __future__ import annotations

from fnmatch import fnmatch

DIRECTOR = "Direction"
OFFICE = "Secrétariat"
TRAINER = "Maître professionnel"
TEACHER = "Enseignant"
ACCOUNTANT = "Comptable"
ALL_ROLES = (DIRECTOR, OFFICE, TRAINER, TEACHER, ACCOUNTANT)

OUR_APPS = ("ecoles", "students", "orders", "training")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    DIRECTOR: [f"{app}.*" for app in OUR_APPS] + ["!ecoles.*_user", "ecoles.view_user"],
    OFFICE: [
        "ecoles.view_*",
        "!ecoles.*_user",
        "students.*",
        "!students.*followupnote*",
        "orders.*",
        "training.view_*",
    ],
    TRAINER: [
        "ecoles.view_workshop",
        "students.view_student",
        "students.view_guardian",
        "students.*followupnote*",
        "orders.view_*",
        "!orders.view_invoice*",
        "!orders.view_creditnote*",
        "!orders.view_payment*",
        "orders.add_order",
        "orders.change_order",
        "orders.*orderline",
        "orders.*material*",
        "orders.*attachment*",
        "training.*worklog*",
        "training.view_*",
    ],
    TEACHER: [
        "students.view_student",
        "training.*theorysession*",
        "training.*attendance*",
        "training.view_*",
    ],
    ACCOUNTANT: [
        "ecoles.view_*",
        "!ecoles.*_user",
        "ecoles.*budget*",
        "orders.view_*",
        "orders.*invoice*",
        "orders.*creditnote*",
        "orders.*payment*",
    ],
}


def permission_matches(role: str, app_label: str, codename: str) -> bool:
    """Whether `role` holds the permission `app_label.codename` (last matching pattern wins)."""
    name = f"{app_label}.{codename}"
    granted = False
    for pattern in ROLE_PERMISSIONS[role]:
        if pattern.startswith("!"):
            if fnmatch(name, pattern[1:]):
                granted = False
        elif fnmatch(name, pattern):
            granted = True
    return granted


def sync_role_permissions(**kwargs) -> None:
    """post_migrate: give each role group exactly the permissions ROLE_PERMISSIONS names."""
    from django.contrib.auth.models import Group, Permission

    perms = list(
        Permission.objects.filter(content_type__app_label__in=OUR_APPS).select_related(
            "content_type"
        )
    )
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [
            p for p in perms if permission_matches(role, p.content_type.app_label, p.codename)
        ]
        group.permissions.set(wanted)
