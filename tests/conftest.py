"""Shared fixtures for Retrowalk's Home Assistant tests."""

from collections.abc import Generator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: Any) -> Generator[None]:
    """Let Home Assistant load custom_components/retrowalk in every test."""
    yield
