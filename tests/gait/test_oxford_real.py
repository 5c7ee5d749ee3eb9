"""Step counting on every Oxford recording against the issue-12 goals, and the Oxford truth.

All 36 optimisation recordings at 50 and 100 Hz, through GaitEngine with its walking gate,
exactly as tools/bench/oxford.py runs them (tests/gait/test_trunk_real.py runs a subset at 50 and
100 Hz against the looser goals of the first issue, with each recording's steps' direction).
The detector was tuned on these recordings (docs/trunk_steps.md): this guards against
regressions; the figures on halves the parameters were not chosen on come from
tools/bench/oxford_split.py (docs/oxford_steps.md).

Goals (issue 12): median |count error| <= 2 % and worst <= 5 % in every position group. Truth:
foot strikes, the foot switches' onsets without a switch's flicker within one stance.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk import measured_swing
from custom_components.retrowalk.gait.trunk_params import shipped_params, smoothing_kernel
from tools.bench import oxford
from tools.bench.data import BATCH, data_dir, feed

FS = 50.0


def switches(*rows: tuple[float, int, int]) -> np.ndarray:
    """A stepcounter.csv from (time s, foot1, foot2) rows; times in ns as in the files."""
    return np.array([(t * 1e9, a, b) for t, a, b in rows], dtype=np.float64)


def test_a_switch_flickering_within_one_stance_is_not_a_step() -> None:
    # Foot 1 lands at 1.0, its switch opens for one 0.1 s sample at 1.2 and closes again; foot 2
    # lands at 1.5, foot 1 at 2.0.
    sc = switches(
        (0.8, 0, 0),
        (0.9, 0, 0),
        (1.0, 1, 0),
        (1.1, 1, 0),
        (1.2, 0, 0),
        (1.3, 1, 0),
        (1.4, 0, 0),
        (1.5, 0, 1),
        (1.6, 0, 1),
        (1.7, 0, 0),
        (2.0, 1, 0),
    )
    assert np.allclose(oxford.switch_onsets(sc) / 1e9, [1.0, 1.3, 1.5, 2.0])
    assert np.allclose(oxford.foot_strikes(sc) / 1e9, [1.0, 1.5, 2.0])


def test_a_short_opening_with_the_other_foot_landing_is_a_step() -> None:
    # Foot 1 lifts at 1.2 and is down again at 1.4, but foot 2 landed at 1.3 in between:
    # the feet alternated, so each onset is a step.
    sc = switches((0.9, 0, 0), (1.0, 1, 0), (1.2, 0, 0), (1.3, 0, 1), (1.4, 1, 1), (1.5, 1, 0))
    assert np.allclose(oxford.foot_strikes(sc) / 1e9, [1.0, 1.3, 1.4])


def test_the_same_foot_stepping_again_after_a_swing_is_a_step() -> None:
    # Foot 1 twice in a row (a shuffle while turning), the switch open for 0.4 s: a swing.
    sc = switches((0.9, 0, 0), (1.0, 1, 0), (1.2, 0, 0), (1.6, 1, 0), (1.8, 0, 0), (2.0, 0, 1))
    assert np.allclose(oxford.foot_strikes(sc) / 1e9, [1.0, 1.6, 2.0])


def test_switch_onsets_reproduce_the_published_totals() -> None:
    stats = data_dir("oxford-steps", "optimisation", "stats.csv")
    published = {
        row.split(",")[0].strip(): int(row.split(",")[6])
        for row in stats.read_text().splitlines()
        if row.strip() and not row.startswith("#")
    }
    flicker = 0
    for name, _ in oxford.recordings():
        path = data_dir("oxford-steps", "optimisation", "data", name, "stepcounter.csv")
        sc = np.loadtxt(path, delimiter=",", ndmin=2)
        onsets = len(oxford.switch_onsets(sc))
        assert onsets == published[name], name
        flicker += onsets - len(oxford.foot_strikes(sc))
    assert len(published) == 36
    # Flicker is rare (under 1 % of the onsets): the truth is the switches', not re-made.
    assert 0 < flicker <= 0.01 * sum(published.values())


@pytest.fixture(scope="module", params=[FS, 2 * FS], ids=["50Hz", "100Hz"])
def results(request: pytest.FixtureRequest) -> list[oxford.Result]:
    """Both rates the bench reports (2026-12-05: trunk 0.9 / 2.2 %, hand-held 0.4 / 1.6 % at 50
    Hz; at 100 Hz within a tenth of a point)."""
    fs = float(request.param)
    return [oxford.run(name, pos, fs) for name, pos in oxford.recordings()]


@pytest.mark.parametrize(("title", "placements"), oxford.GROUPS)
def test_every_position_group_meets_the_goals(
    results: list[oxford.Result], title: str, placements: tuple[Placement, ...]
) -> None:
    group = [r for r in results if r.placement in placements]
    assert len(group) == (20 if Placement.WRIST in placements else 16), title
    errors = {r.name: round(100 * r.error, 1) for r in group}
    assert float(np.median([abs(e) for e in errors.values()])) <= 2.0, errors
    assert max(abs(e) for e in errors.values()) <= 5.0, errors
    assert min(r.f1 for r in group) >= 0.95, title


def trunk_steps(batch: int = BATCH) -> list[tuple[np.ndarray, np.ndarray]]:
    """(true steps, counted steps) on every trunk recording, gate as configured now."""
    trunk = dict(oxford.GROUPS)["waist-like (trunk)"]
    out = []
    for name, pos in oxford.recordings():
        placement = oxford.PLACEMENT[pos]
        if placement not in trunk:
            continue
        t, acc, truth, _ = oxford.load(name, FS)
        steps = feed(GaitEngine(placement), t, acc, None, batch)
        out.append((truth, np.array([s.t for s in steps])))
    return out


def test_phone_handling_around_a_trunk_walk_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Steps counted while both feet stood, before the first true step or after the last: the
    # phone being put into a pocket, purse or pouch or taken out. The walking posture rules
    # (GateParams.min_walk_posture and run_posture at the waist and chest) drop the turned ones.
    def outside(runs: list[tuple[np.ndarray, np.ndarray]]) -> int:
        return sum(
            int(np.sum(found < truth[0] - oxford.MATCH_S))
            + int(np.sum(found > truth[-1] + oxford.MATCH_S))
            for truth, found in runs
        )

    def off(runs: list[tuple[np.ndarray, np.ndarray]]) -> int:
        return sum(abs(len(found) - len(truth)) for truth, found in runs)

    ruled = trunk_steps()
    shipped = {p: GATE_PARAMS[p] for p in (Placement.WAIST, Placement.CHEST)}
    for placement, params in shipped.items():
        monkeypatch.setitem(GATE_PARAMS, placement, replace(params, run_posture=None))
    loose = trunk_steps()
    for placement, params in shipped.items():
        bare = replace(params, run_posture=None, min_walk_posture=None)
        monkeypatch.setitem(GATE_PARAMS, placement, bare)
    unruled = trunk_steps()
    assert len(ruled) == 16
    # 2026-12-05 (this checkout, the test's batching): 43 with both rules, 55 with
    # min_walk_posture alone, 65 with neither; total |count error| 45, 46 and 59 steps.
    assert outside(ruled) < outside(loose) <= 0.9 * outside(unruled)
    assert off(loose) < off(unruled)
    assert off(ruled) < off(unruled)


def test_the_trunk_posture_rule_does_not_depend_on_batching() -> None:
    # Two recordings where the rule acts (NeckPouch_2 before its walk, Purse_1 after it): the
    # same steps whatever the batch size (docs/batch_invariance.md).
    names = ("Pixel_Jamie_Hard_NeckPouch_2", "Pixel_Jamie_Hard_Purse_1")
    positions = dict(oxford.recordings())
    for name in names:
        t, acc, _, _ = oxford.load(name, FS)
        placement = oxford.PLACEMENT[positions[name]]
        times = [
            [s.t for s in feed(GaitEngine(placement), t, acc, None, batch)]
            for batch in (1, 7, BATCH, 333)
        ]
        assert all(x == times[0] for x in times[1:]), name


@pytest.mark.parametrize(
    ("name", "swings"),
    [
        ("Samsung_Carmelo_Hard_FrontPocket_1", True),
        ("Pixel_Jamie_Hard_BackPocket_1", True),
        ("Samsung_Carmelo_Hard_NeckPouch_1", False),
        ("Pixel_Jamie_Hard_Purse_2", False),
    ],
)
def test_a_trouser_pocket_swings_once_a_stride_a_pouch_or_purse_does_not(
    name: str, swings: bool
) -> None:
    # The thigh's swing as the detector measures it (docs/walking_gate.md, "The thigh's swing"),
    # over the 4 s before each foot strike: a pocket turns with the thigh once a stride (a swing
    # at 93-98 % of the Oxford pockets' steps), a neck pouch or purse bounces once a step (0-19 %:
    # a purse swings now and then).
    t, acc, truth, _ = oxford.load(name, FS)
    p = shipped_params(Placement.THIGH)
    kernel = smoothing_kernel(p, FS)
    n = round(p.swing_window_s * FS)
    ends = np.searchsorted(t, truth, side="right")
    measured = [measured_swing(acc[:e], FS, kernel, p) for e in ends.tolist() if e >= n]
    share = sum(x is not None for x in measured) / len(measured)
    if swings:
        assert share >= 0.8
        found = [x for x in measured if x is not None]
        assert 0.9 <= float(np.median(found)) <= 1.4  # a walking stride
    else:
        assert share <= 0.25
