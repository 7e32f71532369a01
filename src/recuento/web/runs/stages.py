"""What the engine says it is doing, in the reader's language.

The engine reports its steps in English (``scoring pairs``, ``linkage configuration 2 of
6``); the run stores them as said, and pages show them through this table.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

_FIXED = {
    "reading lists": gettext_noop("reading the lists"),
    "estimating u from random pairs": gettext_noop("training: how often unrelated records agree"),
    "scoring pairs": gettext_noop("scoring pairs of records"),
    "clustering": gettext_noop("grouping records into persons"),
    "estimating": gettext_noop("estimating the number of persons"),
    "linkage configurations: the whole table": gettext_noop(
        "estimating the whole table under each linkage configuration"
    ),
    "storing results": gettext_noop("storing the results"),
    "done": gettext_noop("done"),
}
_NUMBERED = (
    (re.compile(r"^reading list (\d+) of (\d+)$"), gettext_noop("reading list %(k)s of %(n)s")),
    (
        re.compile(r"^linkage configuration (\d+) of (\d+)$"),
        gettext_noop("estimating under linkage configuration %(k)s of %(n)s"),
    ),
)


def stage_text(stage: str) -> str:
    """The stage in the active language (the engine's words when it is not known here)."""
    if stage in _FIXED:
        return _(_FIXED[stage])
    if stage.startswith("estimating m"):
        return _("training: how often records of the same person agree")
    for pattern, text in _NUMBERED:
        m = pattern.match(stage)
        if m:
            return _(text) % {"k": m.group(1), "n": m.group(2)}
    return stage
