"""A sensor at other people's hip: walking forward, sideways and on stairs, running, sitting, lying.

The shared data's waist recordings are HAPT's and UMAFall's; nothing else at the hip has been run.
*USC-HAD* (Mi Zhang and Alexander A. Sawchuk, "USC-HAD: A Daily Activity Dataset for Ubiquitous
Activity Recognition Using Wearable Sensors", ACM UbiComp SAGAware workshop, 2012; University of
Southern California) has 14 people (aged 21-49) with a MotionNode in a pouch at the front right
hip, its x axis along gravity and y in the walking direction, accelerometer (+-6 g) and gyroscope
(+-500 dps) at 100 Hz. Each did five trials of twelve activities: walking forward, to the left and
to the right (side steps), up and down stairs, running forward, jumping up, sitting, standing,
sleeping, and riding a lift up and down. One .mat file per trial, labelled by its name
(a<activity>t<trial>.mat; four files' own metadata are off, the names are not). The authors ask
users to cite the paper; the data ships without a licence file, so nothing of it is in this
repository: the bench reads your own copy.

    python -m tools.bench.uschad DIR [--no-peers] [--placement waist|thigh]
    # DIR: the folder holding Subject1 ... Subject14

Every trial goes through a fresh engine as WAIST (the placement a user with a sensor on a belt or
at the hip picks), with its gyroscope. Counters: the engine, its detector alone (before the walking
gate) and mobgap (Mobilise-D's gait sequences and initial contacts, made for the lower back;
.venv-peers). No step truth: walks, stairs and runs are checked against their own rhythm (the
acceleration magnitude's strongest frequency, a walk's band at 72-132 steps a minute, a run's at
120-204), which counts the whole trial at that rhythm, any pause in it too, so it errs high. The
trials were cut to their activity, so a walk starts moving at once and a fresh engine must confirm
it. Everyone walks forwards, sideways or on stairs facing ahead: each step the engine labels
backward is a false one.
Jumping up is no walk, but the feet land together in a rhythm ("maybe"), as MobiFall's bench
reports it. Nothing of the engine was designed on these recordings before the first run
(eighteenth session, the engine of main 6b92e6d).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
import math
from pathlib import Path
import re

import numpy as np
from scipy.io import loadmat  # type: ignore[import-untyped]
from scipy.io.matlab import MatReadError  # type: ignore[import-untyped]

from custom_components.retrowalk.gait import (
    STANDARD_GRAVITY,
    Direction,
    FloatArray,
    GaitEngine,
    Placement,
)
from tools.peers import external

from .daily import step_times
from .data import WALK_STEP_HZ, counted, feed, fmt_table, median_range, read_folder, rhythm_steps

RATE_HZ = 100.0
# Activity number: its name and whether steps are expected (daily-living's kinds).
ACTIVITIES = {
    1: ("walking forward", "yes"),
    2: ("walking left", "yes"),
    3: ("walking right", "yes"),
    4: ("stairs up", "yes"),
    5: ("stairs down", "yes"),
    6: ("running forward", "yes"),
    7: ("jumping up", "maybe"),
    8: ("sitting", "no"),
    9: ("standing", "no"),
    10: ("sleeping", "no"),
    11: ("lift up", "no"),
    12: ("lift down", "no"),
}
KINDS = ("no", "maybe", "yes")
COUNTERS = ("engine", "detector alone", "mobgap")
# A run's rhythm, 120-204 steps a minute (MobiFall's jog band); every walk's, the walking band.
RUN_STEP_HZ = (2.0, 3.4)
RHYTHM_HZ = dict.fromkeys(range(1, 6), WALK_STEP_HZ) | {6: RUN_STEP_HZ}
NAME = re.compile(r"^a(?P<activity>[0-9]+)t(?P<n>[0-9]+)\.mat$")
PERSON = re.compile(r"^Subject(?P<who>[0-9]+)$")
READINGS = "sensor_readings"  # (n, 6): acc x, y, z in g, gyro x, y, z in degrees a second


@dataclass(frozen=True, slots=True)
class Trial:
    name: str
    activity: int
    person: str
    t: FloatArray  # s from the trial's first sample
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the sensor's axes
    gyro: FloatArray  # (n, 3) rad/s


def read(path: Path) -> Trial:
    """One trial's file; ValueError on another file name or unreadable readings."""
    match, who = NAME.match(path.name), PERSON.match(path.parent.name)
    if match is None or who is None or int(match["activity"]) not in ACTIVITIES:
        raise ValueError(f"{path}: not a USC-HAD trial (Subject<n>/a<activity>t<trial>.mat)")
    try:
        readings = loadmat(path)[READINGS]
    except (OSError, ValueError, KeyError, MatReadError) as err:
        raise ValueError(f"{path}: no {READINGS} ({err})") from None
    data = np.asarray(readings, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != 6 or len(data) < 2:
        raise ValueError(f"{path}: {READINGS} must hold 6 columns, at least two rows")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{path}: {READINGS} holds values that are not finite")
    t = np.arange(len(data)) / RATE_HZ
    acc = data[:, :3] * STANDARD_GRAVITY
    gyro = np.radians(data[:, 3:])
    return Trial(path.stem, int(match["activity"]), who["who"], t, acc, gyro)


def trials(folder: Path) -> Iterator[Trial]:
    """Every trial under the folder's Subject folders, in person, activity and trial order."""

    def order(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"[0-9]+", path.relative_to(folder).as_posix()))

    for path in sorted(folder.glob("Subject*/a*t*.mat"), key=order):
        yield read(path)


def mobgap_steps(recs: Sequence[Trial]) -> list[FloatArray]:
    """mobgap's step times per trial, one batch for the peer (accelerometer only, as it runs)."""
    streams: list[external.Recording] = [(r.t, r.acc, None) for r in recs]
    return external.run_peer("mobgap", streams, ["waist"] * len(streams))


@dataclass
class Tally:
    """Per activity: seconds, people and, per trial, steps per counter and the engine's backward
    ones, and each walk's steps by its rhythm."""

    seconds: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    people: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    steps: dict[str, dict[int, list[int]]] = field(
        default_factory=lambda: {c: defaultdict(list) for c in COUNTERS}
    )
    backward: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    rhythm: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    trial_s: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))


def tally(recs: Sequence[Trial], peer: list[FloatArray] | None, placement: Placement) -> Tally:
    """Count every trial with each counter (mobgap where `peer` is given)."""
    out = Tally()
    for i, rec in enumerate(recs):
        seconds = len(rec.t) / RATE_HZ
        out.seconds[rec.activity] += seconds
        out.trial_s[rec.activity].append(seconds)
        out.people[rec.activity].add(rec.person)
        gated = feed(GaitEngine(placement), rec.t, rec.acc, rec.gyro)
        out.backward[rec.activity].append(sum(s.direction is Direction.BACKWARD for s in gated))
        found = {
            "engine": step_times(gated),
            "detector alone": step_times(
                feed(GaitEngine(placement, gated=False), rec.t, rec.acc, rec.gyro)
            ),
        }
        if peer is not None:
            found["mobgap"] = peer[i]
        for counter, times in found.items():
            out.steps[counter][rec.activity].append(len(times))
        if rec.activity in RHYTHM_HZ:
            out.rhythm[rec.activity].append(rhythm_steps(rec.acc, RATE_HZ, RHYTHM_HZ[rec.activity]))
    return out


def _counters(peers: bool) -> tuple[str, ...]:
    return COUNTERS if peers else COUNTERS[:2]


def activity_table(tl: Tally, peers: bool) -> str:
    header = ["activity", "steps expected", "people", "trials", "min", *_counters(peers)]
    body = []
    for activity, (name, kind) in ACTIVITIES.items():
        seconds = tl.seconds.get(activity, 0.0)
        if seconds <= 0:
            continue
        cells = [name, kind, str(len(tl.people[activity])), str(len(tl.trial_s[activity]))]
        cells.append(f"{seconds / 60:.1f}")
        cells += [counted(sum(tl.steps[c][activity]), seconds, kind) for c in _counters(peers)]
        body.append(cells)
    return fmt_table(header, body)


def summary(tl: Tally, peers: bool) -> str:
    body = []
    for kind in KINDS:
        chosen = [a for a, (_, k) in ACTIVITIES.items() if k == kind and tl.seconds.get(a, 0) > 0]
        if not chosen:
            continue
        seconds = sum(tl.seconds[a] for a in chosen)
        total = {c: sum(sum(tl.steps[c][a]) for a in chosen) for c in _counters(peers)}
        cells = [counted(n, seconds, kind) for n in total.values()]
        body.append([kind, f"{seconds / 3600:.2f} h", *cells])
    return fmt_table(["steps expected", "time", *_counters(peers)], body)


def per_trial(tl: Tally, peers: bool) -> str:
    """Walks, stairs and runs: against their rhythm, a minute's steps, trials with none."""
    body = []
    for activity, rhythm in tl.rhythm.items():
        name = ACTIVITIES[activity][0]
        minutes = [s / 60 for s in tl.trial_s[activity]]
        ratios, per_min, empty = [f"{name}: steps / its rhythm"], [f"{name}: a minute"], []
        for c in _counters(peers):
            steps = tl.steps[c][activity]
            ratios.append(
                median_range([100 * n / r for n, r in zip(steps, rhythm, strict=True) if r], "%")
            )
            per_min.append(median_range([n / m for n, m in zip(steps, minutes, strict=True)], ""))
            empty.append(str(sum(n == 0 for n in steps)))
        own = median_range([r / m for r, m in zip(rhythm, minutes, strict=True)], "")
        body += [ratios, per_min, [f"{name}: its rhythm, a minute", *[own] * len(ratios[1:])]]
        body.append([f"{name}: trials with no step", *empty])
    return fmt_table(["per trial: median (range)", *_counters(peers)], body) if body else ""


def direction_table(tl: Tally) -> str:
    """The engine's steps labelled backward, per activity with steps expected or maybe."""
    body = []
    for activity, (name, kind) in ACTIVITIES.items():
        steps = tl.steps["engine"].get(activity, [])
        if kind == "no" or not steps:
            continue
        total, back = sum(steps), sum(tl.backward[activity])
        share = f"{100 * back / total:.1f} %" if total else "-"
        worst = max(
            (100 * b / n for b, n in zip(tl.backward[activity], steps, strict=True) if n),
            default=math.nan,
        )
        body.append([name, f"{total:,}", f"{back:,}", share, f"{worst:.0f} %"])
    header = ["activity", "steps", "labelled backward", "share", "worst trial"]
    return fmt_table(header, body) if body else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.uschad", description=__doc__)
    parser.add_argument("dir", type=Path, help="USC-HAD's folder (Subject1 ... Subject14)")
    parser.add_argument("--no-peers", action="store_true", help="leave mobgap out")
    parser.add_argument(
        "--placement",
        choices=[str(Placement.WAIST), str(Placement.THIGH)],
        default=str(Placement.WAIST),
        help="the engine's placement for the hip sensor (default waist)",
    )
    args = parser.parse_args(argv)
    recs = read_folder(args.dir, lambda: trials(args.dir), "USC-HAD", "USC-HAD trials")
    if recs is None:
        return 2
    peer, why = None, ""
    if not args.no_peers:
        try:
            peer = mobgap_steps(recs)
        except external.PeerUnavailableError as err:
            why = f"mobgap n/a: {err}"
    tl = tally(recs, peer, Placement(args.placement))
    people = len({r.person for r in recs})
    print(f"{len(recs)} trials of {people} people as {args.placement} at {RATE_HZ:g} Hz")
    for part in (activity_table, summary, per_trial):
        print(part(tl, peer is not None))
        print()
    print(direction_table(tl))
    if why:
        print(why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
