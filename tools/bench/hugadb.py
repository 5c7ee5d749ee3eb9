"""Thigh, shank and foot sensors of other people: walking, stairs, running, a bicycle, a car.

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
pedalling was made from it after (docs/hugadb.md), so its cycling rows are tuned on since, and its
rider and car passenger were looked at for the rule that a walking thigh swings (its limit from
real forward walking, scaled to a backward step: docs/walking_gate.md, "Thigh: a walking thigh
swings").

    python -m tools.bench.hugadb DIR [--no-peers] [--placement thigh|shank|foot] [--lengthwise]
    # DIR: the data set's Data/ folder

The files carry no time stamps: the data set gives 2,111,962 samples in 35,903 s (58.8 Hz),
taken here as every file's rate. The accelerometers' range is +-2 g (16,384 codes a g), so
walking clips at the thigh now and then. Each thigh of each file goes through a fresh engine, as
the replay CLI runs a recording, as a trouser pocket (Placement.THIGH): a phone in a pocket moves
with the thigh as the strapped sensor does, though lower on it; the thigh's engine needs no gyro.

`--lengthwise` turns the thighs' axes as a phone lying lengthwise in a pocket would have them (y
along the thigh: docs/hugadb.md, "A phone lying lengthwise on a saddle").

`--placement shank` or `foot` runs the shins' sensors (mid-shank, as an ankle strap's
Placement.SHANK) or the feet's (on the metatarsals, Placement.FOOT) instead, with their
gyroscopes (GYRO_CODES_PER_DPS); a gyroscope the data set lists as corrupted (amplified tenfold:
it clips) leaves its sensor out, counted apart. The stride method's pedalling rule was chosen
looking at the rider here (docs/walking_gate.md, "Foot and shank: pedalling"), so the shank's
and foot's cycling rows are tuned on; their walking rows were run before and after it.

Every counted step is given the activity of the sample it falls on. Counters: the engine, its
detector alone (before the walking gate) and, at the thigh only, mobgap* (Mobilise-D's gait
sequences and initial contacts, off-label at the thigh as in the daily bench; dev environment
.venv-peers, `./scripts/setup_peers`).

No step truth: walking is checked against the sensor's own swing, once a stride (the 3 axes'
strongest rhythm at 0.6-1.6 Hz over each walking stretch of 10 s or more, two steps a stride).
The swing takes a slow walker's step for the stride (steps slower than 1.6 Hz), so at the thigh,
which feels both legs' steps, each stretch is checked against the magnitude's step rhythm too
(data.WALK_STEP_HZ), and the stretches where the swing gives 1.5 times the rhythm or more are
counted.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
import math
from pathlib import Path
import re
import sys

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray, GaitEngine, Placement
from tools.peers import external

from .daily import step_times
from .data import WALK_STEP_HZ, counted, feed, fmt_table, peak_hz, rate, rhythm_steps

RATE_HZ = 58.8  # 2,111,962 samples in 35,903 s (the data set's table): no time stamps
CODES_PER_G = 16384.0  # +-2 g in 16 bits
COLUMNS = 39  # 6 sensors x (acc, gyro) x 3 axes, 2 EMG, the activity label
# The first accelerometer column of each sensor; its gyroscope's three follow.
SENSORS = {
    Placement.THIGH: {"right thigh": 12, "left thigh": 30},
    Placement.SHANK: {"right shank": 6, "left shank": 24},
    Placement.FOOT: {"right foot": 0, "left foot": 18},
}
THIGHS = SENSORS[Placement.THIGH]
# Whose swing, for the tables.
SENSED = {Placement.THIGH: "thighs'", Placement.SHANK: "shanks'", Placement.FOOT: "feet's"}
# Gyroscope codes per degree a second, by the file's activity: the files give no range. At +-2000
# deg/s (16.4) the walking files' shanks swing at 300-400 deg/s, as shanks do (at 65.5 only 134);
# in the bicycling files +-500 deg/s (65.5): there a rider's thigh turns 37-49 degrees a pedal
# revolution, as a thigh on a saddle does (at 16.4, 150-200).
GYRO_CODES_PER_DPS = 16.4
GYRO_CODES_PER_DPS_BY_ACTIVITY = {"bicycling": 65.5}
CLIPPED = 32767  # the 16-bit gyroscope's end of range
MAX_CLIPPED = 0.001  # a larger share of samples at it: a corrupted (clipping) gyroscope
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
# Labels of moving on foot (walking, running, stairs, sitting down, standing up). The v1 labels
# were set by an operator at a laptop and start or end a movement a second or so off (its authors
# relabelled sitting, standing and the transitions in a v2, not public here): steps counted
# while "standing" next to a walk are mostly the walk's own. The bench also counts the steps
# while not walking that lie EDGE_S or more from any of these.
MOVING = (1, 2, 3, 4, 6, 7)
EDGE_S = 2.0
SWING_HZ = (0.6, 1.6)  # a walking thigh's swing, once a stride
# A stretch whose swing gives this many times its step rhythm's steps or more: the swing's peak
# lay at the step rhythm (twice the steps; a pause or turn moves either a little, not 50 %).
DOUBLED = 1.5
MIN_STRETCH_S = 10.0  # a walking stretch long enough for its rhythm to be measured


@dataclass(frozen=True, slots=True)
class Sensor:
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the sensor's axes
    gyro: FloatArray | None  # (n, 3) rad/s; None: not read (the thigh) or corrupted


@dataclass(frozen=True, slots=True)
class Recording:
    name: str
    person: str
    labels: FloatArray  # per sample, LABELS' keys
    sensors: dict[str, Sensor]  # the placement's two, SENSORS' order

    @property
    def t(self) -> FloatArray:
        return np.arange(len(self.labels), dtype=np.float64) / RATE_HZ


def read(path: Path, placement: Placement = Placement.THIGH) -> Recording:
    """One data file's sensors at `placement`; ValueError on another file name or not a file."""
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
    per_dps = GYRO_CODES_PER_DPS_BY_ACTIVITY.get(match["activity"], GYRO_CODES_PER_DPS)
    sensors = {
        side: Sensor(
            data[:, c : c + 3] / CODES_PER_G * STANDARD_GRAVITY,
            None if placement is Placement.THIGH else _gyro(data[:, c + 3 : c + 6], per_dps),
        )
        for side, c in SENSORS[placement].items()
    }
    return Recording(path.name, match["who"], labels, sensors)


def _gyro(codes: FloatArray, per_dps: float) -> FloatArray | None:
    """rad/s from the codes; None for a corrupted gyroscope (one that clips)."""
    if float(np.mean(np.abs(codes) >= CLIPPED)) > MAX_CLIPPED:
        return None
    return np.radians(codes / per_dps)


def lengthwise(rec: Recording) -> Recording:
    """The recording's sensors as a phone lying lengthwise in a trouser pocket would feel them:
    the strapped thigh has x along the thigh, the phone y, so each acceleration is turned to
    [y, x, -z] (x and y swapped, z reversed: a proper rotation, as a real phone turns)."""
    sensors = {
        side: replace(s, acc=np.stack([s.acc[:, 1], s.acc[:, 0], -s.acc[:, 2]], axis=1))
        for side, s in rec.sensors.items()
    }
    return replace(rec, sensors=sensors)


def recordings(folder: Path, placement: Placement = Placement.THIGH) -> Iterator[Recording]:
    """Every data file in the folder, in name order."""
    for path in sorted(folder.glob("HuGaDB_v1_*.txt")):
        yield read(path, placement)


def mobgap_steps(recs: Sequence[Recording]) -> list[list[FloatArray]]:
    """mobgap*'s step times per recording and thigh (THIGHS' order), one batch for the peer."""
    streams: list[external.Recording] = [
        (r.t, sensor.acc, None) for r in recs for sensor in r.sensors.values()
    ]
    times = external.run_peer("mobgap", streams, ["pocket"] * len(streams))
    n = len(THIGHS)
    return [times[i * n : (i + 1) * n] for i in range(len(recs))]


def _index(labels: FloatArray, times: FloatArray) -> npt.NDArray[np.int64]:
    """The sample each of `times` (s) falls on."""
    index: npt.NDArray[np.int64] = np.clip(
        np.floor(times * RATE_HZ).astype(np.int64), 0, len(labels) - 1
    )
    return index


def by_label(labels: FloatArray, times: FloatArray) -> dict[int, int]:
    """How many of `times` (s) fall on a sample of each label."""
    keys, counts = np.unique(labels[_index(labels, times)].astype(np.int64), return_counts=True)
    return {int(k): int(c) for k, c in zip(keys, counts, strict=True)}


def stretches(
    labels: FloatArray, label: int, min_s: float = MIN_STRETCH_S
) -> list[tuple[int, int]]:
    """(start, end) sample ranges of the label lasting at least `min_s` (MIN_STRETCH_S)."""
    on = np.concatenate(([False], labels == label, [False]))
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    return [
        (int(a), int(b))
        for a, b in zip(edges[0::2], edges[1::2], strict=True)
        if b - a >= min_s * RATE_HZ
    ]


def apart_from_moving(labels: FloatArray) -> npt.NDArray[np.bool_]:
    """Samples labelled not walking that lie EDGE_S or more from any labelled movement."""
    half = math.ceil(EDGE_S * RATE_HZ) - 1  # the farthest sample still nearer than EDGE_S
    moving = np.concatenate(([0], np.cumsum(np.isin(labels, MOVING))))
    i = np.arange(len(labels))
    lo, hi = np.maximum(i - half, 0), np.minimum(i + half + 1, len(labels))
    near = moving[hi] > moving[lo]  # a movement within half samples either side
    still = np.isin(labels, [k for k, (_, kind) in LABELS.items() if kind == "no"])
    out: npt.NDArray[np.bool_] = still & ~near
    return out


def swing_steps(acc: FloatArray) -> float:
    """Steps in a walking stretch from the thigh's swing: twice its strides (the 3 axes' power
    peak in SWING_HZ), over the stretch's length."""
    return 2.0 * peak_hz(acc, RATE_HZ, SWING_HZ) * len(acc) / RATE_HZ


@dataclass
class Tally:
    """Per label: seconds (summed over sensors) and steps per counter; walking's swing check."""

    seconds: dict[int, float]
    steps: dict[str, dict[int, int]]
    people: dict[int, set[str]]
    swing: float = 0.0  # steps the sensors' swing gives in walking stretches
    swung: float = 0.0  # steps the engine counts in them
    # At the thigh: steps the magnitude's step rhythm gives in them, and the stretches (of how
    # many) where the swing gives DOUBLED times that or more (it took a step for the stride).
    rhythm: float = 0.0
    doubled: int = 0
    stretches: int = 0
    placement: Placement = Placement.THIGH
    corrupted: int = 0  # sensors left out: their gyroscope clips
    # Not walking and EDGE_S or more from any labelled movement, per label: sensor-seconds, and
    # the engine's steps.
    apart_seconds: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    apart: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def empty(cls, placement: Placement = Placement.THIGH) -> Tally:
        return cls(
            defaultdict(float),
            {c: defaultdict(int) for c in COUNTERS},
            defaultdict(set),
            placement=placement,
        )


def tally(
    recs: Sequence[Recording],
    peer: list[list[FloatArray]] | None,
    placement: Placement = Placement.THIGH,
) -> Tally:
    """Count every sensor of every recording with each counter (mobgap* where `peer` is given)."""
    out = Tally.empty(placement)
    needs_gyro = placement is not Placement.THIGH
    for i, rec in enumerate(recs):
        t = rec.t
        labels, samples = np.unique(rec.labels.astype(np.int64), return_counts=True)
        apart = apart_from_moving(rec.labels)
        keys, counts = np.unique(rec.labels[apart].astype(np.int64), return_counts=True)
        apart_samples = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        for k, sensor in enumerate(rec.sensors.values()):
            if needs_gyro and sensor.gyro is None:
                out.corrupted += 1
                continue
            for label, n in zip(labels, samples, strict=True):
                out.seconds[int(label)] += float(n) / RATE_HZ  # sensor-seconds
                out.people[int(label)].add(rec.person)
            for label, n in apart_samples.items():
                out.apart_seconds[label] += float(n) / RATE_HZ
            acc, gyro = sensor.acc, sensor.gyro
            found = {
                "engine": step_times(feed(GaitEngine(placement), t, acc, gyro)),
                "detector alone": step_times(
                    feed(GaitEngine(placement, gated=False), t, acc, gyro)
                ),
            }
            if peer is not None:
                found["mobgap*"] = peer[i][k]
            for counter, times in found.items():
                for label, n in by_label(rec.labels, times).items():
                    out.steps[counter][label] += n
            engine = found["engine"]
            for label, n in by_label(rec.labels, engine[apart[_index(rec.labels, engine)]]).items():
                out.apart[label] += n
            for a, b in stretches(rec.labels, WALKING):
                swing = swing_steps(acc[a:b])
                out.swing += swing
                out.swung += int(np.sum((engine >= t[a]) & (engine < t[b - 1])))
                if placement is Placement.THIGH:
                    rhythm = rhythm_steps(acc[a:b], RATE_HZ, WALK_STEP_HZ)
                    out.rhythm += rhythm
                    out.doubled += swing >= DOUBLED * rhythm
                    out.stretches += 1
    return out


def activity_table(tl: Tally, peers: bool) -> str:
    counters = COUNTERS if peers else COUNTERS[:2]
    apart = f"engine, {EDGE_S:g} s from moving"
    header = ["activity", "steps expected", "people", f"{tl.placement}-min", *counters, apart]
    body = []
    for label, (name, kind) in LABELS.items():
        seconds = tl.seconds.get(label, 0.0)
        if seconds <= 0:
            continue
        cells = [name, kind, str(len(tl.people[label])), f"{seconds / 60:.1f}"]
        for c in counters:
            n = tl.steps[c].get(label, 0)
            cells.append(counted(n, seconds, kind))
        far = tl.apart_seconds.get(label, 0.0)
        n = tl.apart.get(label, 0)
        cells.append(f"{n:,} in {far / 60:.1f} min ({rate(n, far, kind)})" if far > 0 else "-")
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
            cells.append(counted(n, seconds, kind))
        body.append(cells)
    return fmt_table(["steps expected", f"{tl.placement}-time", *counters], body)


def swing_line(tl: Tally) -> str:
    if tl.swing <= 0:
        return "walking stretches of 10 s or more: none"
    line = (
        f"walking stretches of 10 s or more: the engine counts {tl.swung:,.0f} steps, the"
        f" {SENSED[tl.placement]} swing gives {tl.swing:,.0f} ({100 * tl.swung / tl.swing:.0f} %)"
    )
    if tl.rhythm > 0:
        line += (
            f", the magnitude's step rhythm {tl.rhythm:,.0f} ({100 * tl.swung / tl.rhythm:.0f} %);"
            f" the swing gives {DOUBLED:g} times the rhythm or more in {tl.doubled} of"
            f" {tl.stretches} stretches"
        )
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.hugadb", description=__doc__)
    parser.add_argument("dir", type=Path, help="HuGaDB's Data folder (HuGaDB_v1_*.txt)")
    parser.add_argument("--no-peers", action="store_true", help="leave mobgap* out")
    parser.add_argument(
        "--lengthwise",
        action="store_true",
        help="the thighs turned as a phone lying lengthwise in a pocket ([y, x, -z])",
    )
    parser.add_argument(
        "--placement",
        choices=[str(p) for p in SENSORS],
        default=str(Placement.THIGH),
        help="whose sensors: the thighs' (default), the shins' or the feet's",
    )
    args = parser.parse_args(argv)
    placement = Placement(args.placement)
    if args.lengthwise and placement is not Placement.THIGH:
        print("error: --lengthwise turns the thighs only", file=sys.stderr)
        return 2
    if not args.dir.is_dir():
        print(f"error: {args.dir} is no folder: get the HuGaDB data set", file=sys.stderr)
        return 2
    try:
        recs = list(recordings(args.dir, placement))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not recs:
        print(f"error: no HuGaDB files in {args.dir}", file=sys.stderr)
        return 2
    if args.lengthwise:
        recs = [lengthwise(r) for r in recs]
    peer, why = None, ""
    if placement is not Placement.THIGH:
        why = "mobgap*: run at the thigh only (a trunk method; it reads no gyroscope)"
    elif not args.no_peers:
        try:
            peer = mobgap_steps(recs)
        except external.PeerUnavailableError as err:
            why = f"mobgap* n/a: {err}"
    tl = tally(recs, peer, placement)
    print(activity_table(tl, peer is not None))
    print()
    print(summary(tl, peer is not None))
    print()
    print(swing_line(tl))
    if tl.corrupted:
        print(f"{tl.corrupted} sensors left out: their gyroscope clips (corrupted in the data set)")
    if why:
        print(why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
