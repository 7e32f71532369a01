"""``recuento serve`` carries out queued linkage runs with its own worker process.

The site runs in a subprocess (Django reads its settings once per process) on a free port
of loopback, with a fresh data directory; a run queued before it starts is carried out
while the site answers (and the records of its lists stored), and the worker goes away
with the site, even when the site is killed without ceremony; a worker that dies is
started again.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("waitress", reason=MISSING)

ADMIN = {"RECUENTO_ADMIN_USERNAME": "coordinacion", "RECUENTO_ADMIN_PASSWORD": "lluvia-de-marzo-42"}

# Queue a run of two small synthetic lists in the site's database, as the runs page would.
QUEUE_A_RUN = """
import os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "recuento.web.settings"
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from recuento.web.registry.services import bring_in
from recuento.web.runs.services import start_run
user = get_user_model().objects.get()
prensa = bring_in(SimpleUploadedFile("prensa.csv", (
    "folio,nombre,fecha de nacimiento\\n1,Ana Pérez López,1990-03-04\\n"
    "2,María Ruiz Soto,1985-07-01\\n").encode()), name="prensa", user=user)
ong = bring_in(SimpleUploadedFile("ong.csv", (
    "clave,nombre,nacimiento\\na,Ana Perez Lopez,1990-03-04\\n"
    "b,Lucía Gómez Vera,2001-02-02\\n").encode()), name="ong", user=user)
print(start_run(user, [prensa, ong]).pk)
"""


def _environment(data: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RECUENTO_", "DJANGO_SETTINGS_MODULE"))
    }
    return {**clean, **ADMIN, "RECUENTO_DATA_DIR": str(data)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def _wait(condition: object, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def _status(data: Path, run: int) -> str:
    with sqlite3.connect(data / "recuento.sqlite3", timeout=10) as db:
        row = db.execute("SELECT status FROM runs_run WHERE id = ?", (run,)).fetchone()
    return str(row[0])


def _stored(data: Path) -> tuple[set[str], int]:
    with sqlite3.connect(data / "recuento.sqlite3", timeout=10) as db:
        statuses = {str(r[0]) for r in db.execute("SELECT status FROM registry_source")}
        (records,) = db.execute("SELECT count(*) FROM registry_record").fetchone()
    return statuses, int(records)


def _set_up_with_a_queued_run(data: Path) -> int:
    """A new site in ``data`` (migrated, administrator) with one linkage run queued."""
    setup = subprocess.run(
        [sys.executable, "-c", "from recuento.cli import cli; cli()", "serve", "--setup-only",
         "--data-dir", str(data)],
        env=_environment(data), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    queued = subprocess.run(
        [sys.executable, "-c", QUEUE_A_RUN],
        env=_environment(data), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    return int(queued.stdout.strip().splitlines()[-1])


def _start(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from recuento.cli import cli; cli()",
                "serve",
                "--data-dir",
                str(data),
                "--port",
                str(port),
                "--threads",
                "1",
            ],
            env=_environment(data),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _worker_pids(log: Path) -> list[int]:
    text = log.read_text(errors="replace")
    return [int(m) for m in re.findall(r"worker process \(pid (\d+)\)", text)]


def _worker_pid(log: Path) -> int:
    assert _wait(lambda: bool(_worker_pids(log)), 60), log.read_text(errors="replace")
    return _worker_pids(log)[0]


@pytest.mark.slow
def test_serve_runs_queued_linkage_restarts_a_dead_worker_and_its_worker_ends_with_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "datos"
    run = _set_up_with_a_queued_run(data)
    assert _status(data, run) == "queued"

    port = _free_port()
    log = tmp_path / "serve.log"
    site = _start(data, port, log)
    try:
        worker = _worker_pid(log)
        assert _wait(lambda: _status(data, run) in ("done", "failed"), 240), log.read_text()
        assert _status(data, run) == "done", log.read_text()
        # The lists' records were stored by the same worker, in the background.
        assert _wait(lambda: _stored(data) == ({"stored"}, 4), 60), _stored(data)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            assert answer.status == 200
        # A worker that dies is started again.
        os.kill(worker, signal.SIGKILL)
        assert _wait(lambda: len(_worker_pids(log)) == 2, 60), log.read_text()
        worker = _worker_pids(log)[-1]
        assert _wait(lambda: _alive(worker), 10)
        # Ctrl-C stops the site and its worker.
        site.send_signal(signal.SIGINT)
        site.wait(30)
        assert _wait(lambda: not _alive(worker), 30)
    finally:
        if site.poll() is None:
            site.kill()
            site.wait()

    # Killed without a chance to clean up, the site leaves no worker behind.
    site = _start(data, _free_port(), log)
    try:
        worker = _worker_pid(log)
        site.kill()
        site.wait()
        assert _wait(lambda: not _alive(worker), 30)
    finally:
        if site.poll() is None:
            site.kill()
            site.wait()


def _task_rows(data: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(data / "recuento.sqlite3", timeout=10) as db:
        rows = db.execute(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'recuento.web.runs.tasks.link_run'"
        ).fetchall()
    return [(str(s), str(e)) for s, e in rows]


@pytest.mark.slow
def test_a_worker_killed_mid_run_leaves_nothing_running_once_serve_restarts_it(
    tmp_path: Path,
) -> None:
    # django-tasks-db has no heartbeat: without the recovery the task row stayed RUNNING
    # and the run "running" for ever.
    data = tmp_path / "datos"
    run = _set_up_with_a_queued_run(data)
    log = tmp_path / "serve.log"
    site = _start(data, _free_port(), log)
    try:
        worker = _worker_pid(log)
        if not _wait(lambda: _status(data, run) == "running", 120, step=0.05):
            pytest.skip(f"the run was never seen running (it ended {_status(data, run)})")
        os.kill(worker, signal.SIGKILL)
        assert _wait(lambda: len(_worker_pids(log)) == 2, 60), log.read_text()
        assert _wait(lambda: _status(data, run) == "failed", 60), log.read_text()
        assert _task_rows(data) == [("FAILED", "recuento.web.runs.workers.WorkerStoppedError")]
    finally:
        site.kill()
        site.wait()
