"""Concurrent readers of the persons pages on SQLite: every request answers 200.

Each page writes an audit entry. Written from inside request transactions, concurrent
readers on SQLite failed each other with "database is locked" (each held a read lock the
other's write waited for); this test serves the site with ``recuento serve`` (waitress,
threads) on a real SQLite file and sends requests from 12 threads at once.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("waitress", reason=MISSING)

USER, PASSWORD = "coordinacion", "pizarra-verde-1987"

# Synthetic records: 30 people in one list, each their own person of a finished run.
FILL = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from recuento.web.registry.services import bring_in, store_source_records
from recuento.web.runs.models import Assignment, Run
user = get_user_model().objects.get(username="coordinacion")
rows = "".join(f"{i},Rosa Soto {chr(97 + i % 26)}{i},1990\n" for i in range(30))
csv = ("folio,nombre,nacimiento\n" + rows).encode()
source = bring_in(SimpleUploadedFile("prensa.csv", csv, "text/csv"), name="prensa", user=user)
store_source_records(source.pk)  # as the worker would, before the site starts
run = Run.objects.create(created_by=user, status="done", finished_at=timezone.now())
Assignment.objects.bulk_create(
    [Assignment(run=run, source=source, record_id=str(i), person_id=f"P{i}") for i in range(30)]
)
print(run.pk)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = base + "/accounts/login/"
    opener.open(url, timeout=60).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(urllib.request.Request(url, data=data, headers={"Referer": url}), timeout=60)
    return opener


@pytest.mark.slow
def test_concurrent_readers_of_persons_pages_all_get_200_on_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUENTO_")}
    env.update(
        RECUENTO_DATA_DIR=str(tmp_path),
        RECUENTO_ADMIN_USERNAME=USER,
        RECUENTO_ADMIN_PASSWORD=PASSWORD,
        DJANGO_SETTINGS_MODULE="recuento.web.settings",
    )
    recuento = str(Path(sys.executable).with_name("recuento"))
    subprocess.run([recuento, "serve", "--setup-only"], env=env, check=True, capture_output=True)
    filled = subprocess.run(
        [sys.executable, "-c", FILL], env=env, check=True, capture_output=True, text=True
    )
    run = int(filled.stdout.split()[-1])
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [recuento, "serve", "--port", str(_port()), "--threads", "6"], env=env, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"http://[^/ ]+", log.read_text())):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        base = found.group(0)
        statuses: list[int] = []
        lock = threading.Lock()

        def client(i: int) -> None:
            opener = _login(base)
            for k in range(6):
                path = (
                    f"/persons/{run}/P{(i + k) % 30}/"
                    if k % 2
                    else "/persons/?" + urllib.parse.urlencode({"q": "rosa soto"})
                )
                try:
                    with opener.open(base + path, timeout=120) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as e:
                    status = e.code
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "database is locked" not in text
    assert statuses == [200] * 72, sorted(set(statuses))
