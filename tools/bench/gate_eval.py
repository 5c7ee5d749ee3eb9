"""Walking-gate evaluation on ../shared/data/daily-living (a developer tool, not a bench table).

False steps per hour of non-walking activity (steps_expected == no) and plain-walking cadence
(activity == walking, steps/min, median over segments), per data set and location. The labels,
the streams (sessions stitched on their clock, holes kept) and the engine runs are
tools/bench/daily.py's, so the figures here are the daily table's engine figures; this tool adds
the within-walk cadence and the leave-one-data-set-out check.

Cadence is given two ways: steps / segment duration (what a user sees for the segment, and the
one that shows missed steps), and 60 / the median interval between the segment's counted steps
(the walking cadence itself, on walking segments of at least LONG_WALK_S: UMAFall's 15 s
walking trials start and end standing, so their count / duration cannot reach a walking cadence;
spsw's 2 s timed-up-and-go legs hold too few steps for an interval).

--lodo: leave-one-data-set-out check of the gate's tuned constants. The detector's candidate
steps are computed once (engine without its gate), batch by batch; for each placement and each
held-out data set, the grid point best on the OTHER data sets of that placement is chosen and its
figures on the held-out one reported, next to the shipped constants' figures. The candidates go
through the gate as the engine hands them over: per batch, with the holes between them.

--lodo --derived-walk-posture: the wrist's walk-posture angle (same_posture) is not a grid
dimension but derived at each grid point from the training data sets' walking alone
(derive_walk_posture: the largest of their walk angles' 99th percentiles, measured on a hanging
forearm with the walk posture open); the held-out set's data is never looked at for it.
--lodo --derived-walk-posture --derived-jolt: the jolt threshold (min_amplitude) leaves the grid
too, derived at each grid point from the training data sets' walking alone (derive_walk_jolt:
the smallest of their hanging-arm walking runs' typical jolts' 1st percentile, measured with the
jolt rule open); the table ends with the jolt derived at the shipped constants per split
(--jolt-percentile: another percentile, for a sensitivity check only).
--lodo --derived-cone (with any of the above but --shipped-cone): the wrist's hanging cone
(min_upright) leaves the grid, derived at each grid point from the training data sets' hanging
walking (derive_cone: the largest of their 99th percentiles of the forearm's angle from vertical,
in walks confirmed within 45 degrees of vertical, measured with the cone open); the table ends
with the cone derived at the shipped constants per split.
--lodo --fixed-walk-posture: same_posture and bout_factor as shipped. Plain --lodo: both in the
grid. --walk-angles: walking's walk angles per data set and what each walk-posture angle ends
(the angle derived without each data set in turn: with two data sets or more).
Figures: docs/walking_gate.md, "The walk posture from walking alone", "The jolt threshold
from walking alone" and "The hanging cone from walking alone".

--wearer: what the gate learns about a wearer (the wrist's hanging side) is carried across their
streams: each wearer's streams in two halves, each judged after learning on the other (folds()).
--sign-off: the wrist gate without that learning.

    ./.venv/bin/python -m tools.bench.gate_eval
        [--lodo [--fixed-walk-posture | --derived-walk-posture [--derived-jolt]]
                [--shipped-cone | --derived-cone] | --walk-angles]
        [--datasets hapt,spsw] [--locations wrist] [--subjects N] [--wearer]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
import functools
import itertools
import math
from typing import ClassVar, Literal

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement, StepEvent
from custom_components.retrowalk.gait.engine import MAX_GAP_S, GaitEngine
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams, upright_cos
from custom_components.retrowalk.gait.types import StepFeatures

from .daily import (
    GOAL_CADENCE,
    GOAL_FALSE_PER_H,
    PLACEMENT,
    Segment,
    Stream,
    batch_times,
    build_streams,
    engine_batches,
    engine_steps,
    read_labels,
    select,
    step_times,
)
from .data import BATCH, data_dir

LONG_WALK_S = 8.0


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    location: str
    hours: float
    false: int
    cadence: float  # median steps / duration over plain-walking segments
    cadence_walk: float  # median over segments of 60 / the median interval of their steps
    n_walk: int

    @property
    def false_per_h(self) -> float:
        return self.false / self.hours if self.hours else 0.0


def tabulate(results: list[tuple[Segment, FloatArray]], *, pool: bool = False) -> list[Row]:
    """Rows per (data set, location) from each segment's counted step times; with pool, one row
    per location, all data sets together (data set "all")."""
    by: dict[tuple[str, str], list[tuple[Segment, FloatArray]]] = defaultdict(list)
    for seg, times in results:
        by[("all" if pool else seg.dataset, seg.location)].append((seg, times))
    return [_row(ds, loc, items) for (ds, loc), items in sorted(by.items())]


def pooled(results: list[tuple[Segment, FloatArray]]) -> list[Row]:
    """One row per location, all data sets together (data set "all")."""
    return tabulate(results, pool=True)


def _row(ds: str, loc: str, items: list[tuple[Segment, FloatArray]]) -> Row:
    non = [(s, t) for s, t in items if s.expected == "no"]
    walk = [(s, t) for s, t in items if s.activity == "walking"]
    cad = [60 * len(t) / s.duration_s for s, t in walk]
    within = [
        60 / float(np.median(np.diff(t))) if len(t) >= 3 else 0.0
        for s, t in walk
        if s.duration_s >= LONG_WALK_S
    ]
    return Row(
        ds,
        loc,
        sum(s.duration_s for s, _ in non) / 3600,
        sum(len(t) for _, t in non),
        float(np.median(cad)) if cad else float("nan"),
        float(np.median(within)) if within else float("nan"),
        len(walk),
    )


def meets(row: Row) -> bool:
    goal = GOAL_FALSE_PER_H[row.location]
    cadence_ok = np.isnan(row.cadence_walk) or (
        GOAL_CADENCE[0] <= row.cadence_walk <= GOAL_CADENCE[1]
    )
    return row.false_per_h <= goal and bool(cadence_ok)


def fmt(rows: list[Row]) -> str:
    lines = [
        "| data set | location | non-walking h | false steps/h | walking segments "
        "| cadence, steps/duration | cadence, 60/median interval |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.dataset} | {r.location} | {r.hours:.2f} | {r.false_per_h:.0f} | {r.n_walk} "
        f"| {r.cadence:.0f} | {r.cadence_walk:.0f} |"
        for r in rows
    ]
    return "\n".join(lines)


def per_segment(stream: Stream, steps: FloatArray) -> list[tuple[Segment, FloatArray]]:
    """Each of the stream's segments with the step times that fall in it."""
    times, _ = stream.split(steps)
    return [(seg, t) for (seg, _), t in zip(stream.segments, times, strict=True)]


def counted(
    segments: list[Segment], *, gated: bool = True, wearer: bool = False
) -> list[tuple[Segment, FloatArray]]:
    """Each segment with the times of the steps the engine counted in it.

    `wearer`: each stream starts from the gate state the engine learned on the same wearer's
    other half of streams (see folds()), carried as the integration carries it (to_dict()).
    """
    results: list[tuple[Segment, FloatArray]] = []
    streams = build_streams(segments, data_dir("daily-living"))
    if not wearer:
        for stream in streams:
            results += per_segment(stream, engine_steps(stream, gated=gated))
        return results
    for learn, judge in folds(streams):
        placement = PLACEMENT[judge[0].location]
        engine = GaitEngine(placement, gated=gated)
        for stream in learn:
            engine_batches(stream, engine=engine)
        learned = {**GaitEngine(placement).to_dict(), "gate": engine.to_dict()["gate"]}
        for stream in judge:
            run = GaitEngine(placement, state=learned, gated=gated)
            batches = engine_batches(stream, engine=run)
            results += per_segment(stream, step_times(s for b in batches for s in b))
    return results


def folds[S: (Stream, tuple[Stream, list[list[StepEvent]]])](
    streams: list[S],
) -> list[tuple[list[S], list[S]]]:
    """Per wearer (data set, subject, location), two halves of their streams (alternate streams
    in label order) each judged after learning on the other: what the gate learns about a wearer
    (gate.py, learn_sign) is carried across their recordings as the integration carries it, and
    no stream is judged with anything learned from itself. A wearer with one stream learns
    nothing."""
    by: dict[tuple[str, str, str], list[S]] = defaultdict(list)
    for item in streams:
        stream = item[0] if isinstance(item, tuple) else item
        by[(stream.dataset, stream.segments[0][0].subject, stream.location)].append(item)
    out: list[tuple[list[S], list[S]]] = []
    for group in by.values():
        a, b = group[0::2], group[1::2]
        out += [(b, a), (a, b)] if b else [([], a)]
    return out


# -- leave one data set out -------------------------------------------------------------------

# The constants the gate's rules were tuned over, per placement (a small grid around each).
GRID = {
    "confirm_steps": (4, 6, 8),
    "spread": (0.3, 0.5),
    "min_amplitude": (0.0, 1.0, 1.5),
}
POSTURE_GRID = {"min_upright": (0.5, 0.7071)}
# The thigh's fixed axis only tells a level y axis (75, 70, 60 degrees from vertical), and its
# confirming run must hold its posture within 20 or 30 degrees.
THIGH_GRID = {"min_upright": (0.2588, 0.342, 0.5), "run_posture": (0.9397, 0.866)}
# Where a placement keeps a walk to the posture it confirmed in (the wrist): how near, and how
# far a step's interval may stray from the walk's (chosen with all wrist data in view: here
# they are chosen on the other data sets like the rest).
SAME_POSTURE_GRID = {
    "same_posture": (0.9063, 0.866, 0.7071),  # cos 25, 30, 45 degrees
    "bout_factor": (1.8, 2.5),
}


Cached = tuple[Stream, list[list[StepEvent]]]  # a stream and its candidates, batch by batch


def through_gate(
    stream: Stream,
    batches: list[list[StepEvent]],
    params: GateParams,
    gate: WalkingGate | None = None,
) -> list[StepEvent]:
    """The candidates through a gate with `params`, handed over as the engine hands them over.

    Per batch: the candidates before a hole, the hole (gap()), the rest, then the batch's last
    sample time (advance()); the flush's last. The engine's times are its resampled grid's, these
    the raw samples' (within a sample period of them).
    """
    gate = gate or WalkingGate(PLACEMENT[stream.location], params)
    t = stream.t
    after_hole = np.flatnonzero(np.diff(t) > MAX_GAP_S) + 1  # first sample after each hole
    out: list[StepEvent] = []
    for k, batch in enumerate(batches[:-1]):
        lo, hi = k * BATCH, min((k + 1) * BATCH, len(t))
        rest = batch
        for j in after_hole[(after_hole >= lo) & (after_hole < hi)].tolist():
            out += gate.add([s for s in rest if s.t < t[j]])
            rest = [s for s in rest if s.t >= t[j]]
            gate.gap(float(t[j] - t[j - 1]))
        out += gate.add(rest)
        gate.advance(float(t[hi - 1]))
    out += gate.add(batches[-1])
    gate.close()  # as the engine's flush
    return out


def gate_times(
    stream: Stream, batches: list[list[StepEvent]], params: GateParams | None
) -> FloatArray:
    """The times of the candidates (`batches`) that a gate of `params` passes (None: all)."""
    if params is None:
        return batch_times(batches)
    return step_times(through_gate(stream, batches, params))


# A confirming run this much shorter is the "fewer candidates" variant of rule_variants(): the
# wrist's 6 (10 in front) -> 4 (8), the trunk's and thigh's 4 -> 3.
FEWER = 2 / 3


def rule_variants(base: GateParams) -> dict[str, GateParams | None]:
    """The shipped gate, the detector alone (None), and the posture, rhythm, run-length and jolt
    rules `base` uses, each loosened alone (not max_interval, stride_rhythm, side_rhythm,
    soft_between, learn_sign, stride_fill or soft_jolt; side_rhythm and soft_between are
    loosenings themselves).

    Only rules the gate uses are loosened (a rule already off has nothing to give back). The
    shorter confirming run keeps the posture rule's extra candidates (unposed_steps) as many
    more as they were.
    """
    out: dict[str, GateParams | None] = {"shipped": base, "detector alone": None}
    if base.posture_ends_bout:
        out["posture_ends_bout off"] = replace(base, posture_ends_bout=False)
    if math.isfinite(base.bout_factor):
        out["bout_factor off"] = replace(base, bout_factor=math.inf)
    if base.measured_run:
        out["measured_run off"] = replace(base, measured_run=False)
    if base.posture_starts_walk:
        out["posture_starts_walk off"] = replace(base, posture_starts_walk=False)
    if base.same_posture > -1:
        out["same_posture off"] = replace(base, same_posture=-1.0)
    if base.run_posture is not None:
        out["run_posture off"] = replace(base, run_posture=None)
    if base.min_walk_posture is not None:
        out["min_walk_posture off"] = replace(base, min_walk_posture=None)
    if base.soft_walk_posture is not None:
        out["soft_walk_posture off"] = replace(base, soft_walk_posture=None)
    confirm, unposed = base.confirm_steps, base.unposed_steps
    if unposed is not None:
        out[f"{unposed} out of posture -> {confirm}"] = replace(base, unposed_steps=confirm)
    fewer = max(2, round(confirm * FEWER))
    if unposed is None:
        out[f"confirm {confirm} -> {fewer}"] = replace(base, confirm_steps=fewer)
    else:
        less = unposed - (confirm - fewer)
        out[f"confirm {confirm} ({unposed}) -> {fewer} ({less})"] = replace(
            base, confirm_steps=fewer, unposed_steps=less
        )
    if base.spread < 0.8:
        out[f"spread {base.spread} -> 0.8"] = replace(base, spread=0.8)
    if base.min_amplitude > 0:
        out["jolt -> 0"] = replace(base, min_amplitude=0.0)
    return out


def judged[G: WalkingGate](
    cached: list[Cached],
    params: GateParams,
    *,
    make: Callable[[Placement, GateParams], G],
    wearer: bool = False,
) -> list[tuple[Stream, list[StepEvent], G]]:
    """Each stream's counted steps through a gate of `params` (built by `make`), and the gate.

    With `wearer`, each stream is judged by a gate that learned on the wearer's other half of
    streams (folds()); the learning passes are not returned.
    """
    out: list[tuple[Stream, list[StepEvent], G]] = []
    if not wearer:
        for stream, batches in cached:
            gate = make(PLACEMENT[stream.location], params)
            out.append((stream, through_gate(stream, batches, params, gate), gate))
        return out
    for learn, judge in folds(cached):
        teacher = WalkingGate(PLACEMENT[judge[0][0].location], params)
        for stream, batches in learn:
            through_gate(stream, batches, params, teacher)
        learned = teacher.state()
        for stream, batches in judge:
            gate = make(PLACEMENT[stream.location], params)
            gate.load_state(learned)
            out.append((stream, through_gate(stream, batches, params, gate), gate))
    return out


def gate_rows(cached: list[Cached], params: GateParams, *, wearer: bool = False) -> list[Row]:
    results: list[tuple[Segment, FloatArray]] = []
    for stream, steps, _ in judged(cached, params, make=WalkingGate, wearer=wearer):
        results += per_segment(stream, step_times(steps))
    return tabulate(results)


# -- the walk posture derived from walking --------------------------------------------------

# How far a walking forearm's 1 s gravity mean strays from its walk's own (the "walk angle": a
# candidate's "up" against the confirming run's mean), as the thigh's _WALK_SPREAD is measured
# (gate.py): the 99th percentile over a data set's in-bout plain-walking candidates, the
# largest over the data sets (each data set once, whatever its size: one data set's way of
# walking is as much walking as another's). A walk ends where the forearm leaves the posture it
# walks in; walking itself leaves it past this about once in a hundred steps.
WALK_ANGLE_PERCENTILE = 99.0


class WalkAngles(WalkingGate):
    """A gate that records, for each candidate arriving inside a bout confirmed in walking
    posture, its walk angle (degrees) and whether the bout went on with it."""

    def __init__(self, placement: Placement, params: GateParams | None = None) -> None:
        super().__init__(placement, params)
        # The walk angle is taken against the walking posture the bout keeps (_walk_up), and the
        # gate keeps one only for a rule that uses it (_keeps_posture). With same_posture open
        # (-1: walk_angles, the table's "open" row) that is soft_walk_posture or
        # min_walk_posture (the wrist: soft_walk_posture); without either nothing would be
        # recorded: the tables would come out empty instead of failing.
        if not self._keeps_posture(posed=True):
            raise ValueError(
                "walk angles need gate params that keep a bout's walking posture: with "
                "same_posture open (-1), soft_walk_posture or min_walk_posture must be set"
            )
        self.seen: list[tuple[float, float, bool]] = []  # (time, walk angle, kept in the bout)

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        out: list[StepEvent] = []
        for step in steps:  # one at a time: the bout's state before each candidate is needed
            dt = step.t - self._last
            inside = (
                self._confirmed and self._posed and 0 <= dt <= self._pause(dt, step) + self._gap_s
            )
            up = self._walk_up
            got = super().add([step])
            if inside and up is not None and step.features is not None:
                cos = float(np.clip(np.dot(step.features.up, up), -1.0, 1.0))
                kept = any(s.t == step.t for s in got)  # a stride fill may come with it
                self.seen.append((step.t, math.degrees(math.acos(cos)), kept))
            out += got
        return out


def _walking_seen(stream: Stream, gate: WalkAngles) -> list[tuple[str, float, bool]]:
    """The gate's recorded in-bout candidates that fall in plain-walking segments."""
    if not gate.seen:
        return []
    times, _ = stream.split(np.array([t for t, _, _ in gate.seen]))
    walking = {
        t
        for (seg, _), ts in zip(stream.segments, times, strict=True)
        if seg.activity == "walking"
        for t in ts.tolist()
    }
    return [(stream.dataset, a, kept) for t, a, kept in gate.seen if t in walking]


def walk_angles(
    cached: list[Cached], params: GateParams, *, wearer: bool = False
) -> dict[str, FloatArray]:
    """Per data set, the walk angles (degrees) of the in-bout candidates of plain walking, the
    walk-posture rule open (same_posture off: what is measured must not be cut at the angle
    it is measured for); the bouts are those of `params` otherwise."""
    open_params = replace(params, same_posture=-1.0)
    # Opened so, same_posture no longer keeps the bout's walking posture the angles are taken
    # against; the wrist keeps it for soft_walk_posture. Checked up front (WalkAngles raises
    # ValueError where nothing keeps it), also when there is nothing to judge.
    WalkAngles(Placement.WRIST, open_params)
    by: dict[str, list[float]] = defaultdict(list)
    for stream, _, gate in judged(cached, open_params, make=WalkAngles, wearer=wearer):
        for dataset, angle, kept in _walking_seen(stream, gate):
            if kept:
                by[dataset].append(angle)
    return {d: np.asarray(a, dtype=np.float64) for d, a in by.items()}


def derive_walk_posture(angles: Mapping[str, FloatArray]) -> float:
    """The walk-posture angle (degrees) walking itself supports: the largest over the data sets
    of their walk angles' WALK_ANGLE_PERCENTILE. Raises ValueError without any walking."""
    return _per_data_set(
        angles, WALK_ANGLE_PERCENTILE, max, "no walking to derive a walk posture from"
    )


def _per_data_set(
    values: Mapping[str, FloatArray],
    percentile: float,
    pick: Callable[[list[float]], float],
    empty: str,
) -> float:
    """`pick` (max or min) over the data sets with values of their `percentile`: each data set
    counts once, whatever its size. Raises ValueError(`empty`) where none has values."""
    each = [float(np.percentile(v, percentile)) for v in values.values() if len(v)]
    if not each:
        raise ValueError(empty)
    return pick(each)


def with_derived_walk_posture(
    train: list[Cached], params: GateParams, *, hanging: float, wearer: bool = False
) -> tuple[GateParams, float]:
    """`params` with same_posture derived from the walking of `train` only (and the angle).

    Walking is measured on a hanging forearm: min_upright at `hanging` (the shipped 45 degree
    cone, whatever cone `params` tries), the rest of `params` as they are. With a wider cone,
    a walk goes on while the forearm rises to 45-60 degrees from vertical (WISDM: raised arms in
    1-3 % of walking's candidates), and that tail, not the walking forearm's spread, would set
    the derived angle (docs/walking_gate.md, "The walk posture from walking alone").
    """
    measured = replace(params, min_upright=hanging)
    angle = derive_walk_posture(walk_angles(train, measured, wearer=wearer))
    return replace(params, same_posture=math.cos(math.radians(angle))), angle


# -- the jolt threshold derived from walking ------------------------------------------------

# What min_amplitude is compared with is a confirming run's typical jolt (gate.py: the median of
# its measured candidates' vertical-acceleration peaks at the wrist, jolt_every_step off; the
# smallest elsewhere). Walking's own runs give its distribution: every confirm_steps measured
# steps in a row of a hanging-arm walk, inside plain walking, is a run that could confirm the
# walk. The threshold is its 1st percentile, the smallest over the data sets: the walk
# posture's rule turned round (WALK_ANGLE_PERCENTILE: walking leaves its posture past the
# angle about once in a hundred steps; here walking's runs fall below the jolt about once in a
# hundred), each data set once, the softest-walking one setting it. Chosen by that analogy
# before any held-out figure was seen; not tuned.
WALK_JOLT_PERCENTILE = 1.0


class WalkJolts(WalkingGate):
    """A gate that records the measured steps it counts in walks confirmed in walking posture
    (in any walk where `posed_only` is False): (time, `seen_value` of the step, by default its
    vertical jolt m/s^2, the walk's number in this gate)."""

    posed_only: ClassVar[bool] = True

    def __init__(self, placement: Placement, params: GateParams | None = None) -> None:
        super().__init__(placement, params)
        self.seen: list[tuple[float, float, int]] = []
        self.walks = 0

    @staticmethod
    def seen_value(features: StepFeatures) -> float:
        """What is recorded of a measured step."""
        return features.amplitude

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        out: list[StepEvent] = []
        for step in steps:  # one at a time: a walk's start is seen as it is confirmed
            was = self.walking
            got = super().add([step])
            if self.walking and (self.posed or not self.posed_only):
                # A candidate never ends one walk and confirms the next (a run needs several).
                self.walks += not was
                self.seen += [
                    (s.t, self.seen_value(s.features), self.walks)
                    for s in got
                    if s.features is not None
                ]
            out += got
        return out


def run_jolts(jolts: FloatArray, n: int, *, every_step: bool = False) -> FloatArray:
    """The typical jolt of each run of `n` consecutive steps of `jolts` (one walk's measured
    steps, in order): the median, or with `every_step` the smallest (gate.py, _jolt_ok)."""
    if n < 1 or len(jolts) < n:
        return np.empty(0, dtype=np.float64)
    runs = np.lib.stride_tricks.sliding_window_view(np.asarray(jolts, dtype=np.float64), n)
    typical = runs.min(axis=1) if every_step else np.median(runs, axis=1)
    return np.asarray(typical, dtype=np.float64)


def walk_jolts(
    cached: list[Cached], params: GateParams, *, wearer: bool = False
) -> dict[str, FloatArray]:
    """Per data set, the typical jolts of walking's runs (run_jolts over confirm_steps measured
    steps counted in a row inside one plain-walking segment of one hanging-arm walk), with the
    jolt rule open (min_amplitude 0: what is measured must not be cut at the threshold it is
    measured for); the walks are those of `params` otherwise."""
    open_params = replace(params, min_amplitude=0.0)
    by: dict[str, list[FloatArray]] = defaultdict(list)
    for stream, _, gate in judged(cached, open_params, make=WalkJolts, wearer=wearer):
        for _, part in split_seen(gate.seen, walking_spans(stream)):
            by[stream.dataset].append(
                run_jolts(part, params.confirm_steps, every_step=params.jolt_every_step)
            )
    return {d: np.concatenate(r) for d, r in by.items() if sum(map(len, r))}


def walking_spans(stream: Stream) -> list[tuple[float, float]]:
    """(start, end) s of a stream's plain-walking segments."""
    return [(a, a + s.duration_s) for s, a in stream.segments if s.activity == "walking"]


def split_seen(
    seen: Sequence[tuple[float, float, int]], spans: Sequence[tuple[float, float]]
) -> list[tuple[FloatArray, FloatArray]]:
    """WalkJolts.seen (time, jolt, walk; in time order) as (times, jolts) per stretch of one
    walk inside one of `spans` (start, end s; not overlapping): runs are split where the walk
    or the span changes, and steps outside every span are dropped."""
    if not seen or not spans:
        return []
    arr = np.asarray(seen, dtype=np.float64)
    bounds = np.array(sorted(spans), dtype=np.float64)
    idx = np.searchsorted(bounds[:, 0], arr[:, 0], side="right") - 1
    inside = (idx >= 0) & (arr[:, 0] < bounds[np.maximum(idx, 0), 1])
    keys = np.where(inside, idx, -1)
    cut = np.flatnonzero((np.diff(arr[:, 2]) != 0) | (np.diff(keys) != 0)) + 1
    parts = zip(
        np.split(arr[:, 0], cut), np.split(arr[:, 1], cut), np.split(keys, cut), strict=True
    )
    return [(t, j) for t, j, k in parts if k[0] >= 0]


def derive_walk_jolt(
    jolts: Mapping[str, FloatArray], percentile: float = WALK_JOLT_PERCENTILE
) -> float:
    """The jolt threshold (m/s^2) walking itself supports: the smallest over the data sets of
    their walking runs' typical jolts' `percentile` (WALK_JOLT_PERCENTILE). Raises ValueError
    without any walking."""
    return _per_data_set(jolts, percentile, min, "no walking to derive a jolt threshold from")


def with_derived_jolt(
    train: list[Cached],
    params: GateParams,
    *,
    hanging: float,
    wearer: bool = False,
    percentile: float = WALK_JOLT_PERCENTILE,
) -> tuple[GateParams, float, float]:
    """`params` with same_posture and min_amplitude both derived from the walking of `train`
    only (and the angle, degrees, and the jolt, m/s^2).

    Both are measured on a hanging forearm (`hanging`, as with_derived_walk_posture) with the
    jolt rule open, the jolt being what is derived; the jolt's walks with the derived walk
    posture. Neither looks at anything but plain walking.
    """
    opened = replace(params, min_amplitude=0.0)
    posed, angle = with_derived_walk_posture(train, opened, hanging=hanging, wearer=wearer)
    measured = replace(posed, min_upright=hanging)
    jolt = derive_walk_jolt(walk_jolts(train, measured, wearer=wearer), percentile)
    return replace(posed, min_amplitude=jolt), angle, jolt


# -- the hanging cone derived from walking ---------------------------------------------------

# The wrist's cone (min_upright on upright_axis 0, the forearm) is how far from vertical a
# hanging, swinging forearm's 1 s gravity mean goes while it walks. Walking's own candidates
# give it: in walks whose forearm hangs, every in-bout plain-walking candidate's angle from
# vertical (as the gate takes it: against the learned hanging side, |x| before one is learned);
# the cone is their 99th percentile, the largest over the data sets (each data set once): the
# walk posture's rule (WALK_ANGLE_PERCENTILE) measured against vertical instead of against the
# walk's own posture. Measured with the cone open (min_upright 0: what is measured must not be
# cut at the angle it is measured for), the rest of the point's gate as it is: its walk posture
# (same_posture) still ends a walk whose forearm leaves the posture it walks in (a hand raised
# to read the watch, then the walk restarts in the new posture).
#
# Hand-in-front walking (a phone being read, a cup carried) is walking too, but not a hanging
# forearm: its candidates sit 60-90 degrees from vertical and would set the percentile. A walk
# counts as hanging by the posture it was confirmed in (its confirming run's mean forearm, the
# walk's own posture), not by its candidates: nearer to down than to across, within
# HANGING_WALK_DEG of vertical (the bisector of hanging and level, a geometric line, not a
# fitted one). Hand-in-front walks are left out whole, a hanging walk's swing keeps all its
# candidates (however far one of them strays), so the line only sorts walks, it does not cut
# the distribution measured. Fixed before any held-out figure of the mode was run.
CONE_PERCENTILE = WALK_ANGLE_PERCENTILE  # the walk posture's rule, against vertical
HANGING_WALK_DEG = 45.0


def _from_vertical(up: FloatArray | Sequence[float], axis: int, sign: int) -> float:
    """Degrees between `axis` of a unit "up" and vertical, as the gate's cone takes it: against
    the learned hanging side (`sign`), either side before one is learned (0)."""
    cos = upright_cos(float(up[axis]), sign)
    return math.degrees(math.acos(min(1.0, max(-1.0, cos))))


class WalkCone(WalkingGate):
    """A gate that records, for each candidate a bout confirmed in walking posture goes on with,
    (time, its forearm's angle from vertical, the walk's own posture's angle from vertical),
    degrees, as the gate's cone takes them (_from_vertical)."""

    def __init__(self, placement: Placement, params: GateParams | None = None) -> None:
        super().__init__(placement, params)
        if self.p.upright_axis is None:
            raise ValueError("a hanging cone needs a placement with a fixed walking axis")
        self.seen: list[tuple[float, float, float]] = []

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        out: list[StepEvent] = []
        axis = self.p.upright_axis
        assert axis is not None  # __init__
        for step in steps:  # one at a time: the bout's state before each candidate is needed
            dt = step.t - self._last
            inside = (
                self._confirmed and self._posed and 0 <= dt <= self._pause(dt, step) + self._gap_s
            )
            walk_up, sign = self._walk_up, self._sign
            got = super().add([step])
            went_on = any(s.t == step.t for s in got)  # a stride fill may come with it
            if inside and went_on and walk_up is not None and step.features is not None:
                self.seen.append(
                    (
                        step.t,
                        _from_vertical(step.features.up, axis, sign),
                        _from_vertical(walk_up, axis, sign),
                    )
                )
            out += got
        return out


def walk_cone_angles(
    cached: list[Cached], params: GateParams, *, wearer: bool = False
) -> dict[str, FloatArray]:
    """Per data set, the angles from vertical (degrees) of the in-bout plain-walking candidates
    of walks confirmed hanging (their walk's posture within HANGING_WALK_DEG of vertical), the
    cone open (min_upright 0); the walks are those of `params` otherwise."""
    open_params = replace(params, min_upright=0.0)
    by: dict[str, list[float]] = defaultdict(list)
    for stream, _, gate in judged(cached, open_params, make=WalkCone, wearer=wearer):
        spans = walking_spans(stream)
        for t, angle, walk in gate.seen:
            if walk <= HANGING_WALK_DEG and any(a <= t < b for a, b in spans):
                by[stream.dataset].append(angle)
    return {d: np.asarray(a, dtype=np.float64) for d, a in by.items()}


def derive_cone(angles: Mapping[str, FloatArray]) -> float:
    """The hanging cone (degrees from vertical) walking itself supports: the largest over the
    data sets of their hanging walks' candidates' CONE_PERCENTILE. Raises ValueError without
    any walking."""
    return _per_data_set(angles, CONE_PERCENTILE, max, "no hanging walking to derive a cone from")


def with_derived_cone(
    train: list[Cached], params: GateParams, *, wearer: bool = False
) -> tuple[GateParams, float]:
    """`params` with min_upright derived from the hanging walking of `train` only (and the
    angle, degrees); the rest of `params` as they are (measured with them, the cone open)."""
    angle = derive_cone(walk_cone_angles(train, params, wearer=wearer))
    return replace(params, min_upright=math.cos(math.radians(angle))), angle


def score(rows: list[Row]) -> tuple[int, float, float]:
    """Lower is better: goals missed, then minus the cadence, then false steps."""
    return (
        sum(not meets(r) for r in rows),
        -float(np.mean([r.cadence for r in rows])),
        float(np.mean([r.false_per_h for r in rows])),
    )


def derived_walk_postures(angles: Mapping[str, FloatArray]) -> list[tuple[str, float]]:
    """The walk-posture angle derived from all the data sets' walking ("all") and, with two or
    more of them, from all but each one ("without <data set>": leaving one out needs another
    to derive from). Raises ValueError without any walking (derive_walk_posture)."""
    names = sorted(angles)
    derived = [("all", derive_walk_posture(angles))]
    derived += [
        (f"without {held}", derive_walk_posture({d: angles[d] for d in names if d != held}))
        for held in (names if len(names) >= 2 else [])
    ]
    return derived


LIMITS = (20, 25, 30, 35, 40, 45)  # walk-posture angles (degrees) whose cost is shown


def walk_angle_table(segments: list[Segment], *, wearer: bool = False) -> str:
    """Walking's walk angles per data set at the shipped constants (the walk-posture rule open),
    the angle derived from all of them and from each pair, and per walk-posture angle: the walks
    it ends inside plain walking and the plain-walking steps counted."""
    streams = build_streams(segments, data_dir("daily-living"))
    out: list[str] = []
    for loc, placement in PLACEMENT.items():
        base = GATE_PARAMS[placement]
        if base.same_posture <= -1.0:
            continue
        mine = [(s, engine_batches(s, gated=False)) for s in streams if s.location == loc]
        if not mine:
            continue
        angles = walk_angles(mine, base, wearer=wearer)
        names = sorted(angles)
        if not names:
            out += [f"{loc}: no plain walking in a bout to measure walk angles on", ""]
            continue
        pct = (50, 95, 98, 99, 99.5)
        out += [
            f"{loc}: walk angle of in-bout plain-walking candidates, degrees (walk posture open; "
            "forearm cone: within this angle of vertical)",
            "",
            "| data set | forearm cone | candidates | "
            + " | ".join(f"{q}th pct" for q in pct)
            + " | max |",
            "| --- | --- | ---: |" + " ---: |" * (len(pct) + 1),
        ]
        # The shipped cone, then the grid's others (a wider cone lets raised forearms in).
        cones = [c for c in POSTURE_GRID["min_upright"] if abs(c - base.min_upright) > 1e-3]
        for cone in [base.min_upright, *cones]:
            at = (
                angles
                if cone == base.min_upright
                else walk_angles(mine, replace(base, min_upright=cone), wearer=wearer)
            )
            deg = math.degrees(math.acos(cone))
            for d in names:
                if d not in at:  # no in-bout walking at this cone
                    out.append(f"| {d} | {deg:.0f} | 0 |" + " - |" * (len(pct) + 1))
                    continue
                a = at[d]
                qs = " | ".join(f"{np.percentile(a, q):.1f}" for q in pct)
                out.append(f"| {d} | {deg:.0f} | {len(a)} | {qs} | {a.max():.1f} |")
        # The shipped cone's walking (with_derived_walk_posture measures there).
        derived = derived_walk_postures(angles)
        out += ["", "derived walk posture: " + ", ".join(f"{k} {v:.1f}" for k, v in derived), ""]
        out += [
            "| walk posture, degrees | "
            + " | ".join(f"{d}: walks ended, walking steps" for d in names)
            + " |",
            "| --- |" + " ---: |" * len(names),
        ]
        for limit in (None, *LIMITS):
            params = replace(
                base, same_posture=-1.0 if limit is None else math.cos(math.radians(limit))
            )
            ended: dict[str, int] = defaultdict(int)
            steps: dict[str, int] = defaultdict(int)
            for stream, counted, gate in judged(mine, params, make=WalkAngles, wearer=wearer):
                for dataset, angle, kept in _walking_seen(stream, gate):
                    ended[dataset] += limit is not None and not kept and angle > limit
                for seg, t in per_segment(stream, step_times(counted)):
                    steps[seg.dataset] += len(t) if seg.activity == "walking" else 0
            cells = " | ".join(f"{ended[d]}, {steps[d]}" for d in names)
            out.append(f"| {'open' if limit is None else limit} | {cells} |")
        out.append("")
    return "\n".join(out)


WalkPosture = Literal["grid", "fixed", "derived"]


def choose(
    train: list[Cached],
    choices: list[GateParams],
    *,
    derive: float | None = None,
    jolt_percentile: float | None = None,
    wearer: bool = False,
    rows: Callable[[GateParams], list[Row]] | None = None,
    derive_cone: bool = False,
) -> tuple[GateParams, list[GateParams]]:
    """The grid point that scores best on the data sets of `train`, and those tied with it.

    `derive` (the hanging cone, cos): each point's same_posture is first derived from the walking
    of `train` (nothing else is looked at for it; with_derived_walk_posture); with
    `jolt_percentile` its min_amplitude too (with_derived_jolt). `derive_cone`: then its
    min_upright, from `train`'s hanging walking with the point's other constants as derived so far
    (with_derived_cone). `rows`: the point's rows where they are computed already (on more data
    sets: only `train`'s are scored).
    """
    if jolt_percentile is not None and derive is None:
        raise ValueError("the jolt is derived on a hanging forearm: give the cone (derive)")

    def posed(p: GateParams) -> GateParams:
        if derive is None:
            return p
        if jolt_percentile is None:
            return with_derived_walk_posture(train, p, hanging=derive, wearer=wearer)[0]
        return with_derived_jolt(
            train, p, hanging=derive, wearer=wearer, percentile=jolt_percentile
        )[0]

    def fit(p: GateParams) -> GateParams:
        q = posed(p)
        return with_derived_cone(train, q, wearer=wearer)[0] if derive_cone else q

    fitted = [fit(p) for p in choices]
    names = {stream.dataset for stream, _ in train}
    rows_of = rows or (lambda p: gate_rows(train, p, wearer=wearer))
    scores = {q: score([r for r in rows_of(q) if r.dataset in names]) for q in fitted}
    best = min(fitted, key=scores.__getitem__)
    return best, [q for q in fitted if scores[q] == scores[best]]


def grid_axes(
    placement: Placement, *, fixed_walk: bool = False, shipped_cone: bool = False
) -> dict[str, tuple[float, ...]]:
    """The constants a placement's gate rules were tuned over (a small grid around each).

    `fixed_walk`: the walk-posture angle and bout factor stay as shipped; `shipped_cone`: the
    fixed walking axis's cone (the wrist's hanging forearm) too.
    """
    base = GATE_PARAMS[placement]
    grid: dict[str, tuple[float, ...]] = dict(GRID)
    if placement is Placement.THIGH:
        grid |= THIGH_GRID
    elif base.upright_axis is not None and not shipped_cone:
        grid |= POSTURE_GRID
    if base.same_posture > -1.0 and not fixed_walk:
        grid |= SAME_POSTURE_GRID
    return grid


def lodo(
    segments: list[Segment],
    *,
    walk_posture: WalkPosture = "grid",
    wearer: bool = False,
    jolt_percentile: float | None = None,
    shipped_cone: bool = False,
    derived_cone: bool = False,
) -> str:
    """The leave-one-data-set-out table. `walk_posture` (where a placement keeps a walk to its
    posture, the wrist): "grid" chooses same_posture and bout_factor on the others like the rest;
    "fixed" keeps both as shipped; "derived" chooses bout_factor on the others and derives
    same_posture from the others' walking (derive_walk_posture) at each grid point.
    `jolt_percentile` (with "derived"): min_amplitude is derived there too (derive_walk_jolt at
    this percentile, with_derived_jolt), not chosen by the grid; the table is followed by the
    jolt derived at the shipped constants from all data sets and from each split.
    `shipped_cone`: where a placement has a fixed walking axis (the wrist's hanging forearm), its
    cone (min_upright) stays as shipped instead of being a grid dimension: the grid's choice
    between 45 and 60 degrees rests on a fraction of a step/min of training cadence.
    `derived_cone`: that cone is derived at each grid point from the others' hanging walking
    (with_derived_cone, after the walk posture and jolt where those are derived); the table is
    followed by the cone derived at the shipped constants from all data sets and each split."""
    if shipped_cone and derived_cone:
        raise ValueError("the cone is either kept as shipped or derived")
    if jolt_percentile is not None and walk_posture != "derived":
        raise ValueError("the jolt is derived with the walk posture (walk_posture='derived')")
    cached = [
        (stream, engine_batches(stream, gated=False))
        for stream in build_streams(segments, data_dir("daily-living"))
    ]
    lines = [
        "| held out | location | chosen on the others | false steps/h | cadence "
        "(steps/duration, 60/median interval) | shipped constants: false/h, cadence "
        "| choices tied on the others: n, false/h held out |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for loc, placement in PLACEMENT.items():
        mine = [c for c in cached if c[0].location == loc]
        base = GATE_PARAMS[placement]
        grid = grid_axes(placement, fixed_walk=walk_posture == "fixed", shipped_cone=shipped_cone)
        keeps_walk = base.same_posture > -1.0
        derive = base.min_upright if keeps_walk and walk_posture == "derived" else None
        if derive is not None:
            del grid["same_posture"]  # derived from the others' walking instead
        jolt = jolt_percentile if derive is not None else None
        if jolt is not None:
            del grid["min_amplitude"]  # derived from the others' walking too
        cone = derived_cone and keeps_walk and "min_upright" in grid
        if cone:
            del grid["min_upright"]  # derived from the others' hanging walking
        choices = [
            replace(base, **dict(zip(grid, vals, strict=True)))  # type: ignore[arg-type]
            for vals in itertools.product(*grid.values())
        ]
        # Each point's rows on every data set of the placement, once (only the others' scored).
        rows = functools.cache(functools.partial(gate_rows, mine, wearer=wearer))
        shipped = {r.dataset: r for r in gate_rows(mine, base, wearer=wearer)}
        datasets = sorted({r.dataset for r in shipped.values()})
        for held in datasets:
            train = [c for c in mine if c[0].dataset != held]
            if not train:
                continue
            best, tied_params = choose(
                train,
                choices,
                derive=derive,
                jolt_percentile=jolt,
                wearer=wearer,
                rows=rows,
                derive_cone=cone,
            )
            r = next(r for r in rows(best) if r.dataset == held)
            s = shipped[held]
            name = ", ".join(f"{k}={getattr(best, k)}" for k in grid)
            if derive is not None:
                angle = math.degrees(math.acos(best.same_posture))
                name += f", same_posture={best.same_posture:.4f} (derived: {angle:.1f} deg)"
            if jolt is not None:
                name += (
                    f", min_amplitude={best.min_amplitude:.2f} (derived; shipped "
                    f"{base.min_amplitude})"
                )
            if cone:
                deg = math.degrees(math.acos(best.min_upright))
                name += f", min_upright={best.min_upright:.4f} (derived: {deg:.1f} deg)"
            # The others may not tell some choices apart: what the held-out set says over all of
            # them shows whether the choice made above mattered.
            tied = [next(r for r in rows(p) if r.dataset == held).false_per_h for p in tied_params]
            lines.append(
                f"| {held} | {loc} | {name} | {r.false_per_h:.0f} | {r.cadence:.0f}, "
                f"{r.cadence_walk:.0f} | {s.false_per_h:.0f}, {s.cadence:.0f} "
                f"| {len(tied)}: {min(tied):.0f}-{max(tied):.0f} |"
            )
        if derive is not None and jolt is not None:
            lines += ["", _shipped_jolts(loc, mine, base, derive, jolt, wearer=wearer)]
        if cone and datasets:
            lines += ["", _shipped_cones(loc, mine, base, wearer=wearer)]
    return "\n".join(lines)


def _splits(mine: list[Cached]) -> list[tuple[str, list[Cached]]]:
    """All of a placement's data sets, then all but each one (with two or more)."""
    names = sorted({stream.dataset for stream, _ in mine})
    return [("all", mine)] + [
        (f"without {held}", [c for c in mine if c[0].dataset != held])
        for held in (names if len(names) >= 2 else [])
    ]


def _shipped_cones(loc: str, mine: list[Cached], base: GateParams, *, wearer: bool) -> str:
    """The hanging cone walking derives at the shipped constants, from all of a placement's data
    sets and from all but each one, against the shipped min_upright."""
    got = [
        f"{label} {with_derived_cone(train, base, wearer=wearer)[1]:.1f} deg"
        for label, train in _splits(mine)
    ]
    shipped = math.degrees(math.acos(base.min_upright))
    return (
        f"{loc}: hanging cone derived from walking at the shipped constants (percentile "
        f"{CONE_PERCENTILE:g} of hanging walks' forearm angle from vertical; shipped "
        f"{shipped:.1f} deg): " + ", ".join(got)
    )


def _shipped_jolts(
    loc: str,
    mine: list[Cached],
    base: GateParams,
    hanging: float,
    percentile: float,
    *,
    wearer: bool = False,
) -> str:
    """The jolt (and walk posture) walking derives at the shipped constants, from all of a
    placement's data sets and from all but each one, against the shipped min_amplitude."""
    got = []
    for label, train in _splits(mine):
        _, angle, jolt = with_derived_jolt(
            train, base, hanging=hanging, wearer=wearer, percentile=percentile
        )
        got.append(f"{label} {jolt:.2f} m/s^2 ({angle:.1f} deg)")
    return (
        f"{loc}: jolt threshold derived from walking at the shipped constants "
        f"(percentile {percentile:g} of walking runs' typical jolt; shipped min_amplitude "
        f"{base.min_amplitude} m/s^2): " + ", ".join(got)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", default="", help="comma-separated subset")
    parser.add_argument("--locations", default="", help="comma-separated subset")
    parser.add_argument("--subjects", type=int, default=0, help="first N subjects per data set")
    parser.add_argument("--ungated", action="store_true", help="the detector without the gate")
    parser.add_argument("--lodo", action="store_true", help="leave-one-data-set-out check")
    parser.add_argument(
        "--fixed-walk-posture",
        action="store_true",
        help="--lodo with the wrist walk-posture angle and bout factor fixed as shipped",
    )
    parser.add_argument(
        "--derived-walk-posture",
        action="store_true",
        help="--lodo with the wrist walk-posture angle derived from the others' walking "
        "(derive_walk_posture), not chosen by the grid",
    )
    parser.add_argument(
        "--derived-jolt",
        action="store_true",
        help="--lodo --derived-walk-posture with the jolt threshold (min_amplitude) derived from "
        "the others' walking too (derive_walk_jolt), not chosen by the grid",
    )
    parser.add_argument(
        "--jolt-percentile",
        type=float,
        default=None,
        help=f"--derived-jolt's percentile (default {WALK_JOLT_PERCENTILE:g}): for a "
        "sensitivity check only",
    )
    parser.add_argument(
        "--shipped-cone",
        action="store_true",
        help="--lodo with the wrist's hanging cone (min_upright) as shipped, not a grid dimension",
    )
    parser.add_argument(
        "--derived-cone",
        action="store_true",
        help="--lodo with the wrist's hanging cone (min_upright) derived from the others' "
        "hanging walking (derive_cone), not chosen by the grid",
    )
    parser.add_argument(
        "--walk-angles",
        action="store_true",
        help="walking's walk angles per data set, and what each walk-posture angle ends",
    )
    parser.add_argument(
        "--wearer",
        action="store_true",
        help="carry what the gate learns about a wearer across their streams (two halves)",
    )
    parser.add_argument(
        "--sign-off",
        action="store_true",
        help="the wrist gate without its learned forearm direction (learn_sign=0)",
    )
    args = parser.parse_args(argv)
    if args.fixed_walk_posture and args.derived_walk_posture:
        parser.error("--fixed-walk-posture and --derived-walk-posture are two different checks")
    if (args.fixed_walk_posture or args.derived_walk_posture) and not args.lodo:
        parser.error("--fixed-walk-posture and --derived-walk-posture are --lodo checks")
    if args.derived_jolt and not (args.lodo and args.derived_walk_posture):
        parser.error("--derived-jolt is a --lodo --derived-walk-posture check")
    if args.jolt_percentile is not None and not args.derived_jolt:
        parser.error("--jolt-percentile is --derived-jolt's")
    if args.jolt_percentile is not None and not 0 <= args.jolt_percentile <= 100:
        parser.error("--jolt-percentile is a percentile (0-100)")
    if args.shipped_cone and not args.lodo:
        parser.error("--shipped-cone is a --lodo check")
    if args.derived_cone and not args.lodo:
        parser.error("--derived-cone is a --lodo check")
    if args.shipped_cone and args.derived_cone:
        parser.error("--shipped-cone and --derived-cone are two different checks")
    if args.walk_angles and args.lodo:
        parser.error("--walk-angles and --lodo are two different runs")
    segs = select(
        read_labels(),
        datasets=[d for d in args.datasets.split(",") if d],
        locations=[loc for loc in args.locations.split(",") if loc],
        subjects=args.subjects,
    )
    shipped = GATE_PARAMS[Placement.WRIST]
    if args.sign_off:
        # The engine builds its gate from GATE_PARAMS: swapped for this run only.
        GATE_PARAMS[Placement.WRIST] = replace(shipped, learn_sign=0)
    try:
        if args.lodo:
            mode: WalkPosture = (
                "fixed"
                if args.fixed_walk_posture
                else "derived"
                if args.derived_walk_posture
                else "grid"
            )
            pct = args.jolt_percentile if args.jolt_percentile is not None else WALK_JOLT_PERCENTILE
            jolt = pct if args.derived_jolt else None
            print(
                lodo(
                    segs,
                    walk_posture=mode,
                    wearer=args.wearer,
                    jolt_percentile=jolt,
                    shipped_cone=args.shipped_cone,
                    derived_cone=args.derived_cone,
                )
            )
        elif args.walk_angles:
            print(walk_angle_table(segs, wearer=args.wearer))
        else:
            results = counted(segs, gated=not args.ungated, wearer=args.wearer)
            print(fmt(tabulate(results) + pooled(results)))
    finally:
        GATE_PARAMS[Placement.WRIST] = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
