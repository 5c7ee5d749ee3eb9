"""False steps in daily life and cadence of everyday walking (../shared/data/daily-living).

Four public data sets (HAPT, spsw, WISDM subset, UMAFall; see docs/daily_bench.md) at wrist,
waist, trouser pocket, chest and ankle, labelled per segment with whether steps are expected.

Streams. HAPT and spsw segments of one session are contiguous pieces of one recording: they are
stitched back on their session clock (start_s + t), so bouts, transitions and the engine's state
run as in daily life; unlabelled stretches between them stay holes (the engine resets there and
nothing is interpolated across). UMAFall trials and WISDM blocks are separate recordings: one
stream each, each with a fresh engine. Every stream goes through GaitEngine (the placement for its
location, 20-sample batches, gyro when the device had one) at its native rate, and each step is
attributed to the segment whose time span holds it (steps in holes are reported apart).

Figures per location and data set, so each data set can be read on its own (leave-one-data-set-
out: nothing here tunes anything; the engine's settings come from other data):
- false steps per hour over segments with steps_expected = no (and apart, `maybe`: transitions
  where 0-2 real steps can happen);
- cadence (steps/min) of each plain `walking` segment, median and inter-quartile range.

Peers on the same streams: the Espruino/Bangle.js firmware counter (tools/peers/espruino.py) at
the wrist; Mobilise-D's mobgap (gait sequences, then initial contacts) at waist, pocket and chest,
off-label away from the lower back; gaitmap at the ankle. mobgap and gaitmap run in the separate
dev-only environment .venv-peers (./scripts/setup_peers); without it their columns say why not.

Run: ./scripts/bench daily [--quick].
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import (
    EngineUpdate,
    FloatArray,
    GaitEngine,
    Placement,
    StepEvent,
)
from tools.peers import espruino, external

from .data import BATCH, data_dir
from .registry import table

STITCHED = ("hapt", "spsw")  # data sets whose sessions are contiguous recordings
QUICK_SUBJECTS = 2  # per data set with --quick
PLACEMENT = {
    "wrist": Placement.WRIST,
    "waist": Placement.WAIST,
    "chest": Placement.CHEST,
    "pocket": Placement.THIGH,  # a pocketed phone moves with the thigh
    # An ankle strap sits on the distal shank, above the malleoli: it turns with the shank through
    # stance instead of lying still on a flat foot, which is what the SHANK thresholds describe.
    "ankle": Placement.SHANK,
}
LOCATIONS = ("wrist", "waist", "pocket", "chest", "ankle")
# Issue 12's goals: false steps per hour of non-walking activity (the wrist gestures all day, so
# it gets more room) and the median cadence of plain walking, steps/min.
GOAL_FALSE_PER_H = {"wrist": 30.0, "waist": 10.0, "pocket": 10.0, "chest": 10.0, "ankle": 10.0}
GOAL_CADENCE = (95.0, 125.0)
# labels.csv's columns, as the shared data's README gives them (read_labels).
LABEL_FIELDS = (
    "segment",
    "dataset",
    "subject",
    "location",
    "activity",
    "walking",
    "steps_expected",
    "duration_s",
    "rate",
    "n_samples",
    "has_gyro",
    "session",
    "start_s",
    "file",
    "source_file",
)
# The tables' columns (summary_rows, activity_rows).
SUMMARY_HEADER = (
    "location",
    "engine as",
    "data set",
    "h non-walking",
    "engine false steps/h",
    "peer",
    "peer false steps/h",
    "h maybe",
    "engine steps/h (maybe)",
    "peer steps/h (maybe)",
    "walking min",
    "engine cadence",
    "peer cadence",
)
ACTIVITY_HEADER = (
    "location",
    "data set",
    "activity",
    "expected",
    "minutes",
    "engine steps/h",
    "peer",
    "peer steps/h",
)


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    dataset: str
    subject: str
    location: str
    activity: str
    walking: bool
    expected: str  # "no", "maybe", "yes"
    duration_s: float
    rate: float
    has_gyro: bool
    session: str
    start_s: float
    file: str
    # The source data set's file the segment was cut from: one UMAFall file holds every sensor
    # of a trial (tools/bench/umafall_sync.py pairs them by it).
    source: str = ""


@dataclass(slots=True)
class Stream:
    """One continuous recording: abs times t, acc m/s^2, gyro rad/s or None, and its segments."""

    key: str
    dataset: str
    location: str
    t: FloatArray
    acc: FloatArray
    gyro: FloatArray | None
    segments: list[tuple[Segment, float]] = field(default_factory=list)  # (segment, start on t)

    def split(self, steps: FloatArray) -> tuple[list[FloatArray], int]:
        """The sorted step times falling in each segment (in order), and how many fell outside
        every segment (holes, edges)."""
        steps = np.sort(steps)
        starts = np.array([start for _, start in self.segments])
        ends = starts + np.array([s.duration_s for s, _ in self.segments])
        idx = np.searchsorted(starts, steps, side="right") - 1
        inside = (idx >= 0) & (steps < ends[np.maximum(idx, 0)])
        times = [steps[inside & (idx == i)] for i in range(len(self.segments))]
        return times, len(steps) - int(np.count_nonzero(inside))

    def attribute(self, steps: FloatArray) -> tuple[dict[str, int], int]:
        """Steps per segment name, and steps that fell outside every segment (holes, edges)."""
        times, outside = self.split(steps)
        counts = {s.name: len(t) for (s, _), t in zip(self.segments, times, strict=True)}
        return counts, outside


def read_labels(base: Path | None = None) -> list[Segment]:
    base = base or data_dir("daily-living")
    with (base / "labels.csv").open(newline="") as fh:
        return [
            Segment(
                name=r["segment"],
                dataset=r["dataset"],
                subject=r["subject"],
                location=r["location"],
                activity=r["activity"],
                walking=r["walking"] == "yes",
                expected=r["steps_expected"],
                duration_s=float(r["duration_s"]),
                rate=float(r["rate"]),
                has_gyro=r["has_gyro"] == "yes",
                session=r["session"],
                start_s=float(r["start_s"] or 0.0),
                file=r["file"],
                source=r.get("source_file") or "",
            )
            for r in csv.DictReader(fh)
        ]


def load_segment(base: Path, seg: Segment) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """(t s from the segment start, acc (N, 3), gyro (N, 3) or None) of one segment file."""
    raw = np.loadtxt(base / seg.file, delimiter=",", skiprows=1, ndmin=2)
    if raw.shape[1] not in (4, 7):
        raise ValueError(f"{seg.file}: expected t,ax,ay,az[,gx,gy,gz], got {raw.shape[1]} columns")
    gyro = raw[:, 4:7] if raw.shape[1] == 7 else None
    return raw[:, 0], raw[:, 1:4], gyro


def build_streams(segments: Sequence[Segment], base: Path) -> list[Stream]:
    """Stitch contiguous sessions (STITCHED data sets); every other segment is its own stream."""
    groups: dict[tuple[str, ...], list[Segment]] = defaultdict(list)
    for seg in segments:
        if seg.dataset in STITCHED:
            groups[(seg.dataset, seg.subject, seg.location, seg.session)].append(seg)
        else:
            groups[(seg.dataset, seg.name)].append(seg)
    streams = []
    for key, segs in groups.items():
        segs.sort(key=lambda s: s.start_s)
        stitched = segs[0].dataset in STITCHED
        ts, accs, gyros = [], [], []
        placed = []
        last = -np.inf
        for seg in segs:
            t, acc, gyro = load_segment(base, seg)
            offset = seg.start_s if stitched else 0.0
            t = t + offset
            # Neighbouring segments may share their boundary sample: keep time strictly rising.
            keep = t > last + 1e-9
            if keep.any():
                last = float(t[keep][-1])
            ts.append(t[keep])
            accs.append(acc[keep])
            gyros.append(None if gyro is None else gyro[keep])
            placed.append((seg, offset))
        with_gyro = all(g is not None for g in gyros)
        streams.append(
            Stream(
                key="/".join(key),
                dataset=segs[0].dataset,
                location=segs[0].location,
                t=np.concatenate(ts),
                acc=np.concatenate(accs),
                gyro=np.concatenate([g for g in gyros if g is not None]) if with_gyro else None,
                segments=placed,
            )
        )
    return streams


def select(
    segments: Sequence[Segment],
    *,
    datasets: Sequence[str] = (),
    locations: Sequence[str] = (),
    subjects: int = 0,
) -> list[Segment]:
    """A subset: these data sets and locations (empty: all), the first N subjects of each data
    set (0: all)."""
    out = [
        s
        for s in segments
        if (not datasets or s.dataset in datasets) and (not locations or s.location in locations)
    ]
    if not subjects:
        return out
    keep: dict[str, list[str]] = defaultdict(list)
    for dataset, subject in sorted({(s.dataset, s.subject) for s in out}):
        if len(keep[dataset]) < subjects:
            keep[dataset].append(subject)
    return [s for s in out if s.subject in keep[s.dataset]]


def updates(stream: Stream, engine: GaitEngine, origin: float = 0.0) -> Iterator[EngineUpdate]:
    """What `engine` reports after each BATCH-sample batch of the stream, its times moved by
    `origin`; last, the flush."""
    t = stream.t + origin if origin else stream.t
    for i in range(0, len(t), BATCH):
        gyro = None if stream.gyro is None else stream.gyro[i : i + BATCH]
        yield engine.process(t[i : i + BATCH], stream.acc[i : i + BATCH], gyro)
    yield engine.flush()


def engine_batches(
    stream: Stream, *, gated: bool = True, engine: GaitEngine | None = None
) -> list[list[StepEvent]]:
    """The steps GaitEngine reports on the stream after each BATCH-sample batch; last, the flush.

    `gated=False`: every step candidate, before the walking gate (tools/bench/gate_eval.py).
    `engine`: run this engine (one restored with a wearer's learned state) instead of a new one.
    """
    engine = engine or GaitEngine(PLACEMENT[stream.location], gated=gated)
    return [list(update.steps) for update in updates(stream, engine)]


def steps_and_bouts(
    stream: Stream, origin: float = 0.0
) -> tuple[list[float], list[tuple[float, float, int]]]:
    """Step times and walking bouts (start, end, steps) of a fresh engine over the stream with
    its times moved by `origin`, both given back on the stream's own clock (BATCH-sample
    batches, then the flush; tools/bench/clock_origin.py)."""
    steps: list[float] = []
    bouts: list[tuple[float, float, int]] = []
    for update in updates(stream, GaitEngine(PLACEMENT[stream.location]), origin):
        steps += [s.t - origin for s in update.steps]
        bouts += [(b.start - origin, b.end - origin, b.steps) for b in update.bouts]
    return steps, bouts


def step_times(steps: Iterable[StepEvent]) -> FloatArray:
    """The sorted times of steps."""
    return np.sort(np.array([s.t for s in steps], dtype=np.float64))


def batch_times(batches: Iterable[list[StepEvent]]) -> FloatArray:
    """The sorted times of the steps of engine_batches() (or of a copy kept for a gate replay)."""
    return step_times(s for batch in batches for s in batch)


def engine_steps(stream: Stream, *, gated: bool = True) -> FloatArray:
    """Step times GaitEngine reports on the stream, fed in BATCH-sample batches."""
    return batch_times(engine_batches(stream, gated=gated))


# -- peers --------------------------------------------------------------------------------------

PeerFn = Callable[[list[Stream]], list[FloatArray]]


def _espruino(streams: list[Stream]) -> list[FloatArray]:
    """One watch per stream, run over each piece without holes (nothing made up inside them)."""
    return [espruino.watch_steps(s.t, s.acc) for s in streams]


def _external(name: str) -> PeerFn:
    def run(streams: list[Stream]) -> list[FloatArray]:
        return external.run_peer(
            name, [(s.t, s.acc, s.gyro) for s in streams], [s.location for s in streams]
        )

    return run


PEERS: dict[str, tuple[str, PeerFn]] = {
    "wrist": ("espruino", _espruino),
    "waist": ("mobgap", _external("mobgap")),
    "pocket": ("mobgap*", _external("mobgap")),
    "chest": ("mobgap*", _external("mobgap")),
    "ankle": ("gaitmap*", _external("gaitmap")),
}
PEER_NOTES = {
    "espruino": "Espruino/Bangle.js firmware counter, re-implemented (tools/peers/espruino.py)",
    "mobgap": "mobgap GsdIluz + IcdIonescu (Mobilise-D), made for a lower-back sensor",
    "mobgap*": "mobgap off-label: its algorithms assume a lower-back sensor",
    "gaitmap*": "gaitmap BarthDtw strides x 2, off-label: made for a foot-mounted sensor",
}


# -- scoring ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Counted:
    """Steps per segment for the engine and the location's peer (None: peer did not run)."""

    engine: dict[str, int] = field(default_factory=dict)
    peer: dict[str, int] = field(default_factory=dict)  # -1: the peer could not run
    outside_engine: int = 0
    outside_peer: int = 0
    peer_errors: list[str] = field(default_factory=list)


def count_all(streams: list[Stream]) -> Counted:
    out = Counted()
    for stream in streams:
        counts, outside = stream.attribute(engine_steps(stream))
        out.engine.update(counts)
        out.outside_engine += outside
    by_location: dict[str, list[Stream]] = defaultdict(list)
    for stream in streams:
        by_location[stream.location].append(stream)
    for location, group in by_location.items():
        name, fn = PEERS[location]
        try:
            results = fn(group)
        except external.PeerUnavailableError as err:
            out.peer_errors.append(f"{name} at {location}: {err}")
            for stream in group:
                out.peer.update(dict.fromkeys((s.name for s, _ in stream.segments), -1))
            continue
        for stream, steps in zip(group, results, strict=True):
            counts, outside = stream.attribute(steps)
            out.peer.update(counts)
            out.outside_peer += outside
    return out


def per_hour(segs: Iterable[Segment], counts: dict[str, int]) -> str:
    segs = list(segs)
    hours = sum(s.duration_s for s in segs) / 3600
    if not segs or hours == 0:
        return "-"
    if any(counts.get(s.name, -1) < 0 for s in segs):
        return "n/a"
    return f"{sum(counts[s.name] for s in segs) / hours:.0f}"


def cadence(segs: Iterable[Segment], counts: dict[str, int]) -> str:
    """Median [quartiles] steps/min over the segments."""
    segs = list(segs)
    if not segs:
        return "-"
    if any(counts.get(s.name, -1) < 0 for s in segs):
        return "n/a"
    return spread([60 * counts[s.name] / s.duration_s for s in segs])


def spread(values: Sequence[float], digits: int = 0) -> str:
    """Median [quartiles] ("-" for none): how the bench tables show a spread of values."""
    if not values:
        return "-"
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return f"{med:.{digits}f} [{q1:.{digits}f}-{q3:.{digits}f}]"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def summary_rows(segments: list[Segment], counted: Counted) -> list[list[str]]:
    peer = counted.peer
    rows = []
    for location in LOCATIONS:
        here = [s for s in segments if s.location == location]
        datasets = sorted({s.dataset for s in here})
        for dataset in [*datasets, "all"] if len(datasets) > 1 else datasets:
            segs = [s for s in here if dataset in ("all", s.dataset)]
            no = [s for s in segs if s.expected == "no"]
            maybe = [s for s in segs if s.expected == "maybe"]
            walk = [s for s in segs if s.activity == "walking"]
            rows.append(
                [
                    location,
                    PLACEMENT[location].value,
                    dataset,
                    f"{sum(s.duration_s for s in no) / 3600:.2f}",
                    per_hour(no, counted.engine),
                    PEERS[location][0],
                    per_hour(no, peer),
                    f"{sum(s.duration_s for s in maybe) / 3600:.2f}",
                    per_hour(maybe, counted.engine),
                    per_hour(maybe, peer),
                    f"{sum(s.duration_s for s in walk) / 60:.1f}",
                    cadence(walk, counted.engine),
                    cadence(walk, peer),
                ]
            )
    return rows


def activity_rows(segments: list[Segment], counted: Counted) -> list[list[str]]:
    peer = counted.peer
    rows = []
    keys = sorted(
        {(s.location, s.dataset, s.expected, s.activity) for s in segments if s.expected != "yes"},
        key=lambda k: (LOCATIONS.index(k[0]), k[1], k[2] != "no", k[3]),
    )
    for location, dataset, expected, activity in keys:
        segs = [
            s
            for s in segments
            if (s.location, s.dataset, s.expected, s.activity)
            == (location, dataset, expected, activity)
        ]
        rows.append(
            [
                location,
                dataset,
                activity,
                expected,
                f"{sum(s.duration_s for s in segs) / 60:.1f}",
                per_hour(segs, counted.engine),
                PEERS[location][0],
                per_hour(segs, peer),
            ]
        )
    return rows


@table("daily")
def daily_table(args: argparse.Namespace) -> str:
    base = data_dir("daily-living")
    segments = select(read_labels(base), subjects=QUICK_SUBJECTS if args.quick else 0)
    streams = build_streams(segments, base)
    counted = count_all(streams)
    samples = sum(len(s.t) for s in streams)
    blocks = [
        f"Daily living ({'quick subset: ' if args.quick else ''}{len(segments)} segments,"
        f" {len(streams)} streams, {samples} samples). Goals: false steps/h <="
        f" {GOAL_FALSE_PER_H['wrist']:.0f} at the wrist, <= {GOAL_FALSE_PER_H['waist']:.0f}"
        f" elsewhere; walking cadence median {GOAL_CADENCE[0]:.0f}-{GOAL_CADENCE[1]:.0f}"
        " steps/min.",
        "",
        md_table(
            [*SUMMARY_HEADER],
            summary_rows(segments, counted),
        ),
        "",
        "False steps per hour by activity (steps_expected no, then maybe):",
        "",
        md_table(
            [*ACTIVITY_HEADER],
            activity_rows(segments, counted),
        ),
        "",
        "Cadence: median [quartiles] steps/min over plain `walking` segments.",
        f"Steps outside every labelled segment (holes between HAPT labels): engine"
        f" {counted.outside_engine}, peers {counted.outside_peer}.",
        *(f"{k}: {v}" for k, v in PEER_NOTES.items()),
    ]
    blocks += [f"n/a: {e}" for e in counted.peer_errors]
    return "\n".join(blocks)
