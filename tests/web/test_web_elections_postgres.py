"""Elections on PostgreSQL: the whole course of an election, a code raced by concurrent
requests, and no transaction id shared between a ballot and a voter.

Django reads its settings once per process, so the election runs in a subprocess whose
``RECUENTO_DATABASE_URL`` names a fresh database on the server at 127.0.0.1:5432; the test
is skipped when that server is not reachable. The same course runs on SQLite in
``test_web_elections*.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._postgres import postgres_reachable

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)

SCRIPT = r"""
import json, threading, datetime as dt
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # responses carry their template context
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from recuento.ballots import parse_blt, tally
from recuento.web.accounts.permissions import sync_roles
from recuento.web.elections import services
from recuento.web.elections.models import Ballot, Code, Election

sync_roles()
user = get_user_model().objects.create_user("coordinacion", password="x" * 16)
user.groups.add(Group.objects.get(name="coordinator"))
now = timezone.now()
election = Election.objects.create(
    title="NCG", method="stv", seats=2, quotas={"women": 1}, lot_seed=99,
    opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=1),
    created_by=user,
)
names = services.parse_candidates("Ana [women]\nBea [women]\nCarlos\nDani")
services.set_candidates(election, names)
rows = "id,full_name,email\n"
rows += "".join(f"M{i},Votante {i},v{i}@example.org\n" for i in range(1, 9))
services.freeze_from_csv(
    election, SimpleUploadedFile("v.csv", rows.encode()), cutoff=now - dt.timedelta(hours=2)
)
sheet = services.issue_codes(election)
codes = [item.code for item in sheet]

# Through the public page, anonymously.
client = Client(HTTP_HOST="localhost")
papers = [
    {"rank_2": "1", "rank_0": "2"},
    {"rank_3": "1"},
    {"rank_2": "1"},
    {"rank_1": "1", "rank_3": "2"},
]
receipts = []
for code, paper in zip(codes, papers):
    response = client.post(reverse("elections:vote", args=[election.pk]), {"code": code, **paper})
    assert response.status_code == 200, response.status_code
    receipts.append(response.context["receipt"])
again = client.post(
    reverse("elections:vote", args=[election.pk]), {"code": codes[0], "rank_0": "1"}
)
assert "receipt" not in again.context

# One code raced by eight concurrent requests: exactly one ballot.
outcomes = []
def attempt():
    try:
        outcomes.append(services.cast(election.pk, codes[4], [0]))
    except services.ElectionError:
        outcomes.append(None)
    finally:
        connections.close_all()
threads = [threading.Thread(target=attempt) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert sum(o is not None for o in outcomes) == 1, outcomes

# No transaction id is shared by a ballot row and a voter row (voting never touches voters).
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT count(*) FROM elections_ballot b JOIN elections_voter v "
        "ON b.xmin::text = v.xmin::text OR b.xmin::text = v.xmax::text"
    )
    assert cursor.fetchone() == (0,)

Election.objects.filter(pk=election.pk).update(
    opens_at=now - dt.timedelta(hours=3), closes_at=now - dt.timedelta(minutes=1)
)
try:
    services.cast(election.pk, codes[5], [0])
    raise SystemExit("a ballot was accepted after the voting period")
except services.ElectionError:
    pass
election = services.close(election.pk)
assert Ballot.objects.count() == 5 and not Code.objects.exists()
listed = list(Ballot.objects.values_list("receipt", flat=True))
assert listed == sorted(listed) and set(receipts) <= set(listed)
with connection.cursor() as cursor:
    # Rewritten at the close: stored in receipt order, all with the close's transaction id.
    cursor.execute("SELECT receipt, xmin::text FROM elections_ballot ORDER BY ctid")
    stored = cursor.fetchall()
assert [r for r, _x in stored] == sorted(listed)
assert len({x for _r, x in stored}) == 1
recount = tally(parse_blt(election.blt), **services.tally_options(election))
assert recount.to_json() == election.result
print(json.dumps({"elected": election.result["elected"], "ballots": 5}))
"""


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local server, dropped afterwards."""
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (recuento[postgres])")
    name = f"recuento_elections_test_{uuid.uuid4().hex[:12]}"
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
def test_an_election_runs_on_postgresql_with_single_use_codes_under_concurrency(
    tmp_path: Path, postgres_url: str
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RECUENTO_", "DJANGO_SETTINGS_MODULE"))
    }
    env.update(
        RECUENTO_DATA_DIR=str(tmp_path),
        RECUENTO_DATABASE_URL=postgres_url,
        DJANGO_SETTINGS_MODULE="recuento.web.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"ballots": 5' in result.stdout
