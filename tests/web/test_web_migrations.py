"""The committed migrations match the models (what CI checks with makemigrations --check)."""

from __future__ import annotations

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from typing import Any  # noqa: E402

from django.core.management import call_command  # noqa: E402


def test_no_migration_is_missing(db: Any) -> None:
    # Exits with status 1 when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
