"""Bangle.js wrist logs with their wearers' step counts: walks, drives, desk work, housework.

The Espruino step counter's own test data (github.com/gfwilliams/step-count, `data/`): 36
accelerometer logs from Bangle.js watches worn on the wrist, 12.5 Hz, 8192 per g, shared on the
Espruino forum by their wearers (one of them, HughB, logged whole walks, drives, a train journey,
hours at a desk and housework) with the number of steps they expect in each: for the logs named
`a<N>` a count from another step counter carried along (`b<M>` is what the watch's firmware then
counted), for the other long logs a count whose source the repository does not record, for the
short walks the steps the walkers counted (100 or 150, the harness's own list). The expected
counts are no per-step ground truth. Nothing of the engine was designed on these logs; the first run
(2026-12-06, sixth session, on main f818091) is the blind one. The Espruino counter was tuned on
them: the repository is its tuning harness.

    python -m tools.bench.bangle_logs DIR     # DIR: a gfwilliams/step-count clone's data/

Counters: the engine (a fresh GaitEngine(WRIST) per log, fed as the daily bench feeds it, the
watch's counts taken as 1/8192 g); its detector alone (every step candidate, before the walking
gate); the Espruino firmware's counter (tools/peers/espruino.py) fed the logged samples in
order, one poll each, as the harness feeds them (the logger dropped a sample now and then: gaps
of 160-240 ms in up to 8 % of a log's intervals, which the watch's own counter would have seen).
Groups: *short walks* (100 or 150 steps counted by the wearer: 8 walks by one wearer, 7 by five
named ones, HughB three times), *long walks* (16 minutes to 3 hours, one wearer; count error),
*no steps* (logs
whose wearer expects none: driving, a train, an hour at a desk, the watch lying still; false
steps per hour) and *everyday* (drives, desk work, housework and a day's mix with a few hundred
expected steps).
About a minute.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
import statistics
import sys

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray, GaitEngine, Placement
from tools.peers import espruino

from .daily import step_times
from .data import feed, fmt_table

HEADER = "Time (ms),X,Y,Z"
SHORT = "short walks"
LONG = "long walks"
NO_STEPS = "no steps"
EVERYDAY = "everyday"
GROUPS = (SHORT, LONG, NO_STEPS, EVERYDAY)
WALKS = (SHORT, LONG)
# Expected steps per log, as the data's owners give them: the harness's list in main.c (the
# long logs; the file name carries the same number) and, for the first short walks, the list of
# its first commits (bc5f4c6: 100 steps each, 150 for the seven walks by other wearers).
SHORT_WALKS = {f"100{s}.csv": 100 for s in ("", *(f"_{i}" for i in range(1, 8)))} | {
    f"{name}.csv": 150
    for name in ("cartron", "Guillaume_G", "HughB0", "HughB1", "HughB2", "Pablo", "d3nd3-o0")
}
EXPECTED: dict[str, tuple[str, int]] = {name: (SHORT, n) for name, n in SHORT_WALKS.items()} | {
    "HughB-walk-1834.csv": (LONG, 1834),
    "HughB-walk-2331.csv": (LONG, 2331),
    "HughB-walk-2350.csv": (LONG, 2350),
    "HughB-walk-6605.csv": (LONG, 6605),
    "HughB-walk-a3070-b3046.csv": (LONG, 3070),
    "HughB-walk-a10021-b10248.csv": (LONG, 10021),
    "HughB-drive-29min-0.csv": (NO_STEPS, 0),
    "HughB-drive-36min-0.csv": (NO_STEPS, 0),
    "0_HughB_train_journey_b31.csv": (NO_STEPS, 0),
    "HughB-work-0.csv": (NO_STEPS, 0),
    "HughB-static-0.csv": (NO_STEPS, 0),
    "HughB-nosteps1.csv": (NO_STEPS, 0),
    "HughB-nosteps2.csv": (NO_STEPS, 0),
    "HughB-nosteps3.csv": (NO_STEPS, 0),
    "MrPloppy-stationary-0.csv": (NO_STEPS, 0),
    "HughB-drive-18.csv": (EVERYDAY, 18),
    "HughB-drive-a3-b136.csv": (EVERYDAY, 3),
    "HughB-work-66.csv": (EVERYDAY, 66),
    "HughB-mixed-390.csv": (EVERYDAY, 390),
    "HughB-general-a260-b573.csv": (EVERYDAY, 260),
    "HughB-housework-a958-b2658.csv": (EVERYDAY, 958),
}
COUNTERS = ("engine", "detector alone", "Espruino")


@dataclass(frozen=True, slots=True)
class Log:
    """One watch log: sample times (s) and the watch's integer counts (8192 per g)."""

    t: FloatArray
    counts: npt.NDArray[np.int64]

    @property
    def acc(self) -> FloatArray:
        """m/s^2, gravity included, as the engine takes it."""
        out: FloatArray = self.counts / espruino.ONE_G * STANDARD_GRAVITY
        return out

    @property
    def hours(self) -> float:
        return float(self.t[-1] - self.t[0]) / 3600.0 if len(self.t) > 1 else 0.0


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    group: str
    expected: int
    hours: float
    steps: dict[str, int]  # per counter


def read_log(path: Path) -> Log:
    """A Bangle.js accelerometer log: a header line, then ms,x,y,z integers; raises ValueError on
    another header, a malformed row or times that do not increase."""
    lines = path.read_text().splitlines()
    if not lines or lines[0].strip() != HEADER:
        raise ValueError(f"{path.name}: not a Bangle.js log (header {lines[:1]})")
    try:
        data = np.array([[int(v) for v in line.split(",")] for line in lines[1:] if line.strip()])
    except ValueError as err:
        raise ValueError(f"{path.name}: malformed row ({err})") from None
    if data.ndim != 2 or data.shape[1] != 4:
        raise ValueError(f"{path.name}: rows must hold ms,x,y,z")
    t = data[:, 0] / 1000.0
    if np.any(np.diff(t) <= 0):
        raise ValueError(f"{path.name}: times do not increase")
    return Log(t=t, counts=data[:, 1:].astype(np.int64))


def count(log: Log) -> dict[str, int]:
    """Steps each counter finds on one log."""

    def engine(gated: bool) -> int:
        return len(step_times(feed(GaitEngine(Placement.WRIST, gated=gated), log.t, log.acc, None)))

    return {
        "engine": engine(True),
        "detector alone": engine(False),
        "Espruino": len(espruino.watch_polls(log.t, log.counts)),
    }


def error_pct(steps: int, expected: int) -> float:
    return 100.0 * (steps - expected) / expected


def log_table(rows: list[Row]) -> str:
    header = ["log", "group", "min", "expected", *COUNTERS]
    body = [[r.name, r.group, f"{r.hours * 60:.1f}", str(r.expected), *_steps(r)] for r in rows]
    return fmt_table(header, body)


def _steps(row: Row) -> list[str]:
    return [str(row.steps[c]) for c in COUNTERS]


def summary(rows: list[Row]) -> str:
    """Per counter: each walk group's median and worst |count error|, how many logs within 5 %
    and the group's total; the no-step logs' false steps per hour; the everyday logs' steps
    against their expected total."""
    out = []
    for counter in COUNTERS:
        cells = [counter]
        for group in WALKS:
            walks = [r for r in rows if r.group == group]
            cells.append(walk_cell(walks, counter) if walks else "-")
        still = [r for r in rows if r.group == NO_STEPS]
        hours = sum(r.hours for r in still)
        steps = sum(r.steps[counter] for r in still)
        cells.append(f"{steps:,} in {hours:.2f} h ({steps / hours:.1f}/h)" if hours else "-")
        day = [r for r in rows if r.group == EVERYDAY]
        expected = sum(r.expected for r in day)
        steps = sum(r.steps[counter] for r in day)
        cells.append(
            f"{steps:,} of {expected:,} ({100.0 * steps / expected:.0f} %)" if day else "-"
        )
        out.append(cells)
    header = ["counter", *(f"{g}: median / worst |error|" for g in WALKS), "no-step logs", EVERYDAY]
    return fmt_table(header, out)


def walk_cell(walks: list[Row], counter: str) -> str:
    errs = [abs(error_pct(r.steps[counter], r.expected)) for r in walks]
    total = sum(r.steps[counter] for r in walks)
    expected = sum(r.expected for r in walks)
    within = sum(e <= 5.0 for e in errs)
    return (
        f"{statistics.median(errs):.1f} / {max(errs):.1f} %, {within}/{len(walks)} within 5 %,"
        f" {total:,} of {expected:,} ({error_pct(total, expected):+.1f} %)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.bangle_logs", description=__doc__)
    parser.add_argument("dir", type=Path, help="the data folder of gfwilliams/step-count")
    args = parser.parse_args(argv)
    present = [name for name in EXPECTED if (args.dir / name).exists()]
    if not present:
        print(
            f"error: no Bangle.js logs in {args.dir}: clone gfwilliams/step-count", file=sys.stderr
        )
        return 2
    for name in sorted(set(EXPECTED) - set(present)):
        print(f"{name} missing: left out", file=sys.stderr)
    rows = []
    for name in sorted(present, key=lambda n: (GROUPS.index(EXPECTED[n][0]), n)):
        group, expected = EXPECTED[name]
        log = read_log(args.dir / name)
        rows.append(Row(name, group, expected, log.hours, count(log)))
    print(log_table(rows))
    print()
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
