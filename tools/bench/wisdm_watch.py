"""Everyday arm work at the wrist, 51 people: eating, drinking, typing, writing, brushing teeth.

The shared data's WISDM wrist (`wisdm_reduced`) holds six of the 18 activities its people
recorded: walking, jogging, stairs, sitting, standing and kicking a ball. The *WISDM Smartphone
and Smartwatch Activity and Biometrics Dataset* (Gary M. Weiss, Fordham University, 2019; UCI
Machine Learning Repository; CC BY 4.0) has the rest: the same 51 people, a smartwatch on the
dominant hand, about 3 minutes of each of typing, brushing teeth, eating soup, chips, pasta and a
sandwich, drinking from a cup, writing, clapping, folding clothes, playing catch with a tennis
ball and dribbling a basketball. Those twelve were never in the shared data, so nothing of the
engine was designed on them; the six the shared data holds (its 2-minute blocks cut from these
recordings) are tuned on, and the tables say which is which. Nothing of it is in this
repository: the bench reads your own copy (raw/watch/accel of the release).

    python -m tools.bench.wisdm_watch DIR [--wearer]   # DIR: holds data_16NN_accel_watch.txt

Each raw line is `subject,activity,timestamp_ns,x,y,z;` (m/s^2, about 20 Hz). Every activity's
block goes through a fresh engine (GaitEngine(WRIST)), its own time stamps as the watch sent them
(a sample not later than the one before it is dropped and counted), as the replay CLI runs a
recording: the wearer's hanging side is then not known. `--wearer` carries one engine's learned
state through each person's blocks in the data set's order (walking first), as a worn watch
carries it. Counters: the engine, its detector alone (before the walking gate) and the Espruino
watch counter (tools/peers/espruino.py). Each activity says whether steps are expected, as
../shared/data/daily-living labels its segments: walking, jogging and stairs yes (no per-step
truth: steps a minute), kicking, catch and dribbling maybe (players step), the rest no (false
steps an hour).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
import re

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from tools.peers import espruino

from .daily import step_times
from .data import counted, feed, fmt_table, read_folder

# Activity code: its name, whether steps are expected, and whether the shared data holds it
# (wisdm_reduced: tuned on).
ACTIVITIES = {
    "A": ("walking", "yes", True),
    "B": ("jogging", "yes", True),
    "C": ("stairs", "yes", True),
    "D": ("sitting", "no", True),
    "E": ("standing", "no", True),
    "F": ("typing", "no", False),
    "G": ("brushing teeth", "no", False),
    "H": ("eating soup", "no", False),
    "I": ("eating chips", "no", False),
    "J": ("eating pasta", "no", False),
    "K": ("drinking from a cup", "no", False),
    "L": ("eating a sandwich", "no", False),
    "M": ("kicking a ball", "maybe", True),
    "O": ("playing catch", "maybe", False),
    "P": ("dribbling a basketball", "maybe", False),
    "Q": ("writing", "no", False),
    "R": ("clapping", "no", False),
    "S": ("folding clothes", "no", False),
}
KINDS = ("no", "maybe", "yes")
COUNTERS = ("engine", "detector alone", "Espruino")
NAME = re.compile(r"^data_(?P<who>[0-9]+)_accel_watch\.txt$")


@dataclass(frozen=True, slots=True)
class Block:
    """One person's recording of one activity."""

    person: str
    code: str
    t: FloatArray  # s from the block's first sample
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the watch's axes
    dropped: int  # samples not later than the one before

    @property
    def seconds(self) -> float:
        return float(self.t[-1] - self.t[0]) if len(self.t) > 1 else 0.0


def read(path: Path) -> list[Block]:
    """A person's file, split where the activity code changes; ValueError on another file name,
    a malformed line, another person's line or an unknown activity code."""
    match = NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: not a WISDM watch accelerometer file")
    who = match["who"]
    runs: list[tuple[str, list[tuple[int, float, float, float]]]] = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip().rstrip(";")
        if not text:
            continue
        cells = text.split(",")
        try:
            if len(cells) != 6:
                raise ValueError("six fields")
            row = (int(cells[2]), float(cells[3]), float(cells[4]), float(cells[5]))
        except ValueError as err:
            raise ValueError(f"{path.name}:{n}: malformed line ({err})") from None
        if cells[0] != who or cells[1] not in ACTIVITIES:
            raise ValueError(f"{path.name}:{n}: person {cells[0]}, activity {cells[1]}")
        if not runs or runs[-1][0] != cells[1]:
            runs.append((cells[1], []))
        runs[-1][1].append(row)
    return [_block(who, code, rows) for code, rows in runs if len(rows) >= 2]


def _block(who: str, code: str, rows: list[tuple[int, float, float, float]]) -> Block:
    data = np.array(rows, dtype=np.float64)
    ts = (np.array([r[0] for r in rows], dtype=np.int64) - rows[0][0]) / 1e9
    # A sample not later than every one before it is dropped, as the other benches do.
    keep = np.concatenate(([True], ts[1:] > np.maximum.accumulate(ts)[:-1]))
    return Block(who, code, ts[keep], data[keep, 1:], int((~keep).sum()))


def blocks(folder: Path) -> Iterator[Block]:
    """Every person's blocks, in file name order."""
    for path in sorted(folder.glob("data_*_accel_watch.txt")):
        yield from read(path)


@dataclass
class Tally:
    """Per activity code: seconds, people, steps per counter, blocks where the engine counts."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    steps: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: defaultdict(int) for c in COUNTERS}
    )
    counting: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dropped: int = 0


def tally(recs: Sequence[Block], *, wearer: bool = False) -> Tally:
    """Count every block with each counter; `wearer`: one engine state per person, carried."""
    out = Tally()
    state: dict[tuple[str, bool], dict[str, object]] = {}  # (person, gated): the engine carried
    for rec in recs:
        out.seconds[rec.code] += rec.seconds
        out.people[rec.code].add(rec.person)
        out.dropped += rec.dropped
        found: dict[str, int] = {}
        for gated, counter in ((True, "engine"), (False, "detector alone")):
            engine = GaitEngine(Placement.WRIST, state=state.get((rec.person, gated)), gated=gated)
            found[counter] = len(step_times(feed(engine, rec.t, rec.acc, None)))
            if wearer:
                state[rec.person, gated] = engine.to_dict()
        found["Espruino"] = len(espruino.watch_steps(rec.t, rec.acc))
        for counter, n in found.items():
            out.steps[counter][rec.code] += n
        out.counting[rec.code] += found["engine"] > 0
    return out


def activity_table(tl: Tally) -> str:
    header = ["activity", "steps expected", "shared data", "people", "min", "engine counts in"]
    body = []
    for code, (name, kind, shared) in ACTIVITIES.items():
        seconds = tl.seconds.get(code, 0.0)
        if seconds <= 0:
            continue
        people = len(tl.people[code])
        cells = [name, kind, "tuned on" if shared else "held out", str(people)]
        cells += [f"{seconds / 60:.1f}", f"{tl.counting[code]} of {people}"]
        cells += [counted(tl.steps[c][code], seconds, kind) for c in COUNTERS]
        body.append(cells)
    return fmt_table([*header, *COUNTERS], body)


def summary(tl: Tally) -> str:
    body = []
    for kind in KINDS:
        for shared in (False, True):
            codes = [
                c
                for c, (_, k, s) in ACTIVITIES.items()
                if k == kind and s == shared and tl.seconds.get(c, 0.0) > 0
            ]
            if not codes:
                continue
            seconds = sum(tl.seconds[c] for c in codes)
            cells = [kind, "tuned on" if shared else "held out", f"{seconds / 3600:.2f} h"]
            cells += [counted(sum(tl.steps[c][x] for x in codes), seconds, kind) for c in COUNTERS]
            body.append(cells)
    return fmt_table(["steps expected", "activities", "time", *COUNTERS], body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.wisdm_watch", description=__doc__)
    parser.add_argument("dir", type=Path, help="the folder of data_16NN_accel_watch.txt")
    parser.add_argument(
        "--wearer", action="store_true", help="carry each person's engine state through"
    )
    args = parser.parse_args(argv)
    what = "WISDM watch accelerometer files"
    recs = read_folder(args.dir, lambda: blocks(args.dir), "WISDM 2019", what)
    if recs is None:
        return 2
    tl = tally(recs, wearer=args.wearer)
    people = len({r.person for r in recs})
    how = "each person's engine carried" if args.wearer else "a fresh engine a block"
    print(f"{len(recs)} blocks of {people} people at the wrist, {how}")
    print(activity_table(tl))
    print()
    print(summary(tl))
    if tl.dropped:
        print(f"{tl.dropped} samples dropped: not later than the one before")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
