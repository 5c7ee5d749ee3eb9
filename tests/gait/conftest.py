"""Fixtures for the gait engine tests: pure Python + NumPy, no Home Assistant instance needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..data import shared


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: these tests never start Home Assistant."""


@pytest.fixture(scope="session")
def uci_dir() -> Path:
    return shared("uci-foot")
