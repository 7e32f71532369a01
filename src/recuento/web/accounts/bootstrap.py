"""The first administrator: created on the first start of the site, never afterwards."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from recuento.errors import ProblemsError
from recuento.web.accounts.permissions import ADMINISTRATOR, sync_roles


class AdministratorError(ProblemsError):
    """The first administrator's username or password is not acceptable."""


def needs_administrator() -> bool:
    """True while the site has no user at all (its first start)."""
    return not get_user_model().objects.exists()


def create_administrator(username: str, password: str) -> Any:
    """Create the first user, with the administrator role.

    Args:
        username: the login name.
        password: checked against the site's password validators (12 characters at least,
            not common, not only digits, not like the username).

    Returns:
        The new user.

    Raises:
        AdministratorError: every problem with the username and password, at once (the
            password itself never appears in the message).
    """
    user_model = get_user_model()
    problems: list[str] = []
    username = username.strip()
    if not username:
        problems.append("the username is empty")
    elif user_model.objects.filter(username=username).exists():
        problems.append("a user with that username already exists")
    candidate = user_model(username=username)
    try:
        # The command line speaks English (house CLI style); the site follows the browser.
        with translation.override("en"):
            validate_password(password, candidate)
    except ValidationError as e:
        problems.extend(f"password: {m}" for m in e.messages)
    if problems:
        raise AdministratorError(
            "The first administrator cannot be created; fix these and start again "
            "(RECUENTO_ADMIN_USERNAME and RECUENTO_ADMIN_PASSWORD, or the prompts):",
            problems,
        )
    with transaction.atomic():
        sync_roles()
        user = user_model.objects.create_user(username=username, password=password)
        user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    return user
