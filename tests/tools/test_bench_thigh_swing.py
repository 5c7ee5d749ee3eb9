"""The thigh-swing analysis (tools/bench/thigh_swing.py) on signals written here: which intervals
hide a step, the signal's likeness at the swing's period and half of it, and a walk's row.
Synthetic signals: they test the tool, not the engine."""

from __future__ import annotations

import numpy as np

from tools.bench import thigh_swing

from ..gait.test_trunk import trunk_walk
from ..gait.test_trunk_swing import pocket_walk


def test_an_interval_hides_a_step_where_an_unmatched_true_step_lies_inside_it() -> None:
    truth = np.array([1.0, 1.5, 2.0, 2.5, 3.0])
    found = np.array([1.02, 2.01, 2.49, 3.0])
    assert thigh_swing.hiding(truth, found) == [True, False, False]
    assert thigh_swing.hiding(truth, truth) == [False] * 4


def test_a_pocket_is_turned_the_other_way_half_a_stride_later_a_trunk_is_alike_again() -> None:
    pocket = pocket_walk(12)
    full, half, _ = thigh_swing.alike(pocket.t, pocket.acc, pocket.steps[6:])
    assert min(full) > 0.9
    assert max(half) < 0.0
    trunk = trunk_walk(24)
    full, half, _ = thigh_swing.alike(trunk.t, trunk.acc, trunk.steps[12:])
    assert min(half) > 0.5


def test_a_locked_pocket_walks_row_marks_the_intervals_that_hide_a_step() -> None:
    w = pocket_walk(16)
    cells = thigh_swing.row("w", "FrontPocket", w.t, w.acc, w.steps)
    row = dict(zip(thigh_swing.HEADER, cells, strict=True))
    hidden, marked, right = (int(row[k]) for k in ("hide a step", "marked", "marked, hiding"))
    assert hidden >= 14  # one candidate a stride: nearly every interval hides the other leg's
    assert marked == right >= hidden - 3  # the first strides come before the swing is known
