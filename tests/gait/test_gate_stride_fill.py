"""Stride-locked wrist walks: the step between two candidates of a stride is restored, inside a
confirmed bout only, and no decision of the gate changes (gate.py, stride_fill).

Synthetic candidates and a synthetic hanging wrist for the mechanics; last, WISDM's real wrist
walking blocks (../shared/data/daily-living, all 51, walking only: a few seconds) against each
block's spectral reference, as tools/bench/wrist_fill.py measures them (tuned on: the rule's
conditions were chosen with these blocks in view, so these guard it rather than prove it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import (
    GATE_PARAMS,
    MAX_LATE_S,
    MIN_FILLED_STEP_S,
    REPORT_LAG_S,
)
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import shipped_params
from tools.bench import daily, gate_eval
from tools.bench.wrist_fill import OVER
from tools.bench.wrist_recall import LOCKED, spectral_cadence

from ..data import shared
from .test_gate import cand as gate_cand

G = 9.80665
HANGING = (1.0, 0.0, 0.0)  # a watch's x axis along a hanging forearm
WRIST = GATE_PARAMS[Placement.WRIST]


def cand(t: float, amplitude: float = 3.0, up: tuple[float, float, float] = HANGING) -> StepEvent:
    """A wrist candidate: the arm hanging, and the wrist's confidence (direction unknown)."""
    return gate_cand(t, amplitude, up, confidence=0.5)


def candidates(n: int, period: float, start: float = 10.0) -> list[StepEvent]:
    return [cand(start + i * period) for i in range(n)]


K = WRIST.stride_fill  # the bout's candidate from which steps are restored
IN_FRONT = (0.0, 0.0, 1.0)  # watch face up, forearm level: a hand held in front


def test_only_the_wrist_restores_steps_of_stride_locked_bouts() -> None:
    assert WRIST.confirm_steps < K
    filling = {p for p in Placement if GATE_PARAMS[p].stride_fill}
    assert filling == {Placement.WRIST}  # the thigh's swing: test_gate_thigh_swing.py


def test_a_stride_locked_walk_gets_its_missing_steps_once_it_persists() -> None:
    # One candidate per 1.1 s stride. At the bout's K-th candidate the step before each
    # candidate since the confirming run (here the walk's first) is restored at once, late,
    # then the step before each one as it comes.
    n = K + 5
    out = WalkingGate(Placement.WRIST).add(candidates(n, 1.1))
    stride = [10.0 + 1.1 * i for i in range(n)]
    late = [t - 0.55 for t in stride[1:K]]
    expected = [*stride[: K - 1], *late, stride[K - 1]]
    for t in stride[K:]:
        expected += [t - 0.55, t]
    assert [s.t for s in out] == pytest.approx(expected)
    restored = [s for s in out if s.features is None]
    assert len(restored) == n - 1  # every stride of the walk
    assert all(s.direction is Direction.FORWARD for s in restored)
    # The late ones are the only steps out of time order, and none is older than MAX_LATE_S
    # when returned (with the K-th candidate).
    assert stride[K - 1] - late[0] <= MAX_LATE_S
    # One candidate short of K: nothing restored, however regular.
    assert len(WalkingGate(Placement.WRIST).add(candidates(K - 1, 1.1))) == K - 1
    # When the rule asks for no more persistence than the gate, the confirming run's own
    # intervals are restored with the first candidate streamed after it, never at release.
    c = WRIST.confirm_steps
    gate = WalkingGate(Placement.WRIST, replace(WRIST, stride_fill=2))
    assert [s.t for s in gate.add(candidates(c, 1.1))] == pytest.approx(stride[:c])
    out = gate.add([cand(stride[c])])
    assert [s.t for s in out] == pytest.approx([t - 0.55 for t in stride[1 : c + 1]] + [stride[c]])


def out_of_order(steps: list[StepEvent]) -> list[bool]:
    """Per step as returned: whether a later step was returned before it."""
    newest = -math.inf
    older = []
    for s in steps:
        older.append(s.t < newest)
        newest = max(newest, s.t)
    return older


def test_the_gate_marks_late_exactly_the_steps_it_returns_out_of_time_order() -> None:
    # Consumers go by StepEvent.late, not by the times (a restarted clock's go back too). At the
    # K-th candidate the steps of the strides before the latest come late; the one restored
    # just before that candidate comes in time order, and so does every step after it.
    out = WalkingGate(Placement.WRIST).add(candidates(K + 5, 1.1))
    assert [s.late for s in out] == out_of_order(out)
    assert sum(s.late for s in out) == K - 2
    # The K-th candidate after missing data: its interval is not filled, all others come late.
    gate = WalkingGate(Placement.WRIST)
    first = gate.add(candidates(K - 1, 1.1))
    gate.gap(1.0)
    out = [*first, *gate.add([cand(10.0 + 1.1 * (K - 1) + 1.0)])]
    assert [s.late for s in out] == out_of_order(out)
    assert sum(s.late for s in out) == K - 2


@pytest.mark.parametrize("calibrating", [False, True])
def test_the_late_mark_reaches_the_engines_output(calibrating: bool) -> None:
    # Every hop keeps it: the engine's update, and a calibration walk's direction rewrite. The
    # swing is not measured here: where it is, its fill restores these steps on time instead.
    t, acc = wrist_walk(4 * K)
    unswung = replace(shipped_params(Placement.WRIST), swing=False)
    engine = GaitEngine(Placement.WRIST, detector=TrunkDetector(Placement.WRIST, unswung))
    if calibrating:
        engine.start_calibration(steps=1000)
    steps: list[StepEvent] = []
    for i in range(0, len(t), 20):
        steps += engine.process(t[i : i + 20], acc[i : i + 20]).steps
    steps += engine.flush().steps
    assert sum(s.late for s in steps) >= K - 2
    assert [s.late for s in steps] == out_of_order(steps)


def test_no_late_step_is_older_than_max_late_s() -> None:
    # Two 2.45 s intervals (a paused arm, within the bout's factor of its 1.29 s rhythm) stretch
    # the bout's first K candidates over 16.5 s: the step that would be restored in its first
    # stride, 15.9 s before the K-th candidate, stays unrestored; the later ones come.
    gaps = [1.29] * 5 + [2.45, 2.45] + [1.29] * (K - 8)
    times = [10.0, *(10.0 + np.cumsum(gaps))]
    assert len(times) == K
    out = WalkingGate(Placement.WRIST).add([cand(float(t)) for t in times])
    restored = [s.t for s in out if s.features is None]
    expected = [t - 0.645 for t, d in zip(times[1:], gaps, strict=True) if d < 2]
    assert times[-1] - expected[0] > MAX_LATE_S  # the first stride's step: too old
    assert restored == pytest.approx(expected[1:])
    assert times[-1] - min(restored) <= MAX_LATE_S


def test_a_restored_step_carries_only_time_direction_and_confidence() -> None:
    # Were the fill ever on at the foot, a neighbour's stride length and speed (one per stride)
    # must not be duplicated into the step restored before it, nor its sensor_foot flag.
    foot = [
        replace(
            s, direction=Direction.BACKWARD, sensor_foot=True, stride_length_m=1.3, speed_m_s=1.2
        )
        for s in candidates(K + 2, 1.1)
    ]
    out = WalkingGate(Placement.WRIST).add(foot)
    restored = [s for s in out if s.features is None]
    assert len(restored) == K + 1  # one per stride
    for s in restored:
        assert s == StepEvent(t=s.t, direction=Direction.BACKWARD, confidence=0.5)
        assert s.stride_length_m is None and s.speed_m_s is None and not s.sensor_foot


def test_persistence_counts_from_the_confirming_run_not_the_held_candidates() -> None:
    # 14 fidget candidates, every other interval 0.5 s and the others 0.6 and 1.25 s in turn (no
    # run of them keeps a rhythm, nor each side's: a steady 0.5 / 1.2 s alternation would be a
    # hanging arm's walk, see test_gate.py), then 6 at 1.0 s: those confirm the bout and every
    # held candidate is released, but the bout has kept its rhythm for 6 candidates, not 20, so
    # no step is restored (it was 7).
    times = [10.0]
    for i in range(13):
        times.append(times[-1] + (0.5 if i % 2 == 0 else 0.6 if i % 4 == 1 else 1.25))
    times += [times[-1] + 1.0 * (i + 1) for i in range(6)]
    # With the wrist's slow steps (slow_steps) the fidgets' own 0.5 / 0.6 s rhythm around their
    # first 1.25 s pause confirms at their 8th candidate and goes on through the later pauses
    # (2.5 times the 0.5 s median): a repeated three-and-a-pause is a walk with slow steps to
    # that rule (docs/walking_gate.md). Where persistence counts from is judged without it.
    gate = WalkingGate(Placement.WRIST, replace(GATE_PARAMS[Placement.WRIST], slow_steps=0))
    out = gate.add([cand(t) for t in times])
    assert len(out) == 20
    assert all(s.features is not None for s in out)
    # The bout's persistence goes on from there. Its confirming run is the last two fidget
    # candidates (one 0.5 s interval is within the spread of 1.0 s ones) and 4 regular ones:
    # the K-th candidate counted from the 13th fidget one restores the steps of the run's and
    # the bout's stride-long intervals (the fidgets' 0.5 s one is no stride), none before it.
    more = [cand(times[-1] + 1.0 * (i + 1)) for i in range(K)]
    stream = [*times, *(s.t for s in more)]
    crossing = 12 + K - 1
    for i, c in enumerate(more, start=len(times)):
        restored = [s.t for s in gate.add([c]) if s.features is None]
        if i < crossing:
            assert restored == []
        elif i == crossing:
            assert restored == pytest.approx([t - 0.5 for t in stream[14 : crossing + 1]])
        else:
            assert restored == pytest.approx([stream[i] - 0.5])


def test_a_short_step_locked_or_unposed_walk_gets_nothing() -> None:
    for period in (0.55, 2 * MIN_FILLED_STEP_S - 0.05):  # half of it is no walking step
        out = WalkingGate(Placement.WRIST).add(candidates(K + 5, period))
        assert [s.t for s in out] == pytest.approx([10.0 + period * i for i in range(K + 5)])
    # Stride-locked, but not for long: a gesture's rhythm keeps a few candidates.
    assert len(WalkingGate(Placement.WRIST).add(candidates(K - 1, 1.1))) == K - 1
    # One long interval in a step-locked walk: the bout's median is a step, not a stride.
    steps = [*candidates(K + 2, 0.55), *candidates(3, 0.55, start=10.0 + (K + 1) * 0.55 + 0.9)]
    assert len(WalkingGate(Placement.WRIST).add(steps)) == K + 5
    # A hand held in front does not swing: its slow walk's candidates are its steps.
    held = [cand(10.0 + 1.1 * i, up=IN_FRONT) for i in range(K + 5)]
    assert len(WalkingGate(Placement.WRIST).add(held)) == K + 5


def test_nothing_is_restored_outside_a_bout_and_no_decision_changes() -> None:
    gate = WalkingGate(Placement.WRIST)
    assert gate.add(candidates(WRIST.confirm_steps - 1, 1.1)) == []  # too few: no bout
    gate.advance(30.0)
    assert not gate.walking
    # Whatever is restored, the candidates that count, and so the bouts, are those without the
    # rule: a walk, an out-of-rhythm candidate that ends it, a new walk.
    n = K + 3
    seq = [
        *candidates(n, 1.1, start=40.0),
        cand(40.0 + (n - 1) * 1.1 + 3.5),
        *candidates(n, 1.0, start=100.0),
    ]
    with_fill = WalkingGate(Placement.WRIST).add(seq)
    without = WalkingGate(Placement.WRIST, replace(WRIST, stride_fill=0)).add(seq)
    assert [s for s in with_fill if s.features is not None] == without
    assert len(with_fill) == len(without) + 2 * (n - 1)  # each walk's every stride


def test_no_step_is_restored_across_missing_data_or_a_dropped_candidate() -> None:
    gate = WalkingGate(Placement.WRIST)
    steps = candidates(K, 1.1)
    assert len(gate.add(steps)) == 2 * K - 1
    gate.gap(1.0)
    assert len(gate.add([cand(steps[-1].t + 1.1)])) == 1  # the interval spans the hole
    assert len(gate.add([cand(steps[-1].t + 2.2)])) == 2
    # Missing data before the bout reaches K: that interval is never restored, the others are.
    gate = WalkingGate(Placement.WRIST)
    gate.add(candidates(K - 3, 1.1))
    gate.gap(1.0)
    out = gate.add(candidates(3, 1.1, start=10.0 + 1.1 * (K - 3)))
    restored = [s.t for s in out if s.features is None]
    hole = 10.0 + 1.1 * (K - 3) - 0.55
    assert len(restored) == K - 2 and all(abs(t - hole) > 0.1 for t in restored)
    # A held candidate dropped at release (a soft jolt 40 degrees off the walk's posture, out of
    # its rhythm, so not in its confirming run): nothing is restored half-way to it; the
    # released run's intervals and those after it are.
    off = (math.cos(math.radians(40)), 0.0, math.sin(math.radians(40)))
    gate = WalkingGate(Placement.WRIST, replace(WRIST, stride_fill=2))
    out = gate.add([cand(50.8, amplitude=0.5, up=off), *candidates(8, 1.1, start=51.1)])
    assert out[0].t == pytest.approx(51.1)
    restored = [s.t for s in out if s.features is None]
    assert restored == pytest.approx([51.1 + 1.1 * (i + 0.5) for i in range(7)])


def wrist_walk(
    n_steps: int, period: float = 0.55, fs: float = 50.0
) -> tuple[np.ndarray, np.ndarray]:
    """A hanging watch: a heel-strike jolt every step, every other one softer, on the arm
    swing's stride-periodic hump (peaking at the stronger step), so that the detector finds
    one candidate per stride."""
    lead = 2.0
    t = np.arange(0.0, lead + n_steps * period + 3.0, 1.0 / fs)
    vertical = np.zeros_like(t)
    for i in range(n_steps):
        tj = lead + i * period
        vertical += (3.0 if i % 2 == 0 else 1.5) * np.exp(-0.5 * ((t - tj) / 0.05) ** 2)
    walking = (t > lead - period) & (t < lead + n_steps * period)
    vertical += np.where(walking, 2.0 * np.cos(np.pi * (t - lead) / period), 0.0)
    return t, np.outer(G + vertical, HANGING)


def engine_steps(t: np.ndarray, acc: np.ndarray, batch: int) -> list[tuple[float, StepEvent]]:
    """(sample time when reported, step) through a wrist engine, `batch` samples at a time."""
    engine = GaitEngine(Placement.WRIST)
    out: list[tuple[float, StepEvent]] = []
    for i in range(0, len(t), batch):
        now = float(t[min(i + batch, len(t)) - 1])
        out += [(now, s) for s in engine.process(t[i : i + batch], acc[i : i + batch]).steps]
    return out + [(float(t[-1]), s) for s in engine.flush().steps]


@pytest.mark.parametrize("batch", [1, 7, 20, 333])
def test_a_stride_locked_wrist_walk_through_the_engine_whatever_the_batch(batch: int) -> None:
    n_steps = 4 * K
    t, acc = wrist_walk(n_steps)
    alone = GaitEngine(Placement.WRIST, gated=False)
    candidates_seen = alone.process(t, acc).steps + alone.flush().steps
    # The detector locked onto the stride (and found the swing's last hump as the walk ended).
    assert n_steps // 2 <= len(candidates_seen) <= n_steps // 2 + 1
    got = engine_steps(t, acc, batch)
    assert [s for _, s in got] == [s for _, s in engine_steps(t, acc, 20)]
    times = sorted(s.t for _, s in got)
    restored = [s.t for _, s in got if s.features is None]
    # Every stride between two candidates of the walk (the last candidate is the swing's
    # closing hump, not a stride of the walk).
    assert len(candidates_seen) - 2 <= len(restored) <= len(candidates_seen) - 1
    # A step every 0.55 s, from the walk's first on.
    assert np.diff(times[:-2]) == pytest.approx(0.55, abs=0.02)
    # Once the walk has kept its rhythm for K candidates, a restored step is reported with the
    # candidate after it: within the detector's lag of that one plus half a stride (one sample
    # at a time, so the report time is the detector's; the walk's last steps wait for the data
    # to end). The walk's earlier strides' steps come late, with the K-th candidate: none older
    # than MAX_LATE_S then.
    one_by_one = engine_steps(t, acc, 1)
    kth = sorted(s.t for _, s in one_by_one if s.features)[K - 1]
    steady = [(now, s) for now, s in one_by_one[:-2] if s.t > kth]
    candidates_lag = max(now - s.t for now, s in steady if s.features)
    restored_lag = max(now - s.t for now, s in steady if not s.features)
    assert candidates_lag <= REPORT_LAG_S
    assert restored_lag <= candidates_lag + WRIST.max_interval / 2
    late = [now - s.t for now, s in one_by_one if not s.features and s.t < kth]
    assert len(late) >= K - 2
    assert max(late) <= MAX_LATE_S


@dataclass(slots=True)
class Block:
    """A WISDM wrist walking block: its spectral reference steps, and the steps counted."""

    name: str
    reference: float
    engine: int = 0  # the gated engine, as shipped
    unfilled: int = 0  # the same candidates through the gate without the stride or swing fill
    combless: int = 0  # the gated engine with the detector's stride comb off


def combless_engine() -> GaitEngine:
    """A gated wrist engine whose detector has the stride comb off, all else as shipped."""
    combless = replace(shipped_params(Placement.WRIST), comb=None)
    return GaitEngine(Placement.WRIST, detector=TrunkDetector(Placement.WRIST, combless))


@pytest.fixture(scope="module")
def wisdm_blocks() -> list[Block]:
    """WISDM's wrist walking blocks with a spectral reference (where the spectrum's step and
    stride peaks agree), each streamed alone through the engine, and its candidates through the
    gate with stride_fill and swing_fill off."""
    base = shared("daily-living")
    segments = [
        s
        for s in daily.select(daily.read_labels(base), datasets=["wisdm_reduced"])
        if s.location == "wrist" and s.activity == "walking"
    ]
    blocks: dict[str, Block] = {}
    for seg in segments:
        t, acc, _ = daily.load_segment(base, seg)
        steps_per_min = spectral_cadence(acc, 1 / float(np.median(np.diff(t))))
        if steps_per_min is not None:
            blocks[seg.name] = Block(seg.name, steps_per_min * seg.duration_s / 60)
    unfilled = replace(GATE_PARAMS[Placement.WRIST], stride_fill=0, swing_fill=False)
    for stream in daily.build_streams(segments, base):
        batches = daily.engine_batches(stream, gated=False)
        without = daily.step_times(gate_eval.through_gate(stream, batches, unfilled))
        combless = daily.batch_times(daily.engine_batches(stream, engine=combless_engine()))
        for (seg, with_fill), (_, bare), (_, no_comb) in zip(
            gate_eval.per_segment(stream, daily.engine_steps(stream)),
            gate_eval.per_segment(stream, without),
            gate_eval.per_segment(stream, combless),
            strict=True,
        ):
            if seg.name in blocks:
                blocks[seg.name].engine = len(with_fill)
                blocks[seg.name].unfilled = len(bare)
                blocks[seg.name].combless = len(no_comb)
    return list(blocks.values())


def test_real_stride_locked_wrist_walks_get_their_steps_back(wisdm_blocks: list[Block]) -> None:
    """Without the fill the gated engine counts 8 of the 45 blocks under LOCKED (0.75) times
    their reference (one candidate per stride; one block not at all; 16 before the detector's
    stride comb); with it 4 of those reach it again, and the engine counts 88.0 % of the
    reference steps against 85.6 % without (2026-12-06, third session; before the comb 84.5
    against 75.4 %, and 82.1 % when only the steps from the 12th candidate on were restored;
    since the arm's swing, seventh session, 89.0 against 85.75 % without either fill).
    The detector still locks in the rest from start to end, or in bouts too short for the
    fill."""
    assert len(wisdm_blocks) >= 40
    locked = [b for b in wisdm_blocks if b.unfilled < LOCKED * b.reference]
    assert len(locked) >= 5
    back = [b for b in locked if b.engine >= LOCKED * b.reference]
    assert len(back) >= len(locked) / 2, [(b.name, b.unfilled, b.engine) for b in locked]
    reference = sum(b.reference for b in wisdm_blocks)
    # 0.821 before 2026-12-06, 0.845 with the stride fill's first strides, 0.880 with the comb.
    assert sum(b.engine for b in wisdm_blocks) >= 0.87 * reference
    # The fill adds steps and takes none away.
    assert all(b.engine >= b.unfilled for b in wisdm_blocks)


def test_the_stride_comb_adds_real_wrist_walking_steps(wisdm_blocks: list[Block]) -> None:
    """Where the detector switches between steps and strides the comb lets it see the steps
    (trunk.py, stride_comb.py): the gated engine counts 88.0 % of the reference steps with it,
    84.5 % without (2026-12-06; tuned on these blocks). It costs a few blocks locked onto the
    stride that the fill counted better without it (5 of 45 lose over 5 steps, the most 38; 36
    since the arm's swing).
    Since the arm's swing fill (seventh session), which restores part of what the comb finds:
    89.0 % with the comb, 87.4 % without. Since the wrist's slow step (ninth session), which
    confirms some of the walks the comb did: 89.3 % with it, 88.2 % without; since a second
    slow step (tenth session), likewise: 89.3 % (9,080 steps) with it, 88.4 % (8,988) without, so
    the gain asked for is 0.75 %, not 1 %."""
    reference = sum(b.reference for b in wisdm_blocks)
    gain = sum(b.engine for b in wisdm_blocks) - sum(b.combless for b in wisdm_blocks)
    assert gain >= 0.0075 * reference
    worse = [(b.name, b.engine, b.combless) for b in wisdm_blocks if b.engine < b.combless - 5]
    assert len(worse) <= 6, worse


def test_the_fill_never_over_counts_a_real_wrist_walk(wisdm_blocks: list[Block]) -> None:
    """No block counted at over OVER (1.1) times its reference (the most: 1.005, a block the
    fill leaves alone). A fill that took step-locked walks for stride-locked ones would double
    them."""
    over = [(b.name, b.engine, round(b.reference)) for b in wisdm_blocks]
    assert all(b.engine <= OVER * b.reference for b in wisdm_blocks), over
