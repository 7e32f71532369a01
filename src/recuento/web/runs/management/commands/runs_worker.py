"""``runs_worker``: the task worker ``recuento serve`` starts beside the web server.

django-tasks-db's worker (the ``db_worker`` command's loop), taking tasks of every queue,
that stops by itself when the process that started it goes away, so a server killed
without ceremony never leaves a worker behind. With ``--recover`` it first marks failed
the task rows an earlier worker left ``running`` when it was killed, and the runs and the
lists being stored by those tasks (:mod:`recuento.web.runs.workers`), since a single
worker serves the site; the rows of a worker that is still running on this host are left
alone.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from recuento.web.registry.services import fail_interrupted_storing
from recuento.web.runs.services import fail_interrupted_runs
from recuento.web.runs.workers import fail_interrupted_tasks, worker_id


def _watch_parent(parent: int, interval: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)


class Command(BaseCommand):
    help = (
        "Carry out queued tasks (storing lists' records, linkage runs) until stopped; used "
        "by `recuento serve`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--recover",
            action="store_true",
            help="Mark the tasks, runs and lists' storing left running by a stopped worker as "
            "failed before starting.",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Carry out the queued tasks, then exit."
        )
        parser.add_argument(
            "--parent",
            type=int,
            default=None,
            help="Stop when the process with this id is no longer this worker's parent "
            "(default: the parent at start).",
        )

    def handle(
        self,
        *args: Any,
        interval: float,
        recover: bool,
        batch: bool,
        parent: int | None,
        **options: Any,
    ) -> None:
        if recover:
            fail_interrupted_tasks()
            fail_interrupted_runs()
            fail_interrupted_storing()
        watched = parent if parent is not None else os.getppid()
        threading.Thread(target=_watch_parent, args=(watched,), daemon=True).start()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
