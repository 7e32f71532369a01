"""The cases app on PostgreSQL: migrations, matching into stored candidates, constraints.

As in test_web_audit_postgres.py, the web tests' process is bound to SQLite, so the test
runs this file as a script in a subprocess against a fresh database on the local server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("fpdf", reason="pip install 'recuento[web]' (fpdf2)")

SCRIPT = Path(__file__)
pytestmark = pytest.mark.postgres


def _postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local server, dropped afterwards."""
    if not _postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_cases_test_{uuid.uuid4().hex[:12]}"
    admin = "host=127.0.0.1 port=5432 dbname=test user=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        pytest.skip(f"cannot create a database on 127.0.0.1:5432 ({type(e).__name__})")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_matching_review_and_constraints_hold_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "RECUENTO_DATABASE_URL": postgres_url, "RECUENTO_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["vendor"] == "postgresql"
    assert found["candidates"] == ["PFSI-1"]
    assert found["reasons"] > 0
    assert found["confirm_without_evidence"] == "IntegrityError"
    assert found["kept_after_rematch"] == "excluded"
    assert "curp" not in found["public"] and "given_names" in found["public"]
    assert found["import_at_limits"] == 1
    assert found["import_over_limits"] == [
        "line 2, column 11 (marks)",
        "line 2, column 12 (clothing)",
        "line 2, column 15 (hair)",
    ]


def scenario() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, connection, transaction

    from recuento.web.cases import models as m
    from recuento.web.cases.matching import rematch_all, rematch_case
    from recuento.web.cases.publishing import public_fields

    user = get_user_model().objects.create_user("coordinadora")
    case = m.Case.objects.create(
        created_by=user,
        given_names="Ana",
        surname_1="Prueba",
        sex="F",
        age_min=17,
        age_max=18,
        last_seen_date="2009-03-21",
        curp="CURPX",
        consent_public=True,
        public_contact="Colectivo",
    )
    m.Mark.objects.create(case=case, kind="tattoo", body_part="forearm", description="rosa")
    for ref, sex in (("PFSI-1", "F"), ("PFSI-2", "M")):
        m.Remains.objects.create(
            reference=ref,
            sex=sex,
            age_min=15,
            age_max=25,
            found_date="2010-01-10",
            condition="mummified",
            marks="tatuaje|antebrazo||rosa",
            created_by=user,
        )
    rematch_all(user)
    candidates = list(case.candidates.select_related("remains"))
    found: dict[str, Any] = {
        "vendor": connection.vendor,
        "candidates": [c.remains.reference for c in candidates],
        "reasons": len(candidates[0].reasons),
        "public": public_fields(case, "es")["shown"],
    }
    candidate = candidates[0]
    candidate.status = "confirmed"
    try:
        with transaction.atomic():
            candidate.save()
        found["confirm_without_evidence"] = "saved"
    except IntegrityError:
        found["confirm_without_evidence"] = "IntegrityError"
    m.Candidate.objects.filter(pk=candidate.pk).update(status="excluded", review_reason="x")
    rematch_case(case, user)
    found["kept_after_rematch"] = m.Candidate.objects.get(pk=candidate.pk).status
    found.update(import_limits(user))
    return found


def import_limits(user: Any) -> dict[str, Any]:
    """missing.csv import: texts at the fields' lengths are stored by PostgreSQL (which
    enforces them); one character more is refused before anything is written."""
    import re
    from types import SimpleNamespace

    from django.db import transaction

    from recuento.match import MatchDataError
    from recuento.web.cases import models as m
    from recuento.web.cases.views.exchange import _create, read_upload

    def csv_text(extra: int) -> bytes:
        mark = "tatuaje|mano||" + "r" * (300 + extra)
        garment = "g" * (80 + extra) + "|roja|" + "d" * (300 + extra)
        row = [
            "Z-1",
            "F",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            mark,
            garment,
            "",
            "",
            "h" * (200 + extra),
        ]
        header = (
            "id,sex,age_min,age_max,height_min_cm,height_max_cm,last_seen_date,"
            "last_seen_place,lat,lon,marks,clothing,dental,eyes,hair"
        )
        return f"{header}\n{','.join(row)}\n".encode()

    before = m.Case.objects.count()
    records, rows = read_upload(csv_text(0), "missing.csv")
    with transaction.atomic():
        for rec, row in zip(records, rows, strict=True):
            _create(SimpleNamespace(user=user), rec, row)  # type: ignore[arg-type]
    try:
        read_upload(csv_text(1), "missing.csv")
        over: list[str] = []
    except MatchDataError as e:
        over = sorted({re.sub(r"^missing.csv, (.*?\)):.*$", r"\1", p) for p in e.problems})
    return {"import_at_limits": m.Case.objects.count() - before, "import_over_limits": over}


if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(json.dumps(scenario()))
