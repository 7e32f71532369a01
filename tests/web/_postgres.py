"""Running web tests on the PostgreSQL server at 127.0.0.1:5432 (shared by the test modules).

Django reads its database settings once per process and the web tests' conftest points
them at SQLite, so :func:`run_on_postgres` runs test modules again in a child pytest whose
settings read the database URL from another variable (``recuento.web.config.DATABASE_URL_ENV``);
pytest-django creates and drops its own test database there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
URL_VARIABLE = "RECUENTO_TEST_POSTGRES_URL"

CHILD = f"""
import sys
import recuento.web.config as config
config.DATABASE_URL_ENV = {URL_VARIABLE!r}
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def postgres_reachable() -> bool:
    """Whether something answers at 127.0.0.1:5432."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def run_on_postgres(modules: list[str], tmp_path: Path, prefix: str, *options: str) -> None:
    """Run these test modules (in tests/web) on a fresh PostgreSQL database; assert they pass.

    Skips, with the reason, when no server answers or psycopg is missing.
    """
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_{prefix}_{uuid.uuid4().hex[:12]}"
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
            *options,
            "--rootdir",
            str(HERE.parent.parent),
            *(str(HERE / m) for m in modules),
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
