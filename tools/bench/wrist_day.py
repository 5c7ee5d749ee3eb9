"""Three hours of someone's day at the wrist, with Oxford's stepcount as the reference.

Issue 12's held-out evaluation ran day-long wrist logs. The nearest public thing: the real Axivity
AX3 recording that OxWearables/stepcount ships as its regression fixture
(`tests/data/tiny-sample.cwa.gz`: one person's wrist, 2023-06-08 12:21-15:19 by the logger's clock,
97.6 Hz by its own clock, accelerometer only; a 4-minute pause of the logger at 14:59) and the
results stepcount's two models give on that exact file (`tests/data/tiny-sample-baseline.json`:
totals, walking time, the times of the 5th ... 95th percentile step, first and last step).
stepcount is a walking classifier trained on wrist recordings with video-annotated steps (OxWalk)
and then a peak counter; it is no ground truth, but a published, independent reading of the same
day. Nothing here was seen by any rule of the engine before this bench was first run (2026-12-06):
that run is the blind one. Since then the stride comb's step time (c99c5d3) was found and checked
on it, given as x (the second row): docs/wrist_day.md.

    python -m tools.bench.wrist_day DIR       # DIR: stepcount's tests/data

Counters: the engine (GaitEngine(WRIST), a fresh one, fed as the daily bench feeds it); its
detector alone (every step candidate, before the walking gate); the engine with the recording's y
axis given as x (this AX3 holds its y axis along the forearm: gravity lies on y while the arm
hangs; the wrist's posture rules expect a watch's x there, so this row shows what they cost when
the axes differ); the Espruino watch counter (tools/peers/espruino.py); stepcount's random forest
and self-supervised models, as published. Columns: steps; the times of the 5th, 25th, 50th, 75th
and 95th percentile step (do the counters find the same walks?); steps before the first and after
the last step either stepcount model counts (67 minutes of recording in which neither finds a walk:
not all false, but a counter's everyday-movement steps land there). The logger's clock is read as
UTC, as stepcount reads it as wall time. Then each counter's steps per 10 minutes of the day
(stepcount publishes no finer split).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
import datetime as dt
import hashlib
import json
from pathlib import Path
import sys

import numpy as np

from custom_components.retrowalk.gait import STANDARD_GRAVITY, FloatArray, GaitEngine, Placement
from tools.peers import espruino

from .cwa import read_cwa
from .daily import step_times
from .data import feed, fmt_table

RECORDING = "tiny-sample.cwa.gz"
BASELINE = "tiny-sample-baseline.json"
PERCENTILES = (5, 25, 50, 75, 95)
MODELS = {"rf": "stepcount (random forest)", "ssl": "stepcount (self-supervised)"}
# The per-period table: the day in 10-minute bins, those where a counter counts 10 or more.
BIN_S = 600.0
MIN_IN_BIN = 10


@dataclass(frozen=True, slots=True)
class Reading:
    """One counter's result on the day."""

    name: str
    steps: int
    at: list[str]  # clock times of the PERCENTILES steps
    outside: int | None  # steps outside stepcount's span (None: not known)


def clock(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%H:%M:%S")


def _instant(text: str) -> float:
    """A baseline time ("2023-06-08 13:12:32.260000000", read as UTC) in s since the epoch."""
    day, time = text.split(" ")
    whole, _, frac = time.partition(".")
    moment = dt.datetime.fromisoformat(f"{day}T{whole}+00:00")
    return moment.timestamp() + (float(f"0.{frac}") if frac else 0.0)


def published(folder: Path) -> tuple[list[Reading], tuple[float, float]] | None:
    """stepcount's readings from the baseline, and the span from its models' first to last step;
    None (with the reason on stderr) if the baseline is missing or for another file."""
    path = folder / BASELINE
    if not path.exists():
        print(f"{path} missing: stepcount's rows left out", file=sys.stderr)
        return None
    baseline = json.loads(path.read_text())
    digest = hashlib.sha256((folder / RECORDING).read_bytes()).hexdigest()
    if baseline["fixture"]["sha256"] != digest:
        print(f"{path} is for another recording: stepcount's rows left out", file=sys.stderr)
        return None
    out, firsts, lasts = [], [], []
    for key, name in MODELS.items():
        model = baseline["models"][key]
        info = model["info_exact"]
        at = [str(info[f"Steps{p}thAt"]) for p in PERCENTILES]
        out.append(Reading(name, int(info["TotalSteps"]), at, 0))
        firsts.append(_instant(model["step_times"]["first_time"]))
        lasts.append(_instant(model["step_times"]["last_time"]))
    return out, (min(firsts), max(lasts))


def same_reading(folder: Path, t: FloatArray) -> str:
    """How stepcount's own reader saw the file (its sample count, first and last second) against
    this reader's: the one check of tools/bench/cwa.py against another implementation."""
    info = json.loads((folder / BASELINE).read_text())["fixture"]["info_exact"]
    theirs = (int(info["NumTicks"]), str(info["StartTime"])[-8:], str(info["EndTime"])[-8:])
    ours = (len(t), clock(float(t[0])), clock(float(t[-1])))
    verdict = "the same" if theirs == ours else f"NOT the same: {ours[0]:,}, {ours[1]}-{ours[2]}"
    return f"stepcount read {theirs[0]:,} samples, {theirs[1]}-{theirs[2]}; this reader: {verdict}"


def reading(name: str, steps: FloatArray, span: tuple[float, float] | None) -> Reading:
    steps = np.sort(steps)
    at = [clock(float(v)) for v in np.percentile(steps, PERCENTILES)] if len(steps) else []
    outside = None
    if span is not None:
        outside = int(np.count_nonzero((steps < span[0]) | (steps > span[1])))
    return Reading(name, len(steps), at, outside)


def engine_steps(t: FloatArray, acc_g: FloatArray, *, gated: bool = True) -> FloatArray:
    """Step times of a fresh wrist engine (absolute times are kept: the engine takes them);
    `gated=False`: every candidate of its detector, before the walking gate."""
    return step_times(
        feed(GaitEngine(Placement.WRIST, gated=gated), t, acc_g * STANDARD_GRAVITY, None)
    )


def forearm_on_x(acc_g: FloatArray) -> FloatArray:
    """The recording's axes turned about z so that its y axis reads as x (right-handed)."""
    return np.stack([acc_g[:, 1], -acc_g[:, 0], acc_g[:, 2]], axis=1)


def quiet_hours(t: FloatArray, span: tuple[float, float]) -> float:
    """Hours of recording outside the span (the logger's pauses not counted)."""
    gaps = np.diff(t)
    step = float(np.median(gaps))
    covered = np.where(gaps > 10 * step, step, gaps)  # a pause is not recorded time
    mid = (t[1:] + t[:-1]) / 2
    return float(covered[(mid < span[0]) | (mid > span[1])].sum()) / 3600.0


def table(readings: Sequence[Reading]) -> str:
    header = ["counter", "steps", *[f"{p}th step at" for p in PERCENTILES], "outside"]
    rows = [
        [r.name, str(r.steps), *(r.at or ["-"] * len(PERCENTILES)), _cell(r.outside)]
        for r in readings
    ]
    return fmt_table(header, rows)


def by_bin(named: dict[str, FloatArray], start: float, end: float) -> str:
    """Steps per BIN_S of the day for each counter, bins where one counts MIN_IN_BIN or more."""
    edges = np.arange(start - start % BIN_S, end + BIN_S, BIN_S)
    counts = {name: np.histogram(steps, edges)[0] for name, steps in named.items()}
    rows = [
        [f"{clock(a)[:5]}-{clock(a + BIN_S)[:5]}", *(str(c[i]) for c in counts.values())]
        for i, a in enumerate(edges[:-1])
        if max(c[i] for c in counts.values()) >= MIN_IN_BIN
    ]
    rows.append(["all", *(str(int(c.sum())) for c in counts.values())])
    return fmt_table(["logger clock", *named], rows)


def _cell(n: int | None) -> str:
    return "n/a" if n is None else str(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.wrist_day", description=__doc__)
    parser.add_argument("dir", type=Path, help="stepcount's tests/data folder")
    args = parser.parse_args(argv)
    path = args.dir / RECORDING
    if not path.exists():
        print(f"error: {path} not found (clone OxWearables/stepcount)", file=sys.stderr)
        return 2
    rec = read_cwa(path)
    peer = published(args.dir)
    span = peer[1] if peer else None
    named = {
        "engine": engine_steps(rec.t, rec.acc),
        "engine, y given as x": engine_steps(rec.t, forearm_on_x(rec.acc)),
        "detector alone": engine_steps(rec.t, rec.acc, gated=False),
        "Espruino": espruino.watch_steps(rec.t, rec.acc * STANDARD_GRAVITY),
    }
    readings = [reading(name, steps, span) for name, steps in named.items()]
    if peer:
        readings += peer[0]
    hours = (rec.t[-1] - rec.t[0]) / 3600.0
    print(
        f"{path.name}: {len(rec.t):,} samples, {clock(rec.t[0])}-{clock(rec.t[-1])} "
        f"({hours:.2f} h), {rec.rate:.2f} Hz by the device's clock, "
        f"{rec.bad_blocks} blocks failing their checksum"
    )
    if span is not None:
        print(same_reading(args.dir, rec.t))
        print(
            f"outside: before {clock(span[0])} or after {clock(span[1])}, "
            f"{60 * quiet_hours(rec.t, span):.0f} min of recording without a stepcount step"
        )
    print(table(readings))
    print()
    print(by_bin(named, float(rec.t[0]), float(rec.t[-1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
