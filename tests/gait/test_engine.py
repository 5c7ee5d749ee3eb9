"""Mechanics of the streaming engine on synthetic foot signals."""

from __future__ import annotations

import copy
import itertools
import json
import math

from hypothesis import given, settings, strategies as st
import numpy as np
import pytest

from custom_components.retrowalk.gait import (
    Direction,
    EngineUpdate,
    GaitEngine,
    Placement,
    StepEvent,
)
from custom_components.retrowalk.gait.detector import make_detector
from custom_components.retrowalk.gait.foot import FootDetector
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS

from .synth import Walk, rot, walk

MIXED = ["forward"] * 8 + ["backward"] * 4 + ["left"] * 3 + ["right"] * 3


def run(
    engine: GaitEngine, w: Walk, batch: int = 20, gyro: bool = True
) -> tuple[list[StepEvent], list[EngineUpdate]]:
    steps: list[StepEvent] = []
    updates = []
    for i in range(0, len(w.t), batch):
        g = w.gyro[i : i + batch] if gyro else None
        u = engine.process(w.t[i : i + batch], w.acc[i : i + batch], g)
        steps += u.steps
        updates.append(u)
    return steps, updates


def strides(steps: list[StepEvent]) -> list[str]:
    return [str(s.direction) for s in steps if s.sensor_foot]


def test_directions_learned_from_dominant_walking() -> None:
    w = walk(MIXED)
    steps, _ = run(GaitEngine(Placement.FOOT), w)
    assert len(steps) == 2 * len(MIXED)
    assert strides(steps) == MIXED
    # Two steps per stride: the instrumented foot's lands at the heel strike.
    hs = [s.t for s in steps if s.sensor_foot]
    assert np.allclose(hs, w.heel_strikes, atol=0.05)
    assert all(a.t < b.t for a, b in itertools.pairwise(steps))
    assert all(0.5 <= s.confidence <= 1.0 for s in steps)


@pytest.mark.parametrize("batch", [1, 7, 20, 333, 100000])
def test_same_steps_whatever_the_batch_size(batch: int) -> None:
    w = walk(MIXED, noise=0.05)
    reference, _ = run(GaitEngine(Placement.FOOT), w, batch=20)
    steps, _ = run(GaitEngine(Placement.FOOT), w, batch=batch)
    assert steps == reference


def test_a_late_first_stance_is_judged_alike_whatever_the_batch_size() -> None:
    """A segment moving longer than a stride before its first stance began with no stride.

    feed() decides that at a batch's end; a batch holding the motion and the stance too must
    decide it the same way, at the sample where the stance is confirmed (before, one batch
    counted the landing as the end of the segment's first swing).
    """
    fs = FootDetector.fs
    moving, still = round(3.0 * fs), round(1.0 * fs)
    t = np.arange(moving + still) / fs
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1))
    gyro = np.zeros((len(t), 3))
    gyro[:moving, 1] = 3.0  # well above the stance's rotation bound
    one_by_one, all_at_once = FootDetector(), FootDetector()
    for det in (one_by_one, all_at_once):
        det.load_state({"ref_axis": [1.0, 0.0, 0.0]})  # a frame learned before: a landing counts
    steps = [
        step
        for i in range(len(t))
        for step in one_by_one.feed(t[i : i + 1], acc[i : i + 1], gyro[i : i + 1])
    ]
    assert one_by_one._in_stance and steps == []  # that motion was no stride
    assert all_at_once.feed(t, acc, gyro) == steps


@pytest.mark.parametrize("fs", [52.0, 208.0, 800.0])
def test_other_input_rates(fs: float) -> None:
    w = walk(MIXED, fs=fs)
    steps, _ = run(GaitEngine(Placement.FOOT), w)
    assert strides(steps) == MIXED


def test_irregular_timing_is_resampled() -> None:
    w = walk(MIXED, fs=104.0)
    rng = np.random.default_rng(3)
    jittered = w.t + rng.uniform(-0.3, 0.3, len(w.t)) / 104.0
    order = np.argsort(jittered)
    w2 = Walk(jittered[order], w.acc[order], w.gyro[order], w.heel_strikes, w.directions)
    steps, _ = run(GaitEngine(Placement.FOOT), w2)
    assert strides(steps) == MIXED


def test_gap_is_not_interpolated_and_reported() -> None:
    w = walk(["forward"] * 10)
    # Drop 1.2 s in the middle of stride 6's swing: that stride cannot be measured.
    start = 100.0 + 1.0 + 5 * 1.15 + 0.1
    keep = (w.t < start) | (w.t >= start + 1.2)
    w2 = Walk(w.t[keep], w.acc[keep], w.gyro[keep], w.heel_strikes, w.directions)
    steps, updates = run(GaitEngine(Placement.FOOT), w2)
    gap = sum(u.gap_s for u in updates)
    assert gap == pytest.approx(1.2 + 1 / 104, abs=0.02)
    hs = [s.t for s in steps if s.sensor_foot]
    assert not any(start < t < start + 1.2 for t in hs)
    assert 8 <= len(hs) <= 9
    assert set(strides(steps)) == {"forward"}


def test_short_gaps_are_bridged() -> None:
    w = walk(["forward"] * 6)
    keep = np.ones(len(w.t), dtype=bool)
    keep[200:215] = False  # 0.14 s: a couple of dropped notifications
    w2 = Walk(w.t[keep], w.acc[keep], w.gyro[keep], w.heel_strikes, w.directions)
    steps, updates = run(GaitEngine(Placement.FOOT), w2)
    assert sum(u.gap_s for u in updates) == 0.0
    assert len(steps) == 12


def test_time_going_backwards_is_dropped_and_counted() -> None:
    w = walk(MIXED)
    clean, _ = run(GaitEngine(Placement.FOOT), w)
    engine = GaitEngine(Placement.FOOT)
    steps: list[StepEvent] = []
    for i in range(0, len(w.t), 20):
        steps += engine.process(w.t[i : i + 20], w.acc[i : i + 20], w.gyro[i : i + 20]).steps
        if i == 600:  # a stale batch arrives late
            steps += engine.process(w.t[500:520], w.acc[500:520], w.gyro[500:520]).steps
    assert engine.dropped_backwards == 20
    assert engine.dropped_repeated == 0
    assert steps == clean


def test_a_repeated_time_stamp_is_dropped_and_counted_apart_from_late_samples(
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = walk(MIXED)
    clean, _ = run(GaitEngine(Placement.FOOT), w)
    # Sample 300 sent twice, sample 700 stamped with sample 699's time, and twice a small batch
    # repeating the last sample and then sending a stale one from long before.
    order = np.concatenate((np.arange(301), np.arange(300, len(w.t))))
    t, acc, gyro = w.t[order], w.acc[order], w.gyro[order]
    t[701] = t[700]
    engine = GaitEngine(Placement.FOOT)
    steps: list[StepEvent] = []
    with caplog.at_level("DEBUG", logger="custom_components.retrowalk.gait.engine"):
        for i in range(0, len(t), 20):
            steps += engine.process(t[i : i + 20], acc[i : i + 20], gyro[i : i + 20]).steps
            if i in (900, 1000):
                late = [i + 19, 5]
                steps += engine.process(np.array([t[i + 19], w.t[5]]), acc[late], gyro[late]).steps
    assert engine.dropped == {"nonfinite": 0, "backwards": 2, "repeated": 2 + 2}
    assert len(steps) == len(clean)
    assert [s.direction for s in steps] == [s.direction for s in clean]
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "backwards" in warnings[0].getMessage()  # once, not per batch


def test_non_finite_rows_are_dropped() -> None:
    w = walk(MIXED)
    clean, _ = run(GaitEngine(Placement.FOOT), w)
    acc = w.acc.copy()
    gyro = w.gyro.copy()
    t = w.t.copy()
    acc[[5, 300, 301, 1200]] = np.nan  # stance and swing rows
    gyro[777, 1] = np.inf
    t[50] = np.nan
    engine = GaitEngine(Placement.FOOT)
    steps, _ = run(engine, Walk(t, acc, gyro, w.heel_strikes, w.directions))
    assert engine.dropped_nonfinite == 6
    assert strides(steps) == MIXED
    assert len(steps) == len(clean)


def test_bad_shapes_raise() -> None:
    engine = GaitEngine(Placement.FOOT)
    with pytest.raises(ValueError, match="acc"):
        engine.process(np.zeros(3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="gyro"):
        engine.process(np.zeros(3), np.zeros((3, 3)), np.zeros((2, 3)))
    empty = engine.process(np.zeros(0), np.zeros((0, 3)))
    assert empty.steps == () and not empty.walking


def test_bouts_cadence_and_walking_flag() -> None:
    w = walk(["forward"] * 6 + ["backward"] * 2, tail=4.0)
    steps, updates = run(GaitEngine(Placement.FOOT), w)
    walking = [u.walking for u in updates]
    assert walking[0] is False and any(walking) and walking[-1] is False
    bouts = [b for u in updates for b in u.bouts]
    assert len(bouts) == 1
    bout = bouts[0]
    # Every stride is a whole one, the last too: the other foot then closes up (gait/edges.py).
    assert bout.steps == 16 + 1 and bout.direction == Direction.FORWARD
    assert bout.start == steps[0].t and bout.end == steps[-1].t
    cadences = [u.cadence for u in updates if u.cadence is not None]
    # One stride every 1.15 s is 2 / 1.15 * 60 steps per minute.
    assert cadences[-1] == pytest.approx(120 / 1.15, rel=0.1)
    directions = [u.direction for u in updates if u.direction is not None]
    assert directions[-1] == Direction.FORWARD


def test_flush_ends_the_bout() -> None:
    w = walk(["forward"] * 4, tail=1.0)
    engine = GaitEngine(Placement.FOOT)
    run(engine, w)
    done = engine.flush()
    assert [b.steps for b in done.bouts] == [8]
    assert engine.flush().bouts == ()


def test_short_walk_counted_from_first_step_and_promptly() -> None:
    w = walk(["forward"] * 3, tail=3.0)
    engine = GaitEngine(Placement.FOOT)
    reported: list[tuple[float, StepEvent]] = []
    for i in range(0, len(w.t), 20):
        now = float(w.t[min(i + 19, len(w.t) - 1)])
        new = engine.process(w.t[i : i + 20], w.acc[i : i + 20], w.gyro[i : i + 20]).steps
        reported.extend((now, s) for s in new)
    assert len(reported) == 6 + 1  # three whole strides, and the other foot closing up
    assert reported[0][1].t < w.heel_strikes[0]
    assert not reported[-1][1].sensor_foot and reported[-1][1].t > w.heel_strikes[-1]
    # The walking gate (gait/gate.py) holds a bout's first steps until it is confirmed (two
    # strides of the sensor foot) and then releases them; every later step within 1.5 s.
    need = GATE_PARAMS[Placement.FOOT].confirm_steps
    assert max(at - s.t for at, s in reported[need:]) <= 1.5
    stride = w.heel_strikes[1] - w.heel_strikes[0]
    assert max(at - s.t for at, s in reported[:need]) <= 1.5 + stride


def test_without_gyro_directions_still_come_out() -> None:
    w = walk(MIXED)
    steps, _ = run(GaitEngine(Placement.FOOT), w, gyro=False)
    labels = strides(steps)
    assert labels[:8] == ["forward"] * 8
    assert labels[8:12] == ["backward"] * 4


def test_calibration_pins_forward_for_a_backward_majority() -> None:
    plan = ["forward"] * 5 + ["backward"] * 12
    w = walk(plan)
    # Without calibration the dominant (backward) direction wins eventually where nothing but
    # the majority tells (the shank); at the foot each stride's pitch tells (facing.py).
    steps, _ = run(GaitEngine(Placement.SHANK), w)
    assert strides(steps)[-1] == "forward"
    steps, _ = run(GaitEngine(Placement.FOOT), w)
    assert strides(steps) == plan

    engine = GaitEngine(Placement.SHANK)
    engine.start_calibration(steps=10)
    assert engine.calibration.active and engine.calibration.steps_needed == 10
    calibrated, _ = run(engine, w)
    cal = engine.calibration
    assert cal.done and not cal.active and cal.steps_seen == 10
    assert cal.quality is not None and cal.quality > 0.95
    assert strides(calibrated) == plan


def test_cancelled_calibration_keeps_previous_learning() -> None:
    engine = GaitEngine(Placement.FOOT)
    run(engine, walk(["forward"] * 6))
    before = engine.to_dict()["detector"]
    engine.start_calibration(steps=40)
    run(engine, walk(["backward"] * 4, t0=200.0))
    engine.cancel_calibration()
    assert not engine.calibration.active and not engine.calibration.done
    steps, _ = run(engine, walk(["forward"] * 2 + ["backward"] * 2, t0=300.0))
    assert strides(steps) == ["forward", "forward", "backward", "backward"]
    assert engine.to_dict()["detector"]["axis"]["calibrated"] == before["axis"]["calibrated"]


def test_a_cancelled_recalibration_stays_calibrated() -> None:
    """Giving up a second calibration walk keeps the first one: its axis and its status (the
    entities said "not calibrated" while the detector still used the calibrated axis)."""
    engine = GaitEngine(Placement.FOOT)
    engine.start_calibration(steps=6)
    run(engine, walk(["forward"] * 8))
    first = engine.calibration
    assert first.done and first.quality is not None
    saved = engine.to_dict()
    engine.start_calibration(steps=40)
    run(engine, walk(["backward"] * 4, t0=200.0))
    assert engine.to_dict()["calibration"] == saved["calibration"]  # mid-walk: as before it
    engine.cancel_calibration()
    assert engine.calibration == first
    assert engine.to_dict()["calibration"] == saved["calibration"]
    assert engine.to_dict()["detector"] == saved["detector"]


def test_a_state_saved_mid_calibration_walk_is_the_cancelled_walk() -> None:
    """A restart mid-walk ends it as a cancel does: the state saved mid-walk holds what the
    detector and the gate knew before it, not what the walk has taught them so far."""
    engine = GaitEngine(Placement.FOOT)
    run(engine, walk(["forward"] * 6))
    before = engine.to_dict()
    engine.start_calibration(steps=40)
    run(engine, walk(["backward"] * 4, t0=200.0))
    assert engine.calibration.active
    mid = engine.to_dict()
    taught = copy.deepcopy(engine)
    taught.finish_calibration()
    assert taught.to_dict()["detector"] != before["detector"]  # the walk taught the detector
    cancelled = copy.deepcopy(engine)
    cancelled.cancel_calibration()
    restored = GaitEngine.from_dict(json.loads(json.dumps(mid)))
    assert restored.to_dict() == cancelled.to_dict()
    assert (mid["detector"], mid["gate"]) == (before["detector"], before["gate"])
    assert not restored.calibration.active


def test_state_round_trip_through_json() -> None:
    engine = GaitEngine(Placement.FOOT)
    engine.start_calibration(steps=6)
    run(engine, walk(["forward"] * 4))
    state = json.loads(json.dumps(engine.to_dict()))
    restored = GaitEngine.from_dict(state)
    assert restored.to_dict() == engine.to_dict()
    assert restored.calibration.done and restored.totals[Direction.FORWARD] == 8
    # The learned axis survives: a walk to the left after restart is still to the left. A fresh
    # engine cannot know (it takes its first stride for forward, and a side step's pitch says
    # nothing about which way the toes point: facing.py).
    steps, _ = run(restored, walk(["left"] * 5, t0=500.0))
    assert strides(steps) == ["left"] * 5
    fresh, _ = run(GaitEngine(Placement.FOOT), walk(["left"] * 5, t0=500.0))
    assert "left" not in strides(fresh)


def test_state_of_another_placement_is_not_applied() -> None:
    engine = GaitEngine(Placement.FOOT)
    run(engine, walk(["forward"] * 4))
    state = engine.to_dict()
    shank = GaitEngine(Placement.SHANK, state=state)
    assert shank.to_dict()["detector"]["axis"]["strides"] == 0
    with pytest.raises(ValueError, match="version"):
        GaitEngine(Placement.FOOT, state={**state, "version": 99})


def test_remounted_sensor_relearns() -> None:
    engine = GaitEngine(Placement.FOOT)
    run(engine, walk(["forward"] * 6))
    # Sensor turned over (its yaw axis now vertical): learned angles no longer apply.
    steps, _ = run(engine, walk(["forward"] * 4, t0=300.0, mount=rot("y", math.pi / 2)))
    assert strides(steps) == ["forward"] * 4


def test_buffers_stay_bounded() -> None:
    detector = FootDetector()
    cap = detector._buf.cap
    fs = detector.fs
    still = np.tile([0.0, 0.0, 9.80665], (int(fs * 60), 1))
    moving = still + np.array([3.0, 0.0, 0.0])
    for k in range(30):
        acc = still if k % 2 else moving
        t = k * 60 + np.arange(len(acc)) / fs
        for i in range(0, len(t), 20):
            detector.feed(
                t[i : i + 20], acc[i : i + 20], np.zeros_like(acc[i : i + 20]) + 3.0 * (k % 2 == 0)
            )
    assert detector._buf.cap == cap and detector._buf.n <= cap


def test_factory_maps_placements() -> None:
    assert isinstance(make_detector(Placement.FOOT), FootDetector)
    shank = make_detector(Placement.SHANK)
    assert isinstance(shank, FootDetector) and shank.placement == Placement.SHANK
    for placement in (Placement.WAIST, Placement.CHEST, Placement.WRIST):
        detector = make_detector(placement)
        assert type(detector).__name__ == "TrunkDetector"
        assert detector.fs > 0


def test_restarted_clock_starts_a_new_stream() -> None:
    engine = GaitEngine(Placement.FOOT)
    first, _ = run(engine, walk(["forward"] * 4, t0=1000.0))
    # The wearable rebooted: its clock starts again near zero. Not "late samples" to drop.
    second, updates = run(engine, walk(["forward"] * 4, t0=5.0))
    assert len(first) == len(second) == 8
    assert engine.dropped_backwards == 0
    assert [b.steps for u in updates for b in u.bouts] == [8]  # the first bout was closed


def test_gyro_appearing_and_disappearing() -> None:
    engine = GaitEngine(Placement.FOOT)
    with_gyro, _ = run(engine, walk(["forward"] * 4, t0=100.0))
    without, _ = run(engine, walk(["forward"] * 4, t0=120.0), gyro=False)
    again, _ = run(engine, walk(["forward"] * 4, t0=140.0))
    assert (len(with_gyro), len(without), len(again)) == (8, 8, 8)
    assert strides(again) == ["forward"] * 4


_PROPERTY_WALK = walk(["forward"] * 3 + ["backward"] * 2 + ["left"], noise=0.05, seed=7)
_PROPERTY_REFERENCE = run(GaitEngine(Placement.FOOT), _PROPERTY_WALK, batch=20)[0]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=150), min_size=1, max_size=40))
def test_any_batch_partition_gives_the_same_steps(sizes: list[int]) -> None:
    w = _PROPERTY_WALK
    engine = GaitEngine(Placement.FOOT)
    steps: list[StepEvent] = []
    i = 0
    k = 0
    while i < len(w.t):
        j = i + sizes[k % len(sizes)]
        steps += engine.process(w.t[i:j], w.acc[i:j], w.gyro[i:j]).steps
        i, k = j, k + 1
    assert steps == _PROPERTY_REFERENCE


def test_standing_and_fidgeting_are_not_steps() -> None:
    fs = 104.0
    rng = np.random.default_rng(5)
    n = int(120 * fs)
    t = np.arange(n) / fs
    # Two minutes: standing with sensor noise, then tapping the toes / rocking the foot in place
    # (strong pitch rotations, no travel).
    pitch = np.where(t > 60, 0.5 * np.sin(2 * np.pi * 1.5 * t) ** 2, 0.0)
    rate = np.gradient(pitch, 1 / fs)
    acc = np.empty((n, 3))
    gyro = np.empty((n, 3))
    for i in range(n):
        r = rot("y", pitch[i]) @ rot("x", np.pi - 0.2)
        acc[i] = r.T @ np.array([0.0, 0.0, 9.80665])
        gyro[i] = r.T @ np.array([0.0, rate[i], 0.0])
    acc += rng.normal(0, 0.05, acc.shape)
    gyro += rng.normal(0, 0.01, gyro.shape)
    steps, updates = run(GaitEngine(Placement.FOOT), Walk(t, acc, gyro, [], []))
    assert steps == []
    assert not any(u.walking for u in updates)


def test_a_supplied_detector_is_the_one_fed() -> None:
    """Benchmarks swap in a detector with other parameters; the engine must feed that one."""
    w = walk(MIXED)
    supplied = FootDetector()
    steps, _ = run(GaitEngine(Placement.FOOT, detector=supplied), w)
    assert len(steps) == 2 * len(MIXED)
    assert supplied.state() != FootDetector().state()  # it learned from the walk it was fed
