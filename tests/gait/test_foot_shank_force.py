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

from custom_components.retrowalk.gait import STANDARD_GRAVITY as G, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.foot_thresholds import SHANK_FORCE, THRESHOLDS

from .synth import Walk, engine_steps, walk

# Short strides that barely lift the foot: the strap peaks at 1.14 g, under the limit; lifting
# the foot 2 cm instead of 1 makes them peak at 1.18 g, over it.
SOFT = {"length": 0.4, "lift": 0.01}
FIRM = {"length": 0.4, "lift": 0.02}
KEY = (Placement.SHANK, True)


def _peak(w: Walk) -> float:
    return float(np.max(np.linalg.norm(w.acc, axis=1)))


def _steps(placement: Placement, w: Walk) -> list[StepEvent]:
    return engine_steps(GaitEngine(placement), w.t, w.acc, w.gyro)


def test_soft_strides_make_no_steps_at_the_shank(monkeypatch: pytest.MonkeyPatch) -> None:
    w = walk(["forward"] * 8, **SOFT)
    assert _peak(w) < SHANK_FORCE
    assert _steps(Placement.SHANK, w) == []
    # The force test is what refuses them: without it they are a walk.
    monkeypatch.setitem(THRESHOLDS, KEY, replace(THRESHOLDS[KEY], min_force=0.0))
    assert len(_steps(Placement.SHANK, w)) >= 12


def test_strides_that_feel_a_little_more_count() -> None:
    # 1.18 g: a limit set at 1.2 g or more would refuse them.
    w = walk(["forward"] * 8, **FIRM)
    assert SHANK_FORCE <= _peak(w) < 1.2 * G
    assert len(_steps(Placement.SHANK, w)) >= 12


def test_the_foot_counts_soft_strides() -> None:
    # A planted foot does not move, so it never ends a stance: the foot asks for no force.
    assert len(_steps(Placement.FOOT, walk(["forward"] * 8, **SOFT))) >= 12


@pytest.mark.parametrize("lead", [0.2, 0.3])
def test_a_segment_starting_in_a_soft_swing_does_not_count_its_landing(
    lead: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a gap, data that begins mid-swing counts the landing (FootDetector._resolve_head)
    only if the swing felt the force of one."""

    def after_a_gap() -> int:
        engine = GaitEngine(Placement.SHANK)
        before = walk(["forward"] * 6, tail=0.3)
        engine_steps(engine, before.t, before.acc, before.gyro, flush=False)
        # A soft stride, then two whole ones; the data begins `lead` s before its landing.
        w = walk(["forward"] * 3, lengths=[0.4, 1.3, 1.3], lift=SOFT["lift"])
        first = int(np.searchsorted(w.t, w.heel_strikes[0] - lead))
        t = w.t[first:] - w.t[first] + float(before.t[-1]) + 0.5
        return len(engine_steps(engine, t, w.acc[first:], w.gyro[first:]))

    assert after_a_gap() == 4  # the two whole strides
    monkeypatch.setitem(THRESHOLDS, KEY, replace(THRESHOLDS[KEY], min_force=0.0))
    assert after_a_gap() == 5  # and the landing
