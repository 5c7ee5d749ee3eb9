"""Phones in other people's trouser pockets: walking, jogging, stairs, standing, a chair, a car.

The shared data's pocket phones (spsw, UMAFall) and the Oxford pockets all lie lengthwise in the
pocket. *MobiFall* v2.0 (Vavoulas, Pediaditis, Spanakis and Tsiknakis, "The MobiFall dataset:
Fall detection and classification with a smartphone", IJMSTR 2014; the same lab's MobiAct, ICT4AWE
2016, extends it) has a Samsung Galaxy S3 in a trouser pocket "freely chosen by the subject in any
random orientation" (all nine walkers' phones lie lengthwise, the y axis up, as the shared
data's do), its accelerometer at the phone's fastest rate (65-97 Hz, time-stamped in
ns). Nine people recorded everyday activities, one trial each of 5 minutes standing ("with subtle
movements") and walking ("normal walking"), three of 30 s jogging and jumping, six each of 10 s
up and down ten stairs, 6 s sitting down on a chair, stepping into and out of a car; 24 people four
kinds of fall, three of 10 s each. The trials carry no step truth and one label each. The
lab asks users to cite the paper; a public copy of MobiFall v2.0 is on GitHub
(yehowlong/MobiAct_Dataset_v2.0-MobiFall_Dataset_v2.0). Nothing of it is in this repository: the
bench reads your own copy.

    python -m tools.bench.mobifall DIR [--no-peers] [--placement thigh|waist] [--rate HZ]
    # DIR: the folder holding sub1 ... sub31

Each trial is interpolated onto 400 Hz and anti-alias resampled to `--rate` (50 Hz), as the Oxford
bench does with its phones, from its first interval under 0.05 s (a slow start at 5 Hz, in most
recordings, left out), and run through a fresh engine as THIGH, the placement a user with a
phone in a trouser pocket picks (`--placement waist`: one who calls it the waist). The short
trials start from rest with a fresh engine, so they ask what a walk of a few steps from standing
gives. Counters: the engine, its detector alone (before the walking gate) and mobgap* (Mobilise-D's
gait sequences and initial contacts, off-label in a pocket, as in the daily bench; .venv-peers).

No step truth. Walking and jogging are checked against their own rhythm: the acceleration
magnitude's strongest frequency at 1.2-2.2 Hz (72-132 steps a minute) over a walk's 5 minutes,
at 2.0-3.4 Hz (120-204) over a jog's 30 s, whose turns and pauses it counts as steps, so it errs
high; and
stairs against the flight: ten stairs are ten steps, give or take the one onto the first or off
the last. Jumping is no walk, but its feet leave the ground together in the rhythm of a jog: its
steps are reported apart ("maybe"), as are the chair, the car and the falls, whose trials hold a
step or two of their own (a car is stepped into).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
import re
import statistics

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from tools.peers import external

from .daily import step_times
from .data import WALK_STEP_HZ, counted, feed, fmt_table, median_range, read_folder, rhythm_steps
from .oxford import at_rate

RATE_HZ = 50.0
# Trial code: its name, whether steps are expected (daily-living's kinds) and its folder.
ACTIVITIES = {
    "WAL": ("walking", "yes"),
    "JOG": ("jogging", "yes"),
    "STU": ("stairs up", "yes"),
    "STN": ("stairs down", "yes"),
    "STD": ("standing", "no"),
    "JUM": ("jumping", "maybe"),
    "SCH": ("sitting down on a chair", "maybe"),
    "CSI": ("stepping into a car", "maybe"),
    "CSO": ("stepping out of a car", "maybe"),
    "FOL": ("fall forward", "maybe"),
    "FKL": ("fall onto the knees", "maybe"),
    "SDL": ("fall sideways", "maybe"),
    "BSC": ("fall back off a chair", "maybe"),
}
KINDS = ("no", "maybe", "yes")
COUNTERS = ("engine", "detector alone", "mobgap*")
STAIRS = 10  # each stairs trial's flight
# Walking's step rhythm (data.WALK_STEP_HZ): the thigh's swing takes the step for the stride
# where a walker's steps come slower than 1.6 Hz, as two of these nine do, and the axes of a
# phone lying lengthwise repeat every step as often as every stride. A jog's, 120-204 a minute:
# above a walk's, below the bounce's first harmonic.
RHYTHM_HZ = {"WAL": WALK_STEP_HZ, "JOG": (2.0, 3.4)}
NAME = re.compile(r"^(?P<code>[A-Z]{3})_acc_(?P<who>[0-9]+)_(?P<n>[0-9]+)\.txt$")
DATA_MARK = "@DATA"
# Most recordings (495 of 630) open with 0.2-1.8 s of samples 0.2 s apart before the phone
# reaches its fastest rate: a signal at 5 Hz holds no step. The samples before the first interval
# under this are left out, and counted (Trial.lead_in_s).
SETTLED_S = 0.05


@dataclass(frozen=True, slots=True)
class Trial:
    name: str
    code: str
    person: str
    t: FloatArray  # s from the trial's first sample, uniform at the bench's rate
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the phone's axes
    dropped: int  # samples not later than the one before (none in v2.0's accelerometer files)
    lead_in_s: float = 0.0  # the slow start left out (SETTLED_S)


def read(path: Path, fs: float = RATE_HZ) -> Trial:
    """One accelerometer file at `fs`; ValueError on another file name or a malformed file."""
    match = NAME.match(path.name)
    if match is None or match["code"] not in ACTIVITIES:
        raise ValueError(f"{path.name}: not a MobiFall accelerometer file name")
    lines = path.read_text().splitlines()
    if DATA_MARK not in lines:
        raise ValueError(f"{path.name}: no {DATA_MARK} line")
    rows = [line for line in lines[lines.index(DATA_MARK) + 1 :] if line.strip()]
    try:
        data = np.array([line.split(",") for line in rows], dtype=np.float64)
    except ValueError as err:
        raise ValueError(f"{path.name}: malformed row ({err})") from None
    if data.ndim != 2 or data.shape[1] != 4 or len(data) < 2:
        raise ValueError(f"{path.name}: rows must hold a time and 3 axes, at least two rows")
    ts = data[:, 0] / 1e9
    # A sample not later than every one before it is dropped, as the Oxford benches do.
    keep = np.concatenate(([True], ts[1:] > np.maximum.accumulate(ts)[:-1]))
    if keep.sum() < 2:
        raise ValueError(f"{path.name}: fewer than two samples with increasing times")
    ts, xyz = ts[keep], data[keep, 1:4]
    fast = np.flatnonzero(np.diff(ts) < SETTLED_S)
    if len(fast) == 0 or len(ts) - fast[0] < 2:
        raise ValueError(f"{path.name}: never sampled faster than {1 / SETTLED_S:g} Hz")
    first = int(fast[0])
    t, acc = at_rate(ts[first:] - ts[first], xyz[first:], fs)
    lead_in = float(ts[first] - ts[0])
    return Trial(path.name, match["code"], match["who"], t - t[0], acc, int((~keep).sum()), lead_in)


def trials(folder: Path, fs: float = RATE_HZ) -> Iterator[Trial]:
    """Every accelerometer file under the folder's subject folders, in path order."""
    for path in sorted(folder.glob("sub*/*/*/*_acc_*.txt")):
        yield read(path, fs)


def mobgap_steps(recs: Sequence[Trial]) -> list[FloatArray]:
    """mobgap*'s step times per trial, one batch for the peer."""
    streams: list[external.Recording] = [(r.t, r.acc, None) for r in recs]
    return external.run_peer("mobgap", streams, ["pocket"] * len(streams))


@dataclass
class Tally:
    """Per activity code: seconds, trials, people and steps per counter (and per trial)."""

    placement: Placement
    fs: float
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    steps: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: {c: defaultdict(list) for c in COUNTERS}
    )
    # Each walk's and jog's steps by its step rhythm, per RHYTHM_HZ's codes.
    rhythm: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    dropped: int = 0
    trial_s: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lead_in: list[float] = field(default_factory=list)  # the slow starts left out, s


def tally(recs: Sequence[Trial], peer: list[FloatArray] | None, placement: Placement) -> Tally:
    """Count every trial with each counter (mobgap* where `peer` is given)."""
    out = Tally(placement, 0.0)
    for i, rec in enumerate(recs):
        out.fs = 1.0 / float(rec.t[1] - rec.t[0])
        out.seconds[rec.code] += len(rec.t) / out.fs
        out.trial_s[rec.code].append(len(rec.t) / out.fs)
        if rec.lead_in_s > 0:
            out.lead_in.append(rec.lead_in_s)
        out.people[rec.code].add(rec.person)
        out.dropped += rec.dropped
        found = {
            "engine": step_times(feed(GaitEngine(placement), rec.t, rec.acc, None)),
            "detector alone": step_times(
                feed(GaitEngine(placement, gated=False), rec.t, rec.acc, None)
            ),
        }
        if peer is not None:
            found["mobgap*"] = peer[i]
        for counter, times in found.items():
            out.steps[counter][rec.code].append(len(times))
        if rec.code in RHYTHM_HZ:
            out.rhythm[rec.code].append(rhythm_steps(rec.acc, out.fs, RHYTHM_HZ[rec.code]))
    return out


def activity_table(tl: Tally, peers: bool) -> str:
    counters = COUNTERS if peers else COUNTERS[:2]
    header = ["activity", "steps expected", "people", "trials", "min", *counters]
    body = []
    for code, (name, kind) in ACTIVITIES.items():
        seconds = tl.seconds.get(code, 0.0)
        if seconds <= 0:
            continue
        n_trials = len(tl.steps["engine"][code])
        cells = [name, kind, str(len(tl.people[code])), str(n_trials), f"{seconds / 60:.1f}"]
        for c in counters:
            n = sum(tl.steps[c][code])
            cells.append(counted(n, seconds, kind))
        body.append(cells)
    return fmt_table(header, body)


def summary(tl: Tally, peers: bool) -> str:
    counters = COUNTERS if peers else COUNTERS[:2]
    body = []
    for kind in KINDS:
        codes = [c for c, (_, k) in ACTIVITIES.items() if k == kind and tl.seconds.get(c, 0) > 0]
        if not codes:
            continue
        seconds = sum(tl.seconds[c] for c in codes)
        cells = [kind, f"{seconds / 3600:.2f} h"]
        for c in counters:
            n = sum(sum(tl.steps[c][code]) for code in codes)
            cells.append(counted(n, seconds, kind))
        body.append(cells)
    return fmt_table(["steps expected", "time", *counters], body)


def per_trial(tl: Tally, peers: bool) -> str:
    """Walks and jogs against their rhythm; each stairs trial against its ten stairs."""
    counters = COUNTERS if peers else COUNTERS[:2]
    body = []
    for code, rhythm in tl.rhythm.items():
        name = ACTIVITIES[code][0]
        cells = [f"{name}: steps / its step rhythm, median (range)"]
        for c in counters:
            ratios = [n / r for n, r in zip(tl.steps[c][code], rhythm, strict=True) if r > 0]
            cells.append(median_range([100 * r for r in ratios], "%"))
        body.append(cells)
        minutes = [s / 60 for s in tl.trial_s[code]]
        cells = [f"{name}: steps a minute, median (range)"]
        for c in counters:
            per_min = [n / m for n, m in zip(tl.steps[c][code], minutes, strict=True)]
            cells.append(median_range(per_min, ""))
        body.append(cells)
        own = median_range([n / m for n, m in zip(rhythm, minutes, strict=True)], "")
        body.append([f"{name}: its step rhythm, steps a minute", *[own] * len(counters)])
    for code in ("STU", "STN"):
        if not tl.steps["engine"][code]:
            continue
        cells = [f"{ACTIVITIES[code][0]}: steps a trial of {STAIRS} stairs, median (range)"]
        cells += [median_range([float(n) for n in tl.steps[c][code]], "") for c in counters]
        body.append(cells)
        cells = [f"{ACTIVITIES[code][0]}: trials with no step"]
        cells += [str(sum(n == 0 for n in tl.steps[c][code])) for c in counters]
        body.append(cells)
    return fmt_table(["per trial", *counters], body) if body else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.mobifall", description=__doc__)
    parser.add_argument("dir", type=Path, help="MobiFall v2.0's folder (sub1 ... sub31)")
    parser.add_argument("--no-peers", action="store_true", help="leave mobgap* out")
    parser.add_argument(
        "--placement",
        choices=[str(Placement.THIGH), str(Placement.WAIST)],
        default=str(Placement.THIGH),
        help="the engine's placement for the pocket (default thigh)",
    )
    parser.add_argument("--rate", type=float, default=RATE_HZ, help="Hz (default 50)")
    args = parser.parse_args(argv)
    what = "MobiFall accelerometer files"
    recs = read_folder(args.dir, lambda: trials(args.dir, args.rate), "MobiFall v2.0", what)
    if recs is None:
        return 2
    peer, why = None, ""
    if not args.no_peers:
        try:
            peer = mobgap_steps(recs)
        except external.PeerUnavailableError as err:
            why = f"mobgap* n/a: {err}"
    tl = tally(recs, peer, Placement(args.placement))
    print(f"{len(recs)} trials as {args.placement} at {tl.fs:g} Hz")
    print(activity_table(tl, peer is not None))
    print()
    print(summary(tl, peer is not None))
    print()
    print(per_trial(tl, peer is not None))
    if tl.dropped:
        print(f"{tl.dropped} samples dropped: not later than the one before")
    if tl.lead_in:
        print(
            f"slow starts left out in {len(tl.lead_in)} trials: median"
            f" {statistics.median(tl.lead_in):.1f} s, longest {max(tl.lead_in):.1f} s"
        )
    if why:
        print(why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
