"""Everyday arm work at the wrist, real: toothbrushing, combing hair, eating, drinking, phoning.

The shared data has no real toothbrushing, combing or eating at the wrist (its wrist recordings
are WISDM's reduced subset, UMAFall and spsw), and the virtual wearer's toothbrushing, a strict
xfail, could not be checked against a real one (it is set from these recordings since:
docs/daily_life.md). The *Public Dataset of Accelerometer Data for Human
Motion Primitives Detection* (Bruno, Mastrogiovanni, Sgorbissa, Vernazza, Zaccaria, University of
Genova, 2014; "HMP", also on the UCI repository as *Dataset for ADL Recognition with Wrist-worn
Accelerometer*) has them: 16 volunteers, a sensor on the right wrist (x towards the hand, y to
the left, z out of the back of the hand), accelerometer only, 32 Hz, +-1.5 g in 6 bits (code 0-63
is -1.5 g to +1.5 g), one file per trial of one activity ("motion primitive": brushing one's
teeth, combing one's hair, eating with fork and knife or a spoon, drinking from a glass, pouring
water, a call on a fixed telephone, getting up from or lying down on a bed, sitting down on or
standing up from a chair, climbing or descending stairs, walking). Its licence allows research
use and modification; redistribution and any commercial application are to be arranged with
the authors, so nothing of it is in this repository: the bench reads your own copy. Nothing of
the engine was designed on it before the first run (2026-12-07, eleventh session, main 2479db5),
the blind one; the wrist's rule against arm work faster than its steps was made for its one
brushing run after it (docs/hmp_wrist.md).

    python -m tools.bench.hmp_wrist DIR [--sign -1]   # DIR: the data set's folder (Walk/, ...)

Every trial goes through a fresh engine, as the replay CLI runs a recording: a wearer's learned
hanging side is not known (`--sign` gives it, as a worn watch learns it from its wearer's walks).
Counters: the engine (GaitEngine(WRIST)); its detector alone (every step candidate, before the
walking gate); the Espruino watch counter (tools/peers/espruino.py, the recording resampled as a
watch samples it). Each activity says whether steps are expected, as ../shared/data/daily-living
labels its segments: walking and stairs yes (no per-step truth: steps a minute of trial time,
which includes standing at either end, so a lower bound of the cadence), getting up, lying down,
sitting down and standing up maybe (0-2 real steps may happen), the rest no (false steps an
hour). The walking trials are short (6-99 s; the others last up to 291 s), and a fresh engine
needs 6-10 regular steps before it counts any, so the walking rows say more about a walk's start
than about its cadence.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
import re
import sys
from typing import Any

import numpy as np

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray, GaitEngine, Placement
from tools.peers import espruino

from . import wrist_unposed
from .daily import step_times
from .data import counted, feed, fmt_table

RATE_HZ = 32.0
CODES = 63  # the 6-bit code's top value: +RANGE_G
RANGE_G = 1.5
# Steps expected per activity (the folder's name, lower case), as daily-living labels them.
EXPECTED = {
    "brush_teeth": "no",
    "comb_hair": "no",
    "drink_glass": "no",
    "eat_meat": "no",
    "eat_soup": "no",
    "pour_water": "no",
    "use_telephone": "no",
    "getup_bed": "maybe",
    "liedown_bed": "maybe",
    "sitdown_chair": "maybe",
    "standup_chair": "maybe",
    "climb_stairs": "yes",
    "descend_stairs": "yes",
    "walk": "yes",
}
KINDS = ("no", "maybe", "yes")
COUNTERS = ("engine", "detector alone", "Espruino")
# Accelerometer-YYYY-MM-DD-hh-mm-ss-<activity>-<volunteer>.txt
NAME = re.compile(r"^Accelerometer-[0-9-]+-(?P<activity>[a-z_]+)-(?P<who>[fm][0-9]+)\.txt$")


@dataclass(frozen=True, slots=True)
class Trial:
    activity: str
    volunteer: str
    name: str
    t: FloatArray  # s from the trial's first sample
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the sensor's axes

    @property
    def seconds(self) -> float:
        return len(self.t) / RATE_HZ


@dataclass(frozen=True, slots=True)
class Row:
    activity: str
    expected: str
    trials: int
    volunteers: int
    seconds: float
    steps: dict[str, int]  # per counter
    counting: int  # trials in which the engine counts a step


def decode(codes: FloatArray) -> FloatArray:
    """The 6-bit codes as m/s^2: -1.5 g + code / 63 * 3 g (the data set's manual)."""
    return np.asarray((-RANGE_G + codes / CODES * 2 * RANGE_G) * STANDARD_GRAVITY)


def encode(acc: FloatArray) -> FloatArray:
    """m/s^2 as the sensor codes it: the nearest 6-bit code, clipped at +-1.5 g (0 and 63)."""
    codes = np.round((acc / STANDARD_GRAVITY + RANGE_G) / (2 * RANGE_G) * CODES)
    return np.asarray(np.clip(codes, 0, CODES), dtype=np.float64)


def read_trial(path: Path) -> Trial:
    """One trial file: rows of three codes 0-63; raises ValueError on another file name, a
    malformed row, a code out of range or fewer than two samples."""
    match = NAME.match(path.name)
    if match is None or match["activity"] not in EXPECTED:
        raise ValueError(f"{path.name}: not a trial of a known activity")
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    if len(rows) < 2 or any(len(r) != 3 for r in rows):
        raise ValueError(f"{path.name}: rows must hold three codes, at least two rows")
    try:
        codes = np.array(rows, dtype=np.int64)
    except ValueError as err:
        raise ValueError(f"{path.name}: malformed row ({err})") from None
    if codes.min() < 0 or codes.max() > CODES:
        raise ValueError(f"{path.name}: a code outside 0-{CODES}")
    t = np.arange(len(codes), dtype=np.float64) / RATE_HZ
    return Trial(match["activity"], match["who"], path.name, t, decode(codes.astype(np.float64)))


def trials(folder: Path) -> Iterator[Trial]:
    """Every trial file under the activities' folders (any letter case), in name order.

    Only the folders named after an activity: the UCI copy's *_MODEL folders (the trials its
    authors built their models from, under their own names) are left out, so that no trial is
    read twice.
    """
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if sub.name.lower() in EXPECTED:
            for path in sorted(sub.glob("Accelerometer-*.txt")):
                yield read_trial(path)


def learned(sign: int) -> dict[str, Any]:
    """The wrist gate's state once three of the wearer's walks agreed on the hanging side."""
    return {"sign": sign, "votes": [sign] * 3}


def count(trial: Trial, sign: int = 0) -> dict[str, int]:
    """Steps each counter finds in one trial; `sign`: the wearer's hanging side, if known."""

    def engine(gated: bool) -> int:
        eng = GaitEngine(Placement.WRIST, gated=gated)
        if sign:
            state = {**eng.to_dict(), "gate": learned(sign)}
            eng = GaitEngine(Placement.WRIST, state=state, gated=gated)
        return len(step_times(feed(eng, trial.t, trial.acc, None)))

    return {
        "engine": engine(True),
        "detector alone": engine(False),
        "Espruino": len(espruino.watch_steps(trial.t, trial.acc)),
    }


def confirmed_runs(trial: Trial, sign: int = 0) -> list[wrist_unposed.Run]:
    """Every run the gate confirms in the trial, with the features wrist_unposed measures, its
    source "<activity>, hanging" (confirmed in the hanging cone) or "<activity>, in front"."""
    candidates = feed(GaitEngine(Placement.WRIST, gated=False), trial.t, trial.acc, None)
    gate = wrist_unposed.UnposedRuns(Placement.WRIST, every=True)
    if sign:
        gate.load_state(learned(sign))
    gate.add(candidates)
    out = []
    for run, posed, n in zip(gate.runs, gate.posed_runs, gate.counted, strict=True):
        source = f"{trial.activity}, {'hanging' if posed else 'in front'}"
        measured = wrist_unposed.measure(source, run, trial.t, trial.acc, n)
        if measured is not None:
            out.append(measured)
    return out


def rows(counted: Sequence[tuple[Trial, dict[str, int]]]) -> list[Row]:
    """Per activity, in EXPECTED's order: trials, volunteers, seconds, steps per counter."""
    by: dict[str, list[tuple[Trial, dict[str, int]]]] = defaultdict(list)
    for trial, steps in counted:
        by[trial.activity].append((trial, steps))
    out = []
    for activity in (a for a in EXPECTED if a in by):
        group = by[activity]
        out.append(
            Row(
                activity,
                EXPECTED[activity],
                len(group),
                len({t.volunteer for t, _ in group}),
                sum(t.seconds for t, _ in group),
                {c: sum(s[c] for _, s in group) for c in COUNTERS},
                sum(s["engine"] > 0 for _, s in group),
            )
        )
    return out


def activity_table(table: Sequence[Row]) -> str:
    header = ["activity", "steps expected", "trials (volunteers)", "min", "engine counts in"]
    header += [f"{c}" for c in COUNTERS]
    body = [
        [
            r.activity,
            r.expected,
            f"{r.trials} ({r.volunteers})",
            f"{r.seconds / 60:.1f}",
            f"{r.counting} of {r.trials}",
            *(counted(r.steps[c], r.seconds, r.expected) for c in COUNTERS),
        ]
        for r in table
    ]
    return fmt_table(header, body)


def summary(table: Sequence[Row]) -> str:
    """Per kind of activity: hours and each counter's steps an hour (a minute for walking)."""
    body = []
    for kind in KINDS:
        group = [r for r in table if r.expected == kind]
        if not group:
            continue
        seconds = sum(r.seconds for r in group)
        cells = [kind, f"{seconds / 3600:.2f} h"]
        for c in COUNTERS:
            steps = sum(r.steps[c] for r in group)
            cells.append(counted(steps, seconds, kind))
        body.append(cells)
    return fmt_table(["steps expected", "time", *COUNTERS], body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.hmp_wrist", description=__doc__)
    parser.add_argument("dir", type=Path, help="the HMP data set's folder")
    parser.add_argument(
        "--sign",
        type=int,
        choices=(-1, 1),
        help="the wearer's learned hanging side of x (this data set: -1, x towards the hand)",
    )
    parser.add_argument(
        "--runs",
        action="store_true",
        help="also each activity's confirmed runs, feature by feature (tools.bench.wrist_unposed)",
    )
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"error: {args.dir} is no folder: get the HMP data set", file=sys.stderr)
        return 2
    try:
        counted = [(trial, count(trial, args.sign or 0)) for trial in trials(args.dir)]
    except ValueError as err:  # a file in an activity's folder that is no trial of it
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not counted:
        print(f"error: no HMP trials in {args.dir}", file=sys.stderr)
        return 2
    table = rows(counted)
    print(activity_table(table))
    print()
    print(summary(table))
    if args.runs:
        print()
        runs = [r for trial, _ in counted for r in confirmed_runs(trial, args.sign or 0)]
        print("\n".join(wrist_unposed.table(runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
