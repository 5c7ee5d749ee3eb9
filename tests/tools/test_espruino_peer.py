"""The re-implemented Espruino/Bangle.js step counter (tools/peers/espruino.py), synthetic signals.

Each test checks one documented behaviour of the firmware: its units, DC removal, band-pass,
activity gate, step-timing window and the run of 6 steps before anything counts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tools.peers import espruino as e

G = e.GRAVITY


def walk(seconds: float, hz: float = 1.8, amp_g: float = 0.3, fs: float = 50.0):
    """A wrist-like magnitude: gravity on z with a vertical bounce at the step frequency."""
    t = np.arange(0.0, seconds, 1.0 / fs)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = G * (1.0 + amp_g * np.sin(2 * np.pi * hz * t))
    return t, acc


def test_int_sqrt_is_the_floor_square_root() -> None:
    for x in (0, 1, 2, 3, 4, 8191, 8192**2, 8192**2 + 1, 3 * 8192**2):
        assert e.int_sqrt(x) == math.isqrt(x)
    assert e.int_sqrt(2**34) == 0xFFFF  # the firmware's routine is 16-bit


def test_to_watch_gives_12_5_hz_counts_of_8192_per_g_clipped_at_4_g() -> None:
    t = np.arange(0.0, 4.0, 0.01)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = G
    acc[:, 0] = 9 * G  # beyond the range
    grid, counts = e.to_watch(t, acc)
    assert np.allclose(np.diff(grid), 0.08)
    assert (counts[:, 2] == 8192).all()
    assert (counts[:, 0] == 4 * 8192 - 1).all()


def test_to_watch_averages_each_poll_period() -> None:
    # A 50 Hz oscillation averages out over an 80 ms poll (4 full cycles).
    t = np.arange(0.0, 2.0, 0.001)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = G * (1 + 0.5 * np.sin(2 * np.pi * 50 * t))
    _, counts = e.to_watch(t, acc)
    assert np.abs(counts[:-1, 2] - 8192).max() < 20


def test_still_watch_counts_nothing_and_keeps_the_gate_closed() -> None:
    sc = e.StepCounter()
    for _ in range(500):
        assert sc.feed(8192**2) == 0
    assert not sc.gate_open
    assert sc.filtered == 0  # DC removal starts at 1 g: nothing left to filter


def test_dc_removal_follows_a_tilted_or_offset_gravity() -> None:
    # A sensor reading 1.1 g at rest (offset) settles to zero after the moving average catches up.
    sc = e.StepCounter()
    raws = []
    for _ in range(200):
        sc.feed(int(1.1 * 8192) ** 2)
        raws.append(sc.history[0])
    assert raws[0] > e.RAW_THRESHOLD  # the step change passes at first...
    assert abs(raws[-1]) <= 1  # ...and is gone once the average has followed it


def _filtered_amplitude(hz: float) -> float:
    sc = e.StepCounter()
    out = []
    for i in range(400):
        mag = 8192 * (1 + 0.3 * math.sin(2 * math.pi * hz * i / e.RATE_HZ))
        sc.feed(int(mag) ** 2)
        out.append(sc.filtered)
    return float(np.ptp(out[100:]))


def test_filters_pass_walking_frequencies_best() -> None:
    walking = _filtered_amplitude(2.0)
    assert walking == max(_filtered_amplitude(hz) for hz in (0.05, 0.3, 1.0, 2.0, 3.0, 4.5, 6.0))
    assert walking > 4 * _filtered_amplitude(0.05)  # posture drift: the DC removal
    assert walking > 4 * _filtered_amplitude(5.0)  # jolts: the FIR's low-pass
    assert walking < 2 * _filtered_amplitude(0.3)  # a wide band: slow swings still pass


def test_a_continuous_walk_is_counted_from_its_first_step() -> None:
    t, acc = walk(60.0)
    steps = e.step_times(t, acc)
    assert abs(len(steps) - 108) <= 2  # 1.8 steps/s
    assert steps[0] < 0.6  # the held first steps are released, with their own times
    assert np.all(np.diff(steps) > 0)


def test_motion_below_the_raw_threshold_is_not_walking() -> None:
    # 0.04 g of bounce is about 10 firmware units after DC removal, under the threshold of 15.
    t, acc = walk(60.0, amp_g=0.04)
    assert len(e.step_times(t, acc)) == 0


def test_short_bursts_never_reach_the_run_of_six() -> None:
    t, acc = walk(60.0)
    moving = (t % 6.0) < 2.2  # about 4 bounces, then 3.8 s still
    acc[:, 2] = np.where(moving, acc[:, 2], G)
    assert len(e.step_times(t, acc)) == 0


def _candidates(sc: e.StepCounter, gaps: list[int]) -> list[int]:
    """Feed the state machine candidates `gaps` samples apart; the steps each one released."""
    out = []
    for gap in gaps:
        sc.since_step = gap
        out.append(sc._candidate())
    return out


def test_six_candidates_in_time_release_six_steps_then_one_each() -> None:
    sc = e.StepCounter()
    assert _candidates(sc, [255, 8, 8, 8, 8, 8, 8, 8]) == [0, 0, 0, 0, 0, 6, 1, 1]


def test_a_candidate_out_of_time_restarts_the_run() -> None:
    sc = e.StepCounter()
    too_fast, too_slow = e.MIN_STEP - 1, e.MAX_STEP + 1
    assert _candidates(sc, [255, 8, 8, 8, 8, too_slow]) == [0] * 6
    assert _candidates(sc, [8, 8, 8, 8, 8]) == [0, 0, 0, 0, 6]  # the late one began a new run
    assert _candidates(sc, [too_fast]) == [0]
    assert sc.state == 1


@pytest.mark.parametrize("gap", [e.MIN_STEP, e.MAX_STEP])
def test_the_timing_window_is_inclusive(gap: int) -> None:
    sc = e.StepCounter()
    assert _candidates(sc, [255, gap, gap, gap, gap, gap, gap]) == [0, 0, 0, 0, 0, 6, 1]


def test_power_saving_pauses_and_a_reset_counter_resumes() -> None:
    still_t = np.arange(0.0, 70.0, 0.02)
    still = np.zeros((len(still_t), 3))
    still[:, 2] = G
    wt, wacc = walk(30.0)
    t = np.concatenate((still_t, 70.0 + wt))
    acc = np.concatenate((still, wacc))
    steps = e.step_times(t, acc)
    assert abs(len(steps) - 54) <= 3
    assert steps[0] >= 70.0
