"""``recuento serve --processes N``: several processes accept on one socket, and go together.

The pre-fork loop is tested with a tiny server of its own (a process that answers every
connection with its pid), so the claims are about the process model, not about Django;
one test runs the real command.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="pre-fork needs os.fork")

_CHILD_SERVER = """
import os, socket, sys
from recuento.cli.web_processes import listen, serve_processes

def answer(sock):
    while True:
        conn, _ = sock.accept()
        conn.sendall(str(os.getpid()).encode())
        conn.close()

sock = listen("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
serve_processes(answer, sock, int(sys.argv[1]), pause=0.1)
"""


def _start(processes: int) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [sys.executable, "-c", _CHILD_SERVER, str(processes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, int(server.stdout.readline())


def _ask(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        return int(conn.recv(64))


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_connections_are_served_by_every_process_on_one_socket() -> None:
    server, port = _start(2)
    try:
        assert _wait_for(lambda: len(_children(server.pid)) == 2)
        answered = {_ask(port) for _ in range(200)}
        assert answered == set(_children(server.pid))  # both children, never the parent
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_to_the_parent_stops_every_process() -> None:
    server, _port = _start(3)
    assert _wait_for(lambda: len(_children(server.pid)) == 3)
    children = _children(server.pid)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    assert _wait_for(lambda: not any(_alive(c) for c in children))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_parent_takes_its_children_with_it() -> None:
    server, _port = _start(2)
    assert _wait_for(lambda: len(_children(server.pid)) == 2)
    children = _children(server.pid)
    server.kill()  # no chance to clean up: the children must still go (PR_SET_PDEATHSIG)
    server.wait(timeout=10)
    assert _wait_for(lambda: not any(_alive(c) for c in children))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_that_dies_is_replaced() -> None:
    server, port = _start(2)
    try:
        assert _wait_for(lambda: len(_children(server.pid)) == 2)
        first, second = _children(server.pid)
        os.kill(first, signal.SIGKILL)
        assert _wait_for(
            lambda: len(_children(server.pid)) == 2 and first not in _children(server.pid)
        )
        assert second in _children(server.pid)
        assert _ask(port) in _children(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_one_process_serves_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from recuento.cli.web_processes import serve_processes

    seen = []
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for one process"))
    serve_processes(lambda sock: seen.append(os.getpid()), None, 1)  # type: ignore[arg-type]
    assert seen == [os.getpid()]


def test_several_processes_share_the_failed_login_counts_in_the_data_directory(
    tmp_path: Path,
) -> None:
    # The lockout counts failures in the site's cache; one per process would let N
    # processes take N times as many guesses.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECUENTO_", "DJANGO_"))}
    shared = tmp_path / "data" / "cache"
    script = (
        "import django; django.setup(); "
        "from django.core.cache import caches; "
        "print(type(caches['default']).__name__, caches['default']._dir)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "recuento.web.settings",
            "RECUENTO_DATA_DIR": str(tmp_path / "data"),
            "RECUENTO_SHARED_CACHE_DIR": str(shared),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["FileBasedCache", str(shared)]


def test_serve_with_several_processes_points_the_cache_at_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from recuento.cli import serve_cmd

    seen = {}

    def stop(*args: object) -> None:
        seen["cache"] = os.environ.get(serve_cmd.SHARED_CACHE_ENV)
        raise SystemExit(0)

    monkeypatch.delenv(serve_cmd.SHARED_CACHE_ENV, raising=False)
    monkeypatch.setattr(serve_cmd, "_configure", stop)
    data = tmp_path / "data"
    CliRunner().invoke(serve_cmd.serve, ["--data-dir", str(data), "--processes", "2"])
    assert seen["cache"] == str(data.resolve() / "cache")
    monkeypatch.delenv(serve_cmd.SHARED_CACHE_ENV, raising=False)
    CliRunner().invoke(serve_cmd.serve, ["--data-dir", str(data)])
    assert seen["cache"] is None  # one process: the cache stays in its memory
