"""Fixtures for the tools tests: plain NumPy, no Home Assistant instance needed."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from ..data import shared


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Override the suite-wide fixture: these tests never start Home Assistant."""
    return


@pytest.fixture(scope="session")
def bandai_dir() -> Path:
    return shared("bandai-mocap")
