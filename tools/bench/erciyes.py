"""Real backward walking at the waist, thigh and chest: the Erciyes falls and daily-living set.

Every other trunk recording the benches read walks forwards; the engine's backward label at the
waist had only motion capture behind it (Bandai, synthesised). *Simulated Falls and Daily Living
Activities* (Ahmet Turan Özdemir and Billur Barshan, Erciyes University; UCI Machine Learning
Repository, 2018, doi 10.24432/C52028; "Detecting falls with wearable sensors using machine
learning techniques", Sensors 14(6), 2014) has 17 volunteers wearing six Xsens MTw units, one of
them at the waist (unit 340535), at 25 Hz. Among its daily activities: walking forward (801) and
walking backward (802), about 25 s a trial. Nothing of it is in this repository: the bench reads
your copy.

    python -m tools.bench.erciyes DIR [--learned] [--unit waist|thigh|chest]

DIR holds the unit's files anywhere below it, named after it: e.g. 340535.txt (the data set's own
Xsens export: "//" header lines, then a tab-separated row naming Counter and Acc_X, Acc_Y, Acc_Z
in m/s^2) or 340535.csv (columns counter, ax, ay, az: a transcription of the same columns), in
folders naming the person (three digits), the activity (a folder whose name starts with 801 or
802) and the trial (Test_<n>). Time comes from the sample counter (16 bits, unwrapped) at the
export's rate. A row without readings, or beyond any IMU's range (the integration's device layer
drops such a frame: devices/base.py), is left out, its time kept as a gap.

`--unit`: the waist unit (340535, as WAIST; the default), the chest's (340539, as CHEST) or the
right thigh's (340527, as THIGH: a trouser pocket's placement).

Direction needs the wearer's forward axis, which a fresh engine does not know. Each person gets one
engine (the unit's placement, accelerometer only), carried through their trials, forward ones first:
- by default the first forward trial is a calibration walk (setup's optional calibration:
  `start_calibration(20)`), as a user who calibrated;
- `--learned`: no calibration, the axis learned from the forward trials the engine kept, as a user
  who did not calibrate (with one forward trial the person's backward ones may then outweigh it: a
  worn sensor sees far more forward walking than this).
Reported: steps per trial against the trial's own rhythm (the acceleration magnitude's strongest
frequency in a walk's band, over the span that moves), the share labelled right per activity and
how many trials' steps are mostly labelled right. A backward trial of a person with no forward one
before it is counted but not scored (no engine can know that person's forward yet). No peer tells
direction.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
import re

import numpy as np

from custom_components.retrowalk.devices.base import ACC_LIMIT
from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement

from .data import (
    WALK_STEP_HZ,
    centred_mean,
    feed,
    fmt_table,
    median_range,
    read_folder,
    rhythm_steps,
)

RATE_HZ = 25.0  # the export's "Update Rate" where its header does not say
WAIST_UNIT = "340535"
# The units' body sites. The data set's users disagree about two: KnollFrank's loader and an R
# analysis put the chest at 340527 and the right thigh at 340539, another loader the other way
# round. The data settles it (docs/erciyes.md): walking, 340539 tilts no more than the waist
# unit does, as a chest does, while 340527 pitches by about 25 degrees within a stride and turns
# at up to 1.7 rad/s, as a thigh does.
UNITS = {
    "waist": (WAIST_UNIT, Placement.WAIST),
    "chest": ("340539", Placement.CHEST),
    "thigh": ("340527", Placement.THIGH),
}
ACTIVITIES = {
    801: ("walking forward", Direction.FORWARD),
    802: ("walking backward", Direction.BACKWARD),
}
COUNTER_WRAP = 1 << 16
MOVING = 0.5  # m/s^2: the magnitude's RMS over a second above which the wearer moves

PERSON = re.compile(r"^[0-9]{3}$")
ACTIVITY = re.compile(r"^(80[12])(?![0-9])")
TRIAL = re.compile(r"^Test_([0-9]+)$")
RATE = re.compile(r"Update Rate:\s*([0-9.]+)\s*Hz")


@dataclass(frozen=True, slots=True)
class Trial:
    person: str
    activity: int
    trial: int
    t: FloatArray  # s from the trial's first sample
    acc: FloatArray  # (n, 3) m/s^2 with gravity, the unit's axes
    # Rows left out: without readings (samples the unit did not deliver) or beyond any IMU's range.
    dropped: int = 0


def label(path: Path, folder: Path) -> tuple[str, int, int] | None:
    """Person, activity and trial from the folders a file lies in; None for other activities."""
    person = activity = trial = None
    for part in path.relative_to(folder).parent.parts:
        if match := ACTIVITY.match(part):  # before the person: 801 is three digits too
            activity = int(match[1])
        elif PERSON.match(part):
            person = part
        elif match := TRIAL.match(part):
            trial = int(match[1])
    if person is None or activity is None or trial is None:
        return None
    return person, activity, trial


def read_rows(path: Path) -> tuple[float, list[str], list[list[str]]]:
    """The file's rate, column names and rows (the Xsens export or the transcription)."""
    rate = RATE_HZ
    names: list[str] = []
    rows: list[list[str]] = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise ValueError(f"{path}: unreadable ({err})") from None
    sep = "," if path.suffix == ".csv" else "\t"
    for line in text.splitlines():
        if line.startswith("//"):
            if found := RATE.search(line):
                rate = float(found[1])
            continue
        cells = [c.strip() for c in line.rstrip("\t").split(sep)]
        if not names:
            names = [c.lower() for c in cells]
        elif any(cells):
            rows.append(cells)
    return rate, names, rows


def read(path: Path, person: str, activity: int, trial: int) -> Trial:
    """One trial's file; ValueError where its columns or numbers are not the export's."""
    rate, names, rows = read_rows(path)
    wanted = (
        ["counter", "acc_x", "acc_y", "acc_z"]
        if "acc_x" in names
        else ["counter", "ax", "ay", "az"]
    )
    if not all(w in names for w in wanted):
        raise ValueError(f"{path}: needs the columns {', '.join(wanted)}")
    idx = [names.index(w) for w in wanted]
    # A sample the unit did not deliver is exported as a row with its counter and empty
    # readings (subject 101's second forward trial has one): left out, its time stays a gap.
    # So is one no body-worn IMU can read (109's forward walk has a lone 69 g sample between
    # 1 g ones): the integration's device layer drops such a frame (devices/base.py).
    kept = [
        cells
        for r in rows
        if (cells := _numbers(r, idx)) is not None and max(map(abs, cells[1:])) <= ACC_LIMIT
    ]
    data = np.array(kept, dtype=np.float64).reshape(-1, len(idx))
    if len(data) < 2:
        raise ValueError(f"{path}: needs at least two rows of finite numbers")
    steps = np.diff(data[:, 0]) % COUNTER_WRAP
    counter = np.concatenate([[0.0], np.cumsum(steps)])
    return Trial(person, activity, trial, counter / rate, data[:, 1:], len(rows) - len(kept))


def _numbers(row: list[str], idx: list[int]) -> list[float] | None:
    """The row's finite numbers in the wanted columns; None where one is missing."""
    try:
        values = [float(row[i]) for i in idx]
    except (ValueError, IndexError):
        return None
    return values if all(np.isfinite(values)) else None


def trials(folder: Path, unit: str = WAIST_UNIT) -> Iterator[Trial]:
    """Every trial of `unit` walking forward or backward below `folder`, in person order, each
    person's forward trials first, then in trial order."""
    found = [
        (which, path)
        for path in folder.rglob(f"{unit}.*")
        if path.suffix in (".txt", ".csv") and (which := label(path, folder)) is not None
    ]
    for (person, activity, trial), path in sorted(found):
        yield read(path, person, activity, trial)


@dataclass(frozen=True, slots=True)
class Row:
    """One trial's figures: steps counted, labelled backward, by its rhythm, and whether the
    person walked forwards before it (without that no engine knows which way is forward, so
    its direction is not scored)."""

    trial: Trial
    steps: int
    backward: int
    rhythm: float
    scored: bool


@dataclass(slots=True)
class Result:
    rows: list[Row] = field(default_factory=list)


def tally(
    recs: Sequence[Trial], *, learned: bool, placement: Placement = Placement.WAIST
) -> Result:
    """Each person's trials through one carried engine (see the module's docstring)."""
    out = Result()
    engines: dict[str, GaitEngine] = {}
    walked: set[str] = set()  # people whose forward walking the engine has seen
    for rec in recs:
        engine = engines.get(rec.person)
        if engine is None:
            engine = engines[rec.person] = GaitEngine(placement)
            if not learned and rec.activity == 801:
                engine.start_calibration()  # its default: the walk the calibrate button asks for
        scored = rec.activity == 801 or rec.person in walked
        steps = feed(engine, rec.t, rec.acc, None)
        if engine.calibration.active:
            engine.finish_calibration()
        if rec.activity == 801 and steps:
            walked.add(rec.person)
        back = sum(s.direction is Direction.BACKWARD for s in steps)
        out.rows.append(Row(rec, len(steps), back, walk_steps(rec), scored))
    return out


def walk_steps(rec: Trial) -> float:
    """The trial's steps by its rhythm over the span it moves in (the trials stand for about
    ten seconds around a walk of about ten): the magnitude's strongest frequency in a walk's
    band, over the span from the first to the last second whose magnitude varies by more than
    MOVING (RMS). 0 where nothing moves."""
    fs = (len(rec.t) - 1) / float(rec.t[-1] - rec.t[0])
    mag = np.linalg.norm(rec.acc, axis=1)
    n = max(1, round(fs))
    rms = np.sqrt(centred_mean((mag - centred_mean(mag, n)) ** 2, n))
    moving = np.flatnonzero(rms > MOVING)
    if len(moving) < 2 * n:
        return 0.0
    span = rec.acc[moving[0] : moving[-1] + 1]
    return rhythm_steps(span, fs, WALK_STEP_HZ)


def activity_table(res: Result) -> str:
    body = []
    for activity, (name, truth) in ACTIVITIES.items():
        rows = [r for r in res.rows if r.trial.activity == activity]
        if not rows:
            continue
        scored = [r for r in rows if r.scored and r.steps]
        steps = sum(r.steps for r in scored)
        back = sum(r.backward for r in scored)
        right = back if truth is Direction.BACKWARD else steps - back
        mostly = sum((r.backward > r.steps / 2) == (truth is Direction.BACKWARD) for r in scored)
        body.append(
            [
                name,
                str(len({r.trial.person for r in rows})),
                str(len(rows)),
                f"{sum(r.steps for r in rows):,}",
                median_range([100 * r.steps / r.rhythm for r in rows if r.rhythm], "%"),
                str(sum(r.steps == 0 for r in rows)),
                str(len(scored)),
                f"{100 * right / steps:.1f} %" if steps else "-",
                f"{mostly} / {len(scored)}",
            ]
        )
    header = [
        "activity",
        "people",
        "trials",
        "steps",
        "steps / rhythm",
        "trials with none",
        "scored trials",
        "labelled right",
        "trials mostly right",
    ]
    return fmt_table(header, body)


def trial_table(res: Result) -> str:
    body = [
        [
            r.trial.person,
            ACTIVITIES[r.trial.activity][0],
            str(r.trial.trial),
            f"{r.trial.t[-1]:.1f}",
            str(r.steps),
            f"{r.rhythm:.0f}",
            str(r.backward) if r.scored else f"({r.backward}: not scored)",
        ]
        for r in res.rows
    ]
    header = ["person", "activity", "trial", "s", "steps", "rhythm", "labelled backward"]
    return fmt_table(header, body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.erciyes", description=__doc__)
    parser.add_argument("dir", type=Path, help="a folder holding the unit's trials")
    parser.add_argument(
        "--learned", action="store_true", help="no calibration walk: the axis learned from walking"
    )
    parser.add_argument("--unit", choices=list(UNITS), default="waist", help="default waist")
    args = parser.parse_args(argv)
    unit, placement = UNITS[args.unit]
    recs = read_folder(
        args.dir, lambda: trials(args.dir, unit), "Erciyes", f"{args.unit} trials (801, 802)"
    )
    if recs is None:
        return 2
    res = tally(recs, learned=args.learned, placement=placement)
    how = (
        "axis learned from the forward trials" if args.learned else "first forward trial calibrates"
    )
    dropped = sum(r.dropped for r in recs)
    people = len({r.person for r in recs})
    print(
        f"{len(recs)} {args.unit} trials ({unit}) of {people} people as {placement} ({how}); ",
        end="",
    )
    print(f"{dropped} rows without readings or beyond an IMU's range left out")
    print(activity_table(res))
    print()
    print(trial_table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
