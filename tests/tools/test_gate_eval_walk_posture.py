"""gate_eval's walk posture derived from walking (--walk-angles, --lodo --derived-walk-posture).

The derivation on synthetic walk angles; the recorder on synthetic candidates; and, on a small
subset of the daily-living wrists, that a leave-one-out choice depends on the training data
sets only (docs/walking_gate.md, "The walk posture from walking alone").
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

WRIST = GATE_PARAMS[Placement.WRIST]


def test_the_derived_walk_posture_is_the_loosest_data_sets_99th_percentile() -> None:
    # Each data set counts once, whatever its size: the small one that walks looser sets it.
    angles = {"big": np.linspace(0.0, 20.0, 10001), "small": np.linspace(0.0, 30.0, 101)}
    assert gate_eval.derive_walk_posture(angles) == pytest.approx(29.7)
    assert gate_eval.derive_walk_posture({"big": angles["big"]}) == pytest.approx(19.8)
    # The arm doing something else in one step of a few hundred does not move it.
    tail = np.array([10.0] * 995 + [150.0] * 5)
    assert gate_eval.derive_walk_posture({"a": tail}) == pytest.approx(10.0)
    # A data set without walking says nothing; none at all is an error, not a default.
    assert gate_eval.derive_walk_posture({"a": tail, "b": np.array([])}) == pytest.approx(10.0)
    with pytest.raises(ValueError, match="no walking"):
        gate_eval.derive_walk_posture({"b": np.array([])})
    with pytest.raises(ValueError, match="no walking"):
        gate_eval.derive_walk_posture({})


def _cand(t: float, degrees: float) -> StepEvent:
    """A wrist candidate whose forearm lies `degrees` from hanging (x axis), in the x-z plane."""
    r = math.radians(degrees)
    return cand(t, up=(math.cos(r), 0.0, math.sin(r)))


@pytest.mark.parametrize(
    ("same_posture", "kept"), [(math.cos(math.radians(30)), False), (-1, True)]
)
def test_the_recorder_sees_each_in_bout_candidates_walk_angle(
    same_posture: float, kept: bool
) -> None:
    gate = gate_eval.WalkAngles(Placement.WRIST, replace(WRIST, same_posture=same_posture))
    steps = [_cand(10.0 + 0.55 * i, 0.0) for i in range(8)] + [_cand(14.4, 40.0)]
    out = gate.add(steps)
    # The confirming run (six) is not in-bout (its angles are against its own mean); the three
    # after it are, the last 40 degrees off: kept under an open walk posture, ending the walk
    # at 30 degrees.
    assert [(s.t, round(a, 6)) for s, (_, a, _) in zip(steps[6:], gate.seen, strict=True)] == [
        (s.t, 0.0) for s in steps[6:8]
    ] + [(14.4, 40.0)]
    assert [k for _, _, k in gate.seen] == [True, True, kept]
    assert len(out) == 8 + kept
    # A pause ends the bout: the candidate after it is not in-bout.
    gate.add([_cand(40.0, 0.0)])
    assert len(gate.seen) == 3


def test_walk_angles_need_params_that_keep_the_walk_posture() -> None:
    """Opening same_posture also stops it keeping the bout's posture: the wrist's is kept for
    soft_walk_posture; params keeping none are refused, not measured as no walking at all."""
    unkept = replace(WRIST, soft_walk_posture=None)
    with pytest.raises(ValueError, match="keep a bout's walking posture"):
        gate_eval.WalkAngles(Placement.WRIST, replace(unkept, same_posture=-1.0))
    with pytest.raises(ValueError, match="keep a bout's walking posture"):
        gate_eval.walk_angles([], unkept)  # even with nothing to judge
    # A bout confirmed in posture keeps it for same_posture itself; the wrist's open rule for
    # soft_walk_posture; min_walk_posture keeps it too.
    gate_eval.WalkAngles(Placement.WRIST, unkept)
    gate_eval.WalkAngles(Placement.WRIST, replace(WRIST, same_posture=-1.0))
    gate_eval.WalkAngles(Placement.WRIST, replace(unkept, same_posture=-1.0, min_walk_posture=0.9))
    assert gate_eval.walk_angles([], WRIST) == {}


def _tilted(cached: gate_eval.Cached, degrees: float) -> gate_eval.Cached:
    """The stream's candidates with each "up" turned by +-`degrees` (alternately) about z."""
    stream, batches = cached
    out: list[list[StepEvent]] = []
    for k, batch in enumerate(batches):
        steps = []
        for i, step in enumerate(batch):
            if step.features is None:
                steps.append(step)
                continue
            r = math.radians(degrees if (k + i) % 2 else -degrees)
            x, y, z = step.features.up
            up = (x * math.cos(r) - y * math.sin(r), x * math.sin(r) + y * math.cos(r), z)
            features = replace(step.features, up=up)
            steps.append(replace(step, features=features))
        out.append(steps)
    return stream, out


def test_walk_angles_are_measured_with_the_walk_posture_open(
    wrists: list[gate_eval.Cached],
) -> None:
    """What is measured is not cut at the angle it is measured for; on a hanging forearm
    whatever cone the grid point tries."""
    angles = gate_eval.walk_angles(wrists, replace(WRIST, same_posture=math.cos(math.radians(10))))
    assert set(angles) == {"spsw", "umafall", "wisdm_reduced"}
    assert max(float(a.max()) for a in angles.values()) > 15.0
    hanging = WRIST.min_upright
    wide = gate_eval.with_derived_walk_posture(
        wrists, replace(WRIST, min_upright=0.5), hanging=hanging
    )
    assert wide[1] == gate_eval.with_derived_walk_posture(wrists, WRIST, hanging=hanging)[1]
    assert wide[0].min_upright == 0.5  # the point keeps its own cone for the gate itself
    assert wide[0].same_posture == pytest.approx(math.cos(math.radians(wide[1])))


def test_the_lodo_derivation_and_choice_use_the_training_data_sets_only(
    wrists: list[gate_eval.Cached],
) -> None:
    held = "spsw"
    train = [c for c in wrists if c[0].dataset != held]
    test = [c for c in wrists if c[0].dataset == held]
    tilted = [_tilted(c, 15.0) for c in test]
    hanging = WRIST.min_upright
    # The other held-out set walks differently: what it says about walking is not what spsw's
    # says (so it could move a choice that looked at it).
    own = gate_eval.with_derived_walk_posture(test, WRIST, hanging=hanging)[1]
    assert gate_eval.with_derived_walk_posture(tilted, WRIST, hanging=hanging)[1] > own + 10
    choices = [
        replace(WRIST, confirm_steps=n, min_upright=cone) for n in (4, 6) for cone in (0.5, 0.7071)
    ]
    picks = [
        gate_eval.choose(train, choices, derive=hanging, rows=rows)
        for rows in (
            None,  # rows of the training sets only
            lambda p: gate_eval.gate_rows(train + test, p),  # as lodo() computes them
            lambda p: gate_eval.gate_rows(train + tilted, p),  # another held-out set
        )
    ]
    assert all(p == picks[0] for p in picks)
    best = picks[0][0]

    # Rows of the held-out set that would ruin the choice made without them change nothing.
    def rigged(p: GateParams) -> list[gate_eval.Row]:
        ruin = gate_eval.Row(held, "wrist", 1.0, 10**6 if p == best else 0, 120.0, 110.0, 1)
        return [*gate_eval.gate_rows(train, p), ruin]

    assert gate_eval.choose(train, choices, derive=hanging, rows=rigged) == picks[0]
    assert best.same_posture == pytest.approx(
        gate_eval.with_derived_walk_posture(train, best, hanging=hanging)[0].same_posture
    )
    assert best.same_posture != WRIST.same_posture  # derived, not the shipped 30 degrees


def test_the_angles_left_one_out_need_two_data_sets() -> None:
    one = {"a": np.linspace(0.0, 20.0, 101)}
    assert gate_eval.derived_walk_postures(one) == [("all", pytest.approx(19.8))]
    two = one | {"b": np.linspace(0.0, 30.0, 101)}
    assert gate_eval.derived_walk_postures(two) == [
        ("all", pytest.approx(29.7)),
        ("without a", pytest.approx(29.7)),
        ("without b", pytest.approx(19.8)),
    ]
    with pytest.raises(ValueError, match="no walking"):
        gate_eval.derived_walk_postures({})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--derived-walk-posture"], "are --lodo checks"),
        (["--fixed-walk-posture"], "are --lodo checks"),
        (["--walk-angles", "--lodo"], "two different runs"),
        (["--shipped-cone"], "is a --lodo check"),
        (["--derived-cone"], "--derived-cone is a --lodo check"),
        (["--lodo", "--shipped-cone", "--derived-cone"], "two different checks"),
        (["--lodo", "--fixed-walk-posture", "--derived-walk-posture"], "two different checks"),
        # The jolt threshold derived from walking (--derived-jolt) comes with the walk posture.
        (["--lodo", "--derived-jolt"], "--lodo --derived-walk-posture check"),
        (["--derived-walk-posture", "--derived-jolt"], "are --lodo checks"),
        (["--lodo", "--derived-walk-posture", "--jolt-percentile", "2"], "--derived-jolt's"),
        (
            ["--lodo", "--derived-walk-posture", "--derived-jolt", "--jolt-percentile", "101"],
            "a percentile",
        ),
    ],
)
def test_options_that_would_be_ignored_are_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        gate_eval.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_the_walk_angle_table_of_one_data_set() -> None:
    """One data set's walking: derived from it alone, nothing to leave out (it used to raise)."""
    segments = daily.select(
        daily.read_labels(shared("daily-living")),
        datasets=["spsw"],
        locations=["wrist"],
        subjects=1,
    )
    table = gate_eval.walk_angle_table(segments)
    assert "derived walk posture: all " in table
    assert "without" not in table
    assert "| spsw | 45 |" in table
