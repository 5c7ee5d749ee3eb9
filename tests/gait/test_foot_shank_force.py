"""A shank "stride" that felt no swing and no landing is no step (foot_thresholds.SHANK_FORCE).

An ankle strap turns over a planted foot when its wearer rises from a chair, sits down or draws
the feet in: the stance test ends, the strap turns fast enough for the swing test, and the
integration between the two stances can pass for a stride. A shank that carries its foot to a
new place swings about the knee and lands, and feels more than 1.15 g doing it (docs/
walking_gate.md, "Shank: a turn over a planted foot").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.foot_thresholds import SHANK_FORCE, THRESHOLDS

from .synth import Walk, walk

# Short strides that do not lift the foot: the strap never feels 1.15 g (1.13 g at its peak).
SOFT = {"length": 0.4, "lift": 0.0}


def _steps(placement: Placement, w: Walk) -> list[StepEvent]:
    engine = GaitEngine(placement)
    steps: list[StepEvent] = []
    for i in range(0, len(w.t), 20):
        steps += engine.process(w.t[i : i + 20], w.acc[i : i + 20], w.gyro[i : i + 20]).steps
    return steps + list(engine.flush().steps)


def _landed(w: Walk, factor: float) -> Walk:
    """The same walk with each heel strike's impact: |acc| times `factor` for two samples."""
    acc = w.acc.copy()
    for heel in w.heel_strikes:
        i = int(np.searchsorted(w.t, heel))
        acc[i : i + 2] *= factor
    return replace(w, acc=acc)


def _peak(w: Walk) -> float:
    return float(np.max(np.linalg.norm(w.acc, axis=1)))


def test_soft_strides_make_no_steps_at_the_shank(monkeypatch: pytest.MonkeyPatch) -> None:
    w = walk(["forward"] * 8, **SOFT)
    assert _peak(w) < SHANK_FORCE
    assert _steps(Placement.SHANK, w) == []
    # The force test is what refuses them: without it they are a walk.
    key = (Placement.SHANK, True)
    monkeypatch.setitem(THRESHOLDS, key, replace(THRESHOLDS[key], min_force=0.0))
    assert len(_steps(Placement.SHANK, w)) >= 12


def test_the_same_strides_count_where_they_land() -> None:
    w = _landed(walk(["forward"] * 8, **SOFT), 1.4)
    assert _peak(w) >= SHANK_FORCE
    assert len(_steps(Placement.SHANK, w)) >= 12


def test_a_landing_just_under_the_limit_is_not_enough() -> None:
    w = _landed(walk(["forward"] * 8, **SOFT), 1.14)  # the feet land at 1.14 g
    assert _peak(w) < SHANK_FORCE
    assert _steps(Placement.SHANK, w) == []


def test_the_foot_asks_for_no_force() -> None:
    # A planted foot does not move, so it never ends a stance: the foot's strides need no force.
    assert THRESHOLDS[(Placement.FOOT, True)].min_force == 0.0
    assert len(_steps(Placement.FOOT, walk(["forward"] * 8, **SOFT))) >= 12
