"""Fixtures for the gait engine tests: pure Python + NumPy, no Home Assistant instance needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..data import DATA


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: these tests never start Home Assistant."""


@pytest.fixture(scope="session")
def uci_dir() -> Path:
    path = DATA / "uci-foot"
    if not path.is_dir():
        pytest.fail(f"shared recordings missing: {path} not found (see ../shared/data/README.md)")
    return path
