"""Walking-gate evaluation on ../shared/data/daily-living (a developer tool, not a bench table).

False steps per hour of non-walking activity (steps_expected == no) and plain-walking cadence
(activity == walking, steps/min, median over segments), per data set and location. Segments that
are contiguous in their source recording (HAPT, spsw sessions) are stitched back into one stream,
so the gate sees the walking and the sitting around each segment as it would in daily life; each
stream runs through a fresh GaitEngine in 32-sample batches (the replay CLI's batching) and a step
belongs to the segment its time falls in.

    ./.venv/bin/python -m tools.bench.gate_eval [--per-stream N] [--datasets hapt,spsw]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
import csv
from dataclasses import dataclass
import statistics

import numpy as np

from custom_components.retrowalk.gait import GaitEngine, Placement

from .data import FloatArray, data_dir

BATCH = 32
LOCATION_PLACEMENT = {
    "wrist": Placement.WRIST,
    "waist": Placement.WAIST,
    "pocket": Placement("thigh") if "thigh" in Placement._value2member_map_ else Placement.WAIST,
    "chest": Placement.CHEST,
    "ankle": Placement.SHANK,
}


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    dataset: str
    subject: str
    location: str
    activity: str
    expected: str
    duration: float
    session: str
    start: float
    file: str


@dataclass(slots=True)
class Stream:
    segments: list[Segment]


def read_labels() -> list[Segment]:
    with data_dir("daily-living", "labels.csv").open(newline="") as fh:
        return [
            Segment(
                r["segment"],
                r["dataset"],
                r["subject"],
                r["location"],
                r["activity"],
                r["steps_expected"],
                float(r["duration_s"]),
                r["session"],
                float(r["start_s"]),
                r["file"],
            )
            for r in csv.DictReader(fh)
        ]


def streams(segments: list[Segment]) -> list[list[Segment]]:
    """Runs of segments contiguous in one source session, in time order."""
    by: dict[tuple[str, str, str, str], list[Segment]] = defaultdict(list)
    for s in segments:
        by[(s.dataset, s.subject, s.location, s.session)].append(s)
    out: list[list[Segment]] = []
    for group in by.values():
        group.sort(key=lambda s: s.start)
        run: list[Segment] = []
        for s in group:
            if run and abs(run[-1].start + run[-1].duration - s.start) > 0.06:
                out.append(run)
                run = []
            run.append(s)
        out.append(run)
    return out


def load(seg: Segment) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    raw = np.loadtxt(data_dir("daily-living", seg.file), delimiter=",", skiprows=1, ndmin=2)
    gyro = raw[:, 4:7] if raw.shape[1] >= 7 else None
    return raw[:, 0] + seg.start, raw[:, 1:4], gyro


def run_stream(run: list[Segment]) -> list[int]:
    """Steps per segment of one stitched stream."""
    parts = [load(s) for s in run]
    t = np.concatenate([p[0] for p in parts])
    acc = np.concatenate([p[1] for p in parts])
    gyro = None if any(p[2] is None for p in parts) else np.concatenate([p[2] for p in parts])  # type: ignore[misc]
    keep = np.concatenate(([True], np.diff(t) > 0))
    t, acc = t[keep], acc[keep]
    gyro = None if gyro is None else gyro[keep]
    engine = GaitEngine(LOCATION_PLACEMENT[run[0].location])
    times: list[float] = []
    for i in range(0, len(t), BATCH):
        g = None if gyro is None else gyro[i : i + BATCH]
        times += [s.t for s in engine.process(t[i : i + BATCH], acc[i : i + BATCH], g).steps]
    times += [s.t for s in engine.flush().steps]
    st = np.sort(np.array(times))
    edges = [s.start for s in run] + [run[-1].start + run[-1].duration]
    counts = np.histogram(st, bins=edges)[0] if len(st) else np.zeros(len(run), int)
    return [int(c) for c in counts]


def evaluate(segments: list[Segment]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for run in streams(segments):
        for seg, n in zip(run, run_stream(run), strict=True):
            counts[seg.name] = n
    return counts


def summarise(segments: list[Segment], counts: dict[str, int]) -> str:
    lines = [
        "| data set | location | non-walking h | false steps/h | walking segs | cadence median "
        "(IQR) steps/min |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    keys = sorted({(s.dataset, s.location) for s in segments})
    for ds, loc in keys:
        non = [s for s in segments if (s.dataset, s.location) == (ds, loc) and s.expected == "no"]
        walk = [
            s for s in segments if (s.dataset, s.location) == (ds, loc) and s.activity == "walking"
        ]
        hours = sum(s.duration for s in non) / 3600
        false = sum(counts[s.name] for s in non)
        cad = [60 * counts[s.name] / s.duration for s in walk]
        if cad:
            q = np.percentile(cad, [25, 50, 75])
            cad_s = f"{q[1]:.0f} ({q[0]:.0f}-{q[2]:.0f})"
        else:
            cad_s = "-"
        rate = f"{false / hours:.0f}" if hours else "-"
        lines.append(f"| {ds} | {loc} | {hours:.2f} | {rate} | {len(walk)} | {cad_s} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", default="", help="comma-separated subset")
    parser.add_argument("--locations", default="", help="comma-separated subset")
    parser.add_argument("--subjects", type=int, default=0, help="first N subjects per data set")
    args = parser.parse_args(argv)
    segs = read_labels()
    if args.datasets:
        segs = [s for s in segs if s.dataset in args.datasets.split(",")]
    if args.locations:
        segs = [s for s in segs if s.location in args.locations.split(",")]
    if args.subjects:
        keep: dict[str, list[str]] = defaultdict(list)
        for s in segs:
            if s.subject not in keep[s.dataset] and len(keep[s.dataset]) < args.subjects:
                keep[s.dataset].append(s.subject)
        segs = [s for s in segs if s.subject in keep[s.dataset]]
    counts = evaluate(segs)
    print(summarise(segs, counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
