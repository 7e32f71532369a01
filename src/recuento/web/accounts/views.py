"""Accounts pages: login, logout, your account, two-factor setup, the users list."""

from __future__ import annotations

from base64 import b32encode

import django_otp
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from recuento.web.accounts.forms import (
    LoginForm,
    TokenForm,
    UserCreateForm,
    UserRolesForm,
    confirmed_totp_device,
)
from recuento.web.accounts.permissions import ROLE_LABELS, requires


class LoginView(auth_views.LoginView):
    """Django's login view (public, never cached) with the two-factor form."""

    authentication_form = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _roles(user: object) -> list[str]:
    names = user.groups.values_list("name", flat=True)  # type: ignore[attr-defined]
    return [str(ROLE_LABELS.get(n, n)) for n in names]


@never_cache
def profile(request: HttpRequest) -> HttpResponse:
    """Your account: roles and whether two-factor login is on."""
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": _roles(request.user),
            "two_factor": confirmed_totp_device(request.user) is not None,
        },
    )


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor login: show the key, confirm with a code from the app."""
    if confirmed_totp_device(request.user) is not None:
        return render(request, "accounts/two_factor.html", {"enabled": True})
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        messages.success(request, _("Two-factor login is on."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "key": b32encode(device.bin_key).decode("ascii"),
            "config_url": device.config_url,
        },
    )


@requires("manage_users")
def users(request: HttpRequest) -> HttpResponse:
    """Every user, their roles and whether they use two-factor login."""
    user_model = get_user_model()
    people = user_model.objects.order_by("username").prefetch_related("groups")
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "pk": u.pk,
            "username": u.username,
            "active": u.is_active,
            "roles": [str(ROLE_LABELS.get(g.name, g.name)) for g in u.groups.all()],
            "two_factor": u.pk in with_device,
            "last_login": u.last_login,
        }
        for u in people
    ]
    return render(request, "accounts/users.html", {"rows": rows})


@requires("manage_users")
def user_new(request: HttpRequest) -> HttpResponse:
    """Create a user with a password and roles."""
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.groups.set(Group.objects.filter(name__in=form.cleaned_data["roles"]))
        messages.success(request, _("User %(name)s created.") % {"name": user.get_username()})
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


@requires("manage_users")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a user's roles, or deactivate the account."""
    person = get_object_or_404(get_user_model(), pk=pk)
    initial = {
        "roles": list(person.groups.values_list("name", flat=True)),
        "is_active": person.is_active,
    }
    form = UserRolesForm(request.POST or None, initial=initial, user=person, editor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            person.is_active = form.cleaned_data["is_active"]
            person.save(update_fields=["is_active"])
            person.groups.set(Group.objects.filter(name__in=form.cleaned_data["roles"]))
        messages.success(request, _("User %(name)s changed.") % {"name": person.get_username()})
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "person": person})
