"""A worker killed mid-task leaves django-tasks-db's row ``RUNNING``; the next worker to
start (``runs_worker --recover``) marks it failed, and its run, unless its worker is still
running (issue 6: the web registry)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.compat import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult, get_date_max  # noqa: E402

from recuento.web.runs.models import Run  # noqa: E402
from recuento.web.runs.services import fail_interrupted_runs  # noqa: E402
from recuento.web.runs.workers import (  # noqa: E402
    WorkerStoppedError,
    fail_interrupted_tasks,
    worker_id,
)

RUNNING, FAILED, READY = (
    TaskResultStatus.RUNNING,
    TaskResultStatus.FAILED,
    TaskResultStatus.READY,
)


def _id_of(pid: int) -> str:
    return f"recuento:{socket.gethostname().replace(':', '-')[:32]}:{pid}:abcdefgh"


@pytest.fixture
def gone_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def process() -> Iterator[Callable[..., int]]:
    """Factory: a running process whose command line ends with ``words``; its pid."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*words: str) -> int:
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *words])
        started.append(p)
        return p.pid

    yield start
    for p in started:
        p.kill()
        p.wait()


@pytest.fixture
def task_row(db: Any) -> Callable[..., DBTaskResult]:
    """Factory: a ``link_run`` task row with a status and the workers that claimed it."""

    def make(status: str = RUNNING, workers: tuple[str, ...] = ()) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [0], "kwargs": {}},
            task_path="recuento.web.runs.tasks.link_run",
            backend_name="default",
            run_after=get_date_max(),
            started_at=timezone.now() if status != READY else None,
            worker_ids=list(workers),
            exception_class_path="",
            traceback="",
        )

    return make


@pytest.fixture
def run_of(make_user: Any) -> Callable[..., Run]:
    def make(task: DBTaskResult, status: str) -> Run:
        return Run.objects.create(
            created_by=make_user("analyst"), status=status, task_id=str(task.pk)
        )

    return make


def _status(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return str(row.status)


def test_a_row_left_running_by_a_killed_worker_is_marked_failed_when_a_worker_starts(
    task_row: Any, run_of: Any, gone_pid: int, monkeypatch: Any
) -> None:
    from django_tasks_db.management.commands import db_worker

    # As in test_web_runs: the worker's connection check would end this test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    row = task_row(RUNNING, (_id_of(gone_pid),))
    run = run_of(row, Run.Status.RUNNING)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("runs_worker", recover=True, batch=True, interval=0)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    row.refresh_from_db()
    assert row.status == FAILED and row.finished_at is not None
    assert row.exception_class_path == "recuento.web.runs.workers.WorkerStoppedError"
    assert row.task_result.errors[0].exception_class is WorkerStoppedError
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and "iníciela de nuevo" in run.message


def test_a_row_of_a_worker_still_running_here_is_left_alone(
    task_row: Any, run_of: Any, process: Any
) -> None:
    row = task_row(RUNNING, (_id_of(process("runs_worker", "--recover")),))
    run = run_of(row, Run.Status.RUNNING)
    assert fail_interrupted_tasks() == []
    assert fail_interrupted_runs() == 0
    assert _status(row) == RUNNING
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_a_row_whose_worker_pid_now_belongs_to_another_program_is_failed(
    task_row: Any, process: Any
) -> None:
    if not os.path.exists("/proc/self/cmdline"):
        pytest.skip("needs /proc to tell a reused pid")
    row = task_row(RUNNING, (_id_of(process("something-else")),))
    assert fail_interrupted_tasks() == [str(row.pk)]
    assert _status(row) == FAILED


def test_rows_that_cannot_be_checked_are_taken_as_gone(task_row: Any, gone_pid: int) -> None:
    other_host = task_row(RUNNING, (f"recuento:elsewhere.example:{gone_pid}:abcdefgh",))
    db_worker = task_row(RUNNING, ("Xq8v" * 8,))
    never_claimed = task_row(RUNNING, ())
    this_process = task_row(RUNNING, (_id_of(os.getpid()),))
    failed = fail_interrupted_tasks()
    assert sorted(failed) == sorted(
        str(r.pk) for r in (other_host, db_worker, never_claimed, this_process)
    )


def test_rows_that_are_not_running_are_left_alone(task_row: Any, gone_pid: int) -> None:
    rows = [
        task_row(status, (_id_of(gone_pid),)) for status in (READY, TaskResultStatus.SUCCESSFUL)
    ]
    rows.append(task_row(READY, ()))
    assert fail_interrupted_tasks() == []
    assert [_status(r) for r in rows] == [READY, TaskResultStatus.SUCCESSFUL, READY]


def test_a_queued_run_whose_task_was_claimed_by_a_killed_worker_is_failed_too(
    task_row: Any, run_of: Any, gone_pid: int
) -> None:
    # The worker claims the task row before the task claims the run: killed in between,
    # the run would say it waits for the worker for ever.
    claimed = run_of(task_row(RUNNING, (_id_of(gone_pid),)), Run.Status.QUEUED)
    waiting = run_of(task_row(READY), Run.Status.QUEUED)
    fail_interrupted_tasks()
    assert fail_interrupted_runs() == 1
    claimed.refresh_from_db()
    waiting.refresh_from_db()
    assert claimed.status == Run.Status.FAILED
    assert waiting.status == Run.Status.QUEUED


def test_a_worker_id_names_this_host_and_process_and_fits_the_column() -> None:
    made = worker_id()
    prefix, host, pid, rest = made.split(":")
    assert (prefix, host, int(pid)) == ("recuento", socket.gethostname()[:32], os.getpid())
    assert len(made) <= 64 and len(rest) == 8
