"""The speed bench's aggregation of interleaved timing passes (tools/bench/speed.py)."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement
from tools.bench.speed import FS, Pass, timing, timing_row


def _pass(cpu_s: float, steps: int = 7, costs: tuple[float, ...] = (1e3, 3e3)) -> Pass:
    return Pass(
        samples=104_000, wall_s=cpu_s * 1.25, cpu_s=cpu_s, costs_ns=np.array(costs), steps=steps
    )


def test_row_reports_the_median_pass_and_the_range() -> None:
    row = timing_row(Placement.WRIST, False, [_pass(1.0), _pass(0.8), _pass(1.3)])
    assert row[:3] == ["wrist", "acc", f"{104_000 / FS / 3600:.2f} h"]
    assert row[3] == f"{104_000 / 1.25:,.0f}"  # the median wall rate (the 1.0 s pass's)
    assert row[4] == "104,000"  # the median CPU rate, not the mean or the fastest
    assert row[5] == f"{104_000 / 1.3:,.0f}-{104_000 / 0.8:,.0f}"
    assert row[7:] == ["2.0", f"{np.percentile([1e3, 3e3] * 3, 99) / 1e3:.1f}", "3", "7"]


def test_passes_that_disagree_on_the_steps_are_an_error() -> None:
    with pytest.raises(RuntimeError, match="different steps"):
        timing_row(Placement.FOOT, True, [_pass(1.0, steps=7), _pass(1.0, steps=8)])


def test_a_pass_times_every_batch_of_a_fresh_engine() -> None:
    t = 1000.0 + np.arange(210) / FS
    acc = np.tile([0.0, 0.0, 9.81], (210, 1))
    first = timing(Placement.WAIST, t, acc, None)
    assert (first.samples, first.steps, len(first.costs_ns)) == (210, 0, 11)  # 10 full, 1 short
    assert (first.costs_ns > 0).all() and first.cpu_s > 0 and first.wall_s > 0
