"""Fixtures for the signal-model tests: pure Python + NumPy, no Home Assistant instance needed."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the suite-wide fixture: these tests never start Home Assistant."""
