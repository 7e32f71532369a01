"""Serving the site from several processes that share one listening socket.

Python runs one thread at a time in a process, so a single waitress process serves about
one core's worth of pages however many threads it has: on the benchmark machine (2 cores,
100,000 records, 20 clients) one process answered 61 pages a second. Waitress has no
process model of its own; a parent that binds the socket and forks children which all
``accept`` on it is the plain Unix pre-fork model (the kernel hands each connection to one
of them). It needs ``fork``: where there is none (Windows), one process serves.

The parent only watches: a child that dies is replaced after a pause; SIGTERM or Ctrl-C
stops every child. Children die with the parent on Linux (``PR_SET_PDEATHSIG``), so a
killed parent leaves no process holding the port.

What lives in a process's memory is no longer seen by every request: ``serve`` moves the
cache that counts failed logins to a directory shared by the processes, and the limit on
anonymous tips (whose salt must never leave memory) counts per process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

import click

_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every process accepts on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def _die_with_parent() -> None:
    """Linux: deliver SIGTERM to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def serve_processes(
    serve_one: Callable[[socket.socket], Any],
    sock: socket.socket,
    processes: int,
    *,
    before_fork: Callable[[], Any] = lambda: None,
    pause: float = 1.0,
) -> None:
    """Run ``serve_one(sock)`` in ``processes`` children (in this process when 1).

    ``before_fork`` runs before each fork (close database connections: a connection must
    never be shared between processes). Returns when stopped by SIGTERM or Ctrl-C, after
    every child has ended.
    """
    if processes <= 1 or not can_fork():
        serve_one(sock)
        return
    parent = os.getpid()
    children: set[int] = set()

    def spawn() -> None:
        before_fork()
        # SIGTERM and SIGINT wait while forking. A signal that reached the child before it
        # restored the default handlers would run the parent's handler there, or be lost
        # (Python runs a handler after the signal, and by then it may be SIG_DFL): the
        # child would then serve on while the parent waits for it to end. One that reached
        # the parent before it recorded the child would leave that child running.
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:  # the child: serve until told to stop
                code = 0
                try:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
                    _die_with_parent()
                    if os.getppid() != parent:  # the parent died before prctl took effect
                        os._exit(0)
                    serve_one(sock)
                except BaseException:  # a child must never return into the CLI
                    code = 1
                finally:
                    os._exit(code)
            children.add(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for _ in range(processes):
            spawn()
        click.echo(f"Serving from {processes} processes.", err=True)
        while True:
            # Each child by its pid: os.wait() would also reap the task worker, which
            # another thread watches.
            time.sleep(0.5)
            for pid in list(children):
                done, status = os.waitpid(pid, os.WNOHANG)
                if not done:
                    continue
                children.discard(pid)
                code = os.waitstatus_to_exitcode(status)
                click.echo(
                    f"A web server process ended (exit status {code}); starting another.",
                    err=True,
                )
                time.sleep(pause)
                spawn()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
