"""Audit entries for logins, failed logins, logouts and changes to users and their roles.

Connected in :meth:`recuento.web.audit.apps.AuditConfig.ready`. Entries carry the
username (of the account acted on, in ``detail``) and field names, never a password or
any other personal value. A failed login with a username that matches no account is
recorded without that name: people type passwords into the username field.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from recuento.web.audit.log import record
from recuento.web.audit.middleware import acting_user

User = get_user_model()
# Changes to these fields are recorded (by name only; the password's value never).
TRACKED = ("username", "is_active", "is_staff", "is_superuser", "password")
_BEFORE = "_recuento_audit_before"


@receiver(user_logged_in, dispatch_uid="recuento_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, "login", "user", user.pk)


@receiver(user_logged_out, dispatch_uid="recuento_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "logout", "user", user.pk)


@receiver(user_login_failed, dispatch_uid="recuento_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if account is None:
        record(None, "login_failed", "user", "", {"known_user": False})
    else:
        record(None, "login_failed", "user", account.pk, {"username": account.get_username()})


@receiver(pre_save, sender=User, dispatch_uid="recuento_audit_user_before")
def _remember_before(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(TRACKED)):
        return
    before = sender._default_manager.filter(pk=instance.pk).values(*TRACKED).first()
    setattr(instance, _BEFORE, before)


@receiver(post_save, sender=User, dispatch_uid="recuento_audit_user_saved")
def _user_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    name = instance.get_username()
    if created:
        record(acting_user(), "create", "user", instance.pk, {"username": name})
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if before is None:
        return
    changed = [f for f in TRACKED if before[f] != getattr(instance, f)]
    if not changed:
        return
    detail: dict[str, Any] = {"username": name, "fields": changed}
    for flag in ("is_active", "is_staff", "is_superuser"):
        if flag in changed:
            detail[flag] = getattr(instance, flag)
    if "username" in changed:
        detail["previous_username"] = before["username"]
    record(acting_user(), "change", "user", instance.pk, detail)


@receiver(post_delete, sender=User, dispatch_uid="recuento_audit_user_deleted")
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    record(acting_user(), "delete", "user", instance.pk, {"username": instance.get_username()})


def _role_change(user: Any, groups: list[str], *, added: bool) -> None:
    key = "added" if added else "removed"
    record(
        acting_user(),
        "change_roles",
        "user",
        user.pk,
        {"username": user.get_username(), key: sorted(groups)},
    )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="recuento_audit_roles")
def _roles_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action == "pre_clear":
        # After the clear the removed groups cannot be known: remember them now.
        if reverse:
            instance._recuento_audit_cleared = list(instance.user_set.all())
        else:
            instance._recuento_audit_cleared = list(instance.groups.values_list("name", flat=True))
        return
    if action == "post_clear":
        cleared = instance.__dict__.pop("_recuento_audit_cleared", [])
        if reverse:
            for user in cleared:
                _role_change(user, [instance.name], added=False)
        elif cleared:
            _role_change(instance, cleared, added=False)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    added = action == "post_add"
    if reverse:
        for user in User._default_manager.filter(pk__in=pk_set).order_by("pk"):
            _role_change(user, [instance.name], added=added)
    else:
        names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _role_change(instance, names, added=added)
