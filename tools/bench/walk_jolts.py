"""The jolt threshold of the trunk's and the thigh's walking gate, from real walking alone, and
what the virtual wearer's drives give against it (a developer tool, not a bench table).

What the gate compares min_amplitude with is a confirming run's typical jolt (gate.py
_jolt_ok: at the trunk and the thigh, jolt_every_step, the smallest vertical peak of the run's
candidates). Walking's own runs give its distribution (gate_eval.walk_jolts, WalkJolts, the
wrist's method): every confirm_steps measured steps in a row counted in one walk inside one
plain-walking stretch, with the jolt rule open (min_amplitude 0) and the rest of the gate as
shipped. Real walking:

- daily-living (tools/bench/daily.py): waist (HAPT, UMAFall), chest (UMAFall), pocket = thigh
  (spsw, UMAFall); plain-walking segments.
- Oxford step counter (tools/bench/oxford.py): the trunk recordings (pockets and purse as waist,
  neck pouch as chest), each a walk on a foot-switch truth; the stretch between its first and
  last true step, at 50 and 100 Hz (the bench's two rates; a data set's lower figure counts).

The derived threshold (gate_eval.derive_walk_jolt, its WALK_JOLT_PERCENTILE): the smallest, over
the placement group's data sets, of their walking runs' typical jolts' 1st percentile. The rule
was fixed before the car's runs or any held-out figure were looked at (the wrist's, unchanged).

The car (dev/custom_components/retrowalk_virtual, `--car`): the soak's commute (seed 1), its
candidates through the same open-jolt gate; the typical jolts of the runs of confirm_steps
counted in a row while driving (WALK_EDGE_S inside each drive, as the soak judges them).

    PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.walk_jolts [--car] [--no-oxford]

--fore-aft: instead, the trunk's fore-aft swing at the step frequency (StepFeatures.
step_horizontal, the gate's min_horizontal): the median over every confirm_steps measured steps
in a row of walking's runs (daily-living waist and chest, Oxford's trunk recordings at 50 Hz),
counted with that rule open, and with --car the drives' runs (docs/walking_gate.md, "Trunk: a
seat's bounce has no step's fore-aft").

--turn: instead, how far the thigh turns over the detector's swing window (StepFeatures.turn_deg,
the gate's min_turn): the median over every confirm_steps measured steps in a row of the thigh's
walking runs (walks in walking posture or not), counted with that rule open: daily-living's
pockets, Oxford's trouser pockets run as THIGH at 50 Hz, with --oxford-validation DIR the
validation set's pockets and with --hugadb DIR HuGaDB's strapped thighs (walking, running,
stairs; and its rider's and car passenger's runs, not used for the limit; docs/walking_gate.md,
"Thigh: a walking thigh swings"):

    PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.walk_jolts --turn \
        [--oxford-validation DIR] [--hugadb DIR]   # about 5 min with both
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
import math
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import (
    FloatArray,
    GaitEngine,
    Placement,
    StepEvent,
)
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from custom_components.retrowalk.gait.types import StepFeatures
from custom_components.retrowalk_virtual.drive import DriveSpan
from custom_components.retrowalk_virtual.model import ScenarioStream
from custom_components.retrowalk_virtual.plan import plan
from custom_components.retrowalk_virtual.presets import commute
from custom_components.retrowalk_virtual.reference import WALK_EDGE_S

from . import hugadb, oxford, oxford_validation
from .daily import PLACEMENT, build_streams, engine_batches, read_labels, select
from .data import BATCH, data_dir, feed
from .gate_eval import (
    WalkJolts,
    derive_walk_jolt,
    judged,
    run_jolts,
    split_seen,
    walk_jolts,
    walking_spans,
)

# The placement groups whose gate shares one jolt threshold (gate_params.py: _TRUNK for both).
GROUPS: dict[str, tuple[Placement, ...]] = {
    "trunk": (Placement.WAIST, Placement.CHEST),
    "thigh": (Placement.THIGH,),
}
PCTS = (0.5, 1.0, 5.0, 10.0, 50.0)


def walk_parts(
    candidates: Iterable[StepEvent], params: GateParams, spans: list[tuple[float, float]]
) -> list[tuple[FloatArray, FloatArray]]:
    """(times, jolts) of the measured steps a gate of `params` counts, per stretch of one walk
    confirmed in walking posture inside one of `spans` (start, end s), in order."""
    gate = WalkJolts(Placement.WAIST, params)
    gate.add(sorted(candidates, key=lambda s: s.t))
    gate.close()
    return split_seen(gate.seen, spans)


def steps_jolts(
    candidates: Iterable[StepEvent], params: GateParams, spans: list[tuple[float, float]]
) -> FloatArray:
    """The typical jolts of the runs of params.confirm_steps measured steps in a row that a gate
    of `params` with the jolt rule open counts in one walk inside one of `spans` (walk_parts)."""
    opened = replace(params, min_amplitude=0.0)
    runs = [
        run_jolts(jolts, params.confirm_steps, every_step=params.jolt_every_step)
        for _, jolts in walk_parts(candidates, opened, spans)
    ]
    return np.concatenate(runs) if runs else np.empty(0, dtype=np.float64)


# -- step alternation -----------------------------------------------------------------------

# Walking alternates left and right steps: the trunk sways across the direction of travel once
# per stride (two steps), while it bounces once per step. A car seat's bounce has no such
# alternation. Over a window of STRIDE_WINDOW step intervals (two strides) of counted steps: the
# horizontal acceleration's stride-frequency amplitude over the vertical one's at the step
# frequency (each an exact bin of the window); gravity's direction is the window's mean.
STRIDE_WINDOW = 4


def alternation(t: FloatArray, acc: FloatArray, times: FloatArray) -> FloatArray:
    """The stride-sway index (see STRIDE_WINDOW) of every window of STRIDE_WINDOW intervals of
    the step `times` (one walk's, in order) on the recording (t s, acc (n, 3) m/s^2)."""
    out: list[float] = []
    for i in range(len(times) - STRIDE_WINDOW):
        t0, t1 = float(times[i]), float(times[i + STRIDE_WINDOW])
        lo, hi = np.searchsorted(t, [t0, t1])
        if hi - lo < 8:
            continue
        a = acc[lo:hi]
        up = a.mean(axis=0)
        up /= np.linalg.norm(up)
        vert = a @ up
        horiz = a - np.outer(vert, up)
        vert = vert - vert.mean()
        horiz = horiz - horiz.mean(axis=0)
        phase = 2j * np.pi * (t[lo:hi] - t0) / (t1 - t0)
        stride = np.exp(-phase * (STRIDE_WINDOW / 2))
        step = np.exp(-phase * STRIDE_WINDOW)
        sway = float(np.linalg.norm(np.abs(stride @ horiz)))
        bounce = float(abs(step @ vert))
        out.append(sway / bounce if bounce > 0 else np.inf)
    return np.array(out, dtype=np.float64)


# -- the thigh's swing -------------------------------------------------------------------------

# A walking thigh swings back and forth about 40 degrees once per stride; a thigh on a car seat
# does not swing (the car turning turns it steadily, which is no swing). Over the same windows
# (STRIDE_WINDOW step intervals): the gyro integrated to an angle, each axis's linear trend
# removed (a steady turn), the peak-to-peak of the angle along its principal axis, degrees.


def swing(t: FloatArray, gyro: FloatArray, times: FloatArray) -> FloatArray:
    """The thigh's swing (degrees, see above) over every window of STRIDE_WINDOW intervals of
    the step `times` on the recording (t s, gyro (n, 3) rad/s)."""
    out: list[float] = []
    for i in range(len(times) - STRIDE_WINDOW):
        lo, hi = np.searchsorted(t, [float(times[i]), float(times[i + STRIDE_WINDOW])])
        if hi - lo < 8:
            continue
        tt = t[lo:hi]
        dt = np.diff(tt, prepend=tt[0])
        angle = np.cumsum(gyro[lo:hi] * dt[:, None], axis=0)
        trend = np.polynomial.polynomial.polyfit(tt - tt[0], angle, 1)
        angle = angle - np.polynomial.polynomial.polyval(tt - tt[0], trend).T
        _, _, vt = np.linalg.svd(angle, full_matrices=False)
        along = angle @ vt[0]
        out.append(float(np.degrees(along.max() - along.min())))
    return np.array(out, dtype=np.float64)


Figures = dict[tuple[str, str], FloatArray]


# -- the trunk's fore-aft swing at the step frequency -------------------------------------------

# A walking trunk is braked at each heel strike and pushed on at each push-off; a car seat moves a
# seated body up and down. What the gate compares min_horizontal with is the median of a
# confirming run's StepFeatures.step_horizontal: here every confirm_steps measured steps in a
# row of one walk, counted by the gate with that rule open (the rest as shipped).


def fore_aft_runs(
    parts: Iterable[FloatArray], candidates: Iterable[StepEvent], n: int
) -> FloatArray:
    """The median step_horizontal of every `n` measured steps in a row of each part (one walk's
    counted step times, in order), the values taken from `candidates` at those times."""
    known = {
        s.t: s.features.step_horizontal
        for s in candidates
        if s.features is not None and s.features.step_horizontal is not None
    }
    out: list[float] = []
    for times in parts:
        h = np.array([known[x] for x in times.tolist() if x in known], dtype=np.float64)
        out += [float(np.median(h[i : i + n])) for i in range(len(h) - n + 1)]
    return np.array(out, dtype=np.float64)


def open_fore_aft(params: GateParams) -> GateParams:
    """`params` with the fore-aft rule open: what is measured is not cut at its threshold."""
    return replace(params, min_horizontal=None)


def daily_fore_aft(locations: list[str]) -> Figures:
    """(data set, location) -> walking runs' fore-aft medians on daily-living's plain walking."""
    segs = select(read_labels(), datasets=[], locations=locations, subjects=0)
    got: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    every = build_streams(segs, data_dir("daily-living"))
    for loc in locations:
        mine = [(s, engine_batches(s, gated=False)) for s in every if s.location == loc]
        cands = {id(stream): [c for b in batches for c in b] for stream, batches in mine}
        params = open_fore_aft(GATE_PARAMS[PLACEMENT[loc]])
        for stream, _, gate in judged(mine, params, make=WalkJolts):
            parts = [times for times, _ in split_seen(gate.seen, walking_spans(stream))]
            runs = fore_aft_runs(parts, cands[id(stream)], params.confirm_steps)
            got[(stream.dataset, loc)].append(runs)
    return {k: np.concatenate(v) for k, v in got.items()}


def oxford_fore_aft() -> Figures:
    """The same on Oxford's trunk recordings at 50 Hz, ("oxford-50Hz", placement)."""
    got: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    recs = [(n, p) for n, p in oxford.recordings() if oxford.PLACEMENT[p] is not Placement.WRIST]
    for name, position in recs:
        t, acc, truth, _ = oxford.load(name, 50.0)
        placement = oxford.PLACEMENT[position]
        cands = feed(GaitEngine(placement, gated=False), t, acc, None, BATCH)
        spans = [(float(truth[0]), float(truth[-1]) + 0.3)] if len(truth) else []
        params = open_fore_aft(GATE_PARAMS[placement])
        parts = [times for times, _ in walk_parts(cands, params, spans)]
        got[("oxford-50Hz", placement.value)].append(
            fore_aft_runs(parts, cands, params.confirm_steps)
        )
    return {k: np.concatenate(v) for k, v in got.items()}


def car_fore_aft(placement: Placement) -> FloatArray:
    """The commute soak's drives (seed 1): the fore-aft medians of the car's runs that a gate
    with the rule open counts (car_figures' runs)."""
    seed = 1
    drives = [s for s in plan(commute(), seed, False) if isinstance(s, DriveSpan)]
    spans = [(d.start + WALK_EDGE_S, d.end - WALK_EDGE_S) for d in drives]
    chunk = ScenarioStream(commute(), placement, seed=seed).read(10**7)
    cands = feed(GaitEngine(placement, gated=False), chunk.t, chunk.acc, chunk.gyro)
    params = open_fore_aft(GATE_PARAMS[placement])
    parts = [times for times, _ in walk_parts(cands, params, spans)]
    return fore_aft_runs(parts, cands, params.confirm_steps)


def fore_aft_lines(car: bool) -> list[str]:
    """The --fore-aft table: walking's runs per data set, the limit walking derives (the jolt's
    rule: the smallest 1st percentile over the data sets), and the car's runs."""
    head = " | ".join(f"p{p:g}" for p in PCTS)
    got = daily_fore_aft(["waist", "chest"]) | oxford_fore_aft()
    lines = [f"| walking: fore-aft median of a run, m/s^2 | n | {head} | max |"]
    lines += ["|---" * (len(PCTS) + 3) + "|"]
    lines += [row(f"{ds} {loc}", j) for (ds, loc), j in sorted(got.items())]
    lines += [f"trunk: derived {derived(got, GROUPS['trunk'])}", ""]
    if car:
        lines += [f"| car, commute seed 1: fore-aft median of a run | n | {head} | max |"]
        lines += ["|---" * (len(PCTS) + 3) + "|"]
        lines += [row(p.value, car_fore_aft(p)) for p in GROUPS["trunk"]] + [""]
    return lines


# -- the thigh's turn ---------------------------------------------------------------------------

# A walking thigh swings forward and back once a stride; what the gate compares min_turn with is
# the median of a confirming run's StepFeatures.turn_deg: here every confirm_steps measured steps
# in a row of one walk (in walking posture or not: a sensor strapped along the thigh confirms out
# of it), counted by the gate with that rule open (the rest as shipped).
TURN_WALKING = ("walking", "running", "stairs up", "stairs down")  # HuGaDB's labels with steps
TURN_STILL = ("bicycling", "car passenger")  # and those the rule is checked against


class WalkSeen(WalkJolts):
    """A gate that records the measured steps it counts in every walk, in walking posture or
    not: (time, StepFeatures.turn_deg or NaN, the walk's number in this gate)."""

    posed_only = False

    @staticmethod
    def seen_value(features: StepFeatures) -> float:
        return math.nan if features.turn_deg is None else features.turn_deg


def turn_runs(parts: Iterable[FloatArray], n: int) -> FloatArray:
    """The median turn of every `n` measured steps in a row of each part (one walk's turns, in
    order; NaN: not known, left out of the median as the gate leaves it out)."""
    out: list[float] = []
    for turns in parts:
        for i in range(len(turns) - n + 1):
            known = turns[i : i + n][~np.isnan(turns[i : i + n])]
            if len(known):
                out.append(float(np.median(known)))
    return np.array(out, dtype=np.float64)


def open_turn(params: GateParams) -> GateParams:
    """`params` with the turn rule open: what is measured is not cut at its threshold."""
    return replace(params, min_turn=None)


def thigh_turns(t: FloatArray, acc: FloatArray, spans: list[tuple[float, float]]) -> FloatArray:
    """The turn medians of the runs a thigh's gate (turn rule open) counts inside `spans`."""
    params = open_turn(GATE_PARAMS[Placement.THIGH])
    gate = WalkSeen(Placement.THIGH, params)
    gate.add(feed(GaitEngine(Placement.THIGH, gated=False), t, acc, None, BATCH))
    gate.close()
    return turn_runs([j for _, j in split_seen(gate.seen, spans)], params.confirm_steps)


def daily_turns() -> Figures:
    """(data set, "pocket") -> walking runs' turn medians on daily-living's plain walking."""
    segs = select(read_labels(), datasets=[], locations=["pocket"], subjects=0)
    got: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    params = open_turn(GATE_PARAMS[Placement.THIGH])
    for stream in build_streams(segs, data_dir("daily-living")):
        gate = WalkSeen(Placement.THIGH, params)
        gate.add([c for b in engine_batches(stream, gated=False) for c in b])
        gate.close()
        parts = [j for _, j in split_seen(gate.seen, walking_spans(stream))]
        got[(stream.dataset, "pocket")].append(turn_runs(parts, params.confirm_steps))
    return {k: np.concatenate(v) for k, v in got.items()}


def oxford_turns(validation: Path | None) -> Figures:
    """The same on Oxford's trouser pockets run as THIGH at 50 Hz: the optimisation set's
    (../shared/data) and, given its folder, the validation set's."""
    got: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    for name, position in oxford.recordings():
        if position in oxford_validation.POCKETS:
            t, acc, truth, _ = oxford.load(name, 50.0)
            spans = [(float(truth[0]), float(truth[-1]) + 0.3)] if len(truth) else []
            got[("oxford-50Hz", position)].append(thigh_turns(t, acc, spans))
    for path, position in oxford_validation.walks(validation) if validation else []:
        if position in oxford_validation.POCKETS:
            (t, acc, truth, _), _ = oxford_validation.load(path, 50.0)
            spans = [(float(truth[0]), float(truth[-1]) + 0.3)] if len(truth) else []
            got[("oxford-validation-50Hz", position)].append(thigh_turns(t, acc, spans))
    return {k: np.concatenate(v) for k, v in got.items()}


def hugadb_turns(folder: Path) -> Figures:
    """("hugadb", label) -> the runs' turn medians in HuGaDB's labelled stretches (both thighs of
    every file), walking's and the not-walking ones the rule is checked against (TURN_STILL)."""
    names = {name: k for k, (name, _) in hugadb.LABELS.items()}
    got: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    for rec in hugadb.recordings(folder):
        for label in (*TURN_WALKING, *TURN_STILL):
            if names[label] not in rec.labels:
                continue
            found = hugadb.stretches(rec.labels, names[label], min_s=0.0)
            spans = [(a / hugadb.RATE_HZ, b / hugadb.RATE_HZ) for a, b in found]
            for sensor in rec.sensors.values():
                got[("hugadb", label)].append(thigh_turns(rec.t, sensor.acc, spans))
    return {k: np.concatenate(v) for k, v in got.items()}


def turn_lines(validation: Path | None, hugadb_dir: Path | None) -> list[str]:
    """The --turn table: walking's runs per data set, the limit walking derives (the jolt's
    rule), and HuGaDB's rides and car (not used for the limit)."""
    head = " | ".join(f"p{p:g}" for p in PCTS)
    got = daily_turns() | oxford_turns(validation)
    still: Figures = {}
    if hugadb_dir is not None:
        both = hugadb_turns(hugadb_dir)
        got |= {k: v for k, v in both.items() if k[1] in TURN_WALKING}
        still = {k: v for k, v in both.items() if k[1] in TURN_STILL}
    lines = [f"| walking: thigh's turn, median of a run, degrees | n | {head} | max |"]
    lines += ["|---" * (len(PCTS) + 3) + "|"]
    lines += [row(f"{ds} {loc}", j) for (ds, loc), j in sorted(got.items())]
    mine = {f"{ds} {loc}": j for (ds, loc), j in got.items() if len(j)}
    if mine:
        lines += [f"thigh: derived {derive_walk_jolt(mine):.2f} (smallest 1st percentile)", ""]
    if still:
        lines += [f"| not walking: thigh's turn, median of a run | n | {head} | max |"]
        lines += ["|---" * (len(PCTS) + 3) + "|"]
        lines += [row(f"{ds} {loc}", j) for (ds, loc), j in sorted(still.items())] + [""]
    return lines


def daily_figures(locations: list[str]) -> tuple[Figures, Figures, Figures]:
    """(data set, location) -> walking runs' typical jolts, and walking windows' stride-sway
    indices and swings (the gate as shipped; swings where there is a gyro), on daily-living's
    plain walking."""
    segs = select(read_labels(), datasets=[], locations=locations, subjects=0)
    jolts: Figures = {}
    sways: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    swings: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    every = build_streams(segs, data_dir("daily-living"))  # read once for all locations
    for loc in locations:
        mine = [(s, engine_batches(s, gated=False)) for s in every if s.location == loc]
        params = GATE_PARAMS[PLACEMENT[loc]]
        for ds, j in walk_jolts(mine, params).items():
            jolts[(ds, loc)] = j
        for stream, _, gate in judged(mine, params, make=WalkJolts):
            for times, _ in split_seen(gate.seen, walking_spans(stream)):
                sways[(stream.dataset, loc)].append(alternation(stream.t, stream.acc, times))
                if stream.gyro is not None:
                    swings[(stream.dataset, loc)].append(swing(stream.t, stream.gyro, times))
    return (
        jolts,
        {k: np.concatenate(v) for k, v in sways.items()},
        {k: np.concatenate(v) for k, v in swings.items()},
    )


def oxford_figures() -> tuple[Figures, Figures]:
    """The same on Oxford's trunk recordings, ("oxford-<rate>", placement) (see module)."""
    jolts: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    sways: dict[tuple[str, str], list[FloatArray]] = defaultdict(list)
    recs = [(n, p) for n, p in oxford.recordings() if oxford.PLACEMENT[p] is not Placement.WRIST]
    for fs in (50.0, 100.0):
        for name, position in recs:
            t, acc, truth, _ = oxford.load(name, fs)
            placement = oxford.PLACEMENT[position]
            cands = feed(GaitEngine(placement, gated=False), t, acc, None, BATCH)
            spans = [(float(truth[0]), float(truth[-1]) + 0.3)] if len(truth) else []
            key = (f"oxford-{fs:g}Hz", placement.value)
            params = GATE_PARAMS[placement]
            jolts[key].append(steps_jolts(cands, params, spans))
            for times, _ in walk_parts(cands, params, spans):
                sways[key].append(alternation(t, acc, times))
    return (
        {k: np.concatenate(v) for k, v in jolts.items()},
        {k: np.concatenate(v) for k, v in sways.items()},
    )


def car_figures(placement: Placement) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The commute soak's drives (seed 1): the typical jolts of the car's runs with the jolt
    rule open, and the stride-sway indices and swings of the windows of the steps the shipped
    gate counts."""
    seed = 1
    drives = [s for s in plan(commute(), seed, False) if isinstance(s, DriveSpan)]
    spans = [(d.start + WALK_EDGE_S, d.end - WALK_EDGE_S) for d in drives]
    # The stream's samples are the same however it is read (model.ScenarioStream): all at once.
    chunk = ScenarioStream(commute(), placement, seed=seed).read(10**7)
    t, acc, gyro = chunk.t, chunk.acc, chunk.gyro
    cands = feed(GaitEngine(placement, gated=False), t, acc, gyro)
    params = GATE_PARAMS[placement]
    parts = walk_parts(cands, params, spans)
    sway = [alternation(t, acc, times) for times, _ in parts]
    turns = [swing(t, gyro, times) for times, _ in parts]
    empty = np.empty(0, dtype=np.float64)
    return (
        steps_jolts(cands, params, spans),
        np.concatenate(sway) if sway else empty,
        np.concatenate(turns) if turns else empty,
    )


def derived(got: Figures, places: tuple[Placement, ...]) -> str:
    """The limit walking derives for a placement group: the smallest over its data sets of
    their 1st percentile (WALK_JOLT_PERCENTILE)."""
    names = {loc for loc, p in PLACEMENT.items() if p in places} | {p.value for p in places}
    mine = {f"{ds} {loc}": j for (ds, loc), j in got.items() if loc in names and len(j)}
    if not mine:
        return "no walking"
    limit = derive_walk_jolt(mine)
    return f"{limit:.3f} (smallest 1st percentile, over {', '.join(sorted(mine))})"


def row(label: str, jolts: FloatArray) -> str:
    if not len(jolts):
        return f"| {label} | 0 |" + " - |" * (len(PCTS) + 1)
    cells = " | ".join(f"{np.percentile(jolts, p):.2f}" for p in PCTS)
    return f"| {label} | {len(jolts)} | {cells} | {jolts.max():.2f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--car", action="store_true", help="the commute soak's drives too")
    parser.add_argument("--no-oxford", action="store_true", help="daily-living only")
    parser.add_argument(
        "--fore-aft", action="store_true", help="the trunk's fore-aft swing at the step frequency"
    )
    parser.add_argument(
        "--turn", action="store_true", help="the thigh's turn (daily-living and Oxford pockets)"
    )
    parser.add_argument(
        "--oxford-validation", type=Path, help="with --turn: the Oxford validation/ folder too"
    )
    parser.add_argument("--hugadb", type=Path, help="with --turn: HuGaDB's Data/ folder too")
    args = parser.parse_args(argv)
    if args.turn:
        print("\n".join(turn_lines(args.oxford_validation, args.hugadb)))
        return 0
    if args.fore_aft:
        print("\n".join(fore_aft_lines(args.car)))
        return 0
    head = " | ".join(f"p{p:g}" for p in PCTS)  # percentiles
    jolts, sways, swings = daily_figures(["waist", "chest", "pocket"])
    if not args.no_oxford:
        more_j, more_s = oxford_figures()
        jolts |= more_j
        sways |= more_s
    lines: list[str] = []
    walking = (
        ("typical jolt, m/s^2", jolts),
        ("stride-sway index", sways),
        ("swing, degrees", swings),
    )
    for title, got in walking:
        lines += [f"| walking: {title} | n | {head} | max |", "|---" * (len(PCTS) + 3) + "|"]
        lines += [row(f"{ds} {loc}", j) for (ds, loc), j in sorted(got.items())]
        lines += [f"{g}: derived {derived(got, p)}" for g, p in GROUPS.items()] + [""]
    if args.car:
        car = {p: car_figures(p) for p in (Placement.WAIST, Placement.CHEST, Placement.THIGH)}
        titles = ("typical jolt (jolt open)", "stride-sway index (shipped)", "swing, degrees")
        for k, title in enumerate(titles):
            lines += [f"| car, commute seed 1: {title} | n | {head} | max |"]
            lines += ["|---" * (len(PCTS) + 3) + "|"]
            lines += [row(p.value, figs[k]) for p, figs in car.items()] + [""]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
