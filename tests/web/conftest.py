"""Fixtures for the web site's tests (pytest-django).

The site's settings read the environment once, so it is set here, before Django starts: a
fresh temporary data directory for this test session, never the user's. Test modules skip
themselves when the ``web`` extra (Django, django-otp, pytest-django) is not installed.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

import pytest

WEB_INSTALLED = all(
    importlib.util.find_spec(m) is not None for m in ("django", "django_otp", "pytest_django")
)

if WEB_INSTALLED:
    _data_dir = tempfile.mkdtemp(prefix="recuento-web-tests-")
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
    os.environ["RECUENTO_DATA_DIR"] = _data_dir
    os.environ.pop("RECUENTO_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"
    import django

    django.setup()
    from django.conf import settings

    # Hashing passwords slowly is the point in production and a waste of seconds here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PASSWORD = "pizarra-verde-1987"


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """Factory: ``make_user("analyst")`` is a user with that role (none with ``None``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from recuento.web.accounts.permissions import sync_roles

    sync_roles()
    counter = iter(range(1, 10_000))

    def make(role: str | None, username: str | None = None) -> Any:
        name = username or f"{role or 'norole'}{next(counter)}"
        user = get_user_model().objects.create_user(username=name, password=PASSWORD)
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a directory of this test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_source(make_user: Callable[..., Any]) -> Callable[..., Any]:
    """Factory: a recorded source (no file needed) brought in by an analyst."""
    from recuento.web.registry.models import Source

    def make(name: str = "prensa", **fields: Any) -> Any:
        values: dict[str, Any] = {
            "filename": f"{name}.csv",
            "file": f"sources/{'0' * 64}.csv",
            "sha256": "0" * 64,
            "size_bytes": 10,
            "uploaded_by": make_user("analyst"),
            "format": "csv",
            "rows_read": 3,
            "rows_accepted": 2,
            "rows_rejected": 1,
            "mapping": {"id": "folio", "full_name": "nombre"},
            "rejects": [{"number": 4, "reason": "no_name"}],
            "rejects_by_reason": {"no_name": 1},
        }
        values.update(fields)
        return Source.objects.create(name=name, **values)

    return make
