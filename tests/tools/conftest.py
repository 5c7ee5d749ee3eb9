"""Fixtures for the tools tests: plain NumPy, no Home Assistant instance needed."""

from __future__ import annotations

from collections.abc import Generator
import os
from pathlib import Path

import pytest

# Same place the benchmark reads (tools/bench/data.py): ../shared/data or $RETROWALK_DATA.
DATA = Path(
    os.environ.get("RETROWALK_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data")
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Override the suite-wide fixture: these tests never start Home Assistant."""
    return


@pytest.fixture(scope="session")
def bandai_dir() -> Path:
    path = DATA / "bandai-mocap"
    if not path.is_dir():
        pytest.fail(f"shared recordings missing: {path} not found (see ../shared/data/README.md)")
    return path
