"""The site's authentication backend: Django's, reading a user's permissions in one query.

Every page asks whether the user may perform an action (the view itself, the header's
links). Django's :class:`~django.contrib.auth.backends.ModelBackend` reads the permissions
given to the user and those of the user's groups (roles) in two queries, once per request;
this backend reads both in one (a ``UNION``) and caches them on the user object the same
way, so the answer is the same: the permissions of the user and of every role they hold.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """:class:`~django.contrib.auth.backends.ModelBackend` with one query for a user's
    permissions (their own and their roles')."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*fields).order_by()
            else:
                own = Permission.objects.filter(user=user_obj).values_list(*fields).order_by()
                roles = Permission.objects.filter(group__user=user_obj)
                rows = own.union(roles.values_list(*fields).order_by())
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
