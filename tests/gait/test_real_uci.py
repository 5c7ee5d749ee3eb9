"""The issue's direction and stride-count goals on the real UCI foot recordings.

All 18 runs of both sessions, resampled to 104 and 52 Hz as the benchmark does (a few seconds in
total). These fail, not skip, when ../shared/data is missing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement
from tools.bench import uci

SESSIONS = (uci.TUNE_SESSION, uci.CHECK_SESSION)


def _scores(uci_dir: Path, fs: float, placement: Placement = Placement.FOOT) -> list[uci.RunScore]:
    assert uci_dir.is_dir()
    out = []
    for session in SESSIONS:
        out += uci.evaluate(uci.runs(session), fs, placement=placement)
    return out


@pytest.fixture(scope="module", params=[104.0, 52.0], ids=["104Hz", "52Hz"])
def scores(request: pytest.FixtureRequest, uci_dir: Path) -> list[uci.RunScore]:
    return _scores(uci_dir, float(request.param))


def test_all_runs_present(scores: list[uci.RunScore]) -> None:
    assert len(scores) == 18


@pytest.mark.parametrize("session", SESSIONS)
def test_direction_goals_per_session(scores: list[uci.RunScore], session: str) -> None:
    rates = uci.rates([s for s in scores if s.run.startswith(session)])
    assert rates["back_ok"] >= 97.0
    assert rates["fwd_as_back"] <= 1.0
    assert rates["side_as_back"] <= 2.0
    assert rates["fwd_ok"] >= 95.0
    assert rates["side_ok"] >= 90.0


def test_stride_count_within_3_percent_per_run(scores: list[uci.RunScore]) -> None:
    bad = {s.run: round(100 * s.count_error, 1) for s in scores if abs(s.count_error) > 0.03}
    assert not bad
    # The merged reference rows set aside must stay a small minority.
    assert sum(s.skipped_ref for s in scores) <= 0.05 * sum(s.n_ref for s in scores)


def test_shank_thresholds_loosely(uci_dir: Path) -> None:
    """Shank settings on foot data: no shank recordings exist here, so this only guards against
    the looser stance thresholds breaking direction or counting outright."""
    scores = _scores(uci_dir, 104.0, Placement.SHANK)
    rates = uci.rates(scores)
    assert rates["fwd_as_back"] <= 1.0 and rates["back_ok"] >= 95.0
    assert max(abs(s.count_error) for s in scores) <= 0.05


def test_steps_reported_within_1_5_s(scores: list[uci.RunScore]) -> None:
    delays = [d for s in scores for d in s.latency]
    assert len(delays) > 1000
    assert min(delays) >= 0.0
    # The walking gate (gait/gate.py) holds the first steps of each walk until two strides
    # confirm it and then releases them (measured: 1.6 % of steps at 104 Hz, 1.9 % at 52 Hz,
    # the latest 3.1 s after it happened); all other steps are reported within 1.5 s.
    assert float(np.percentile(delays, 95)) <= 1.5
    assert sum(d > 1.5 for d in delays) <= 0.03 * len(delays)
    assert max(delays) <= 4.0
