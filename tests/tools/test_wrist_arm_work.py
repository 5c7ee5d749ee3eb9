"""The wrist arm-work comparison's features on signals whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tools.bench.wrist_arm_work import FS, Features, run_cvs


def test_run_cvs_finds_regular_runs_of_ten_in_the_gates_interval_range() -> None:
    steady = np.arange(12) * 0.5  # 12 candidates 0.5 s apart: three runs of ten
    assert run_cvs(steady) == pytest.approx([0.0, 0.0, 0.0])
    assert run_cvs(np.arange(12) * 0.2) == []  # faster than any step
    jittered = steady + np.array([0, 0.1, -0.1] * 4)
    assert all(cv > 0.2 for cv in run_cvs(jittered))


def test_features_tell_a_steady_swing_from_noise_and_read_the_forearm_posture() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(int(60 * FS)) / FS
    g = 9.80665
    level = np.stack([np.zeros_like(t), np.zeros_like(t), np.full_like(t, g)], axis=1)
    swing = level.copy()
    swing[:, 2] += 3.0 * np.sin(2 * math.pi * 1.8 * t)  # a walk-like 1.8 Hz bounce
    noisy = level + rng.normal(0.0, 1.5, level.shape)
    steady, rough = Features(), Features()
    steady.add(swing)
    rough.add(noisy)
    assert steady.rates is not None and np.median(steady.rates) == pytest.approx(1.8, abs=0.1)
    assert steady.regularity is not None and rough.regularity is not None
    assert np.median(steady.regularity) > 0.9
    assert np.median(rough.regularity) < 0.3
    assert steady.elevation is not None and max(steady.elevation) < 5.0  # forearm level
    assert steady.hanging_s == 0.0
    hanging = Features()
    hanging.add(np.stack([np.full_like(t, -g), np.zeros_like(t), np.zeros_like(t)], axis=1))
    assert hanging.hanging_s == pytest.approx(60.0)
    assert hanging.elevation is not None and min(hanging.elevation) > 85.0
    row = steady.row("x", "y")
    assert row[0] == "x" and row[4] == "0"  # no time hanging
