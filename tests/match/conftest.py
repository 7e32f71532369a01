"""Shared synthetic matching data for the match tests (built once per session: read-only)."""

from __future__ import annotations

import pytest

from recuento.simulate import SyntheticMatching, synthetic_pairs


@pytest.fixture(scope="session")
def synthetic() -> SyntheticMatching:
    """300 cases with their degraded remains among 900 others and decoys (read-only)."""
    return synthetic_pairs(300, extra_remains=900, seed=5)
