"""The roll on PostgreSQL: import, decisions, flags, notice, hearing and the electorate.

The web tests run on SQLite (tests/web/conftest.py fixes the database for the session), so
this test runs the same services in a child process whose settings point at a fresh
database on the local PostgreSQL server, and checks what it reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._postgres import postgres_reachable
from .test_web_roll_helpers import ROLL_CSV

SCENARIO = r"""
import datetime as dt, json, re, sys
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.utils import timezone
from recuento.web.audit.log import verify
from recuento.web.roll import eligibility, hearings, services
from recuento.web.roll.models import Member, StatusChange

user = get_user_model().objects.create_user("coordinacion", password="x")
user.groups.add(Group.objects.get(name="coordinator"))
batch = services.import_roll(Path(sys.argv[1]), filename="roll.csv", stored="roll.csv",
                             sha256="0" * 64, user=user)
services.change_status(Member.objects.get(member_id="M2"), "must_join", user=user,
                       reason="not on the party roll", deadline=dt.date(2017, 7, 1))
eligibility.record_flags([{"id": "M1", "status": "deemed_resigned"}], mode="pprl",
                         deadline=dt.date(2017, 7, 1), files=[], user=user)
m1 = Member.objects.get(member_id="M1")
hearings.notify(m1, user=user, link_for=lambda t: f"https://example.org/a/{t}/", deadline=None)
token = re.search(r"/a/([\w-]+)/", mail.outbox[0].body).group(1)
hearings.answer(token, response="hearing", statement="never expelled")
hearing = m1.hearings.get()
hearings.schedule(hearing, when=timezone.now(), place="online", user=user)
hearings.minute(hearing, minutes="heard", user=user)
hearings.decide(hearing, outcome="cancelled", reasons="expulsion confirmed", user=user)
refused = False
try:
    hearings.decide(hearing, outcome="retain", reasons="again", user=user)
except services.RollError:
    refused = True
print(json.dumps({
    "vendor": connection.vendor,
    "rows": [batch.rows_read, batch.rows_accepted, batch.rows_rejected],
    "statuses": dict(Member.objects.values_list("member_id", "admin_status")),
    "changes": StatusChange.objects.count(),
    "second_decision_refused": refused,
    "eligible": [m.member_id for m in services.eligible_members(dt.date(2017, 6, 1))],
    "audit_chain_ok": verify().ok,
}))
"""


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local server, dropped afterwards."""
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    pytest.importorskip("django", reason="the web extra is not installed")
    name = f"recuento_roll_test_{uuid.uuid4().hex[:12]}"
    admin = "host=127.0.0.1 port=5432 dbname=test user=postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as e:
        pytest.skip(f"cannot create a database on 127.0.0.1:5432 ({type(e).__name__})")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_roll_workflow_runs_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_bytes(ROLL_CSV)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recuento.web.settings",
        "RECUENTO_DATA_DIR": str(tmp_path / "data"),
        "RECUENTO_DATABASE_URL": postgres_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, str(roll)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["vendor"] == "postgresql"
    assert report["rows"] == [4, 3, 1]
    assert report["statuses"] == {"M1": "cancelled", "M2": "must_join", "M3": ""}
    # Two decisions: the coordinator's (M2) and the hearing's (M1); the flag changed none.
    assert report["changes"] == 2
    assert report["second_decision_refused"] is True
    # On 1 June 2017: M1 cancelled, M3 expired (ended May 2016), M2 may vote until 1 July.
    assert report["eligible"] == ["M2"]
    assert report["audit_chain_ok"] is True
