"""Task workers: naming them, and recovering the tasks of a worker that was killed.

django-tasks-db marks a task row ``RUNNING`` when a worker claims it and ``SUCCESSFUL`` or
``FAILED`` when the task returns or raises; a worker killed mid-task (``SIGKILL``, the
machine switched off, out of memory) leaves the row ``RUNNING`` for ever. It has no
heartbeat, so whether the worker is still there has to be found out another way.

Each ``runs_worker`` claims tasks under an id that says where it runs
(:func:`worker_id`: ``recuento:<host>:<pid>:<random>``), so that when a worker starts it
can tell the rows of a worker that is still running (same host, that process alive and a
``runs_worker``) from the rows of one that has gone (:func:`fail_interrupted_tasks`).
A row claimed under any other id (another host, or django-tasks-db's own ``db_worker``)
cannot be checked and is taken as gone: ``--recover`` is for a site served by one worker.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from pathlib import Path

from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from recuento.errors import RecuentoError

logger = logging.getLogger(__name__)

_PREFIX = "recuento"
#: What a worker's command line holds (``python -m recuento.web runs_worker ...``).
_COMMAND = b"runs_worker"


class WorkerStoppedError(RecuentoError):
    """The worker carrying out a task stopped before the task finished.

    Never raised: recorded as the exception of a task row found ``RUNNING`` after its
    worker had gone, so that django-tasks' ``TaskResult.errors`` names a real class.
    """


def worker_id() -> str:
    """A new worker's id: ``recuento:<host>:<pid>:<random>`` (at most 64 characters)."""
    host = socket.gethostname().replace(":", "-")[:32]
    return f"{_PREFIX}:{host}:{os.getpid()}:{get_random_string(8)}"


def _alive(worker: str) -> bool:
    """Whether the worker named ``worker`` is certainly still running (on this host).

    False for an id this site did not make, for another host, for this very process (a
    worker starting now has claimed nothing yet: a row under its pid is an earlier
    process's), and for a process that is gone or, where ``/proc`` tells, is not a
    ``runs_worker`` (its pid was reused).
    """
    parts = worker.split(":")
    if len(parts) != 4 or parts[0] != _PREFIX or not parts[2].isdigit():
        return False
    host, pid = parts[1], int(parts[2])
    if host != socket.gethostname().replace(":", "-")[:32] or pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return _COMMAND in cmdline.read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc: the process exists, trust it
    except OSError:
        return True


def fail_interrupted_tasks(*, backend_name: str = "default") -> list[str]:
    """Mark task rows left ``RUNNING`` by a worker that has gone as ``FAILED``.

    A row whose worker is still running (see the module's note) is left alone. The row
    records :class:`WorkerStoppedError` and when it was found; nothing else changes (the
    task is not run again: a linkage run says to start it again, see
    :func:`recuento.web.runs.services.fail_interrupted_runs`).

    Returns:
        The ids (as text) of the rows marked failed.
    """
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, backend_name=backend_name
    )
    failed: list[str] = []
    for pk, workers in running.values_list("pk", "worker_ids"):
        last = workers[-1] if isinstance(workers, list) and workers else ""
        if _alive(str(last)):
            continue
        changed = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{__name__}.{WorkerStoppedError.__qualname__}",
            traceback=(
                f"{WorkerStoppedError.__qualname__}: the worker {last or '(unknown)'} stopped "
                "before the task finished; found by a worker starting at "
                f"{timezone.now().isoformat()}"
            ),
        )
        if changed:
            failed.append(str(pk))
    if failed:
        logger.warning("marked %d task(s) of a stopped worker as failed", len(failed))
    return failed


def task_statuses(task_ids: list[str]) -> dict[str, str]:
    """The django-tasks-db status of each of ``task_ids`` that names a row (keyed as given)."""
    wanted: dict[uuid.UUID, str] = {}
    for task_id in task_ids:
        try:
            wanted[uuid.UUID(task_id)] = task_id
        except ValueError:
            continue
    rows = DBTaskResult.objects.filter(pk__in=list(wanted)).values_list("pk", "status")
    return {wanted[pk]: str(status) for pk, status in rows}
