"""The signal rules of tools/bench/shank_lift.py, on made-up signals."""

from __future__ import annotations

import numpy as np

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY
from tools.bench.shank_lift import RATE, Source, last_still_speeds, lifts, still_runs


def test_lift_reports_the_rate_at_the_lift_signed_to_the_swing() -> None:
    """A stance, a lift with the shank still rolling the stance way, a swing peaking later."""
    n = int(2.0 * RATE)
    foot = np.zeros(n)
    foot[50:110] = 1.0  # the foot travels from sample 50 to 110, then stands again
    rate = np.zeros(n)
    rate[40:60] = 1.0  # stance way at the lift
    rate[70] = -4.0  # the swing's peak, a third of the way through it
    (found,) = lifts(foot, rate)
    assert found[0] == -1.0  # rolling against the swing's direction
    assert found[1] == (70 - 50) / (110 - 50)
    assert found[2] == 4.0
    assert lifts(np.ones(n), rate) == []  # no stance: no lift


def test_still_runs_bridge_blips_and_keep_only_stance_sized_runs() -> None:
    n = 300
    acc = np.tile([0.0, 0.0, STANDARD_GRAVITY], (n, 1))
    gyro = np.zeros((n, 3))
    gyro[:100, 1] = 3.0  # moving
    gyro[130:132, 1] = 3.0  # a 20 ms blip inside a stance: bridged
    gyro[160:, 1] = 3.0  # moving again
    assert still_runs(acc, gyro) == [(100, 160)]
    strap = np.full(n, 0.5)
    assert last_still_speeds(acc, gyro, strap) == []  # never slower than 0.3 m/s: no stance
    strap[120] = 0.1
    strap[159] = 0.4
    assert last_still_speeds(acc, gyro, strap) == [0.4]


def test_source_scales_each_shank_lift_by_its_walks_pace() -> None:
    """The paced figure is the shank's rate at the lift times shank length over walking speed."""
    source = Source()
    source.add([(-2.0, 0.3, 4.0), (-1.0, 0.4, 3.0)], [(0.1, 0.7, 2.0)], [0.2], 0.5)
    source.add([(-0.5, 0.3, 4.0)], [], [], 1.0)
    assert source.paced == [-1.0, -0.5, -0.5]
    assert len(source.shank) == 3 and len(source.thigh) == 1 and source.speeds == [0.2]
