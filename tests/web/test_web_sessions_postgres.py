"""The sessions and login-backend tests again, on PostgreSQL (see ``_postgres``).

The site keeps its sessions and reads its users through its own compiled queries
(``recuento.web.accounts``), so they are checked on both databases the site supports.
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
def test_sessions_and_the_login_backend_pass_on_postgresql(tmp_path: Path) -> None:
    run_on_postgres(["test_web_sessions.py"], tmp_path, "sessions")
