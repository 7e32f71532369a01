"""Long commands show their steps on a terminal, and print nothing elsewhere."""

from __future__ import annotations

import io

from recuento.cli._progress import steps


def test_each_step_is_shown_with_its_elapsed_time_at_a_terminal() -> None:
    out = io.StringIO()
    with steps(out, force=True) as say:
        say("estimating u from random pairs")
        say("scoring pairs")
    shown = out.getvalue()
    assert "estimating u from random pairs" in shown and "scoring pairs" in shown
    assert "0:00:0" in shown  # the elapsed-time column
    assert "✓" in shown  # finished steps are marked done


def test_nothing_is_printed_when_stderr_is_not_a_terminal() -> None:
    out = io.StringIO()
    with steps(out) as say:
        say("scoring pairs")
    assert out.getvalue() == ""
