"""Shared helpers for the ballots tests: where the real Scottish ward files live."""

from __future__ import annotations

from pathlib import Path

import pytest

STV_REFERENCE = Path("/work/shared/reference/stv/scotland")


@pytest.fixture
def scotland() -> Path:
    """The directory of real Scottish ward BLT files, or skip when it is not on this machine."""
    if not STV_REFERENCE.is_dir():
        pytest.skip(f"Scottish STV reference data not found at {STV_REFERENCE}")
    return STV_REFERENCE
