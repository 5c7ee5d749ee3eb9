"""Fixtures for the tools tests: plain NumPy, no Home Assistant instance needed."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from tools.bench import daily, gate_eval

from ..data import shared


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Override the suite-wide fixture: these tests never start Home Assistant."""
    return


@pytest.fixture(scope="session")
def bandai_dir() -> Path:
    return shared("bandai-mocap")


@pytest.fixture(scope="session")
def wrists() -> list[gate_eval.Cached]:
    """Two subjects per wrist data set, with their candidates (the walk-posture and jolt tests)."""
    base = shared("daily-living")
    segments = daily.select(daily.read_labels(base), locations=["wrist"], subjects=2)
    return [(s, daily.engine_batches(s, gated=False)) for s in daily.build_streams(segments, base)]
