"""Mechanics of the trunk (waist/chest/wrist) detector on synthetic signals with known steps."""

from __future__ import annotations

from dataclasses import dataclass
import itertools
import json
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray, GaitEngine, trunk
from custom_components.retrowalk.gait.detector import make_detector
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_axis import ForwardAxis
from custom_components.retrowalk.gait.trunk_params import DESCENT_RATIO, shipped_params
from custom_components.retrowalk.gait.trunk_signal import local_extrema, quadrature
from custom_components.retrowalk.gait.types import Direction, Placement, StepEvent, StepFeatures

from .synth import engine_steps, rot

G = 9.81
FS = 50.0


def rotation(yaw: float, pitch: float, roll: float) -> FloatArray:
    """World-to-sensor rotation of an arbitrarily mounted sensor."""
    return rot("z", yaw) @ rot("y", pitch) @ rot("x", roll)


MOUNT = rotation(0.9, 1.2, -0.4)  # belt clip turned and tilted: no axis is vertical


@dataclass(frozen=True)
class Walk:
    t: FloatArray
    acc: FloatArray
    steps: FloatArray  # true step times


def trunk_walk(
    n_steps: int,
    *,
    backward: bool = False,
    period: float = 0.55,
    lead: float = 2.0,
    tail: float = 2.0,
    t0: float = 50.0,
    mount: FloatArray = MOUNT,
    noise: float = 0.05,
    seed: int = 0,
    drop: int | None = None,
    running: bool = False,
    fs: float = FS,
    ap_gain: float = 1.0,
) -> Walk:
    """Waist-like signal: vertical bounce at the step rate, anterior-posterior acceleration
    leading it by 100 degrees (forward) and medio-lateral sway at the stride rate.

    Backward walking is the same motion with time reversed (the physics the detector relies on),
    along the same body axes. `drop` flattens the bounce of one step (a step the sensor misses);
    `ap_gain` scales the fore-aft (a descent's is small against its bounce).
    `running` adds flight phases (the sensor reads ~0 g) and the spring-mass model's phase: the
    body is lowest at mid-stance, which flips the vertical oscillation against the horizontal one
    (real sensors mostly do not show that flip; the detector reads no direction from a run).
    """
    n = round((lead + (n_steps - 1) * period + tail) * fs)
    t = t0 + np.arange(n) / fs
    tau = t - t0 - lead
    theta = 2 * np.pi * tau / period  # a step (vertical peak) at every multiple of 2 pi
    span = 2 * np.pi * (n_steps - 1)
    # Full amplitude from half a step before the first step to half a step after the last.
    ramp = np.clip((theta + np.pi) / np.pi, 0, 1) * np.clip((span + np.pi - theta) / np.pi, 0, 1)
    env = np.sin(np.pi / 2 * ramp) ** 2
    th = -theta if backward else theta
    vert = 2.5 * np.cos(th) + 0.6 * np.cos(2 * th + 0.5)
    if drop is not None:
        # A whole step period without its bounce, shaped so it leaves no peak of its own.
        near = np.abs(theta - 2 * np.pi * drop) < np.pi
        vert[near] = -2.5 + 0.3 * np.cos(theta[near] - 2 * np.pi * drop)
    if running:
        stance = np.cos(th) > -0.1
        vert = np.where(stance, 14.0 * np.cos(th) - 1.0, -G + 0.5)
    ap = ap_gain * 1.6 * np.cos(th + math.radians(-80 if running else 100))
    ml = 0.8 * np.cos(th / 2)
    world = np.stack([ap * env, ml * env, vert * env + G], axis=1)
    rng = np.random.default_rng(seed)
    acc = world @ mount.T + rng.normal(0, noise, (n, 3))
    steps = t0 + lead + period * np.arange(n_steps)
    return Walk(t, acc, steps)


def concat(*walks: Walk) -> Walk:
    return Walk(
        np.concatenate([w.t for w in walks]),
        np.concatenate([w.acc for w in walks]),
        np.concatenate([w.steps for w in walks]),
    )


def after(w: Walk, seconds: float) -> Walk:
    """The same walk shifted later in time (for streams made of several walks)."""
    return Walk(w.t + seconds, w.acc, w.steps + seconds)


def feed(det: TrunkDetector, w: Walk, batch: int = 20, gyro: bool = False) -> list[StepEvent]:
    out: list[StepEvent] = []
    for i in range(0, len(w.t), batch):
        g = np.zeros((len(w.t[i : i + batch]), 3)) if gyro else None
        out += det.feed(w.t[i : i + batch], w.acc[i : i + batch], g)
    return out


def waist() -> TrunkDetector:
    return TrunkDetector(Placement.WAIST)


def test_counts_every_step_from_the_first() -> None:
    w = trunk_walk(12)
    steps = feed(waist(), w)
    times = np.array([s.t for s in steps])
    assert len(steps) == 12
    assert np.allclose(times, w.steps, atol=0.08)
    assert all(a.t < b.t for a, b in itertools.pairwise(steps))


def test_steps_are_reported_within_one_and_a_half_seconds() -> None:
    w = trunk_walk(20)
    det = waist()
    delays: list[float] = []
    for i in range(0, len(w.t), 5):
        now = float(w.t[min(i + 4, len(w.t) - 1)])
        delays += [now - s.t for s in det.feed(w.t[i : i + 5], w.acc[i : i + 5], None)]
    assert len(delays) == 20
    assert max(delays) <= 1.5


def test_standing_still_and_noise_are_not_steps() -> None:
    rng = np.random.default_rng(1)
    n = int(60 * FS)
    t = np.arange(n) / FS
    acc = np.tile(MOUNT[:, 2] * G, (n, 1)) + rng.normal(0, 0.08, (n, 3))
    assert feed(waist(), Walk(t, acc, np.zeros(0))) == []


@pytest.mark.parametrize("batch", [1, 7, 20, 333, 100000])
def test_same_steps_whatever_the_batch_size(batch: int) -> None:
    w = concat(trunk_walk(15), after(trunk_walk(10, backward=True, seed=2), 15.0))
    reference = feed(waist(), w, batch=20)
    assert feed(waist(), w, batch=batch) == reference


def test_gyro_is_optional_and_ignored() -> None:
    w = trunk_walk(15)
    assert feed(waist(), w, gyro=True) == feed(waist(), w, gyro=False)


def test_empty_batches_are_harmless() -> None:
    det = waist()
    assert det.feed(np.zeros(0), np.zeros((0, 3)), None) == []


def test_learns_forward_from_dominant_walking_then_tells_backward() -> None:
    det = waist()
    fwd = feed(det, trunk_walk(40))
    assert {s.direction for s in fwd} == {Direction.FORWARD}
    back = feed(det, after(trunk_walk(16, backward=True, seed=3), 40.0))
    assert len(back) == 16
    assert {s.direction for s in back} == {Direction.BACKWARD}
    assert all(s.confidence > 0.9 for s in back)
    again = feed(det, after(trunk_walk(12, seed=4), 70.0))
    assert {s.direction for s in again} == {Direction.FORWARD}


@pytest.mark.parametrize(
    ("placement", "chance"), [(Placement.WRIST, True), (Placement.THIGH, False)]
)
def test_no_confidence_where_direction_is_chance(placement: Placement, chance: bool) -> None:
    # The same walks the waist tells apart with confidence > 0.9: at the wrist (chance) every
    # step says 0.5, as a declared session trusts anything higher; the thigh, graded mostly
    # right since real backward walking was measured there (advice.py), says what it measures.
    det = TrunkDetector(placement)
    steps = feed(det, trunk_walk(40)) + feed(
        det, after(trunk_walk(16, backward=True, seed=3), 40.0)
    )
    assert steps
    assert ({s.confidence for s in steps} == {0.5}) is chance


def test_any_mounting_works() -> None:
    for k, mount in enumerate([rotation(0, 0, 0), rotation(2.5, -0.3, 2.9), rotation(-1, 2, 0.5)]):
        det = waist()
        feed(det, trunk_walk(30, mount=mount, seed=k))
        back = feed(det, after(trunk_walk(12, backward=True, mount=mount, seed=k + 9), 30.0))
        assert [s.direction for s in back] == [Direction.BACKWARD] * 12


def test_without_learning_the_first_walk_counts_as_forward() -> None:
    # Nothing tells the axis apart before any walking: the first walk defines forward.
    steps = feed(waist(), trunk_walk(12, backward=True))
    assert {s.direction for s in steps} == {Direction.FORWARD}


def test_calibration_walk_fixes_the_axis_even_against_dominant_backward_walking() -> None:
    det = waist()
    det.calibrate_forward(True)
    feed(det, trunk_walk(20))
    det.calibrate_forward(False)
    state = det.state()
    assert state["calibrated_steps"] >= 15
    assert state["calibration_quality"] > 0.9
    back = feed(det, after(trunk_walk(200, backward=True, seed=5), 20.0))
    assert len(back) == 200
    assert {s.direction for s in back} == {Direction.BACKWARD}
    fwd = feed(det, after(trunk_walk(10, seed=6), 140.0))
    assert {s.direction for s in fwd} == {Direction.FORWARD}


def test_too_short_calibration_is_ignored() -> None:
    det = waist()
    det.calibrate_forward(True)
    det.calibrate_forward(True)  # repeated calls are harmless
    det.calibrate_forward(False)
    det.calibrate_forward(False)
    assert det.state()["calibrated_steps"] == 0
    assert "calibration_quality" not in det.state()


def test_state_round_trip_keeps_the_learned_axis() -> None:
    det = waist()
    feed(det, trunk_walk(30))
    state = json.loads(json.dumps(det.state()))
    fresh = waist()
    fresh.load_state(state)
    assert fresh.state() == det.state()
    back = feed(fresh, trunk_walk(12, backward=True, seed=7))
    assert {s.direction for s in back} == {Direction.BACKWARD}


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"version": 99},
        {"version": 1, "auto": [1, 2], "auto_weight": 1, "calibrated": [0, 0, 0]},
        {
            "version": 1,
            "auto": [0, 0, 0],
            "auto_weight": -1,
            "calibrated": [0, 0, 0],
            "calibrated_steps": 0,
        },
        {
            "version": 1,
            "auto": "x",
            "auto_weight": 1,
            "calibrated": [0, 0, 0],
            "calibrated_steps": 0,
        },
        {
            "version": 1,
            "auto": [0, 0, float("nan")],
            "auto_weight": 1,
            "calibrated": [0, 0, 0],
            "calibrated_steps": 0,
        },
    ],
)
def test_bad_state_is_rejected_and_the_old_one_kept(bad: dict[str, object]) -> None:
    det = waist()
    feed(det, trunk_walk(20))
    before = det.state()
    with pytest.raises(ValueError, match="bad trunk detector state"):
        det.load_state(bad)
    assert det.state() == before


def test_reset_drops_the_signal_but_keeps_the_axis() -> None:
    det = waist()
    feed(det, trunk_walk(30))
    w = after(trunk_walk(10, backward=True, seed=8, tail=0.0), 25.0)
    half = len(w.t) // 2
    first = det.feed(w.t[:half], w.acc[:half], None)
    learned = det.state()
    det.reset()
    assert det.state() == learned
    # Only what follows the reset is used: no step is reported from before it, none twice.
    later = after(trunk_walk(10, backward=True, seed=9), 50.0)
    second = feed(det, later)
    assert all(s.t < w.t[half] for s in first)
    assert len(second) == 10
    assert {s.direction for s in second} == {Direction.BACKWARD}


def test_a_step_lost_in_steady_walking_is_restored() -> None:
    w = trunk_walk(20, drop=10)
    det = waist()
    steps = feed(det, w)
    assert len(steps) == 20
    assert abs(steps[10].t - w.steps[10]) < 0.1


def test_isolated_jolts_are_not_walking() -> None:
    # Bumps 2 s apart (someone sitting down, a door): never two within a walking interval.
    walks = [after(trunk_walk(1, lead=1.0, tail=1.0, seed=k), 2.0 * k) for k in range(10)]
    assert feed(waist(), concat(*walks)) == []


def test_forward_running_stays_forward() -> None:
    det = waist()
    feed(det, trunk_walk(40))
    run = feed(det, after(trunk_walk(20, running=True, period=0.36, seed=11), 40.0))
    assert len(run) == 20
    assert [s.direction for s in run].count(Direction.FORWARD) >= 18


def test_signal_helpers_on_degenerate_input() -> None:
    maxima, minima = local_extrema(np.zeros(5), 3)
    assert len(maxima) == len(minima) == 0
    still = np.tile([0.0, 0.0, G], (100, 1))
    q, re, mag = quadrature(still, np.array([0.0, 0.0, 1.0]), 25.0)
    assert mag == 0.0
    assert not q.any()
    assert not re.any()


def test_through_the_engine_calibration_walk_and_restart() -> None:
    engine = GaitEngine(Placement.WAIST)
    engine.start_calibration(16)
    w = trunk_walk(20, fs=104.0)
    steps = [
        s
        for i in range(0, len(w.t), 20)
        for s in engine.process(w.t[i : i + 20], w.acc[i : i + 20]).steps
    ]
    assert len(steps) == 20
    assert engine.calibration.done
    assert engine.calibration.quality is not None
    assert engine.calibration.quality > 0.9
    restored = GaitEngine.from_dict(json.loads(json.dumps(engine.to_dict())))
    back = after(trunk_walk(12, backward=True, fs=104.0, seed=12), 30.0)
    steps = [
        s
        for i in range(0, len(back.t), 20)
        for s in restored.process(back.t[i : i + 20], back.acc[i : i + 20]).steps
    ]
    assert [s.direction for s in steps] == [Direction.BACKWARD] * 12


def test_cadence_range() -> None:
    for period in (0.35, 0.45, 0.75, 0.95, 1.2):
        w = trunk_walk(16, period=period, seed=int(period * 100))
        assert len(feed(waist(), w)) == 16, period


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.CHEST, Placement.WRIST])
def test_factory_builds_trunk_detectors(placement: Placement) -> None:
    det = make_detector(placement)
    assert isinstance(det, TrunkDetector)
    assert det.fs == FS


def test_rejects_foot_placement() -> None:
    with pytest.raises(ValueError, match="does not handle"):
        TrunkDetector(Placement.FOOT)


def test_forward_axis_prefers_a_running_calibration() -> None:
    axis = ForwardAxis()
    assert axis.forward() is None
    axis.add(np.array([1.0, 0.0, 0.0]))
    axis.start_calibration()
    for _ in range(4):
        axis.add(np.array([0.0, 1.0, 0.0]))
    fwd = axis.forward()
    assert fwd is not None
    assert fwd[1] > 0
    assert fwd[0] == 0


def test_slow_step_is_timed_at_the_heel_strike_not_the_higher_hump_before_it() -> None:
    # Slow walking (0.75 s per step): 0.33 s before each heel strike a higher hump (late single
    # support), joined to it by a shallow dip, not a valley; the deep valley follows the heel
    # strike. Each step is counted once and, once the bout has a rhythm, timed at the heel
    # strike (before that the time may move at most 0.3 s from the peak: the first two stay).
    period, n_steps, lead = 0.75, 16, 2.0
    t = 50.0 + np.arange(round((lead + n_steps * period + 2.0) * FS)) / FS
    steps = 50.0 + lead + period * np.arange(n_steps)
    vert = np.zeros(len(t))
    for s in steps:
        for dt, amp, width in ((-0.33, 3.0, 0.07), (0.0, 2.2, 0.06), (0.22, -3.6, 0.08)):
            vert += amp * np.exp(-0.5 * ((t - s - dt) / width) ** 2)
    world = np.stack([np.zeros(len(t)), np.zeros(len(t)), vert - vert.mean() + G], axis=1)
    acc = world @ MOUNT.T + np.random.default_rng(3).normal(0, 0.05, (len(t), 3))
    found = np.array([e.t for e in feed(waist(), Walk(t, acc, steps))])
    assert len(found) == n_steps
    assert np.allclose(found[2:], steps[2:], atol=0.08)


def test_a_gap_mid_walk_loses_only_the_steps_inside_it() -> None:
    w = trunk_walk(24)
    cut_from = int(np.searchsorted(w.t, w.steps[10] + 0.15))
    cut_to = int(np.searchsorted(w.t, w.steps[12] + 0.15))  # steps 11 and 12 are never seen
    engine = GaitEngine(Placement.WAIST)
    steps: list[StepEvent] = []
    for lo, hi in ((0, cut_from), (cut_to, len(w.t))):
        for i in range(lo, hi, 20):
            j = min(i + 20, hi)
            steps += engine.process(w.t[i:j], w.acc[i:j]).steps
    steps += engine.flush().steps
    times = np.array([s.t for s in steps])
    kept = np.concatenate([w.steps[:11], w.steps[13:]])
    assert len(steps) == 22
    assert np.allclose(times, kept, atol=0.08)


def test_a_stream_ending_mid_walk_reports_its_last_steps_at_flush() -> None:
    w = trunk_walk(12)
    end = int(np.searchsorted(w.t, w.steps[-1] + 0.15))  # the data stops just after a step
    det = waist()
    steps = feed(det, Walk(w.t[:end], w.acc[:end], w.steps))
    steps += det.end_segment()
    assert len(steps) == 12


def test_a_new_clock_after_the_stream_ended_starts_a_new_walk() -> None:
    det = waist()
    first = trunk_walk(12, t0=50.0, tail=0.3)
    feed(det, first)
    det.end_segment()
    again = trunk_walk(12, t0=10.0)  # earlier times: a new stream, not a continuation
    steps = feed(det, again)
    assert len(steps) == 12
    assert all(b.t > a.t for a, b in itertools.pairwise(steps))


def test_one_window_against_the_walk_does_not_flip_it_two_do() -> None:
    # Starting, stopping and turning can make one 4-step window look backward in a forward walk
    # (Oxford: most false "backward" steps came in runs of one or two): a bout keeps its
    # direction until two windows in a row disagree, so a real switch costs one step.
    det = waist()
    feed(det, trunk_walk(30))  # learns which way is forward
    # Twelve steps: the windows lie inside the walks, not on their last steps fading out.
    fwd_walk, back_walk = trunk_walk(12, seed=5), trunk_walk(12, backward=True, seed=6)
    fwd = (fwd_walk.acc[150:400], fwd_walk.t[150:400])
    back = (back_walk.acc[150:400], back_walk.t[150:400])
    up = np.array([0.0, 0.0, 1.0]) @ MOUNT.T
    labels = []
    for win, t in (fwd, back, fwd, back, back, back, fwd, back):
        (step,) = det._label([(0.0, 1.0)], win, up, t)
        labels.append((step.direction, step.confidence))
    d = Direction
    assert [x for x, _ in labels] == [d.FORWARD] * 4 + [d.BACKWARD] * 4
    assert labels[1][1] == labels[3][1] == labels[6][1] == 0.5  # held against the window
    assert labels[4][1] > 0.9 and labels[5][1] > 0.9


@pytest.mark.parametrize("mean", [0.0, math.nan])
def test_a_degenerate_gravity_mean_is_no_posture_not_nan(
    monkeypatch: pytest.MonkeyPatch, mean: float
) -> None:
    """The stream ends in free fall (or on bad samples): the last steps get no posture (all
    zero, out of walking posture) rather than NaN, which would poison the run's mean posture
    and switch the gate's posture rules off for the whole bout."""
    w = trunk_walk(12)
    # The data stops while the last step's peak only waits for its valley: end_segment confirms
    # it with the gravity mean at the end of the data.
    end = int(np.searchsorted(w.t, w.steps[-1] + 0.4))
    det = waist()
    feed(det, Walk(w.t[:end], w.acc[:end], w.steps))
    # Stand-in for the gravity mean of a stream that ended in free fall or on bad samples.
    real = trunk.causal_mean
    monkeypatch.setattr(
        trunk, "causal_mean", lambda x, n: np.full_like(x, mean) if x is det._a else real(x, n)
    )
    (step,) = det.end_segment()
    assert step.features is not None and step.features.up == (0.0, 0.0, 0.0)
    walking = StepEvent(
        t=0.0,
        direction=Direction.FORWARD,
        confidence=1.0,
        features=StepFeatures(amplitude=2.0, up=(0.0, 1.0, 0.0)),
    )
    # The run's mean posture (the bout's walking posture) is still the walking step's.
    mean_up = WalkingGate._mean_up([walking, step])
    assert mean_up is not None and np.allclose(mean_up, (0.0, 1.0, 0.0))


def _calibrated_waist() -> GaitEngine:
    """An engine whose forward axis a calibration walk taught."""
    engine = GaitEngine(Placement.WAIST)
    engine.start_calibration(16)
    w = trunk_walk(20)
    engine_steps(engine, w.t, w.acc, None, flush=False)
    assert engine.calibration.done
    return engine


def _engine_steps(engine: GaitEngine, w: Walk) -> list[StepEvent]:
    return engine_steps(engine, w.t, w.acc, None, flush=False)


@pytest.mark.parametrize("backward", [False, True])
def test_a_run_starting_a_walk_is_forward_at_unknown_confidence(backward: bool) -> None:
    # Real hip, waist, chest and pocket sensors do not give running's quadrature the sign the
    # spring-mass model (this synthetic run) does (docs/trunk_direction.md, "Running"): a run
    # tells no direction, whichever way its quadrature points, and teaches the axis nothing.
    engine = _calibrated_waist()
    run = after(trunk_walk(20, running=True, backward=backward, period=0.36, seed=5), 40.0)
    steps = _engine_steps(engine, run)
    assert len(steps) >= 18
    assert {s.direction for s in steps} == {Direction.FORWARD}
    assert {s.confidence for s in steps} == {0.5}
    assert all(s.features is None or s.features.quadrature is None for s in steps)


def test_a_walk_that_breaks_into_a_run_keeps_its_direction() -> None:
    engine = _calibrated_waist()
    walk = after(trunk_walk(16, backward=True, tail=0.0, seed=6), 40.0)
    run = after(
        trunk_walk(16, running=True, period=0.36, lead=0.2, seed=7),
        40.0 + walk.t[-1] - walk.t[0] + 1 / FS,
    )
    steps = _engine_steps(engine, concat(walk, run))
    walked = [s for s in steps if s.t < run.steps[0] - 0.2]
    ran = [s for s in steps if s.t > run.steps[2]]
    assert [s.direction for s in walked].count(Direction.BACKWARD) >= len(walked) - 1 >= 13
    assert len(ran) >= 10
    assert {s.direction for s in ran} == {Direction.BACKWARD}


@pytest.mark.parametrize("ap_gain", [1.0, 0.3])
def test_a_descent_reads_no_direction_at_the_waist(ap_gain: float) -> None:
    # The same backward-phased walk: with a walk's fore-aft it is backward; with a bounce over
    # twice its fore-aft (a descent: the body drops a stair each step) it reads no direction.
    engine = _calibrated_waist()
    walk = after(trunk_walk(20, backward=True, seed=9, ap_gain=ap_gain), 40.0)
    steps = _engine_steps(engine, walk)
    assert len(steps) >= 18
    if ap_gain == 1.0:
        assert [s.direction for s in steps].count(Direction.BACKWARD) >= len(steps) - 2
    else:
        assert {s.direction for s in steps} == {Direction.FORWARD}
        assert {s.confidence for s in steps} == {0.5}


def test_the_chest_reads_a_descent_as_it_reads_a_walk() -> None:
    assert shipped_params(Placement.CHEST).descent_ratio is None
    assert shipped_params(Placement.WAIST).descent_ratio == DESCENT_RATIO
