"""gate_eval's jolt threshold derived from walking (--lodo --derived-walk-posture --derived-jolt).

The derivation on synthetic run jolts; the run's typical jolt as the gate takes it; the recorder
and walking's runs on a synthetic stream; and, on a small subset of the daily-living wrists, that
what is derived depends neither on the point's own jolt nor its cone (docs/walking_gate.md, "The
jolt threshold from walking alone").
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from tools.bench import daily, gate_eval
from tools.bench.data import BATCH

from ..data import shared
from ..gait.test_gate import HANGING, cand

WRIST = GATE_PARAMS[Placement.WRIST]
IN_FRONT = (0.0, 0.0, 1.0)  # the forearm level: out of the hanging cone


def test_the_derived_jolt_is_the_softest_data_sets_1st_percentile() -> None:
    # Each data set counts once, whatever its size: the small one that walks softer sets it.
    jolts = {"big": np.linspace(2.0, 4.0, 10001), "small": np.linspace(1.0, 3.0, 101)}
    assert gate_eval.WALK_JOLT_PERCENTILE == 1.0
    assert gate_eval.derive_walk_jolt(jolts) == pytest.approx(1.02)
    assert gate_eval.derive_walk_jolt({"big": jolts["big"]}) == pytest.approx(2.02)
    # A few soft runs in a thousand (a shuffle, a label edge) do not move it.
    tail = np.array([0.1] * 5 + [1.5] * 995)
    assert gate_eval.derive_walk_jolt({"a": tail}) == pytest.approx(1.5)
    # Another percentile, for the sensitivity check only.
    assert gate_eval.derive_walk_jolt(jolts, 50.0) == pytest.approx(2.0)
    # A data set without walking says nothing; none at all is an error, not a default.
    assert gate_eval.derive_walk_jolt({"a": tail, "b": np.array([])}) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="no walking"):
        gate_eval.derive_walk_jolt({"b": np.array([])})
    with pytest.raises(ValueError, match="no walking"):
        gate_eval.derive_walk_jolt({})


def test_a_runs_typical_jolt_is_what_the_gate_compares() -> None:
    jolts = np.array([2.0, 0.5, 3.0, 1.0, 4.0])
    # The wrist (jolt_every_step off): the median of each run of n in a row.
    assert gate_eval.run_jolts(jolts, 3).tolist() == [2.0, 1.0, 3.0]
    assert gate_eval.run_jolts(jolts, 4).tolist() == [1.5, 2.0]
    # The trunk and thigh: every step must reach it, so the run's smallest.
    assert gate_eval.run_jolts(jolts, 3, every_step=True).tolist() == [0.5, 0.5, 1.0]
    # Fewer steps than a run: no run.
    assert len(gate_eval.run_jolts(jolts, 6)) == 0
    assert len(gate_eval.run_jolts(np.array([]), 1)) == 0
    assert len(gate_eval.run_jolts(jolts, 0)) == 0


def _walk(
    n: int, start: float, amplitude: float, up: tuple[float, float, float] = HANGING
) -> list[StepEvent]:
    return [cand(start + 0.55 * i, amplitude=amplitude, up=up) for i in range(n)]


def test_the_recorder_numbers_hanging_walks_and_skips_the_rest() -> None:
    gate = gate_eval.WalkJolts(Placement.WRIST, replace(WRIST, min_amplitude=0.0))
    first = _walk(8, 10.0, 2.0)
    gate.add(first)
    # A pause ends the walk; the next one is the second.
    second = _walk(7, 30.0, 1.5)
    gate.add(second)
    # A walk with the hand in front (confirmed through the longer unposed run) is not hanging.
    front = _walk(12, 60.0, 3.0, up=IN_FRONT)
    assert len(gate.add(front)) == 12
    assert gate.seen == [(s.t, 2.0, 1) for s in first] + [(s.t, 1.5, 2) for s in second]
    assert gate.walks == 2
    # A soft walk under the shipped threshold is never confirmed: nothing to record.
    shipped = gate_eval.WalkJolts(Placement.WRIST, WRIST)
    shipped.add(_walk(8, 10.0, 0.5))
    assert shipped.seen == []


def _segment(name: str, activity: str, start: float, duration: float) -> daily.Segment:
    expected = "yes" if activity == "walking" else "no"
    return daily.Segment(
        name, "synthetic", "s1", "wrist", activity, expected == "yes", expected, duration,
        50.0, False, "0", start, "f",
    )  # fmt: skip


def _cached(steps: list[StepEvent], segments: list[daily.Segment]) -> gate_eval.Cached:
    """A 50 Hz stream spanning `segments` with `steps` handed over in the engine's batches."""
    end = max(s.start_s + s.duration_s for s in segments)
    t = np.arange(0.0, end, 0.02, dtype=np.float64)
    stream = daily.Stream("k", "synthetic", "wrist", t, np.zeros((len(t), 3)), None, [])
    stream.segments = [(s, s.start_s) for s in segments]
    batches: list[list[StepEvent]] = []
    for lo in range(0, len(t), BATCH):
        hi = min(lo + BATCH, len(t))
        batches.append([s for s in steps if t[lo] <= s.t <= t[hi - 1]])
    return stream, [*batches, []]


def test_walking_runs_are_measured_inside_plain_walking_with_the_jolt_open() -> None:
    # One hanging walk of soft steps (under the shipped 1 m/s^2: measured all the same) that
    # goes on from a walking segment into a standing one, whose steps are not walking's.
    jolts = [0.6, 0.8, 0.7, 0.9, 0.5, 0.8, 0.6, 0.7, 0.9, 0.8, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    steps = [cand(2.0 + 0.55 * i, amplitude=a, up=HANGING) for i, a in enumerate(jolts)]
    segments = [_segment("w", "walking", 0.0, 7.5), _segment("s", "standing", 7.5, 12.5)]
    got = gate_eval.walk_jolts([_cached(steps, segments)], WRIST)
    inside = [s.features.amplitude for s in steps if s.t < 7.5 and s.features is not None]
    assert len(inside) == 10  # the rest (3.0 m/s^2) fall in the standing segment
    assert got["synthetic"].tolist() == pytest.approx(
        gate_eval.run_jolts(np.array(inside), WRIST.confirm_steps).tolist()
    )
    assert float(got["synthetic"].max()) < 1.0
    # Runs are the point's own length; too short a walking stretch for them says nothing.
    longer = gate_eval.walk_jolts([_cached(steps, segments)], replace(WRIST, confirm_steps=8))
    assert len(longer["synthetic"]) == 10 - 8 + 1
    only_standing = [_segment("s", "standing", 0.0, 20.0)]
    assert gate_eval.walk_jolts([_cached(steps, only_standing)], WRIST) == {}


def test_walking_runs_lie_inside_one_walk() -> None:
    """Two walks in one walking segment, a pause between them: no run spans the pause, and
    walks too soft for the point's own jolt are measured (the rule open)."""
    soft = [cand(2.0 + 0.55 * i, amplitude=0.6, up=HANGING) for i in range(8)]
    firm = [cand(20.0 + 0.55 * i, amplitude=2.0, up=HANGING) for i in range(8)]
    segments = [_segment("w", "walking", 0.0, 30.0)]
    got = gate_eval.walk_jolts([_cached(soft + firm, segments)], WRIST)["synthetic"]
    assert sorted(got.tolist()) == [0.6] * 3 + [2.0] * 3


def test_the_derived_jolt_is_neither_the_points_own_nor_its_cones(
    wrists: list[gate_eval.Cached],
) -> None:
    """Walking is measured with the jolt rule open and on a hanging forearm: the point's own
    jolt and cone do not move what is derived; the point keeps its cone for the gate."""
    hanging = WRIST.min_upright
    params, angle, jolt = gate_eval.with_derived_jolt(wrists, WRIST, hanging=hanging)
    assert params.min_amplitude == jolt
    assert params.same_posture == pytest.approx(math.cos(math.radians(angle)))
    assert 0.5 < jolt < 3.0  # a heel strike at the wrist, not a default
    for other in (replace(WRIST, min_amplitude=5.0), replace(WRIST, min_upright=0.5)):
        derived = gate_eval.with_derived_jolt(wrists, other, hanging=hanging)
        assert derived[1:] == (angle, jolt)
        assert derived[0].min_upright == other.min_upright
    # Measured, it is the stated percentile of walking's runs.
    measured = replace(params, min_upright=hanging)
    assert jolt == gate_eval.derive_walk_jolt(gate_eval.walk_jolts(wrists, measured))
    median = gate_eval.with_derived_jolt(wrists, WRIST, hanging=hanging, percentile=50.0)[2]
    assert median > jolt


def test_the_choice_with_a_derived_jolt_uses_the_training_data_sets_only(
    wrists: list[gate_eval.Cached],
) -> None:
    held = "umafall"
    train = [c for c in wrists if c[0].dataset != held]
    hanging = WRIST.min_upright
    choices = [replace(WRIST, confirm_steps=n) for n in (4, 6)]
    best, tied = gate_eval.choose(train, choices, derive=hanging, jolt_percentile=1.0, rows=None)

    # Rows of the held-out set that would ruin the choice made without them change nothing.
    def rigged(p: GateParams) -> list[gate_eval.Row]:
        ruin = gate_eval.Row(held, "wrist", 1.0, 10**6 if p == best else 0, 120.0, 110.0, 1)
        return [*gate_eval.gate_rows(train, p), ruin]

    again = gate_eval.choose(train, choices, derive=hanging, jolt_percentile=1.0, rows=rigged)
    assert again == (best, tied)
    derived = gate_eval.with_derived_jolt(train, best, hanging=hanging)[0]
    assert best.min_amplitude == derived.min_amplitude != WRIST.min_amplitude
    with pytest.raises(ValueError, match="hanging forearm"):
        gate_eval.choose(train, choices, jolt_percentile=1.0)


def test_the_jolt_is_derived_only_with_the_walk_posture() -> None:
    with pytest.raises(ValueError, match="walk_posture='derived'"):
        gate_eval.lodo([], walk_posture="fixed", jolt_percentile=1.0)


def test_the_lodo_table_derives_the_jolt_instead_of_choosing_it() -> None:
    """One subject per wrist data set: the jolt leaves the grid, each row names the jolt it
    derived, and the table ends with what walking derives at the shipped constants."""
    segments = daily.select(
        daily.read_labels(shared("daily-living")), locations=["wrist"], subjects=1
    )
    table = gate_eval.lodo(segments, walk_posture="derived", jolt_percentile=1.0)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "wrist" in line]
    assert len(rows) == 3
    assert all("(derived; shipped 1.0)" in r for r in rows)
    assert not any("min_amplitude=0.0" in r or "min_amplitude=1.5" in r for r in rows)
    (footer,) = [line for line in table.splitlines() if line.startswith("wrist: jolt threshold")]
    assert "percentile 1 of walking runs' typical jolt" in footer
    assert "all " in footer and "without spsw" in footer


def test_the_lodo_table_can_keep_the_hanging_cone_as_shipped() -> None:
    """--shipped-cone: the wrist's hanging cone leaves the grid; every held-out row keeps it."""
    segments = daily.select(
        daily.read_labels(shared("daily-living")), locations=["wrist"], subjects=1
    )
    for cone, expect_grid in ((True, False), (False, True)):
        table = gate_eval.lodo(segments, walk_posture="fixed", shipped_cone=cone)
        rows = [line for line in table.splitlines() if line.startswith("| ") and "wrist" in line]
        assert len(rows) == 3
        assert all(("min_upright=" in r) is expect_grid for r in rows)
    # The grid's rows name the cone they chose, from the grid's values only.
    chosen = [r.split("min_upright=")[1].split()[0].rstrip(",") for r in rows]
    assert all(float(c) in gate_eval.POSTURE_GRID["min_upright"] for c in chosen)


def test_the_lodo_table_derives_from_the_training_data_sets_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No held-out leak in the wiring: every choice is made on the other data sets only (a
    spy on choose), and the footer's "without X" is what walking derives without X."""
    segments = daily.select(
        daily.read_labels(shared("daily-living")), locations=["wrist"], subjects=1
    )
    seen: list[set[str]] = []
    real_choose = gate_eval.choose

    def spy(train: list[gate_eval.Cached], *args: object, **kwargs: object) -> object:
        seen.append({stream.dataset for stream, _ in train})
        return real_choose(train, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gate_eval, "choose", spy)
    table = gate_eval.lodo(segments, walk_posture="derived", jolt_percentile=1.0)
    names = {"spsw", "umafall", "wisdm_reduced"}
    assert sorted(sorted(names - s) for s in seen) == [[n] for n in sorted(names)]

    cached = [
        (stream, daily.engine_batches(stream, gated=False))
        for stream in daily.build_streams(segments, shared("daily-living"))
    ]
    base = GATE_PARAMS[Placement.WRIST]

    def derived(train: list[gate_eval.Cached]) -> str:
        _, _, jolt = gate_eval.with_derived_jolt(
            train, base, hanging=base.min_upright, percentile=1.0
        )
        return f"{jolt:.2f} m/s^2"

    (footer,) = [line for line in table.splitlines() if line.startswith("wrist: jolt threshold")]
    assert f"all {derived(cached)}" in footer
    without = {n: derived([c for c in cached if c[0].dataset != n]) for n in names}
    assert all(f"without {n} {jolt}" in footer for n, jolt in without.items())
    # The check can tell: leaving out some data set moves the derived jolt.
    assert set(without.values()) != {derived(cached)}
