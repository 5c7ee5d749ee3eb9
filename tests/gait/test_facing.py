"""Which way a foot sensor faces, from each stride's pitch (gait/facing.py), and what it changes.

The synthetic cases test the rule; the real ones (UCI foot runs, Bandai motion capture at the
foot) test that it holds on walking it was not built from, as tools/bench/facing.py measures.
These fail, not skip, when ../shared/data is missing.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, GaitEngine, Placement
from custom_components.retrowalk.gait.facing import toes_ahead
from custom_components.retrowalk.gait.heading import ForwardAxis
from tools.bench import facing as bench

from ..data import shared
from .synth import engine_steps, walk

LEVEL = np.eye(3)


def _near(angle: float | None, target: float) -> bool:
    return angle is not None and abs(math.remainder(angle - target, 2 * math.pi)) < 0.1


def _pitching(degrees: list[float], n: int = 100) -> np.ndarray:
    """Quaternions of a sensor pitching about its y axis through the given angles (x tilts
    down for a positive angle), interpolated over n samples."""
    a = np.radians(np.interp(np.linspace(0, len(degrees) - 1, n), range(len(degrees)), degrees))
    q = np.zeros((n, 4))
    q[:, 0], q[:, 2] = np.cos(a / 2), np.sin(a / 2)
    return q


@pytest.mark.parametrize(
    ("profile", "travel", "expected"),
    [
        ([0, 60, -20, 0], (1.0, 0.0), 1.0),  # toes down 60, up 20, travelling toes first
        ([0, 60, -20, 0], (-1.0, 0.0), -1.0),  # the same foot travelling heel first
        ([0, 30, -20, 0], (0.4, 0.0), 0.5),  # 10 degrees of difference: half a vote
        ([0, 30, -30, 0], (1.0, 0.0), 0.0),  # as far down as up: no vote
        ([0, 60, -20, 0], (0.0, 0.0), 0.0),  # no travel: nothing to be ahead of
        ([0, 60, -20, 0], (math.nan, 0.0), 0.0),
    ],
)
def test_the_end_that_tilts_further_down_is_the_toes(
    profile: list[float], travel: tuple[float, float], expected: float
) -> None:
    cue = toes_ahead(_pitching(profile), LEVEL, np.array([*travel, 0.0]))
    assert cue == pytest.approx(expected, abs=0.02)


def test_a_stride_with_its_toes_behind_votes_for_the_opposite_way() -> None:
    axis = ForwardAxis()
    for _ in range(5):
        axis.observe(0.3, 1.0, -1.0)
    assert _near(axis.forward(), 0.3 + math.pi)
    assert axis.classify(0.3)[0] is Direction.BACKWARD


def test_the_cue_weighs_the_vote_and_no_cue_is_no_vote() -> None:
    axis = ForwardAxis()
    axis.observe(0.0, 1.0, 0.0)  # a stride that tilted as far down as up
    axis.observe(math.pi, 1.0, None)  # where it went, with nothing to say which way it faced
    assert _near(axis.forward(), math.pi)
    for _ in range(3):
        axis.observe(0.0, 1.0, 0.5)  # three half votes outweigh the one whole
    assert _near(axis.forward(), 0.0)


def test_an_empty_axis_takes_a_first_stride_with_its_toes_behind_for_backward() -> None:
    assert ForwardAxis().classify(1.0, -0.5)[0] is Direction.BACKWARD
    assert ForwardAxis().classify(1.0, -0.2)[0] is Direction.FORWARD  # not clear enough
    assert ForwardAxis().classify(1.0, 0.7)[0] is Direction.FORWARD
    assert ForwardAxis().classify(1.0)[0] is Direction.FORWARD


def test_a_calibration_walk_keeps_where_its_strides_went() -> None:
    axis = ForwardAxis()
    axis.start_calibration()
    for _ in range(5):
        axis.observe(0.4, 1.0, -1.0)  # a cue wrong for every stride of the known-forward walk
    axis.stop_calibration()
    assert axis.calibrated
    assert axis.forward() == pytest.approx(0.4)


def test_a_fresh_engine_labels_a_first_backward_walk_backward() -> None:
    back = walk(["backward"] * 10)
    steps = engine_steps(GaitEngine(Placement.FOOT), back.t, back.acc, back.gyro)
    assert len(steps) == 20
    # The first stride, from standing, has no say (below) and is forward by convention.
    assert [s.direction for s in steps[2:]] == [Direction.BACKWARD] * 18


def test_the_shank_has_no_toes_and_learns_where_it_went() -> None:
    back = walk(["backward"] * 10)
    steps = engine_steps(GaitEngine(Placement.SHANK), back.t, back.acc, back.gyro)
    assert len(steps) >= 18
    assert {s.direction for s in steps} == {Direction.FORWARD}


def test_real_walks_keep_their_direction_through_a_long_backward_walk(uci_dir: Path) -> None:
    assert uci_dir.is_dir()
    cues = {d: bench.Tally() for d in (Direction.FORWARD, Direction.BACKWARD)}
    cold = {d: bench.Tally() for d in (Direction.FORWARD, Direction.BACKWARD)}
    rows = bench.uci_rows(cues, cold)
    assert len(rows) == 18
    for run, back, after in rows:
        # Five backward walks after one forward: before facing.py, 30-83 % stayed backward
        # and 0-68 % of the forward walk after them forward.
        assert back.share(Direction.BACKWARD) >= 0.95, run
        assert after.share(Direction.FORWARD) >= 0.95, run
    # A fresh engine's first walk backward: 0 % before (the first stride defined forward).
    assert cold[Direction.BACKWARD].share(Direction.BACKWARD) >= 0.8
    assert cold[Direction.FORWARD].share(Direction.FORWARD) >= 0.97
    assert cues[Direction.FORWARD].right >= 0.97 * cues[Direction.FORWARD].total
    assert cues[Direction.BACKWARD].right >= 0.6 * cues[Direction.BACKWARD].total


def test_motion_capture_backward_walks_face_forward() -> None:
    assert shared("bandai-mocap").is_dir()
    cues = {d: bench.Tally() for d in (Direction.FORWARD, Direction.BACKWARD)}
    cold = {d: bench.Tally() for d in (Direction.FORWARD, Direction.BACKWARD)}
    bench.bandai_tallies(cues, cold)
    assert cold[Direction.BACKWARD].share(Direction.BACKWARD) >= 0.95
    assert cold[Direction.FORWARD].share(Direction.FORWARD) >= 0.95
    assert cues[Direction.BACKWARD].right >= 0.95 * cues[Direction.BACKWARD].total


def test_a_stride_that_says_nothing_leaves_an_empty_axis_empty() -> None:
    axis = ForwardAxis()
    axis.observe(0.7, 1.0, 0.0)
    assert axis.forward() is None
    assert axis.classify(2.0)[0] is Direction.FORWARD  # the first stride's convention still holds


def test_a_stride_from_standing_does_not_vote() -> None:
    # A walk's first stride lifts off without a rolling stance's push-off: HuGaDB's walk starts
    # point the toes either way. Here every stride but the first starts from a 0.45 s stance.
    engine = GaitEngine(Placement.FOOT)
    w = walk(["backward"] * 3, lead=1.5)
    engine_steps(engine, w.t, w.acc, w.gyro)
    hist = engine.to_dict()["detector"]["axis"]["hist"]
    votes = sum(hist)
    assert 1.5 < votes < 2.5  # two whole votes: the second and third strides
