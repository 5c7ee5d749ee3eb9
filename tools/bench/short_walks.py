"""Short walks replayed on their own: what a step counter makes of a 10-30 s walk it starts on.

Issue 12's held-out evaluation found plain walking segments of 10-60 s counted at 55-85
steps/min. The daily bench replays each data set's sessions whole, so a walk there starts with
the engine already running and, in a long block, the gate's and the stride fill's persistence
paid once. Here every plain walking segment (daily-living, activity "walking") at least W s long
is cut into consecutive W-second pieces, and each piece goes through a fresh GaitEngine, as a
replay of that piece alone would: steps/min per piece (median over pieces), and what share of
the steps the whole segment's replay counts inside the same windows the pieces keep (what
starting on the walk costs). The detector alone (no walking gate) and the location's peer
(daily.PEERS; mobgap and gaitmap need ./scripts/setup_peers) on the same pieces.

Not a goal figure by itself: UMAFall's 15 s trials start and end standing (docs/daily_bench.md),
and WISDM's wrist blocks hold stride-locked walks (docs/walking_gate.md). Nothing here tunes
anything; every data set was looked at when the gate was designed (tuned-on).

    PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.short_walks [--seconds 10 20 30]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from tools.peers import external

from .daily import (
    PEERS,
    Segment,
    Stream,
    engine_steps,
    load_segment,
    md_table,
    read_labels,
    spread,
)
from .data import data_dir

WINDOWS_S = (10.0, 20.0, 30.0)


def cut(stream: Stream, seconds: float) -> list[tuple[float, Stream]]:
    """Consecutive `seconds`-long pieces of a one-segment stream: (start on the stream's clock,
    the piece on its own clock from 0). What is left shorter than `seconds` is dropped."""
    ((seg, _),) = stream.segments
    out = []
    start = float(stream.t[0])
    end = float(stream.t[-1]) + float(np.median(np.diff(stream.t)))  # the last sample's period
    while start + seconds <= end + 1e-9:
        inside = (stream.t >= start) & (stream.t < start + seconds)
        piece = replace(seg, name=f"{seg.name}@{start - float(stream.t[0]):.0f}s")
        out.append(
            (
                start,
                Stream(
                    key=piece.name,
                    dataset=stream.dataset,
                    location=stream.location,
                    t=stream.t[inside] - start,
                    acc=stream.acc[inside],
                    gyro=None if stream.gyro is None else stream.gyro[inside],
                    segments=[(piece, 0.0)],
                ),
            )
        )
        start += seconds
    return out


def segment_stream(seg: Segment) -> Stream:
    """One walking segment alone, on its own clock."""
    t, acc, gyro = load_segment(data_dir("daily-living"), seg)
    return Stream(
        key=seg.name,
        dataset=seg.dataset,
        location=seg.location,
        t=t,
        acc=acc,
        gyro=gyro,
        segments=[(seg, 0.0)],
    )


def per_minute(counts: Sequence[int], seconds: float) -> str:
    """Median [quartiles] steps/min of pieces `seconds` long."""
    return spread([60.0 * c / seconds for c in counts])


def _peer(location: str, pieces: list[Stream]) -> tuple[str, list[int] | str]:
    name, run = PEERS[location]
    try:
        return name, [len(steps) for steps in run(pieces)]
    except external.PeerUnavailableError as err:
        return name, f"n/a ({err})"


def rows(seconds: Sequence[float]) -> list[list[str]]:
    walks = [s for s in read_labels() if s.activity == "walking"]
    groups: dict[tuple[str, str], list[Segment]] = defaultdict(list)
    for seg in walks:
        groups[(seg.location, seg.dataset)].append(seg)
    out = []
    for (location, dataset), segs in sorted(groups.items()):
        streams = [segment_stream(s) for s in segs]
        wholes = [engine_steps(s) for s in streams]
        for w in seconds:
            pieces: list[Stream] = []
            in_whole: list[int] = []
            for stream, whole in zip(streams, wholes, strict=True):
                for start, piece in cut(stream, w):
                    pieces.append(piece)
                    in_whole.append(int(np.count_nonzero((whole >= start) & (whole < start + w))))
            if not pieces:
                continue
            alone = [len(engine_steps(p)) for p in pieces]
            detector = [len(engine_steps(p, gated=False)) for p in pieces]
            peer, peer_counts = _peer(location, pieces)
            out.append(
                [
                    location,
                    dataset,
                    f"{w:.0f}",
                    str(len(pieces)),
                    per_minute(alone, w),
                    _share(sum(alone), sum(in_whole)),
                    per_minute(detector, w),
                    peer,
                    peer_counts if isinstance(peer_counts, str) else per_minute(peer_counts, w),
                ]
            )
    return out


def _share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} %" if whole else "-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, nargs="+", default=list(WINDOWS_S))
    args = parser.parse_args(argv)
    header = [
        "location",
        "data set",
        "piece s",
        "pieces",
        "engine alone, steps/min",
        "of the whole replay's steps",
        "detector alone",
        "peer",
        "peer alone",
    ]
    print(md_table(header, rows(args.seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
