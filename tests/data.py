"""Where the shared recordings live, for the engine and tools tests (no Home Assistant needed)."""

import os
from pathlib import Path

import pytest

# Same place the benchmark reads (tools/bench/data.py): ../shared/data or $RETROWALK_DATA.
DATA = Path(
    os.environ.get("RETROWALK_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)


def shared(*parts: str) -> Path:
    """DATA/<parts>; the test fails, never skips, when the shared recordings are not there."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared recordings missing: {path} not found (see ../shared/data/README.md)")
    return path
