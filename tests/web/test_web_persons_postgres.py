"""The persons, counts and records tests again, on PostgreSQL (see ``_postgres``).

Skipped, with the reason, when no server answers or psycopg is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from ._postgres import run_on_postgres  # noqa: E402


@pytest.mark.postgres
@pytest.mark.slow
def test_persons_counts_and_records_pass_on_postgresql(tmp_path: Path) -> None:
    modules = ["test_web_records.py", "test_web_persons.py", "test_web_counts.py"]
    run_on_postgres(modules, tmp_path, "persons")
