"""The walking gate on real everyday recordings: a CI-sized subset of ../shared/data/daily-living.

The first three subjects of each data set (HAPT waist, spsw pocket and wrist, UMAFall at five
locations, WISDM wrist), streamed as the daily table (tools/bench/daily.py) and
tools/bench/gate_eval.py do for the full set. The full figures, leave-one-data-set-out, are in
docs/walking_gate.md.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from tools.bench import clock_origin, daily, gate_eval

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
    """HAPT and WISDM walking segments are long walks: the goal's cadence, and few steps missed.

    The goal (issue 12: plain-walking cadence median 95-125 steps/min) on the daily table's own
    figure, steps / segment duration, and on the walking cadence itself, 60 / the median step
    interval. Steps / duration must also stay near the latter: WISDM's 2-minute wrist blocks
    hold pauses and arm work (98 against 111 on the full set, 100 against 105 here; HAPT 103
    against 103). Before the wrist's stride fill (gate.py) only the interval cadence was held
    to the goal, and steps / duration to 0.88 of it: this subset's WISDM blocks, one of them
    stride-locked (subject 1600), then came out at 93.5 steps/min.
    """
    rows = [r for r in gate_eval.tabulate(counted) if r.dataset in ("hapt", "wisdm_reduced")]
    assert len(rows) == 2
    for row in rows:
        assert daily.GOAL_CADENCE[0] <= row.cadence <= daily.GOAL_CADENCE[1], row
        assert daily.GOAL_CADENCE[0] <= row.cadence_walk <= daily.GOAL_CADENCE[1], row
        assert row.cadence >= 0.9 * row.cadence_walk, row


def test_short_walks_step_at_a_walking_cadence(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    """UMAFall's walks at the waist, pocket, chest and ankle: the goal's cadence, 60 / the median
    step interval.

    Its 15 s trials start and end standing, so steps / duration cannot reach a walking cadence
    (73-82 here, 73-81 on the full set, engine and peers alike): what is physically a
    cadence is the interval between the steps of the walk (100-101 here). The goal holds on
    this subset because its three subjects walk at about 100 steps/min (their ankle strides
    say so); the full set's walkers are slower (ankle 92-94), and there the tests below, each
    location against the ankle on the same walks, are what holds. (spsw's 3 m legs, 2 s of four
    to six steps, are too short for either figure: they are in the false-step rows only.)

    Not the wrist: on these walks it steps at 94 (two of its nine walks not counted), a median
    0.98 of the ankle's cadence on the walks it counted (0.92-1.01), held to the ankle below and
    to the goal on WISDM's long walks above. At the wrist the stride fill does not reach these
    short walks (it waits for a bout of 12 candidates, and a wrist confirms with 6 or 10):
    UMAFall's full-set wrist figure is 94 with and without it (docs/walking_gate.md), about its
    walkers' own. The pocket confirms with 4, and the thigh's swing fills from the confirming run
    (UMAFall's pocket walks 543 -> 553 steps against the ankle's 528; 564 with the stride fill it
    replaced).
    """
    rows = {r.location: r for r in gate_eval.tabulate(counted) if r.dataset == "umafall"}
    assert set(rows) == set(daily.LOCATIONS)
    for loc in ("waist", "pocket", "chest", "ankle"):
        row = rows[loc]
        assert row.n_walk >= 6, row
        assert daily.GOAL_CADENCE[0] <= row.cadence_walk <= daily.GOAL_CADENCE[1], row


def _umafall_walks(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> list[dict[str, FloatArray]]:
    """UMAFall's walking trials, each with the step times every location counted in it."""
    walks: dict[tuple[str, str], dict[str, FloatArray]] = {}
    for seg, times in counted:
        if seg.dataset == "umafall" and seg.activity == "walking":
            key = (seg.subject, seg.session)  # one trial, all five sensors
            walks.setdefault(key, {})[seg.location] = times
    return list(walks.values())


def _cadence(t: FloatArray) -> float:
    return 60 / float(np.median(np.diff(t)))


# A walk counted with fewer steps has no cadence to compare (the ankle's reference needs as many).
_COUNTED = 6


def test_the_ankle_counts_what_the_other_locations_count_on_the_same_walks(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    """The ankle is the next test's reference, so it is checked first, against the other four.

    UMAFall wore all five sensors at once; its 15 s walks start and end standing. On each walk
    the ankle must count about the median of what the other four count, at their cadence. An
    ankle that misses strides (a stance the shank's still test cut short) fails here instead of
    passing on wrong figures: before the shank's still-lift rule (foot.py) it counted a median
    0.895 of the others' steps on this subset (subject 1: 16, 10 and 12 steps where the chest
    counted 20, 20 and 18), and the wrist passed the next test only against that undercount.
    """
    walks = _umafall_walks(counted)
    assert len(walks) >= 6
    count_ratios, cadence_ratios = [], []
    for by_loc in walks:
        others = [t for loc, t in by_loc.items() if loc != "ankle"]
        ankle = by_loc["ankle"]
        count_ratios.append(len(ankle) / float(np.median([len(t) for t in others])))
        cadences = [_cadence(t) for t in others if len(t) >= _COUNTED]
        if len(ankle) >= _COUNTED and cadences:
            cadence_ratios.append(_cadence(ankle) / float(np.median(cadences)))
    assert 0.95 <= float(np.median(count_ratios)) <= 1.08, count_ratios
    assert len(cadence_ratios) >= 6
    assert 0.95 <= float(np.median(cadence_ratios)) <= 1.08, cadence_ratios


def test_every_location_agrees_with_the_ankle_on_the_same_walks(
    counted: list[tuple[daily.Segment, FloatArray]],
) -> None:
    """The ankle's steps come from strides between stances (checked above), so its count and
    cadence are the reference for each walk (median 92 steps/min on the full set: these subjects
    walk slowly); every other location must count nearly as many steps, and, on the walks it
    counted, at the same cadence. A walk a location missed has no cadence: it was scored as 0
    before, so missed walks and a wrong cadence were one figure; missing walks is what the count
    says (the wrist missed 2 of these 9 walks).
    """
    ratios: dict[str, list[float]] = {}
    counts: dict[str, list[float]] = {}
    for by_loc in _umafall_walks(counted):
        ankle = by_loc["ankle"]
        if len(ankle) < _COUNTED:
            continue
        for loc, t in by_loc.items():
            counts.setdefault(loc, []).append(len(t) / len(ankle))
            if len(t) >= _COUNTED:
                ratios.setdefault(loc, []).append(_cadence(t) / _cadence(ankle))
    for loc in ("waist", "pocket", "chest", "wrist"):
        assert len(ratios[loc]) >= 6, (loc, ratios[loc])
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


def test_each_wearer_learns_the_side_their_forearm_hangs_on_when_walking() -> None:
    """spsw and UMAFall wrists (UMAFall has wearers of both sides), each wearer's streams run
    in two halves (gate_eval --wearer): the side a half learns is the one the wearer's walking
    trials' gravity shows, or none where too few walks hung clearly enough to agree.

    (Not WISDM: its blocks of one subject were not all recorded with the watch the same way
    round: subjects 1601's and 1614's stairs blocks hang +x, their walking blocks -x.)"""
    base = shared("daily-living")
    segments = daily.select(
        daily.read_labels(base),
        datasets=["spsw", "umafall"],
        locations=["wrist"],
        subjects=SUBJECTS,
    )
    cached = [
        (s, daily.engine_batches(s, gated=False)) for s in daily.build_streams(segments, base)
    ]
    params = GATE_PARAMS[daily.PLACEMENT["wrist"]]
    learned: dict[str, list[int]] = {}
    walking: dict[str, list[float]] = {}
    for learn, _ in gate_eval.folds(cached):
        gate = WalkingGate(Placement.WRIST, params)
        for stream, batches in learn:
            gate_eval.through_gate(stream, batches, params, gate)
            for seg, start in stream.segments:
                inside = (stream.t >= start) & (stream.t < start + seg.duration_s)
                if seg.activity == "walking" and inside.any():
                    mean = stream.acc[inside].mean(axis=0)
                    side = float(mean[0] / np.linalg.norm(mean))
                    walking.setdefault(stream.dataset + seg.subject, []).append(side)
        key = learn[0][0].dataset + learn[0][0].segments[0][0].subject
        learned.setdefault(key, []).append(gate.hanging_sign)
    assert len(learned) == 2 * SUBJECTS
    sides = {subject: int(np.sign(np.median(walking[subject]))) for subject in learned}
    # Never the wrong side; halves whose walks did not hang clearly (within 45 degrees) or were
    # too few to agree (15 s UMAFall trials, 2 s spsw legs) teach nothing: 3 of the 12 learn.
    assert all(set(signs) <= {0, sides[who]} for who, signs in learned.items()), learned
    assert sum(s == sides[who] for who, signs in learned.items() for s in signs) >= 3, learned
    # And the engine, carrying its state as the integration does (to_dict), counts what the
    # replay of the same candidates through carried gates counts.
    replay = gate_eval.gate_rows(cached, params, wearer=True)
    engine = gate_eval.tabulate(gate_eval.counted(segments, wearer=True))
    assert [(r.false, r.cadence) for r in replay] == [(r.false, r.cadence) for r in engine]
    assert all(r.false_per_h <= daily.GOAL_FALSE_PER_H["wrist"] for r in engine)


def test_what_a_wrist_learns_over_a_wearers_streams_does_not_depend_on_batch_size() -> None:
    """One engine over all of spsw subject 3's wrist sessions (flushed between them, as the
    integration's engine lives on across recordings): the same steps and the same learned
    hanging side (-x) whether the samples come one at a time or 7, 20 or 333 at once."""
    base = shared("daily-living")
    segments = [
        s for s in daily.read_labels(base) if s.location == "wrist" and s.subject == "spsw-s03"
    ]
    streams = daily.build_streams(segments, base)
    assert len(streams) >= 5
    seen = []
    for size in (1, 7, 20, 333):
        engine = GaitEngine(Placement.WRIST)
        steps: list[float] = []
        for stream in streams:
            for i in range(0, len(stream.t), size):
                part = slice(i, i + size)
                steps += [s.t for s in engine.process(stream.t[part], stream.acc[part]).steps]
            steps += [s.t for s in engine.flush().steps]
        seen.append((steps, engine.to_dict()["gate"]))
    assert seen[0][1] == {"sign": -1, "votes": [-1, -1, -1]}
    assert len(seen[0][0]) > 50
    assert all(s == seen[0] for s in seen)


@pytest.mark.parametrize(
    ("rule", "without", "with_it"),
    [("side_rhythm", False, True), ("slow_steps", 0, 1), ("slow_steps", 1, 2)],
    ids=["side_rhythm", "one_slow_step", "two_slow_steps"],
)
def test_a_wrist_rhythm_rule_counts_more_real_walking_and_nothing_more_at_rest(
    rule: str, without: object, with_it: object
) -> None:
    """Each side's rhythm (side_rhythm: their alternating intervals) and the slow steps
    (slow_steps: a turn inside a short walk, one slow step, then a second) on this subset's spsw
    wrists, 3 m walks there and back: each confirms more walking (walking and turning segments),
    and nothing more at rest. Without -> with each, the others as shipped (2026-12-06, ninth
    session): side_rhythm 105 + 55 -> 111 + 59 walking + turning steps (92 -> 98 walking when it
    was added), one slow step 98 + 51 -> 111 + 59 (149 -> 170); tenth session, a second slow
    step 170 -> 180 (side_rhythm then 170 -> 180); 0 at rest throughout."""
    base = shared("daily-living")
    segments = daily.select(
        daily.read_labels(base), datasets=["spsw"], locations=["wrist"], subjects=SUBJECTS
    )
    cached = [
        (s, daily.engine_batches(s, gated=False)) for s in daily.build_streams(segments, base)
    ]
    shipped = GATE_PARAMS[Placement.WRIST]
    counts = {}
    for on in (with_it, without):
        params = replace(shipped, **{rule: on})
        walking = rest = 0
        for stream, batches in cached:
            times = gate_eval.gate_times(stream, batches, params)
            for seg, steps in gate_eval.per_segment(stream, times):
                walking += len(steps) if seg.walking else 0
                rest += len(steps) if seg.expected == "no" else 0
        counts[on] = (walking, rest)
    assert counts[with_it][0] > counts[without][0], counts
    assert counts[with_it][1] == counts[without][1], counts


def test_a_recording_counts_the_same_steps_whenever_its_clock_started() -> None:
    """The same samples replayed with their times on a wall clock (seconds since 1970) instead
    of from 0 give the same steps at the same times, and the same walking bouts: candidate
    intervals meeting a rule's bound exactly, and a stream's last grid point, once depended on
    the origin's rounding (HAPT's u03 exp06 lost its last step, a WISDM wrist jog 12 of 277).
    The CI subset of HAPT and WISDM here; `python -m tools.bench.clock_origin` replays every
    daily-living stream and the UCI and Bandai foot and shank cases."""
    base = shared("daily-living")
    segments = daily.select(
        daily.read_labels(base), datasets=["hapt", "wisdm_reduced"], subjects=SUBJECTS
    )
    total = walks = 0
    for stream in daily.build_streams(segments, base):
        here, here_bouts = daily.steps_and_bouts(stream, 0.0)
        there, there_bouts = daily.steps_and_bouts(stream, clock_origin.WALL_CLOCK)
        assert len(there) == len(here), stream.key
        np.testing.assert_allclose(there, here, atol=1e-4, err_msg=stream.key)
        assert len(there_bouts) == len(here_bouts), stream.key
        np.testing.assert_allclose(
            np.reshape(there_bouts, (-1, 3)), np.reshape(here_bouts, (-1, 3)), atol=1e-4
        )
        total += len(here)
        walks += len(here_bouts)
    assert total > 2000  # walking and jogging in it, not only rest
    assert walks > 50
