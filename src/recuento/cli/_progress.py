"""Progress of long commands on stderr: one line per step, with its elapsed time.

At a terminal, the current step shows a spinner and a running clock (rich), and each
finished step stays on screen with the time it took, so a person watching a million-record
linkage knows what it is doing and for how long it has. Elsewhere (a pipe, a log, CI)
nothing is printed: stdout stays clean for ``--json`` and stderr for errors.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any


@contextmanager
def steps(file: IO[str] | None = None, *, force: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield ``say(step)``: each call ends the previous step and starts ``step``.

    Args:
        file: where to write (stderr by default).
        force: show progress even when ``file`` is not a terminal (for tests).
    """
    out = file if file is not None else sys.stderr
    if not (force or out.isatty()):
        yield lambda _step: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=out, force_terminal=force or None, highlight=False)
    progress = Progress(
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    current: list[Any] = []

    def say(step: str) -> None:
        if current:
            progress.update(current[0], completed=1)
        current[:] = [progress.add_task(step, total=1)]

    with progress:
        try:
            yield say
        finally:
            if current:
                progress.update(current[0], completed=1)
