"""gate_eval's hanging cone derived from walking (--lodo --derived-cone).

The derivation on synthetic angles; the angle from vertical as the gate's cone takes it; the
recorder on synthetic walks (the cone open, hand-in-front walks left out whole); and, on a small
subset of the daily-living wrists, that what is derived does not depend on the point's own cone
and that the lodo table derives the cone from the training data sets instead of choosing it
(docs/walking_gate.md, "The hanging cone from walking alone").
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from tools.bench import daily, gate_eval

from ..data import shared
from ..gait.test_gate import cand
from .test_gate_eval_jolt import _cached, _segment

WRIST = GATE_PARAMS[Placement.WRIST]


def _tilted(deg: float) -> tuple[float, float, float]:
    """A forearm (the watch's x axis) `deg` degrees from vertical."""
    rad = math.radians(deg)
    return (math.cos(rad), math.sin(rad), 0.0)


def _walk(n: int, start: float, deg: float) -> list[StepEvent]:
    return [cand(start + 0.55 * i, up=_tilted(deg)) for i in range(n)]


def test_the_derived_cone_is_the_loosest_data_sets_99th_percentile() -> None:
    # Each data set counts once, whatever its size: the small one that hangs looser sets it.
    angles = {"big": np.linspace(0.0, 30.0, 10001), "small": np.linspace(0.0, 50.0, 101)}
    assert gate_eval.CONE_PERCENTILE == 99.0
    assert gate_eval.derive_cone(angles) == pytest.approx(49.5)
    assert gate_eval.derive_cone({"big": angles["big"]}) == pytest.approx(29.7)
    # A few candidates in a thousand far out (a raised arm the walk posture kept) do not move it.
    tail = np.array([80.0] * 5 + [20.0] * 995)
    assert gate_eval.derive_cone({"a": tail}) == pytest.approx(20.0)
    # A data set without hanging walking says nothing; none at all is an error, not a default.
    assert gate_eval.derive_cone({"a": tail, "b": np.array([])}) == pytest.approx(20.0)
    with pytest.raises(ValueError, match="no hanging walking"):
        gate_eval.derive_cone({})


def test_the_angle_from_vertical_is_the_cones() -> None:
    # Before a hanging side is learned, either end of the forearm down; after, only the learned.
    down = (-0.8, 0.6, 0.0)
    assert gate_eval._from_vertical(down, 0, 0) == pytest.approx(36.87, abs=0.01)
    assert gate_eval._from_vertical(down, 0, -1) == pytest.approx(36.87, abs=0.01)
    assert gate_eval._from_vertical(down, 0, 1) == pytest.approx(143.13, abs=0.01)
    # The same line as the gate's own test: within 45 degrees is cos 45 on the axis.
    assert gate_eval._from_vertical(_tilted(45.0), 0, 0) == pytest.approx(45.0)


def test_hanging_walks_are_measured_with_the_cone_open_and_hand_in_front_left_out() -> None:
    # A hanging walk (35 degrees from vertical) whose forearm then swings out to 50 degrees:
    # within the walk's posture (15 degrees off), so the walk goes on, though the shipped cone
    # (45) would end it. Then a hand-in-front walk (phone read, forearm level) and one held at
    # 60 degrees (nearer across than down): walking, but not a hanging forearm.
    hanging = _walk(8, 2.0, 35.0) + _walk(6, 2.0 + 0.55 * 8, 50.0)
    front = _walk(14, 30.0, 90.0)
    raised = _walk(14, 50.0, 60.0)
    segments = [_segment("w", "walking", 0.0, 80.0)]
    got = gate_eval.walk_cone_angles([_cached(hanging + front + raised, segments)], WRIST)
    # The hanging walk's candidates after its confirming run (6), all of them, and nothing else.
    assert got["synthetic"].tolist() == pytest.approx([35.0, 35.0] + [50.0] * 6)
    assert gate_eval.derive_cone(got) == pytest.approx(50.0)
    # With the shipped cone (not opened) the swing out would have ended the walk: the opening
    # is what lets the measure go past the angle it is measured for.
    gate = gate_eval.WalkCone(Placement.WRIST, WRIST)
    for step in hanging:
        gate.add([step])
    assert max(a for _, a, _ in gate.seen) < 45.0
    # Outside plain walking nothing is measured.
    standing = [_segment("s", "standing", 0.0, 80.0)]
    assert gate_eval.walk_cone_angles([_cached(hanging, standing)], WRIST) == {}


def test_the_derived_cone_is_not_the_points_own(wrists: list[gate_eval.Cached]) -> None:
    params, angle = gate_eval.with_derived_cone(wrists, WRIST)
    assert params.min_upright == pytest.approx(math.cos(math.radians(angle)))
    assert params.same_posture == WRIST.same_posture
    assert 20.0 < angle < 70.0  # a hanging forearm's swing, not a default
    for cone in (0.5, 0.9):
        assert gate_eval.with_derived_cone(wrists, replace(WRIST, min_upright=cone))[1] == angle


def test_the_choice_with_a_derived_cone_uses_the_training_data_sets_only(
    wrists: list[gate_eval.Cached],
) -> None:
    held = "umafall"
    train = [c for c in wrists if c[0].dataset != held]
    choices = [replace(WRIST, confirm_steps=n) for n in (4, 6)]
    best, tied = gate_eval.choose(train, choices, derive_cone=True)
    assert best.min_upright == gate_eval.with_derived_cone(train, best)[0].min_upright
    assert best.min_upright != WRIST.min_upright

    # Rows of the held-out set that would ruin the choice made without them change nothing.
    def rigged(p: GateParams) -> list[gate_eval.Row]:
        ruin = gate_eval.Row(held, "wrist", 1.0, 10**6 if p == best else 0, 120.0, 110.0, 1)
        return [*gate_eval.gate_rows(train, p), ruin]

    assert gate_eval.choose(train, choices, derive_cone=True, rows=rigged) == (best, tied)


def test_the_lodo_table_derives_the_cone_instead_of_choosing_it() -> None:
    """One subject per wrist data set (everything derived, the cheapest grid): the cone leaves
    the grid, each row names the cone it derived, and the footer gives it at the shipped
    constants."""
    segments = daily.select(
        daily.read_labels(shared("daily-living")), locations=["wrist"], subjects=1
    )
    table = gate_eval.lodo(segments, walk_posture="derived", jolt_percentile=1.0, derived_cone=True)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "wrist" in line]
    assert len(rows) == 3
    assert all(r.count("min_upright=") == 1 and "(derived: " in r.split("min_upright=")[1]
               for r in rows)  # fmt: skip
    (footer,) = [line for line in table.splitlines() if line.startswith("wrist: hanging cone")]
    assert "shipped 45.0 deg" in footer and "all " in footer and "without spsw" in footer
    with pytest.raises(ValueError, match="either kept as shipped or derived"):
        gate_eval.lodo([], shipped_cone=True, derived_cone=True)
