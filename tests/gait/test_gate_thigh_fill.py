"""Stride-locked pocket walks: a phone in a trouser pocket moves with the thigh, which swings
forward on its own leg's step and back on the other's, so the detector can find one candidate
per stride; the gate's stride fill restores the step in between there as at the wrist
(gate.py, GATE_PARAMS[THIGH].stride_fill). Synthetic candidates for the mechanics; the real
pocket walks it was measured on are in docs/walking_gate.md ("Stride-locked pocket walks")."""

from __future__ import annotations

import itertools

import pytest

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS, WalkingGate

from .test_gate import cand
from .test_gate_stride_fill import out_of_order

THIGH = GATE_PARAMS[Placement.THIGH]
K = THIGH.stride_fill
UPRIGHT_POCKET = (0.0, 1.0, 0.0)  # the phone's long axis along an upright thigh
LEVEL_POCKET = (0.0, 0.0, 1.0)  # the thigh level: sitting, or a phone lying across the pocket


def test_a_stride_locked_pocket_walk_is_counted_whole_once_it_persists() -> None:
    n = K + 6
    strides = [10.0 + 1.1 * i for i in range(n)]
    out = WalkingGate(Placement.THIGH).add([cand(t, up=UPRIGHT_POCKET) for t in strides])
    restored = sorted(s.t for s in out if s.features is None)
    assert restored == pytest.approx([t - 0.55 for t in strides[1:]])
    assert len(out) == 2 * n - 1
    # One candidate short of K: nothing restored.
    short = WalkingGate(Placement.THIGH).add([cand(t, up=UPRIGHT_POCKET) for t in strides[: K - 1]])
    assert all(s.features is not None for s in short)


def test_a_pocket_walk_at_its_own_unlike_steps_is_not_doubled() -> None:
    # The thigh's own leg and the other leg land unlike: candidates 0.5 and 0.8 s apart
    # alternate (a 1.3 s stride, the long one inside the fill's stride range); they are the
    # walk's steps, none missing.
    times = _times([0.5, 0.8], K + 3)
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert len(out) == len(times)
    assert all(s.features is not None for s in out)


@pytest.mark.parametrize(
    ("pattern", "locked"),
    [
        ([1.3, 0.5, 0.8], [True, False, False]),
        ([1.25, 0.5, 0.8, 1.3, 0.5, 0.8], [True, False, False] * 2),
    ],
)
def test_a_partly_locked_walk_gets_only_its_strides_filled(
    pattern: list[float], locked: list[bool]
) -> None:
    # Locked on every other stride: the bout's median interval is the long leg's 0.8 s step,
    # inside the stride range, but that step is no stride; only the 1.25-1.3 s intervals hide
    # one (STRIDE_NEARER of the bout's longest intervals).
    reps = 10
    times = _times(pattern, reps)
    true_steps = len(times) + reps * sum(locked)
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert len(out) == true_steps
    restored = [s for s in out if s.features is None]
    assert len(restored) == reps * sum(locked)
    assert [s.late for s in out] == out_of_order(out)  # late exactly where out of time order


def test_a_level_thigh_gets_no_steps_restored() -> None:
    # Confirmed out of walking posture (the longer run a level pocket needs): a level thigh
    # cannot be told from a phone lying across an upright one, so its stride-long intervals
    # stay as they are.
    assert THIGH.unposed_steps is not None
    n = THIGH.unposed_steps + K + 4
    out = WalkingGate(Placement.THIGH).add(
        [cand(10.0 + 1.1 * i, up=LEVEL_POCKET) for i in range(n)]
    )
    assert len(out) == n
    assert all(s.features is not None for s in out)


def _times(pattern: list[float], reps: int, start: float = 10.0) -> list[float]:
    out, t = [start], start
    for _ in range(reps):
        for d in pattern:
            t += d
            out.append(t)
    return out


def test_a_walk_mostly_at_its_own_steps_gets_its_odd_stride_filled() -> None:
    # Unlike legs, 0.38 and 0.72 s, and now and then a 1.1 s interval: the two steps before it
    # together, a stride with its second step missed. The bout's median is a step, so the
    # stride fill proper restores nothing; the pair rule restores that one step, from the
    # bout's K-th candidate on, as each such interval comes.
    pattern = [0.38, 0.72, 0.38, 0.72, 1.1]
    reps = 8
    times = _times(pattern, reps)
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    restored = [s.t for s in out if s.features is None]
    strides = [b for a, b in itertools.pairwise(times) if b - a > 1.0]
    filled = [t for t in strides if times.index(t) >= K - 1]
    assert restored == pytest.approx([t - 0.55 for t in filled])
    assert len(filled) >= reps - 3
    assert not any(s.late for s in out)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ([0.45, 0.55, 0.45, 0.55, 0.82], "18 % short of the two steps (PAIR_TOL: 20 % of it)"),
        ([0.6, 0.6, 0.3, 0.6, 1.2], "25 % longer than the two steps"),
        ([0.45, 0.55, 0.45, 0.55, 0.22, 0.78, 1.0], "a step before it over 0.75 of it"),
        ([0.3, 0.4, 0.3, 0.4, 0.3, 0.4, 0.7], "under the stride range"),
        ([0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 1.35], "over the stride range"),
    ],
)
def test_an_interval_that_is_no_stride_among_steps_gets_nothing(
    pattern: list[float], why: str
) -> None:
    times = _times(pattern, 6)
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert len(out) == len(times), why  # one walk, every candidate counted, nothing restored


def test_a_stride_near_the_two_steps_gets_its_step() -> None:
    # 0.95 s after 0.45 and 0.55 (5 % short of the two together): a stride.
    times = _times([0.45, 0.55, 0.45, 0.55, 0.95], 8)
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert sum(s.features is None for s in out) >= 8 - 3


def test_the_steps_before_missing_data_make_no_stride_after_it() -> None:
    # A walk at its own unlike steps (median a step: the stride fill proper is off); the data
    # stops for 2.5 s; 1.1 s after the first candidate past the hole comes the next. Its two
    # intervals before it in the bout's record (0.38 and 0.72 s, from before the hole) add up to
    # it, but they do not precede it: nothing is restored.
    times = _times([0.38, 0.72], 10)
    gate = WalkingGate(Placement.THIGH)
    out = gate.add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert len(out) == len(times)
    gate.gap(2.5)
    after = [times[-1] + 3.0, times[-1] + 3.0 + 1.1]
    out = gate.add([cand(x, up=UPRIGHT_POCKET) for x in after])
    assert [s.t for s in out] == pytest.approx(after)  # the walk goes on, nothing restored
    # Continuous data: the same 1.1 s after 0.38 and 0.72 is that stride.
    gate = WalkingGate(Placement.THIGH)
    gate.add([cand(x, up=UPRIGHT_POCKET) for x in times])
    out = gate.add([cand(times[-1] + 1.1, up=UPRIGHT_POCKET)])
    assert [s.features is None for s in out] == [True, False]
