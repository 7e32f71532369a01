"""Audit entries for logins, failed logins, lockouts, logouts and changes to users and
their roles.

Connected in :meth:`recuento.web.audit.apps.AuditConfig.ready`. Entries carry the
username (of the account acted on, in ``detail``) and field names, never a password or
any other personal value. A failed login with a username that matches no account is
recorded without that name: people type passwords into the username field. Failed logins
and lockouts carry a keyed digest of the client's address (:func:`client_key`), never the
address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from recuento.web.accounts.signals import login_locked_out, login_refused
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


def client_key(address: str) -> str:
    """A keyed digest of a client's network address, as failed logins record it.

    The same address always gives the same key (while the site's secret key stays the
    same), so the log shows whether failures come from one place or many, and a suspect
    address can be checked (``client_key("203.0.113.7")`` in ``python -m recuento.web
    shell``); the address itself, which can locate a person, is never written to a log
    that can never be deleted.
    """
    return salted_hmac("recuento.audit.client", address, algorithm="sha256").hexdigest()[:16]


def _login_attempt(request: Any, username: str, **facts: Any) -> tuple[str, dict[str, Any]]:
    """The object id and detail of an entry about a login attempt on ``username``.

    A name that matches no account is not recorded: people type passwords there.
    """
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    detail: dict[str, Any]
    if account is None:
        object_id, detail = "", {"known_user": False}
    else:
        object_id, detail = str(account.pk), {"username": account.get_username()}
    address = getattr(request, "META", {}).get("REMOTE_ADDR") if request is not None else None
    if address:
        detail["client"] = client_key(str(address))
    return object_id, {**detail, **facts}


@receiver(user_login_failed, dispatch_uid="recuento_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    object_id, detail = _login_attempt(request, username, reason="password")
    record(None, "login_failed", "user", object_id, detail)


@receiver(login_refused, dispatch_uid="recuento_audit_login_refused")
def _login_refused(sender: Any, request: Any, username: str, reason: str, **kwargs: Any) -> None:
    object_id, detail = _login_attempt(request, username, reason=reason)
    record(None, "login_failed", "user", object_id, detail)


@receiver(login_locked_out, dispatch_uid="recuento_audit_lockout")
def _locked_out(
    sender: Any, request: Any, username: str, failures: int, seconds: int, **kwargs: Any
) -> None:
    object_id, detail = _login_attempt(request, username, failures=failures, seconds=seconds)
    record(None, "lockout", "user", object_id, detail)


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
