"""tools/bench/wrist_unposed.py: which runs it records, and what its features measure."""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.types import STANDARD_GRAVITY
from tools.bench import daily, wrist_unposed as wu

from ..data import shared
from ..gait.test_gate import cand

FS = 100.0
HANGING = (1.0, 0.0, 0.0)  # the forearm (x) vertical
IN_FRONT = (0.0, 0.0, 1.0)  # the forearm level, the watch face up


@pytest.mark.parametrize(("up", "recorded"), [(IN_FRONT, True), (HANGING, False)])
def test_only_walks_confirmed_with_the_hand_out_of_the_hanging_cone_are_recorded(
    up: tuple[float, float, float], recorded: bool
) -> None:
    gate = wu.UnposedRuns(Placement.WRIST)
    counted = gate.add([cand(0.55 * i, up=up) for i in range(14)])
    assert len(counted) == 14  # both confirm, the hanging one sooner
    need = GATE_PARAMS[Placement.WRIST].unposed_steps
    assert [len(r) for r in gate.runs] == ([need] if recorded else [])
    assert gate.counted == ([14] if recorded else [])
    if recorded:
        assert gate.runs[0][0].t == pytest.approx(0.0)  # the confirming run itself


def test_an_irregular_hand_in_front_run_is_not_recorded() -> None:
    gate = wu.UnposedRuns(Placement.WRIST)
    times = np.cumsum([0.3, 0.9] * 7)
    assert gate.add([cand(float(t), up=IN_FRONT) for t in times]) == []
    assert gate.runs == []


def _signal(direction: tuple[float, float, float], hz: float) -> tuple[np.ndarray, np.ndarray]:
    """10 s of a watch whose "up" is +z, shaken at `hz` along `direction` (3 m/s^2)."""
    t = np.arange(0.0, 10.0, 1 / FS)
    shake = 3.0 * np.sin(2 * math.pi * hz * t)
    acc = np.outer(shake, direction) + np.array([0.0, 0.0, STANDARD_GRAVITY])
    return t, acc


def test_vertical_share_tells_a_bounce_along_gravity_from_a_sideways_scrub() -> None:
    t, up_down = _signal((0.0, 0.0, 1.0), 2.0)
    _, sideways = _signal((1.0, 0.0, 0.0), 2.0)
    assert wu.vertical_share(t, up_down, 5.0, (0.0, 0.0, 1.0)) == pytest.approx(1.0, abs=0.01)
    assert wu.vertical_share(t, sideways, 5.0, (0.0, 0.0, 1.0)) == pytest.approx(0.0, abs=0.01)
    assert wu.vertical_share(t, up_down, 50.0, (0.0, 0.0, 1.0)) is None  # no data there


@pytest.mark.parametrize("hz", [1.8, 4.0])
def test_crossings_count_the_vertical_signals_own_rhythm(hz: float) -> None:
    t, acc = _signal((0.0, 0.0, 1.0), hz)
    # Two crossings per cycle over 5 s; the edges of the span may add or miss one.
    assert wu.mean_crossings(t, acc, 2.0, 7.0) == pytest.approx(2 * hz * 5.0, abs=1.0)


def test_posture_spread_is_the_largest_angle_from_the_mean() -> None:
    tilt = math.radians(10.0)
    ups = [(0.0, 0.0, 1.0), (0.0, math.sin(tilt), math.cos(tilt))]
    assert wu.posture_spread(ups) == pytest.approx(5.0, abs=0.01)


def test_measure_and_table_summarise_a_run() -> None:
    t, acc = _signal((0.0, 0.0, 1.0), 2.0)
    run = [cand(2.0 + 0.5 * i, up=(0.0, 0.0, 1.0)) for i in range(10)]
    r = wu.measure("x walking", run, t, acc)
    assert r is not None
    assert r.vertical == pytest.approx(1.0, abs=0.01)
    assert r.interval == pytest.approx(0.5)
    assert r.jolt == pytest.approx(3.0)
    assert r.crossings == pytest.approx(2.0, abs=0.2)  # one 2 Hz cycle per 0.5 s candidate
    assert r.rhythm == pytest.approx(2.0, abs=0.2)
    assert r.spread == pytest.approx(0.0, abs=1e-6)
    lines = wu.table([r, replace(r, jolt=5.0, counted=7)])
    assert lines[1].split()[:4] == ["x", "walking", "2", "7"]
    assert lines[1].split()[10:13] == ["3.00", "4.00", "5.00"]  # jolt: min, median, max
    assert wu.measure("x", run[:1], t, acc) is None


def test_emulate_counts_what_a_rule_refuses_of_real_walking_and_of_the_virtual_brushing() -> None:
    base = wu.Run("oxford InHand", 0.5, 0.55, 2.0, 2.0, 1.8, 5.0, counted=100)
    runs = [
        base,
        replace(base, source="wisdm_reduced jogging", rhythm=3.2, counted=20),
        replace(base, source="wisdm_reduced no", rhythm=3.5, counted=9),  # not walking
        replace(base, source="virtual brush", rhythm=3.4, counted=30),
        replace(base, source="virtual brush", rhythm=3.0, counted=10),
    ]
    lines = wu.emulate(runs, [("fast", lambda r: r.rhythm > 3.1)])
    assert lines[1].split()[:5] == ["fast", "1", "runs", "20", "steps"]  # the jog, not "no"
    assert lines[1].endswith("1 of 2 runs, 30 of 40 steps")


def _segment(name: str, activity: str, expected: str, start: float) -> daily.Segment:
    return daily.Segment(
        name, "wisdm_reduced", "s1", "wrist", activity, expected == "yes", expected, 10.0,
        20.0, False, "0", start, "f",
    )  # fmt: skip


def test_a_run_is_labelled_by_the_segment_its_time_falls_in() -> None:
    empty = np.empty(0)
    segments = [
        _segment("a", "jogging", "yes", 0.0),
        _segment("b", "stairs", "yes", 10.0),
        _segment("c", "sitting", "no", 20.0),
    ]
    stream = daily.Stream("k", "wisdm_reduced", "wrist", empty, empty, None, [])
    stream.segments = [(s, s.start_s) for s in segments]
    assert [wu.label(stream, t) for t in (5.0, 15.0, 25.0, 35.0)] == [
        "jogging",
        "walking",
        "no",
        "outside",
    ]


def test_a_synthetic_hand_in_front_walk_through_the_detector_makes_a_vertical_run() -> None:
    """30 s of 1.8 Hz heel-strike bounces along gravity, the forearm level: the detector's
    candidates confirm through the unposed path, and the run reads vertical at about 1.8 Hz."""
    t = np.arange(0.0, 30.0, 1 / 50.0, dtype=np.float64)
    phase = 2 * math.pi * 1.8 * t
    bounce = 2.5 * np.sin(phase) + 1.0 * np.sin(2 * phase)
    acc = np.outer(STANDARD_GRAVITY + bounce, IN_FRONT).astype(np.float64)
    runs = wu.gate_runs("synthetic walking", t, acc, None)
    assert len(runs) == 1
    (r,) = runs
    assert r.vertical > 0.95
    assert r.interval == pytest.approx(1 / 1.8, abs=0.03)
    assert r.rhythm == pytest.approx(1.8, abs=0.2)
    assert r.counted > 40  # the whole walk, from its first step


def test_real_subset_non_walking_never_reaches_the_unposed_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """First two subjects per daily-living data set, with a minute of virtual arm work: no
    non-walking run is confirmed out of the cone, WISDM jogging is (bent arms)."""
    shared("daily-living")
    wu.main(["--subjects", "2", "--no-oxford", "--virtual-seconds", "60"])
    out = capsys.readouterr().out
    assert "steps expected: no): 0.2 h, 0 unposed runs" in out
    assert any(line.startswith("wisdm_reduced jogging") for line in out.splitlines())
    assert not any(line.split()[:2] == ["wisdm_reduced", "no"] for line in out.splitlines())
    assert "rhythm > 3.3 Hz (200 steps/min)" in out


def test_every_run_is_recorded_with_its_posture_on_request() -> None:
    """With every=True the hanging-arm runs are recorded too, each flagged; without, none is."""
    walk = [cand(0.55 * i, up=HANGING) for i in range(14)]
    front = [cand(30.0 + 0.55 * i, up=IN_FRONT) for i in range(14)]
    only = wu.UnposedRuns(Placement.WRIST)
    only.add([*walk, *front])
    every = wu.UnposedRuns(Placement.WRIST, every=True)
    every.add([*walk, *front])
    assert only.posed_runs == [False] and only.counted == [14]
    assert every.posed_runs == [True, False] and every.counted == [14, 14]
    need = GATE_PARAMS[Placement.WRIST]
    assert [len(r) for r in every.runs] == [need.confirm_steps, need.unposed_steps]
