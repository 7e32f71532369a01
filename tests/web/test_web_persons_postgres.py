"""The persons, counts and records tests again, on PostgreSQL.

Django reads its database settings once per process and the web tests' conftest points
them at SQLite, so the same test modules run in a child pytest whose settings read the
database URL from another variable (``recuento.web.config.DATABASE_URL_ENV``), pointing at
the PostgreSQL server at 127.0.0.1:5432; pytest-django creates and drops its own test
database there. Skipped, with the reason, when no server answers or psycopg is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

HERE = Path(__file__).resolve().parent
MODULES = ["test_web_records.py", "test_web_persons.py", "test_web_counts.py"]
URL_VARIABLE = "RECUENTO_TEST_POSTGRES_URL"

CHILD = f"""
import sys
import recuento.web.config as config
config.DATABASE_URL_ENV = {URL_VARIABLE!r}
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.postgres
@pytest.mark.slow
def test_persons_counts_and_records_pass_on_postgresql(tmp_path: Path) -> None:
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_persons_{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUENTO_")}
    env[URL_VARIABLE] = f"postgresql://postgres@127.0.0.1:5432/{name}"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(HERE.parent.parent),
            *(str(HERE / m) for m in MODULES),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    tail = (result.stdout + result.stderr)[-4000:]
    assert result.returncode == 0, tail
    last = result.stdout.splitlines()[-1]
    assert " passed" in last and "skipped" not in last, tail
