"""UMAFall's other nine people: the daily bench's tables on subjects the shared data leaves out.

The shared data's `daily-living/umafall` holds UMAFall's daily-activity trials of subjects 1-10
(Casilari, Santoyo-Ramon and Cano-Garcia, "UMAFall: A Multisensor Dataset for the Research on
Automatic Fall Detection", Procedia Computer Science 110, 2017): a phone in the right trouser
pocket and SensorTags at the waist, chest, wrist and ankle, worn at once. The data set has 19
people. Subjects 11-19 did the same activities with the same devices, and the engine never saw
them. This bench converts their original trial files (one CSV a trial, every sensor in it) the
way the shared data was converted, then runs the daily bench on them: a fresh engine per trial
and placement, each placement's peer beside it.

    python -m tools.bench.umafall_heldout RAW [--subjects 11-19] [--out DIR] [--compare SHARED]
    # RAW: a folder of UMAFall_Subject_*_ADL_*.csv (the data set's own files)

The conversion (`convert`), as the shared data's README describes it and as `--compare` checks
on subjects 1-10 against ../shared/data/daily-living:
- each sensor's accelerometer (g) and, for the SensorTags, gyroscope (deg/s) samples in time
  order, those sharing a time stamp (ms) averaged, linearly interpolated onto a uniform grid
  from the accelerometer's first sample: 20 Hz for the SensorTags, 200 Hz for the phone (no
  gyroscope);
- m/s^2 and rad/s; the trial's activity, whether it is walking and whether steps are expected as
  the shared labels give them (ACTIVITIES).

Falls are left out, as in the shared data. Nothing of UMAFall is copied into this repository:
the bench reads your own copy (public copies of the original files exist on GitHub) and writes
its conversion to a temporary folder or `--out`.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
import re
import sys
import tempfile

import numpy as np

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray

from . import daily

# The original activity name: the shared labels' activity, walking, steps expected.
ACTIVITIES = {
    "Aplausing": ("clapping", "no", "no"),
    "Bending": ("bending", "no", "maybe"),
    "GoDownstairs": ("walking_downstairs", "yes", "yes"),
    "GoUpstairs": ("walking_upstairs", "yes", "yes"),
    "HandsUp": ("hands_up", "no", "no"),
    "Hopping": ("hopping", "no", "maybe"),
    "Jogging": ("jogging", "no", "yes"),
    "LyingDown_OnABed": ("lying_down_on_bed", "no", "maybe"),
    "MakingACall": ("making_a_call", "no", "no"),
    "OpeningDoor": ("opening_door", "no", "maybe"),
    "Sitting_GettingUpOnAChair": ("sitting_down_getting_up_chair", "no", "maybe"),
    "Walking": ("walking", "yes", "yes"),
}
# The header's position names, as the shared data's locations.
POSITIONS = {
    "RIGHTPOCKET": "pocket",
    "LEFTPOCKET": "pocket",
    "WAIST": "waist",
    "CHEST": "chest",
    "WRIST": "wrist",
    "ANKLE": "ankle",
}
PHONE_HZ, TAG_HZ = 200.0, 20.0
ACC, GYRO = 0, 1  # the files' sensor types (2: magnetometer, not read)
NAME = re.compile(
    r"^UMAFall_Subject_(?P<who>[0-9]{2})_ADL_(?P<activity>[A-Za-z_]+?)_(?P<trial>[0-9]+)_"
    r"(?P<when>[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2})\.csv$"
)
SENSOR_LINE = re.compile(r"^%\s*([0-9A-Fa-f:]{17});\s*([0-9]+);\s*([A-Z]+);\s*(\S+)")
HEADER = ["t", "ax", "ay", "az", "gx", "gy", "gz"]


@dataclass(frozen=True, slots=True)
class Converted:
    """One sensor of one trial, as the shared data holds it."""

    name: str  # the segment
    subject: str
    location: str
    activity: str
    session: str
    rate: float
    t: FloatArray  # s from the sensor's first accelerometer sample, uniform
    acc: FloatArray  # (n, 3) m/s^2
    gyro: FloatArray | None  # (n, 3) rad/s; None: the phone
    source: str


def read_trial(path: Path) -> list[Converted]:
    """Every sensor of one original trial file; ValueError for another file or a malformed one."""
    match = NAME.match(path.name)
    if match is None or match["activity"] not in ACTIVITIES:
        raise ValueError(f"{path.name}: not a UMAFall daily-activity trial")
    positions: dict[int, str] = {}
    rows: list[list[float]] = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("%"):
            sensor = SENSOR_LINE.match(line)
            if sensor and sensor[3] in POSITIONS:
                positions[int(sensor[2])] = sensor[3]
            continue
        cells = [c for c in line.strip().split(";") if c]
        if not cells:
            continue
        if len(cells) != 7:
            raise ValueError(f"{path.name}: rows must hold 7 numbers, one holds {len(cells)}")
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            raise ValueError(f"{path.name}: malformed row {line.strip()!r}") from None
    if not positions:
        raise ValueError(f"{path.name}: no sensor list in the header")
    data = np.array(rows, dtype=np.float64).reshape(-1, 7)
    activity, _, _ = ACTIVITIES[match["activity"]]
    session = f"{match['activity']}{match['trial']}_{match['when']}"
    out = []
    for sensor_id, position in sorted(positions.items()):
        phone = "POCKET" in position
        mine = data[data[:, 6] == sensor_id]
        acc = _rising(mine[mine[:, 5] == ACC])
        if len(acc) < 2:
            continue  # this sensor sent nothing in this trial (the shared data has no file either)
        rate = PHONE_HZ if phone else TAG_HZ
        t0 = acc[0, 0]
        grid = np.arange(0.0, (acc[-1, 0] - t0) / 1000.0 + 1e-9, 1.0 / rate)
        gyro = None if phone else _rising(mine[mine[:, 5] == GYRO])
        out.append(
            Converted(
                name=f"umafall_s{match['who']}_{POSITIONS[position]}_{session}_00000p000s_{activity}",
                subject=f"umafall-s{match['who']}",
                location=POSITIONS[position],
                activity=activity,
                session=session,
                rate=rate,
                t=grid,
                acc=_at(acc, t0, grid) * STANDARD_GRAVITY,
                gyro=None if gyro is None or len(gyro) < 2 else np.radians(_at(gyro, t0, grid)),
                source=path.name,
            )
        )
    return out


def _rising(rows: FloatArray) -> FloatArray:
    """The rows in time order, those sharing a time stamp (ms) averaged into one: the phone
    delivers its samples in batches stamped alike (as the shared data's conversion does)."""
    if len(rows) == 0:
        return rows
    stamps, which = np.unique(rows[:, 0], return_inverse=True)
    counts = np.bincount(which)
    out = np.stack([np.bincount(which, rows[:, c]) / counts for c in range(rows.shape[1])], 1)
    out[:, 0] = stamps
    return out


def _at(rows: FloatArray, t0: float, grid: FloatArray) -> FloatArray:
    """Columns 2-4 (x, y, z) linearly interpolated at `grid` (s from t0 ms)."""
    t = (rows[:, 0] - t0) / 1000.0
    return np.stack([np.interp(grid, t, rows[:, c]) for c in (2, 3, 4)], axis=1)


def convert(raw: Path, out: Path, subjects: set[int]) -> tuple[int, list[str]]:
    """Write the daily-living layout (labels.csv, umafall/*.csv) for these subjects' trials.

    Returns the segments written and, one line each, the trials left out: a file with a row that
    is not 7 numbers is refused whole rather than interpolated across its holes.
    """
    (out / "umafall").mkdir(parents=True, exist_ok=True)
    n = 0
    refused: list[str] = []
    with (out / "labels.csv").open("w", newline="") as fh:
        labels = csv.writer(fh)
        labels.writerow(daily.LABEL_FIELDS)
        for path in sorted(raw.glob("UMAFall_Subject_*_ADL_*.csv")):
            match = NAME.match(path.name)
            if match is None or int(match["who"]) not in subjects:
                continue
            try:
                trial = read_trial(path)
            except ValueError as err:
                refused.append(str(err))
                continue
            for c in trial:
                _, walking, expected = next(v for v in ACTIVITIES.values() if v[0] == c.activity)
                file = f"umafall/{c.name}.csv"
                _write(out / file, c)
                labels.writerow(
                    [
                        c.name,
                        "umafall",
                        c.subject,
                        c.location,
                        c.activity,
                        walking,
                        expected,
                        f"{len(c.t) / c.rate:.3f}",
                        f"{c.rate:g}",
                        len(c.t),
                        "yes" if c.gyro is not None else "no",
                        c.session,
                        "0.000",
                        file,
                        c.source,
                    ]
                )
                n += 1
    return n, refused


def _write(path: Path, c: Converted) -> None:
    cols = [c.t[:, None], c.acc] + ([c.gyro] if c.gyro is not None else [])
    header = HEADER if c.gyro is not None else HEADER[:4]
    fmt = ["%.4f"] + ["%.5f"] * 3 + (["%.6f"] * 3 if c.gyro is not None else [])
    np.savetxt(path, np.hstack(cols), delimiter=",", header=",".join(header), comments="", fmt=fmt)


def compare(converted: Path, shared: Path) -> str:
    """How far this conversion lies from the shared data's, over the segments both hold."""
    mine = {s.name: s for s in daily.read_labels(converted)}
    theirs = {s.name: s for s in daily.read_labels(shared)}
    both = sorted(set(mine) & set(theirs))
    if not both:
        return "compare: no segment in both"
    worst_acc = worst_gyro = 0.0
    lengths = 0
    for name in both:
        t1, a1, g1 = daily.load_segment(converted, mine[name])
        t2, a2, g2 = daily.load_segment(shared, theirs[name])
        n = min(len(t1), len(t2))
        lengths += abs(len(t1) - len(t2))
        worst_acc = max(worst_acc, float(np.percentile(np.abs(a1[:n] - a2[:n]), 99)))
        if g1 is not None and g2 is not None:
            worst_gyro = max(worst_gyro, float(np.percentile(np.abs(g1[:n] - g2[:n]), 99)))
    return (
        f"compare: {len(both)} segments in both ({len(mine)} converted, {len(theirs)} shared);"
        f" worst 99th percentile |difference|: acc {worst_acc:.3f} m/s^2, gyro"
        f" {worst_gyro:.3f} rad/s; samples differing in length {lengths}"
    )


def tables(base: Path) -> str:
    """The daily bench's summary and activity tables on the converted folder."""
    segments = daily.read_labels(base)
    streams = daily.build_streams(segments, base)
    counted = daily.count_all(streams)
    people = sorted({s.subject for s in segments})
    blocks = [
        f"UMAFall, {len(people)} people ({', '.join(people)}), {len(segments)} segments",
        "",
        daily.md_table([*daily.SUMMARY_HEADER], daily.summary_rows(segments, counted)),
        "",
        daily.md_table(
            [*daily.ACTIVITY_HEADER],
            daily.activity_rows(segments, counted),
        ),
        "",
        "Cadence: median [quartiles] steps/min over plain `walking` segments.",
    ]
    blocks += [f"n/a: {e}" for e in counted.peer_errors]
    return "\n".join(blocks)


def subject_range(text: str) -> set[int]:
    """ "11-19" or "3" or "1,4-6" as a set of subject numbers."""
    out: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.umafall_heldout", description=__doc__
    )
    parser.add_argument("raw", type=Path, help="a folder of UMAFall_Subject_*_ADL_*.csv")
    parser.add_argument("--subjects", default="11-19", help="which people (default 11-19)")
    parser.add_argument("--out", type=Path, help="keep the conversion here")
    parser.add_argument("--compare", type=Path, help="a daily-living folder to compare with")
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"error: {args.raw} is no folder of UMAFall trials", file=sys.stderr)
        return 2
    try:
        subjects = subject_range(args.subjects)
    except ValueError:
        print(f"error: --subjects {args.subjects!r}: give e.g. 11-19", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="retrowalk-umafall-") as tmp:
        out = args.out or Path(tmp)
        n, refused = convert(args.raw, out, subjects)
        for why in refused:
            print(f"left out: {why}", file=sys.stderr)
        if n == 0:
            print(f"error: no trials of subjects {args.subjects} in {args.raw}", file=sys.stderr)
            return 2
        print(compare(out, args.compare) if args.compare is not None else tables(out))
        if refused:
            print(f"{len(refused)} trials left out: a row of theirs is not 7 numbers (stderr)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
