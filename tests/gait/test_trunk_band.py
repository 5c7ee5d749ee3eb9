"""The thigh's band (TrunkParams.band_hz): the acceleration is low-passed at about 10 Hz before its
magnitude, so a phone rattling in a trouser pocket after its own leg's heel strike does not fill
the valley before the other leg's softer step. Synthetic signals for the mechanics; the real
pocket walks are in docs/walking_gate.md ("The thigh's band")."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray, Placement, trunk
from custom_components.retrowalk.gait.gate_params import REPORT_LAG_S
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import (
    THIGH_BAND_HZ,
    TRUNK_PLACEMENTS,
    shipped_params,
)
from custom_components.retrowalk.gait.trunk_signal import band_limited, lowpass_kernel
from custom_components.retrowalk.gait.types import StepEvent, StepFeatures

from .test_trunk import FS, G, Walk, feed
from .test_trunk_swing import pocket_walk

KERNEL = lowpass_kernel(THIGH_BAND_HZ, FS, round(shipped_params(Placement.THIGH).band_half_s * FS))


def tone(hz: float, seconds: float = 4.0) -> np.ndarray:
    t = np.arange(round(seconds * FS)) / FS
    return np.stack([np.sin(2 * np.pi * hz * t)] * 3, axis=1)


def test_the_band_keeps_walking_and_takes_out_rattle() -> None:
    assert KERNEL.sum() == pytest.approx(1.0)
    assert np.allclose(KERNEL, KERNEL[::-1])  # linear phase: a step keeps its time
    mid = slice(20, -20)
    walking = tone(2.0)  # a brisk step rate
    assert np.std(band_limited(walking, KERNEL)[mid]) / np.std(walking[mid]) > 0.9
    rattle = tone(18.0)
    assert np.std(band_limited(rattle, KERNEL)[mid]) / np.std(rattle[mid]) < 0.15
    still = np.tile([0.0, 0.0, G], (50, 1))
    assert np.allclose(band_limited(still, KERNEL), still)  # the edges repeat, gravity stays


def pocket_rattle_walk(n_steps: int = 40, period: float = 0.55, rattle: float = 14.0) -> Walk:
    """A phone in a trouser pocket: its own leg's steps bounce it fully, the other leg's at 0.3 of
    that, and after each of its own leg's heel strikes it rattles (15 Hz, `rattle` m/s^2,
    decaying over 0.2 s) across the pocket."""
    lead = 2.0
    n = round((lead + n_steps * period + 2.0) * FS)
    t = 100.0 + np.arange(n) / FS
    tau = t - t[0] - lead
    on = (tau > -period / 2) & (tau < (n_steps - 0.5) * period)
    own = np.floor(tau / period + 0.5) % 2 == 0
    vert = np.where(on, np.where(own, 2.5, 0.75) * np.cos(2 * np.pi * tau / period), 0.0)
    across = np.zeros(n)
    for s in np.arange(0, n_steps, 2) * period:
        d = tau - s
        across += np.where(d >= 0, rattle * np.exp(-d / 0.2) * np.sin(2 * np.pi * 15.0 * d), 0.0)
    acc = np.stack([across, np.zeros(n), G + vert], axis=1)
    acc += np.random.default_rng(0).normal(0, 0.05, (n, 3))
    return Walk(t, acc, t[0] + lead + period * np.arange(n_steps))


def test_a_rattling_pocket_keeps_the_other_legs_steps() -> None:
    w = pocket_rattle_walk()
    steps = feed(TrunkDetector(Placement.THIGH), w)
    assert len(steps) == pytest.approx(len(w.steps), abs=1)
    assert all(a.t < b.t for a, b in itertools.pairwise(steps))
    # Without the band the rattle's magnitude fills the valleys: the other leg's steps go.
    off = dataclasses.replace(shipped_params(Placement.THIGH), band_hz=0.0)
    assert len(feed(TrunkDetector(Placement.THIGH, off), w)) < 0.8 * len(w.steps)
    # Without the rattle the same steps are found at the same times.
    calm = pocket_rattle_walk(rattle=0.0)
    banded = [s.t for s in feed(TrunkDetector(Placement.THIGH), calm)]
    assert banded == [s.t for s in feed(TrunkDetector(Placement.THIGH, off), calm)]
    assert len(banded) == pytest.approx(len(calm.steps), abs=1)


def reported(steps: list[StepEvent]) -> list[tuple[StepEvent, StepFeatures | None]]:
    """Everything a step reports: StepEvent's equality leaves its features out."""
    return [(s, s.features) for s in steps]


@pytest.mark.parametrize("batch", [1, 7, 333, 100000])
def test_the_band_does_not_depend_on_the_batch_size(batch: int) -> None:
    w = pocket_rattle_walk()
    assert reported(feed(TrunkDetector(Placement.THIGH), w, batch=batch)) == reported(
        feed(TrunkDetector(Placement.THIGH), w, batch=20)
    )


def test_the_samples_still_to_come_never_reach_a_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # The detector re-cuts any batching into blocks at fixed sample counts, so the batch size
    # cannot show whether its lag is long enough (without the band's half-width every batch size
    # above still agrees); a block's end can. The band completes each block's segment past its
    # newest sample by repeating it: with NaN there instead, the samples still to come, no step
    # and no feature may change. The lag holds the band's half-width because the band reads that
    # many samples after each one (and the smoothing and the extremum window read further).
    w = pocket_rattle_walk()
    shipped = reported(feed(TrunkDetector(Placement.THIGH), w))
    real = trunk.band_limited

    def to_come_unknown(acc: FloatArray, kernel: FloatArray) -> FloatArray:
        unknown = np.full((len(kernel) // 2, 3), np.nan)
        return real(np.concatenate([acc, unknown]), kernel)[: len(acc)]

    monkeypatch.setattr(trunk, "band_limited", to_come_unknown)
    assert reported(feed(TrunkDetector(Placement.THIGH), w)) == shipped


def test_only_the_thigh_is_band_limited() -> None:
    assert {p for p in TRUNK_PLACEMENTS if shipped_params(p).band_hz} == {Placement.THIGH}


def test_the_band_keeps_a_ramps_ends() -> None:
    # The edges repeat the edge samples: the first and last outputs stay near the ends, not
    # pulled towards zero (or towards each other, were the padding swapped).
    ramp = np.stack([np.linspace(0.0, 10.0, 60)] * 3, axis=1)
    out = band_limited(ramp, KERNEL)
    assert out[0] == pytest.approx(ramp[0], abs=0.2)
    assert out[-1] == pytest.approx(ramp[-1], abs=0.2)
    assert np.allclose(out[10:-10], ramp[10:-10])  # a straight line passes a symmetric filter


def test_a_pocket_walks_steps_are_reported_within_one_and_a_half_seconds() -> None:
    # The band adds its half-width to the detector's lag; the thigh still reports every step
    # within the gate's REPORT_LAG_S of it happening.
    w = pocket_walk(16, other_leg=1.0)
    det = TrunkDetector(Placement.THIGH)
    delays: list[float] = []
    for i in range(0, len(w.t), 5):
        now = float(w.t[min(i + 4, len(w.t) - 1)])
        delays += [now - s.t for s in det.feed(w.t[i : i + 5], w.acc[i : i + 5], None)]
    assert len(delays) >= 30
    # The walk's first step waits for the second (a bout starts with two steps close together).
    assert max(delays[1:]) <= REPORT_LAG_S
