"""Login with an optional second factor, and the form that confirms a TOTP device."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from recuento.web.accounts.signals import login_locked_out, login_refused


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator-app device, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60


def _failures_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"recuento-login-failures-{digest}"


def _count_failure(key: str) -> int:
    """Count one more failed login under ``key``; return the count."""
    cache.add(key, 0, LOCKOUT_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LOCKOUT_SECONDS)
        return 1


class LoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """Username and password, plus the authenticator code for users who set one up.

    A user without a confirmed device logs in with the password alone; a user with one
    must also give a valid current code (django-otp checks it and throttles failures).
    """

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        help_text=_("Only if you turned on two-factor login."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages: ClassVar[dict[str, Any]] = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the code your authenticator app shows."),
        "invalid_token": _("That code is not valid. Enter the current code."),
    }

    def clean(self) -> dict[str, Any]:
        """Check the password, then the code when the user has a device.

        After :data:`MAX_FAILED_LOGINS` failures for one username within
        :data:`LOCKOUT_SECONDS`, every attempt is refused until that time has passed,
        without checking the password (a guessing attack learns nothing). Only a
        successful login clears the count (a post without a password does not).

        A wrong or missing code, an attempt on a locked-out username, and the lockout
        itself are announced with :mod:`recuento.web.accounts.signals` (a wrong password
        with Django's ``user_login_failed``), which the audit log records.
        """
        username = str(self.data.get("username", ""))
        key = _failures_key(username)
        if cache.get(key, 0) >= MAX_FAILED_LOGINS:
            login_refused.send(
                sender=type(self), request=self.request, username=username, reason="locked_out"
            )
            raise forms.ValidationError(
                _("Too many failed attempts for this user: wait %(minutes)d minutes."),
                code="locked_out",
                params={"minutes": LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned: dict[str, Any] = super().clean()
            user = self.get_user()
            if user is not None and user_has_device(user):
                try:
                    self.clean_otp(user)
                except forms.ValidationError:
                    login_refused.send(
                        sender=type(self), request=self.request, username=username, reason="code"
                    )
                    raise
        except forms.ValidationError:
            if _count_failure(key) == MAX_FAILED_LOGINS:
                login_locked_out.send(
                    sender=type(self),
                    request=self.request,
                    username=username,
                    failures=MAX_FAILED_LOGINS,
                    seconds=LOCKOUT_SECONDS,
                )
            raise
        if user is not None:
            cache.delete(key)
        return cleaned

    def _chosen_device(self, user: Any) -> TOTPDevice | None:
        # One authenticator per user: no device choice to make on the login page.
        return confirmed_totp_device(user)


class TokenForm(forms.Form):
    """The current code from the authenticator app."""

    token = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        """The code must be valid for the device now."""
        token: str = self.cleaned_data["token"].strip().replace(" ", "")
        allowed_now, _details = self.device.verify_is_allowed()
        if not allowed_now:
            raise forms.ValidationError(
                _("Too many wrong codes: wait a little, then enter the current code.")
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("That code is not valid. Enter the current code."))
        return token


def _role_choices() -> list[tuple[str, Any]]:
    from recuento.web.accounts.permissions import ROLE_LABELS, ROLES

    return [(role, ROLE_LABELS[role]) for role in ROLES]


class UserCreateForm(UserCreationForm):
    """A new user: username, password twice (the site's validators), roles."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without a role, the user can see only their own account page."),
    )


class UserRolesForm(forms.Form):
    """A user's roles and whether the account is active.

    Nobody can take away their own administrator role or deactivate themselves, and the
    site always keeps one active administrator: a lockout would need the command line.
    """

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, user: Any, editor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.editor = editor

    def clean(self) -> dict[str, Any]:
        """Refuse changes that would leave the site without an active administrator."""
        from django.contrib.auth import get_user_model

        from recuento.web.accounts.permissions import ADMINISTRATOR

        cleaned: dict[str, Any] = super().clean() or {}
        stays_admin = ADMINISTRATOR in cleaned.get("roles", []) and cleaned.get("is_active")
        if not stays_admin:
            if self.user.pk == self.editor.pk:
                raise forms.ValidationError(
                    _("You cannot take away your own administrator role or deactivate yourself."),
                    code="self_demotion",
                )
            others = (
                get_user_model()
                .objects.filter(groups__name=ADMINISTRATOR, is_active=True)
                .exclude(pk=self.user.pk)
            )
            if not others.exists():
                raise forms.ValidationError(
                    _("The site must keep one active administrator."), code="last_administrator"
                )
        return cleaned
