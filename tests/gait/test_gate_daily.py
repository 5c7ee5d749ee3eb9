"""The walking gate on real everyday recordings: a CI-sized subset of ../shared/data/daily-living.

The first three subjects of each data set (HAPT waist, spsw pocket and wrist, UMAFall at five
locations, WISDM wrist), streamed as the daily table (tools/bench/daily.py) and
tools/bench/gate_eval.py do for the full set. The full figures, leave-one-data-set-out, are in
docs/walking_gate.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray
from custom_components.retrowalk.gait.gate import GATE_PARAMS
from tools.bench import daily, gate_eval

from ..data import shared

SUBJECTS = 3


@pytest.fixture(scope="module")
def counted() -> list[tuple[daily.Segment, FloatArray]]:
    segments = daily.select(daily.read_labels(shared("daily-living")), subjects=SUBJECTS)
    return gate_eval.counted(segments)


def test_subset_covers_every_location_and_data_set(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    seen = {(s.dataset, s.location) for s, _ in counted}
    assert len(seen) == 9
    assert {loc for _, loc in seen} == set(daily.LOCATIONS)


def test_false_steps_per_hour_of_non_walking_meet_the_goals(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    for row in gate_eval.pooled(counted):
        assert row.hours > 0.1, row
        assert row.false_per_h <= daily.GOAL_FALSE_PER_H[row.location], row


def test_long_walks_keep_a_walking_cadence(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    """HAPT and WISDM walking segments are long walks: their cadence, and few steps missed.

    The cadence is 60 / the median step interval; steps / duration must stay near it (WISDM's
    2-minute wrist blocks hold pauses and arm work: 93 against 105 on the full set).
    """
    rows = [r for r in gate_eval.tabulate(counted) if r.dataset in ("hapt", "wisdm_reduced")]
    assert len(rows) == 2
    for row in rows:
        assert daily.GOAL_CADENCE[0] <= row.cadence_walk <= daily.GOAL_CADENCE[1], row
        assert row.cadence >= 0.88 * row.cadence_walk, row


def test_every_location_agrees_with_the_ankle_on_the_same_walks(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    """UMAFall wore all five sensors at once; its 15 s walks start and end standing.

    The ankle's steps come from verified strides between stances, so its cadence is the
    reference for each walk (median 92 steps/min on the full set: these subjects walk slowly);
    every other location must count the same walk at the same cadence and nearly as many steps.
    """
    walks: dict[tuple[str, str], dict[str, FloatArray]] = {}
    for seg, times in counted:
        if seg.dataset == "umafall" and seg.activity == "walking":
            key = (seg.subject, seg.session)  # one trial, all five sensors
            walks.setdefault(key, {})[seg.location] = times
    assert len(walks) >= 6

    def cadence(t: FloatArray) -> float:
        return 60 / float(np.median(np.diff(t))) if len(t) >= 3 else 0.0

    ratios: dict[str, list[float]] = {}
    counts: dict[str, list[float]] = {}
    for by_loc in walks.values():
        ankle = by_loc.get("ankle")
        if ankle is None or len(ankle) < 6:
            continue
        for loc, t in by_loc.items():
            ratios.setdefault(loc, []).append(cadence(t) / cadence(ankle))
            counts.setdefault(loc, []).append(len(t) / len(ankle))
    for loc in ("waist", "pocket", "chest", "wrist"):
        assert 0.95 <= float(np.median(ratios[loc])) <= 1.08, (loc, ratios[loc])
        assert float(np.median(counts[loc])) >= 0.85, (loc, counts[loc])


def test_the_lodo_replay_of_candidates_is_the_gated_engine() -> None:
    """gate_eval --lodo puts cached candidates through gates of other constants; with the
    shipped constants it must count what the engine counts, holes (HAPT's unlabelled stretches)
    and batch edges included."""
    base = shared("daily-living")
    segments = daily.select(daily.read_labels(base), datasets=["hapt"], subjects=1)
    streams = daily.build_streams(segments, base)
    assert any(np.diff(s.t).max() > 1.0 for s in streams)  # holes to bridge
    for stream in streams:
        params = GATE_PARAMS[daily.PLACEMENT[stream.location]]
        candidates = daily.engine_batches(stream, gated=False)
        replayed = daily.step_times(gate_eval.through_gate(stream, candidates, params))
        engine = daily.engine_steps(stream)
        assert len(engine) > 20
        assert replayed.tolist() == engine.tolist()
