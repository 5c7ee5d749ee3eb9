"""Thigh sensors of other people, held out: walking, stairs, running, and riding a bicycle or a car.

The shared data's pocket recordings (spsw, UMAFall) hold no cycling and no car, and every one of
them is a phone lying lengthwise in a pocket. *HuGaDB* (Chereshnev and Kertesz-Farkas, "HuGaDB:
Human Gait Database for Activity Recognition from Wearable Inertial Sensor Networks", AIST 2017;
github.com/romanchereshnev/HuGaDB) has 18 people with an accelerometer and gyroscope strapped to
each thigh (5 cm above the knee, the x axis along the thigh), shin and foot, in files of one
activity or of several in a row, labelled per sample: walking, running, stairs up and down,
sitting, standing, sitting down and standing up, riding a bicycle (one person, 44 minutes),
riding in a car as a passenger (one person, 51 minutes) and in a lift. No licence is stated; its
authors ask to be cited. Nothing of it is in this repository: the bench reads your own copy.
The first run was blind (2026-12-07, twelfth session, main b7bf886); the thigh's rule against
pedalling was made from it after (docs/hugadb.md), so its cycling rows are tuned on since.

    python -m tools.bench.hugadb DIR [--no-peers]   # DIR: the data set's Data/ folder

The files carry no time stamps: the data set gives 2,111,962 samples in 35,903 s (58.8 Hz),
taken here as every file's rate. The accelerometers' range is +-2 g (16,384 codes a g), so
walking clips at the thigh now and then; the gyroscopes are not used (the thigh's engine needs
none, and the data set lists several as corrupted). Each thigh of each file goes through a fresh
engine, as the replay CLI runs a recording, as a trouser pocket (Placement.THIGH): a phone in a
pocket moves with the thigh as the strapped sensor does, though lower on it. Every counted step
is given the activity of the sample it falls on. Counters: the engine, its detector alone (before
the walking gate) and mobgap* (Mobilise-D's gait sequences and initial contacts, off-label at the
thigh as in the daily bench; dev environment .venv-peers, `./scripts/setup_peers`).

No step truth: walking is checked against the thigh's own swing, once a stride (the 3 axes'
strongest rhythm at 0.6-1.6 Hz over each walking stretch of 10 s or more, two steps a stride).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
import re
import sys

import numpy as np

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray, GaitEngine, Placement
from tools.peers import external

from .daily import step_times
from .data import feed, fmt_table, rate

RATE_HZ = 58.8  # 2,111,962 samples in 35,903 s (the data set's table): no time stamps
CODES_PER_G = 16384.0  # +-2 g in 16 bits
COLUMNS = 39  # 6 sensors x (acc, gyro) x 3 axes, 2 EMG, the activity label
THIGHS = {"right thigh": 12, "left thigh": 30}  # first accelerometer column of each
# The per-sample label, its name and whether steps are expected, as daily-living labels them.
LABELS = {
    1: ("walking", "yes"),
    2: ("running", "yes"),
    3: ("stairs up", "yes"),
    4: ("stairs down", "yes"),
    5: ("sitting", "no"),
    6: ("sitting down", "maybe"),
    7: ("standing up", "maybe"),
    8: ("standing", "no"),
    9: ("bicycling", "no"),
    10: ("lift up", "no"),
    11: ("lift down", "no"),
    12: ("car passenger", "no"),
}
KINDS = ("no", "maybe", "yes")
COUNTERS = ("engine", "detector alone", "mobgap*")
NAME = re.compile(r"^HuGaDB_v1_(?P<activity>[a-z_]+)_(?P<who>[0-9]{2})_(?P<n>[0-9]{2})\.txt$")
WALKING = 1
SWING_HZ = (0.6, 1.6)  # a walking thigh's swing, once a stride
MIN_STRETCH_S = 10.0  # a walking stretch long enough for its rhythm to be measured


@dataclass(frozen=True, slots=True)
class Recording:
    name: str
    person: str
    labels: FloatArray  # per sample, LABELS' keys
    thighs: dict[str, FloatArray]  # (n, 3) m/s^2 with gravity, the sensor's axes

    @property
    def t(self) -> FloatArray:
        return np.arange(len(self.labels), dtype=np.float64) / RATE_HZ


def read(path: Path) -> Recording:
    """One data file; raises ValueError on another file name or a file that is not one."""
    match = NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: not a HuGaDB v1 file name")
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    if not lines or not lines[0].startswith("acc_rf_x"):
        raise ValueError(f"{path.name}: no column header")
    try:
        data = np.array([line.split() for line in lines[1:]], dtype=np.float64)
    except ValueError as err:
        raise ValueError(f"{path.name}: malformed row ({err})") from None
    if data.ndim != 2 or data.shape[1] != COLUMNS or len(data) < 2:
        raise ValueError(f"{path.name}: rows must hold {COLUMNS} numbers, at least two rows")
    labels = data[:, -1]
    if not np.isin(labels, list(LABELS)).all():
        raise ValueError(f"{path.name}: an activity label outside 1-{max(LABELS)}")
    thighs = {
        side: data[:, c : c + 3] / CODES_PER_G * STANDARD_GRAVITY for side, c in THIGHS.items()
    }
    return Recording(path.name, match["who"], labels, thighs)


def recordings(folder: Path) -> Iterator[Recording]:
    """Every data file in the folder, in name order."""
    for path in sorted(folder.glob("HuGaDB_v1_*.txt")):
        yield read(path)


def mobgap_steps(recs: Sequence[Recording]) -> list[list[FloatArray]]:
    """mobgap*'s step times per recording and thigh (THIGHS' order), one batch for the peer."""
    streams: list[external.Recording] = [
        (r.t, acc, None) for r in recs for acc in r.thighs.values()
    ]
    times = external.run_peer("mobgap", streams, ["pocket"] * len(streams))
    n = len(THIGHS)
    return [times[i * n : (i + 1) * n] for i in range(len(recs))]


def by_label(labels: FloatArray, times: FloatArray) -> dict[int, int]:
    """How many of `times` (s) fall on a sample of each label."""
    index = np.clip(np.floor(times * RATE_HZ).astype(np.int64), 0, len(labels) - 1)
    keys, counts = np.unique(labels[index].astype(np.int64), return_counts=True)
    return {int(k): int(c) for k, c in zip(keys, counts, strict=True)}


def stretches(labels: FloatArray, label: int) -> list[tuple[int, int]]:
    """(start, end) sample ranges of the label lasting at least MIN_STRETCH_S."""
    on = np.concatenate(([False], labels == label, [False]))
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    return [
        (int(a), int(b))
        for a, b in zip(edges[0::2], edges[1::2], strict=True)
        if b - a >= MIN_STRETCH_S * RATE_HZ
    ]


def swing_steps(acc: FloatArray) -> float:
    """Steps in a walking stretch from the thigh's swing: twice its strides (the 3 axes' power
    peak in SWING_HZ), over the stretch's length."""
    x = acc - acc.mean(axis=0)
    freqs = np.fft.rfftfreq(len(x), 1.0 / RATE_HZ)
    power = (np.abs(np.fft.rfft(x, axis=0)) ** 2).sum(axis=1)
    band = (freqs >= SWING_HZ[0]) & (freqs <= SWING_HZ[1])
    stride_hz = float(freqs[band][np.argmax(power[band])])
    return 2.0 * stride_hz * len(x) / RATE_HZ


@dataclass
class Tally:
    """Per label: seconds (summed over thighs) and steps per counter; walking's swing check."""

    seconds: dict[int, float]
    steps: dict[str, dict[int, int]]
    people: dict[int, set[str]]
    swing: float = 0.0  # steps the thighs' swing gives in walking stretches
    swung: float = 0.0  # steps the engine counts in them

    @classmethod
    def empty(cls) -> Tally:
        return cls(defaultdict(float), {c: defaultdict(int) for c in COUNTERS}, defaultdict(set))


def tally(recs: Sequence[Recording], peer: list[list[FloatArray]] | None) -> Tally:
    """Count every thigh of every recording with each counter (mobgap* where `peer` is given)."""
    out = Tally.empty()
    for i, rec in enumerate(recs):
        t = rec.t
        labels, samples = np.unique(rec.labels.astype(np.int64), return_counts=True)
        for label, n in zip(labels, samples, strict=True):
            out.seconds[int(label)] += len(rec.thighs) * float(n) / RATE_HZ  # thigh-seconds
            out.people[int(label)].add(rec.person)
        for k, acc in enumerate(rec.thighs.values()):
            found = {
                "engine": step_times(feed(GaitEngine(Placement.THIGH), t, acc, None)),
                "detector alone": step_times(
                    feed(GaitEngine(Placement.THIGH, gated=False), t, acc, None)
                ),
            }
            if peer is not None:
                found["mobgap*"] = peer[i][k]
            for counter, times in found.items():
                for label, n in by_label(rec.labels, times).items():
                    out.steps[counter][label] += n
            for a, b in stretches(rec.labels, WALKING):
                out.swing += swing_steps(acc[a:b])
                engine = found["engine"]
                out.swung += int(np.sum((engine >= t[a]) & (engine < t[b - 1])))
    return out


def activity_table(tl: Tally, peers: bool) -> str:
    counters = COUNTERS if peers else COUNTERS[:2]
    header = ["activity", "steps expected", "people", "thigh-min", *counters]
    body = []
    for label, (name, kind) in LABELS.items():
        seconds = tl.seconds.get(label, 0.0)
        if seconds <= 0:
            continue
        cells = [name, kind, str(len(tl.people[label])), f"{seconds / 60:.1f}"]
        for c in counters:
            n = tl.steps[c].get(label, 0)
            cells.append(f"{n:,} ({rate(n, seconds, kind)})")
        body.append(cells)
    return fmt_table(header, body)


def summary(tl: Tally, peers: bool) -> str:
    counters = COUNTERS if peers else COUNTERS[:2]
    body = []
    for kind in KINDS:
        labels = [k for k, (_, kk) in LABELS.items() if kk == kind and tl.seconds.get(k, 0) > 0]
        if not labels:
            continue
        seconds = sum(tl.seconds[k] for k in labels)
        cells = [kind, f"{seconds / 3600:.2f} h"]
        for c in counters:
            n = sum(tl.steps[c].get(k, 0) for k in labels)
            cells.append(f"{n:,} ({rate(n, seconds, kind)})")
        body.append(cells)
    return fmt_table(["steps expected", "thigh-time", *counters], body)


def swing_line(tl: Tally) -> str:
    if tl.swing <= 0:
        return "walking stretches of 10 s or more: none"
    return (
        f"walking stretches of 10 s or more: the engine counts {tl.swung:,.0f} steps, the thighs'"
        f" swing gives {tl.swing:,.0f} ({100 * tl.swung / tl.swing:.0f} %)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.hugadb", description=__doc__)
    parser.add_argument("dir", type=Path, help="HuGaDB's Data folder (HuGaDB_v1_*.txt)")
    parser.add_argument("--no-peers", action="store_true", help="leave mobgap* out")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"error: {args.dir} is no folder: get the HuGaDB data set", file=sys.stderr)
        return 2
    try:
        recs = list(recordings(args.dir))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not recs:
        print(f"error: no HuGaDB files in {args.dir}", file=sys.stderr)
        return 2
    peer, why = None, ""
    if not args.no_peers:
        try:
            peer = mobgap_steps(recs)
        except external.PeerUnavailableError as err:
            why = f"mobgap* n/a: {err}"
    tl = tally(recs, peer)
    print(activity_table(tl, peer is not None))
    print()
    print(summary(tl, peer is not None))
    print()
    print(swing_line(tl))
    if why:
        print(why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
