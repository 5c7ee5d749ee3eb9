"""Stride-locked pocket walks: a phone in a trouser pocket moves with the thigh, which swings
forward on its own leg's step and back on the other's, so the detector can find one candidate
per stride; the gate's stride fill restores the step in between there as at the wrist
(gate.py, GATE_PARAMS[THIGH].stride_fill). Synthetic candidates for the mechanics; the real
pocket walks it was measured on are in docs/walking_gate.md ("Thigh: stride-locked pocket
walks")."""

from __future__ import annotations

import pytest

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS, WalkingGate

from .test_gate import cand

THIGH = GATE_PARAMS[Placement.THIGH]
K = THIGH.stride_fill
UPRIGHT_POCKET = (0.0, 1.0, 0.0)  # the phone's long axis along an upright thigh
LEVEL_POCKET = (0.0, 0.0, 1.0)  # the thigh level: sitting, or a phone lying across the pocket


def test_the_thigh_fills_as_the_wrist_does() -> None:
    assert THIGH.stride_fill == GATE_PARAMS[Placement.WRIST].stride_fill
    assert THIGH.confirm_steps < K
    others = {p for p in Placement if GATE_PARAMS[p].stride_fill} - {Placement.WRIST}
    assert others == {Placement.THIGH}


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


def test_a_pocket_walk_at_its_own_steps_is_not_doubled() -> None:
    # The thigh's own leg and the other leg land unlike: candidates 0.38 and 0.72 s apart
    # alternate, a 1.1 s stride; they are the walk's steps, none missing.
    times, t = [], 10.0
    for i in range(2 * K + 6):
        times.append(t)
        t += 0.38 if i % 2 else 0.72
    out = WalkingGate(Placement.THIGH).add([cand(x, up=UPRIGHT_POCKET) for x in times])
    assert len(out) == len(times)
    assert all(s.features is not None for s in out)


def test_a_level_thigh_gets_no_steps_restored() -> None:
    # Confirmed out of walking posture (the longer run a level pocket needs): no swing is
    # known, so its stride-long intervals stay as they are.
    n = THIGH.unposed_steps + K + 4 if THIGH.unposed_steps else 2 * K
    out = WalkingGate(Placement.THIGH).add(
        [cand(10.0 + 1.1 * i, up=LEVEL_POCKET) for i in range(n)]
    )
    assert len(out) == n
    assert all(s.features is not None for s in out)
