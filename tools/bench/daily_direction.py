"""Forward walking labelled backward in daily life (../shared/data/daily-living).

Everyone in the four daily-living data sets walks forwards: every step the engine labels backward
on a segment with steps expected (walking, stairs, jogging, spsw's turns) is a false backward step,
and a false backward step weighs ten forward ones in the product's own rule of thumb. The streams
are the daily table's (tools/bench/daily.py): stitched sessions, a fresh engine per stream, so
each recording starts with nothing learned, as a new wearer does.

Figures per location, data set and activity: steps counted and the share labelled backward. No
peer: none of them tells direction. Nothing is tuned on these figures.

Run: python -m tools.bench.daily_direction [--subjects N]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from custom_components.retrowalk.gait import Direction

from .daily import LOCATIONS, Segment, Stream, build_streams, engine_batches, read_labels, select
from .data import data_dir, fmt_table


@dataclass(slots=True)
class Share:
    """Steps on the walking segments of one location, data set and activity; how many backward."""

    steps: int = 0
    backward: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.backward / self.steps if self.steps else 0.0


type Key = tuple[str, str, str]  # location, data set, activity


def shares(streams: Sequence[Stream]) -> dict[Key, Share]:
    """Steps and backward steps per (location, data set, activity) of walking segments."""
    out: dict[Key, Share] = defaultdict(Share)
    for stream in streams:
        steps = [s for batch in engine_batches(stream) for s in batch]
        for seg, start in stream.segments:
            if seg.expected != "yes":
                continue
            inside = [s for s in steps if start <= s.t < start + seg.duration_s]
            share = out[(seg.location, seg.dataset, seg.activity)]
            share.steps += len(inside)
            share.backward += sum(s.direction is Direction.BACKWARD for s in inside)
    return dict(out)


def pooled(found: dict[Key, Share], activity: str) -> dict[str, Share]:
    """One activity's shares per location, pooled over the data sets."""
    out: dict[str, Share] = defaultdict(Share)
    for (location, _, act), share in found.items():
        if act == activity:
            out[location].steps += share.steps
            out[location].backward += share.backward
    return dict(out)


def table(found: dict[Key, Share]) -> str:
    order = {loc: i for i, loc in enumerate(LOCATIONS)}
    rows = [
        [loc, dataset, activity, str(s.steps), f"{s.backward} ({s.percent:.1f} %)"]
        for (loc, dataset, activity), s in sorted(
            found.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], kv[0][2])
        )
    ]
    return fmt_table(["location", "data set", "activity", "steps", "labelled backward"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subjects", type=int, default=0, help="first N per data set (0: all)")
    args = parser.parse_args(argv)
    base = data_dir("daily-living")
    segments: list[Segment] = select(read_labels(base), subjects=args.subjects)
    print(
        "Forward walking labelled backward (daily-living; every walker walks forwards; a fresh"
        " engine per recording):\n"
    )
    print(table(shares(build_streams(segments, base))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
