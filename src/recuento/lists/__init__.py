"""Reading lists of people: formats, column mapping, validation and rejects.

The public entry point is :func:`read_list` (re-exported lazily, so that importing the
mapping alone does not load pyarrow and the standardisers).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ListResult", "read_list"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from recuento.lists import reader

        return getattr(reader, name)
    raise AttributeError(f"module 'recuento.lists' has no attribute {name!r}")
