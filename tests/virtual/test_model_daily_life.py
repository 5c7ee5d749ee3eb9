"""Everyday life in the virtual wearer: arm work, lying in bed, short walks, and the day preset."""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine
from custom_components.retrowalk.gait.types import Placement
from custom_components.retrowalk_virtual import arms
from custom_components.retrowalk_virtual.arms import CYCLE_SPREAD, Rhythm
from custom_components.retrowalk_virtual.imu import GRAVITY, render
from custom_components.retrowalk_virtual.lying import LyingSpan, draw_rolls
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario
from custom_components.retrowalk_virtual.plan import plan
from custom_components.retrowalk_virtual.presets import chores
from custom_components.retrowalk_virtual.reference import (
    WALK_EDGE_S,
    ActivityTimeline,
    ReferenceRun,
)
from custom_components.retrowalk_virtual.rest import RestSpan
from custom_components.retrowalk_virtual.segments import Activity
from custom_components.retrowalk_virtual.span import Span
from custom_components.retrowalk_virtual.walk import WalkSpan

from .sampled import DT, RATE, Array, assert_no_jumps, noise_free


def _span(spec: str, index: int, seed: int = 0) -> Span:
    return list(plan(parse_scenario(spec), seed, False))[index]


def _dynamic_rms(force: Array) -> float:
    """RMS of the acceleration magnitude's departure from 1 g (what a step detector sees)."""
    return float(np.sqrt(np.mean((np.linalg.norm(force, axis=1) - GRAVITY) ** 2)))


def _dominant_hz(x: Array) -> float:
    """The strongest frequency above 0.5 Hz, over all axes of x (n, 3)."""
    power = (np.abs(np.fft.rfft(x - x.mean(axis=0), axis=0)) ** 2).sum(axis=1)
    freqs = np.fft.rfftfreq(len(x), DT)
    power[freqs < 0.5] = 0.0
    return float(freqs[int(np.argmax(power))])


@pytest.mark.parametrize(
    ("activity", "wrist_rms", "rhythm_hz"),
    [
        # Typing is the gentlest, brushing the most vigorous (about 1 g at its peaks). Brushing
        # strokes at real toothbrushing's 4.0-6.25 Hz (HMP, arms.BRUSH_STROKES).
        ("type", (0.05, 1.5), (4.0, 7.0)),
        ("eat", (0.3, 4.0), (0.5, 3.0)),
        ("brush", (2.0, 10.0), (4.0, 6.25)),
    ],
)
def test_arm_work_moves_the_wrist_and_leaves_the_body_still(
    activity: str, wrist_rms: tuple[float, float], rhythm_hz: tuple[float, float]
) -> None:
    posture = "sit" if activity != "brush" else "stand"
    span = _span(f"{posture}:5s,{activity}:300s", 1, seed=4)
    assert isinstance(span, RestSpan) and span.work is not None
    t0, t1 = span.start + 5.0, span.end - 5.0
    _, wrist, wrist_gyro, _ = noise_free(span, Placement.WRIST, t0, t1)
    assert wrist_rms[0] < _dynamic_rms(wrist) < wrist_rms[1]
    assert rhythm_hz[0] <= _dominant_hz(wrist_gyro) <= rhythm_hz[1]
    for placement in (Placement.FOOT, Placement.WAIST, Placement.THIGH):
        _, force, gyro, _ = noise_free(span, placement, t0, t1)
        # Leaning over the plate or the sink tips the trunk a little; nothing like a step.
        assert _dynamic_rms(force) < 0.1, placement
        assert float(np.percentile(np.linalg.norm(gyro, axis=1), 99)) < 0.5, placement


def test_strokes_vary_cycle_by_cycle_and_move_smoothly() -> None:
    rng = np.random.default_rng(7)
    rhythm = Rhythm.draw(np.array([1.0, 30.0]), np.array([20.0, 10.0]), np.array([4.0, 2.0]), rng)
    t = np.linspace(1.0, 40.0, 200_000)
    phase, size = rhythm(t)
    inside = (t < 21.0) | (t >= 30.0)
    step = np.diff(phase)[inside[1:] & inside[:-1]]
    assert step.min() > 0.0  # the oscillation never stops or turns back inside a stroke
    # No jump from one cycle to the next: the rate (and so the velocity) is continuous.
    rate = np.diff(phase) / np.diff(t)
    assert np.abs(np.diff(rate)[(inside[2:] & inside[:-2])]).max() < 0.05
    # Each stroke starts its oscillation at phase 0 and makes about its mean rate's cycles.
    starts = np.searchsorted(rhythm.t, [1.0, 30.0])
    assert rhythm.phase[starts].tolist() == [0.0, 0.0]
    first = rhythm.t[(rhythm.t >= 1.0) & (rhythm.t < 21.0)]
    periods = np.diff(first)
    assert 60 < len(periods) < 100  # 80 cycles of 0.25 s, give or take
    # Cycles differ by about CYCLE_SPREAD, as real arm work's do; sizes too.
    assert 0.6 * CYCLE_SPREAD < periods.std() / periods.mean() < 1.5 * CYCLE_SPREAD
    assert 0.5 * CYCLE_SPREAD < size[t < 21.0].std() < 1.5 * CYCLE_SPREAD
    assert Rhythm.draw(np.zeros(0), np.zeros(0), np.zeros(0), rng)(t[:3])[1].tolist() == [1.0] * 3


def _moving_mean(x: Array, n: int) -> Array:
    """Centred moving mean over n samples of each column of x (n_samples, k)."""
    k = np.ones(n) / n
    return np.stack([np.convolve(c, k, mode="same") for c in x.T], axis=1)


def test_brushing_strokes_go_as_real_toothbrushing_does() -> None:
    """Real toothbrushing at the wrist (HMP, docs/daily_life.md "Real toothbrushing (HMP)"):
    the forearm 14 degrees from level, 0.39 of the strokes' power along gravity (the old model's
    up-and-down strokes: 0.89, with the forearm at 39 degrees), bursts of about 5 s between
    pauses of about a second, 7.3 of them a minute (the old model: about 4)."""
    span = _span("stand:5s,brush:300s", 1, seed=4)
    _, wrist, _, rot = noise_free(span, Placement.WRIST, span.start + 5.0, span.end - 5.0)
    second = int(RATE)
    mean = _moving_mean(wrist, second)[second:-second]
    dyn = wrist[second:-second] - mean
    up = mean / np.linalg.norm(mean, axis=1, keepdims=True)
    assert np.sum(np.sum(dyn * up, axis=1) ** 2) / np.sum(dyn**2) < 0.5
    forearm = -rot[:, :, 2]  # the forearm runs from the elbow along the segment's -z
    assert 5.0 < float(np.median(np.degrees(np.arcsin(np.abs(forearm[:, 2]))))) < 25.0
    envelope = np.sqrt(_moving_mean(np.sum(dyn**2, axis=1)[:, None], second // 2)[:, 0])
    edges = np.diff(np.concatenate(([0], (envelope < 1.0).astype(int), [0])))
    quiet = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    per_minute = np.count_nonzero(quiet >= 0.3 * RATE) / (len(dyn) / RATE / 60.0)
    assert 5.0 < per_minute < 12.0


def test_a_stroke_can_pause_within_itself() -> None:
    rng = np.random.default_rng(3)
    rhythm = Rhythm.draw(
        np.array([0.0]), np.array([10.0]), np.array([5.0]), rng, quiet=np.array([[4.0, 5.0]])
    )
    t = np.linspace(0.0, 10.0, 10_001)
    phase, size = rhythm(t)
    # At rest from the first cycle starting in the pause to the last (cycles: 0.2 s, +-30 %).
    assert np.all(size[(t > 4.35) & (t < 4.65)] == 0.0)
    assert size[t < 3.8].min() > 0.0 and size[t > 5.3].min() > 0.0
    assert np.all(np.diff(phase) > 0.0)  # the rhythm runs on through the pause


@pytest.mark.parametrize(
    "activity",
    [
        "eat",
        "type",
        # Brushing as real wrists brush (HMP, docs/daily_life.md): 306 false steps an hour
        # before the model was set from them, 65 after, 23 since the gate refuses hand-in-front
        # runs faster than their steps (gate_params.max_cycles; 13 an hour over 36 wearers).
        "brush",
    ],
)
def test_virtual_arm_work_at_the_wrist_is_no_walk(activity: str) -> None:
    """Issue 12's wrist goal, at most 30 false steps an hour, on an hour of virtual arm work.

    Six wearers for ten minutes each: one wearer's count depends on whether a long cutting or
    scrubbing stroke happens to come out regular (eating: 0 steps for seeds 1-3 and 5, 13 and 14
    for seeds 4 and 6).
    """
    posture = "stand" if activity == "brush" else "sit"
    seconds = 600
    steps = 0
    for seed in range(1, 7):
        scenario = parse_scenario(f"{posture}:5s,{activity}:{seconds}s")
        chunk = ScenarioStream(scenario, Placement.WRIST, seed=seed).read(10**7)
        engine = GaitEngine(Placement.WRIST)
        for i in range(0, len(chunk.t), 20):
            part = slice(i, i + 20)
            steps += len(engine.process(chunk.t[part], chunk.acc[part], chunk.gyro[part]).steps)
        steps += len(engine.flush().steps)
    assert steps <= 30.0 * 6 * seconds / 3600.0


def test_arm_work_is_reproducible_and_differs_by_seed() -> None:
    def wrist(seed: int) -> Array:
        stream = ScenarioStream(parse_scenario("eat:60s"), Placement.WRIST, seed=seed)
        return stream.read(10**6).acc

    np.testing.assert_array_equal(wrist(3), wrist(3))
    assert not np.allclose(wrist(3), wrist(4))


def test_lying_down_tips_the_body_onto_its_back_and_getting_up_restores_it() -> None:
    span = _span("sit:10s,lie:600s", 1)
    assert isinstance(span, LyingSpan)
    t = np.array([span.start + 0.001, span.start + span.down_s + 1.0, span.end - 0.001])
    assert span.rolls(t[1:2])[0] == 0.0  # not turned yet
    _, rot = span.pose(Placement.CHEST, t)
    up = rot[2, 2]  # the chest's long axis along world up: upright 1, lying 0
    assert up[0] > 0.9
    assert abs(up[1]) < 0.2 and rot[2, 0, 1] > 0.9  # lying on the back: its front faces up
    assert up[2] > 0.99  # standing beside the bed
    _, force, _, _ = noise_free(span, Placement.CHEST, span.start, span.start + 10.0)
    assert np.linalg.norm(force, axis=1).max() < 1.5 * GRAVITY  # a gentle lie-down


def test_rolling_over_turns_the_body_about_its_long_axis() -> None:
    rolls = draw_rolls(0.0, 4 * 3600.0, np.random.default_rng(5))
    assert len(rolls.start) >= 4  # several turns in four hours
    assert rolls.after[-1] == 0.0  # back on the back before getting up
    assert np.all(np.diff(rolls.start) > 0)
    assert np.all(rolls.start[1:] >= rolls.start[:-1] + rolls.duration[:-1])  # one at a time
    assert rolls.start[-1] + rolls.duration[-1] < 4 * 3600.0
    mid = rolls.start[0] + rolls.duration[0] + 1.0
    angles = rolls(np.array([rolls.start[0] - 1.0, mid]))
    assert angles[0] == 0.0 and abs(angles[1]) == pytest.approx(math.pi / 2)
    assert len(draw_rolls(0.0, 5.0, np.random.default_rng(5)).start) == 0


def test_a_long_night_in_bed_turns_over_and_stays_still_otherwise() -> None:
    span = _span("lie:3h", 0, seed=2)
    assert isinstance(span, LyingSpan) and len(span.rolls.start) >= 2
    t = span.start + np.linspace(10.0, 3 * 3600.0 - 10.0, 5000)
    busy = span.busy(t)
    assert busy.mean() < 0.05  # cheap to render: mostly still
    _, rot = span.pose(Placement.WAIST, t)
    sideways = np.abs(rot[2, 1])  # the pelvis' left-right axis along world up: on a side
    assert sideways.max() > 0.9 and sideways.min() < 0.1


@pytest.mark.parametrize("placement", list(Placement))
def test_no_jumps_between_everyday_activities(placement: Placement) -> None:
    spec = (
        "sit:4s,eat:20s,type:20s,forward:12~180,brush:20s,sit:4s,lie:30s,forward:10~-90,"
        "lie:20s,backward:8~45,type:5s"
    )
    spans = list(plan(parse_scenario(spec), 6, False))
    assert_no_jumps(spans, placement)
    stream = ScenarioStream(parse_scenario(spec), placement, seed=6)
    chunk = stream.read(10**7)
    assert np.linalg.norm(chunk.acc, axis=1).max() < 80.0
    assert np.linalg.norm(chunk.gyro, axis=1).max() < 12.0
    assert sum(stream.truth().values()) == 30


def test_day_preset_lives_a_real_day() -> None:
    day = parse_scenario("day")
    kinds = {s.activity for s in day}
    assert {Activity.EAT, Activity.TYPE, Activity.BRUSH, Activity.LIE} <= kinds
    assert day[0].activity is Activity.LIE and day[-1].activity is Activity.LIE  # the nights
    short = [s for s in day if s.walking and s.steps is not None and 10 <= s.steps <= 30]
    assert len(short) >= 10
    seconds = {a: sum(s.seconds or 0.0 for s in day if s.activity is a) for a in kinds}
    assert seconds[Activity.TYPE] > 3 * 3600.0  # a desk job
    assert seconds[Activity.EAT] >= 3600.0


def test_chores_preset_is_short_and_nearly_stepless() -> None:
    segments = parse_scenario("chores")
    assert segments == chores()
    walks = [s for s in segments if s.walking]
    assert [s.steps for s in walks] == [14, 22]
    assert {Activity.EAT, Activity.TYPE, Activity.BRUSH, Activity.LIE} <= {
        s.activity for s in segments
    }


def test_activity_timeline_tells_idle_time_from_walks() -> None:
    scenario = parse_scenario("sit:10s,forward:10,type:20s")
    spans = list(plan(scenario, 0, False))
    walk_end = spans[2].end  # sit, standing up (the walk's), the walk, typing
    timeline = ActivityTimeline(scenario, seed=0, loop=False)
    assert timeline.idle_activity(2.0) is Activity.SIT
    assert timeline.idle_activity(10.0 - WALK_EDGE_S / 2) is None  # about to stand up and walk
    assert timeline.idle_activity(12.0) is None  # standing up
    assert timeline.idle_activity(walk_end - 1.0) is None
    assert timeline.idle_activity(walk_end + WALK_EDGE_S / 2) is None  # just stopped
    assert timeline.idle_activity(walk_end + 5.0) is Activity.TYPE
    assert timeline.idle_activity(walk_end + 100.0) is Activity.TYPE  # after the end
    assert timeline.idle_seconds(5.0) == {Activity.SIT: 5.0}
    idle = timeline.idle_seconds(1e4)
    assert set(idle) == {Activity.SIT, Activity.TYPE}
    assert idle[Activity.SIT] == pytest.approx(10.0)
    assert idle[Activity.TYPE] == pytest.approx(20.0)


@pytest.mark.parametrize("placement", [Placement.FOOT, Placement.WRIST])
def test_reference_run_sorts_steps_into_walks_and_false_ones(placement: Placement) -> None:
    async def run() -> ReferenceRun:
        twin = ReferenceRun(
            parse_scenario("eat:60s,forward:20,sit:5s"), placement=placement, seed=2
        )
        await twin.start()
        for _ in range(round(90 * RATE / 19)):
            twin.device.advance(19)
        twin.finish()
        return twin

    twin = asyncio.run(run())
    false = sum(twin.false_steps.values())
    assert set(twin.false_steps) <= {Activity.EAT, Activity.SIT}
    assert false <= sum(twin.totals.values())
    if placement is Placement.FOOT:  # the feet stay put while eating: every step is the walk's
        assert false == 0
        assert abs(sum(twin.totals.values()) - 20) <= 2


def test_a_u_turn_brings_the_walker_back_facing_the_other_way() -> None:
    (walk,) = [s for s in plan(parse_scenario("stand:2s,forward:20~180"), 0, False) if s.steps]
    assert isinstance(walk, WalkSpan) and walk.facing is not None
    assert walk.facing[0] == 0.0 and walk.facing[-1] == pytest.approx(math.pi)
    assert walk.left.yaws is not None and walk.left.yaws[-1] == pytest.approx(math.pi)
    x, y = walk.centre
    far = int(np.argmax(x))
    assert x[far] > 2.0 and x[-1] < x[far] - 2.0  # out and back
    assert 0.6 < y[-1] < 2.0  # beside the way out, a turning circle apart
    # The body turns at a human rate (a U-turn over about four steps, not on the spot).
    t = np.linspace(walk.start, walk.end, 4000)
    _, rot = walk.pose(Placement.WAIST, t)
    yaw = np.unwrap(np.arctan2(rot[1, 0], rot[0, 0]))
    rate = np.abs(np.diff(yaw)) / np.diff(t)
    assert 1.0 < rate.max() < 4.0


@pytest.mark.parametrize("activity", ["forward", "backward"])
def test_a_turning_foot_is_still_on_the_floor_between_its_steps(activity: str) -> None:
    (walk,) = [s for s in plan(parse_scenario(f"{activity}:16~-90"), 1, False) if s.steps]
    assert isinstance(walk, WalkSpan)
    t, force, gyro, _ = noise_free(walk, Placement.FOOT, walk.start, walk.end)
    phase = walk.clock(t)
    # Mid-stance of the left foot (half a step after its contact): flat, motionless.
    contacts = walk.left.phases.astype(float)
    still = np.zeros(len(t), dtype=bool)
    for c in contacts:
        still |= np.abs(phase - (c + 0.5)) < 0.05
    assert still.any()
    assert np.abs(np.linalg.norm(force[still], axis=1) - GRAVITY).max() < 0.05
    assert np.linalg.norm(gyro[still], axis=1).max() < 0.01
    assert walk.left.yaws is not None
    assert walk.left.yaws[-1] == pytest.approx(-math.pi / 2)


def test_turns_parse_and_are_only_for_forward_and_backward_walks() -> None:
    (seg,) = parse_scenario("forward:20@95~-90")
    assert seg.turn == -90.0 and seg.cadence == 95.0
    (seg,) = parse_scenario([{"activity": "backward", "steps": 10, "turn": 45}])
    assert seg.turn == 45.0
    for spec, message in (
        ("sit:20s~90", "only forward and backward"),
        ("left:6~90", "only forward and backward"),
        ("forward:10~400", "within"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_scenario(spec)
    with pytest.raises(ValueError, match="turn must be a number"):
        parse_scenario([{"activity": "forward", "steps": 10, "turn": "left"}])


def test_the_brushing_strokes_shape_leaves_the_body_away_from_the_wrist_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renderer computes the whole body finely wherever arm work is busy, so the body away
    from the wrist depends on the strokes' times. Their shape (kinds, rates, sizes, steadiness,
    pauses inside them) is drawn after every stroke's time: changing it must leave the foot,
    waist, thigh and chest sample for sample as they were, and move the wrist."""

    def rendered(placement: Placement) -> tuple[Array, Array]:
        span = _span("stand:5s,brush:90s", 1, seed=3)
        return render(span, placement, span.start, DT, int((span.end - span.start) / DT), 1)

    body = (Placement.FOOT, Placement.WAIST, Placement.THIGH, Placement.CHEST)
    shipped = {p: rendered(p) for p in (*body, Placement.WRIST)}
    kinds = ((0.6, (3.0, 4.0), 3.0, (0.2, 0.6, 0.2)), (0.4, (6.0, 7.0), 9.0, (0.5, 0.3, 0.2)))
    monkeypatch.setattr(arms, "BRUSH_STROKES", kinds)
    monkeypatch.setattr(arms, "BRUSH_CYCLE_SPREAD", 0.3)
    monkeypatch.setattr(arms, "BRUSH_BURST_S", (1.5, 0.5))  # more pauses: more draws after
    monkeypatch.setattr(arms, "BRUSH_PAUSE_S", (0.2, 0.9))
    for placement in body:
        force, gyro = rendered(placement)
        assert np.array_equal(force, shipped[placement][0]), placement
        assert np.array_equal(gyro, shipped[placement][1]), placement
    assert not np.array_equal(rendered(Placement.WRIST)[0], shipped[Placement.WRIST][0])
