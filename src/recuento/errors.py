"""The exceptions recuento raises.

Every error the library raises on purpose is a :class:`RecuentoError`. The CLI (and
later the web site) translate them once, at a single boundary, into a one-paragraph
message. Messages say what failed, where (file, line, column) and how to fix it, and
never contain a value from a record: a name or a date of birth in an error message
ends up in terminals, logs and bug reports.
"""

from __future__ import annotations

from collections.abc import Iterable


class RecuentoError(Exception):
    """Base class of every error recuento raises on purpose."""


class InputError(RecuentoError):
    """A file given to recuento cannot be read as what it should be."""


class MappingError(RecuentoError):
    """A column mapping (built-in or from a mapping file) is not usable."""


class EstimationError(RecuentoError):
    """The data cannot support the estimate that was asked for."""


class BallotError(RecuentoError):
    """A ballot file or a counting request is not valid."""


class ProblemsError(RecuentoError):
    """Several problems found at once, reported together.

    Validation collects every problem before raising, so that a user fixes them all in one
    round instead of one per run.
    """

    def __init__(self, summary: str, problems: Iterable[str]) -> None:
        self.summary = summary
        self.problems = list(problems)
        lines = [summary, *(f"  - {p}" for p in self.problems)]
        super().__init__("\n".join(lines))
