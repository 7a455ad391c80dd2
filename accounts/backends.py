"""Django's model backend, refusing a username locked from this address (see throttle), and
reading the signed-in user with his roles in one query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from accounts import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            if username is None:
                from django.contrib.auth import get_user_model

                username = kwargs.get(get_user_model().USERNAME_FIELD)
            until = throttle.locked_until(username, throttle.client_address(request))
            if until:
                # Stops every backend: even the right password is refused while locked.
                request.login_locked_until = until
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """Every page reads the user's roles (the menu, the access checks): one query
        for the user and the names of his groups, rather than two."""
        model = get_user_model()
        names = (
            model.groups.through.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(names=_Joined("group__name"))
            .values("names")
        )
        user = (
            model._default_manager.annotate(role_names=Subquery(names)).filter(pk=user_id).first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # a superuser holds them all (User.roles)
            names = user.role_names
            user.roles = frozenset(names.split(SEPARATOR) if names else ())
        return user


SEPARATOR = "\x1f"  # the unit separator: in no group's name


class _Joined(Aggregate):
    """Names joined by SEPARATOR: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        function = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
        return super().as_sql(
            compiler,
            connection,
            function=function,
            template=f"%(function)s(%(expressions)s, '{SEPARATOR}')",
            **extra,
        )
