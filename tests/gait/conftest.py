"""Fixtures for the gait engine tests: pure Python + NumPy, no Home Assistant instance needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Same place the benchmark reads (tools/bench/data.py): ../shared/data or $RETROWALK_DATA.
DATA = Path(
    os.environ.get("RETROWALK_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data")
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: these tests never start Home Assistant."""


@pytest.fixture(scope="session")
def uci_dir() -> Path:
    path = DATA / "uci-foot"
    if not path.is_dir():
        pytest.fail(f"shared recordings missing: {path} not found (see ../shared/data/README.md)")
    return path
