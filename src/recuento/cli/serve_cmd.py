"""``recuento serve``: run the web site (migrations, first administrator, WSGI server).

Long work (linkage runs) is queued as tasks in the site's own database; ``serve`` starts
one worker process beside the web server to carry them out (``python -m recuento.web
runs_worker``), so no other server is needed. The worker stops with the site, and stops by
itself if the site's process dies.

Django and waitress are imported only when the command runs, so ``recuento --help`` and
every other command work without the ``web`` extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from recuento.errors import RecuentoError

ADMIN_USERNAME_ENV = "RECUENTO_ADMIN_USERNAME"
ADMIN_PASSWORD_ENV = "RECUENTO_ADMIN_PASSWORD"
SHARED_CACHE_ENV = "RECUENTO_SHARED_CACHE_DIR"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_ANY = {"0.0.0.0", "::"}


class ServeError(RecuentoError):
    """The site cannot start; the message says which step failed and how to fix it."""


@click.command("serve")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RECUENTO_DATA_DIR",
    default="recuento-data",
    show_default=True,
    help="Directory for the SQLite database, the secret key and uploaded lists "
    "(env RECUENTO_DATA_DIR). Keep it private: it holds personal records.",
)
@click.option(
    "--database-url",
    envvar="RECUENTO_DATABASE_URL",
    default=None,
    metavar="URL",
    help="postgresql://user:password@host:5432/name to use PostgreSQL instead of SQLite in "
    "the data directory. Prefer the environment variable RECUENTO_DATABASE_URL: a password "
    "on the command line is visible to other users of the machine.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default, 127.0.0.1, accepts connections from this "
    "machine only: the site holds sensitive records, so it is never exposed to the network "
    "by accident. To serve a team, put it behind a TLS reverse proxy, or give 0.0.0.0 and "
    "list the site's host names in RECUENTO_ALLOWED_HOSTS.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests served at once.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Web server processes, each serving --threads requests at once (Unix only). "
    "Python runs one thread at a time in a process, so a busy site serves more pages per "
    "second with one process per core. With several, failed logins are counted in a "
    "directory of the data directory, and the limit on anonymous tips counts per process.",
)
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Carry out background tasks (linkage runs) in a worker process started beside the "
    "web server. --no-worker when another machine or service runs `python -m recuento.web "
    "runs_worker` against the same database.",
)
@click.option(
    "--setup-only",
    is_flag=True,
    help="Run the migrations and create the first administrator, then exit (for "
    "deployment scripts).",
)
def serve(
    data_dir: Path,
    database_url: str | None,
    host: str,
    port: int,
    threads: int,
    processes: int,
    worker: bool,
    setup_only: bool,
) -> None:
    """Run the recuento web site for a team.

    Runs the database migrations, creates the first administrator if there is no user
    yet (from RECUENTO_ADMIN_USERNAME and RECUENTO_ADMIN_PASSWORD, or by asking), starts
    the worker process that carries out linkage runs, then serves the site with waitress.
    The secret key comes from RECUENTO_SECRET_KEY, or is generated once and kept in the
    data directory.

    \b
    Example:
        recuento serve --data-dir ./observatorio
        RECUENTO_DATABASE_URL=postgresql://recuento@db/recuento recuento serve
    """
    if processes > 1:
        # Every process must count the same failed logins (see recuento.web.settings).
        os.environ[SHARED_CACHE_ENV] = str(data_dir.resolve() / "cache")
    _configure(data_dir, database_url, host)
    _migrate()
    _first_administrator()
    if setup_only:
        click.echo("Database ready.", err=True)
        return
    from django.db import connections
    from waitress import serve as waitress_serve

    from recuento.cli.web_processes import listen, serve_processes
    from recuento.web.wsgi import application

    try:
        sock = listen(host, port)
    except OSError as e:
        raise ServeError(
            f"cannot listen on {host} port {port} ({e.strerror or e}). Is another server "
            "using it? Choose another with --port."
        ) from e

    def serve_one(sock: Any) -> None:
        waitress_serve(
            application,
            sockets=[sock],
            threads=threads,
            ident="recuento",
            **waitress_proxy_options(os.environ),
        )

    shown = f"[{host}]" if ":" in host else host
    tasks = WorkerSupervisor() if worker else None
    if tasks is not None:
        tasks.start()
    click.echo(f"recuento: http://{shown}:{port}/  (data: {data_dir}; Ctrl-C stops)", err=True)
    try:
        serve_processes(
            serve_one,
            sock,
            processes,
            before_fork=connections.close_all,
        )
    finally:
        sock.close()
        if tasks is not None:
            tasks.stop()


class WorkerSupervisor:
    """Keeps one task worker running beside the web server, and stops it with the site.

    A worker that ends by itself (killed for lack of memory by a very large run, say) is
    started again after a pause; the new one marks the run it left as failed.
    """

    def __init__(self, pause: float = 2.0) -> None:
        import threading

        self.pause = pause
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="recuento-worker", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self.process = start_worker()
            click.echo(
                f"Linkage runs are carried out by a worker process (pid {self.process.pid}).",
                err=True,
            )

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()
            if self._stopping.wait(self.pause):
                return
            click.echo(
                f"The worker process ended (exit status {code}); starting it again.", err=True
            )
            self._spawn()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None:
            stop_worker(process)


def start_worker() -> subprocess.Popen[bytes]:
    """Start the task worker beside the web server, with the same settings.

    It marks as failed what a killed worker left running (task rows, runs, lists being
    stored), then carries out queued tasks until it is stopped or this process goes away.
    """
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "recuento.web",
            "runs_worker",
            "--recover",
            "--parent",
            str(os.getpid()),
        ],
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask the worker to stop (a run in progress is abandoned and marked failed at the
    next start), and kill it if it does not within ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def waitress_proxy_options(environ: Mapping[str, str]) -> dict[str, Any]:
    """Which proxy waitress trusts for the client's address and scheme.

    By default none: waitress then drops ``X-Forwarded-*`` headers, so nobody can pretend
    to be on HTTPS or come from another address. Behind a TLS proxy (``RECUENTO_HTTPS=1``)
    the proxy at ``RECUENTO_TRUSTED_PROXY`` (default 127.0.0.1, ``*`` for any) is trusted
    for ``X-Forwarded-Proto`` and ``X-Forwarded-For``; without that the site would never
    see HTTPS and would redirect forever.
    """
    if environ.get("RECUENTO_HTTPS") != "1":
        return {}
    return {
        "trusted_proxy": environ.get("RECUENTO_TRUSTED_PROXY", "127.0.0.1"),
        "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
    }


def _configure(data_dir: Path, database_url: str | None, host: str) -> None:
    from recuento.web import SETTINGS_MODULE, require_django

    try:
        require_django()
        import waitress  # noqa: F401
    except ImportError as e:
        if "recuento[web]" in str(e):
            raise ServeError(str(e)) from e
        raise ServeError(
            "the recuento web site needs waitress; install it with: pip install 'recuento[web]'"
        ) from e
    os.environ["RECUENTO_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["RECUENTO_DATABASE_URL"] = database_url
    if host not in _LOOPBACK | _ANY:
        hosts = [h for h in os.environ.get("RECUENTO_ALLOWED_HOSTS", "").split(",") if h]
        os.environ["RECUENTO_ALLOWED_HOSTS"] = ",".join([*hosts, host])
    elif host in _ANY and not os.environ.get("RECUENTO_ALLOWED_HOSTS"):
        click.echo(
            "Listening on every address: set RECUENTO_ALLOWED_HOSTS to the names the site is "
            "reached by, or only localhost will be answered.",
            err=True,
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as e:
        # The driver's message names host and database, never the password.
        raise ServeError(
            f"migrating the database failed: {e}. Check --database-url (or "
            "RECUENTO_DATABASE_URL): the server must be running and the database must exist."
        ) from e


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _first_administrator() -> None:
    from recuento.web.accounts.bootstrap import create_administrator, needs_administrator

    if not needs_administrator():
        return
    username = os.environ.get(ADMIN_USERNAME_ENV, "")
    password = os.environ.get(ADMIN_PASSWORD_ENV, "")
    if not (username and password):
        if not _stdin_is_terminal():
            raise ServeError(
                "the site has no user yet and cannot ask for one (no terminal); set "
                f"{ADMIN_USERNAME_ENV} and {ADMIN_PASSWORD_ENV} and start again"
            )
        click.echo("First start: create the administrator.", err=True)
        username = click.prompt("Username", err=True)
        password = click.prompt(
            "Password (12 characters at least)",
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
    user = create_administrator(username, password)
    click.echo(f"Administrator {user.get_username()} created.", err=True)


COMMANDS = [serve]
