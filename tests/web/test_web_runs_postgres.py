"""The runs and review tests again, on PostgreSQL (see ``_postgres``).

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
def test_runs_and_review_pass_on_postgresql(tmp_path: Path) -> None:
    modules = ["test_web_runs.py", "test_web_review.py", "test_web_runs_e2e.py"]
    run_on_postgres(modules, tmp_path, "runs", "-x")
