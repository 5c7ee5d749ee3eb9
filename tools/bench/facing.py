"""Which way a foot sensor faces, told by each stride's pitch (gait/facing.py), on real walking.

Three tables:
1. The cue per stride: the share of strides whose cue points the toes the way the walk faced, on
   walks of one direction only: every stride the engine finds in each UCI run's longest forward
   and longest backward stretch (800 Hz foot IMU resampled to 104 Hz, with gyro; cut from the
   stance before its first swing to the stance after its last, so no neighbouring stride is
   in it; a forward stretch holds strides the reference leaves out, a backward one exactly its
   rows) and in the Bandai motion capture's `walk` and `walk-back` clips at the foot
   (synthesised, 100 Hz). `--hugadb DIR` adds HuGaDB's foot sensors (every stride found in
   every recording, sitting and cycling included; its people only walk forwards).
2. A new wearer's first walk: each stretch or clip streamed to a fresh engine (nothing learned,
   nothing calibrated); the share of its strides labelled as walked (UCI: those matched to the
   stretch's reference rows).
3. A long backward walk: each UCI run's forward stretch, then its backward stretch five times
   over (as one person walking backwards for a while), then the forward stretch again, one
   engine throughout, as in daily use without calibration. Before facing.py the backward
   strides outvoted the forward ones and the axis turned round.

Run: ./scripts/bench facing [--hugadb DIR].
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from custom_components.retrowalk.gait import (
    Direction,
    FloatArray,
    GaitEngine,
    Placement,
    facing,
    foot,
)
from tools import bvh2rec

from . import bandai, hugadb, uci
from .data import feed, fmt_table
from .registry import table

RATE = 104.0
MARGIN_S = 0.3  # s of stance kept either side of a stretch (stances last 0.4-0.8 s)
REPEATS = 5
GAP_S = 5.0  # s between stretches streamed to one engine (a pause: the engine's gap)


@dataclass(slots=True)
class Tally:
    """Cue signs and step labels of walks in one direction."""

    right: int = 0  # strides whose cue pointed the toes the way the walk faced
    wrong: int = 0
    labels: dict[Direction, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Strides that voted."""
        return self.right + self.wrong

    def cue_share(self) -> str:
        return f"{100 * self.right / self.total:.1f} % of {self.total}" if self.total else "n/a"

    def share(self, direction: Direction) -> float:
        """The share of the labels that are `direction` (0 without any)."""
        total = sum(self.labels.values())
        return self.labels.get(direction, 0) / total if total else 0.0

    def label_share(self, direction: Direction) -> str:
        total = sum(self.labels.values())
        return f"{100 * self.share(direction):.1f} % of {total}" if total else "n/a"

    def add_steps(self, directions: list[Direction]) -> None:
        for d in directions:
            self.labels[d] = self.labels.get(d, 0) + 1


@contextmanager
def cues(into: list[float]) -> Iterator[None]:
    """Record the cue of every stride the foot detector judges, in order."""
    real = facing.toes_ahead

    def spy(rotation: FloatArray, frame: FloatArray, travel: FloatArray) -> float:
        cue = real(rotation, frame, travel)
        into.append(cue)
        return cue

    with mock.patch.object(foot, "toes_ahead", spy):
        yield


def tally_cues(found: list[float], tally: Tally, walked: Direction) -> None:
    """Count cues: relative to the stride's travel, so a backward walk's toes are behind it."""
    for cue in found:
        if cue == 0.0:
            continue  # no vote
        if (cue > 0) == (walked is Direction.FORWARD):
            tally.right += 1
        else:
            tally.wrong += 1


def stretches(path: Path) -> dict[Direction, list[uci.RefStride]]:
    """The run's longest forward and longest backward stretch of reference strides."""
    best: dict[Direction, list[uci.RefStride]] = {}
    group: list[uci.RefStride] = []
    for row in [*uci.reference(path), None]:
        if group and (row is None or row.direction is not group[0].direction):
            d = group[0].direction
            if d in (Direction.FORWARD, Direction.BACKWARD) and len(group) > len(best.get(d, [])):
                best[d] = group
            group = []
        if row is not None:
            group.append(row)
    return best


Stretch = tuple[FloatArray, FloatArray, FloatArray]


def cut(rec: Stretch, rows: list[uci.RefStride]) -> Stretch:
    """The signal of a stretch: its strides' swings with MARGIN_S of the stance either side, so it
    starts and ends standing and holds no part of a neighbouring stride's swing."""
    t, acc, gyro = rec
    lo = rows[0].t_mid - rows[0].duration / 2 - MARGIN_S
    hi = rows[-1].t_mid + rows[-1].duration / 2 + MARGIN_S
    keep = (t >= lo) & (t <= hi)
    return t[keep], acc[keep], gyro[keep]


def walked(
    engine: GaitEngine, rec: Stretch, rows: list[uci.RefStride], shift: float
) -> list[Direction]:
    """Labels of the engine's strides matched to the stretch's rows (a neighbouring side step or
    turn the cut took along is not scored), streamed `shift` s later than recorded, then a gap."""
    t, acc, gyro = rec
    steps = [s for s in feed(engine, t + shift, acc, gyro) if s.sensor_foot]
    pairs = uci.match_reference(rows, [s.t - shift for s in steps])
    return [steps[j].direction for _, j in sorted(pairs)]


def uci_rows(
    cue_tallies: dict[Direction, Tally], cold: dict[Direction, Tally]
) -> list[tuple[str, Tally, Tally]]:
    """Fill the per-stride and cold-start tallies; per run, table 3's backward walks' labels and
    the forward walk's after them."""
    rows = []
    for path in uci.runs():
        rec = uci.load_run(path, RATE)
        found_rows = stretches(path)
        if set(found_rows) != {Direction.FORWARD, Direction.BACKWARD}:
            continue
        parts = {d: (cut(rec, r), r) for d, r in found_rows.items()}
        for d, (part, ref) in parts.items():
            found: list[float] = []
            with cues(found):
                cold[d].add_steps(walked(GaitEngine(Placement.FOOT), part, ref, 0.0))
            tally_cues(found, cue_tallies[d], d)
        rows.append((path.stem, *long_backward(parts)))
    return rows


def long_backward(
    parts: dict[Direction, tuple[Stretch, list[uci.RefStride]]],
) -> tuple[Tally, Tally]:
    """Forward once, backward REPEATS times, forward again, one engine: the labels' shares."""
    engine = GaitEngine(Placement.FOOT)
    walks = [Direction.FORWARD, *[Direction.BACKWARD] * REPEATS, Direction.FORWARD]
    back, again = Tally(), Tally()
    clock = 0.0
    for k, d in enumerate(walks):
        part, ref = parts[d]
        t = part[0]
        labels = walked(engine, part, ref, clock - float(t[0]))
        clock += float(t[-1] - t[0]) + GAP_S
        if d is Direction.BACKWARD:
            back.add_steps(labels)
        elif k:
            again.add_steps(labels)
    return back, again


def bandai_tallies(cue_tallies: dict[Direction, Tally], cold: dict[Direction, Tally]) -> None:
    """Every walk and walk-back clip at the foot, each on a fresh engine."""
    kinds = {"walk": Direction.FORWARD, "walk-back": Direction.BACKWARD}
    for clip in bandai.load_clips():
        d = kinds.get(clip.kind)
        if d is None:
            continue
        rec = bandai.settle(bvh2rec.synthesise(clip.motion, "foot", bandai.RATE))
        found: list[float] = []
        with cues(found):
            cold[d].add_steps([label for _, label in uci.engine_strides(*rec)])
        tally_cues(found, cue_tallies[d], d)


def hugadb_tally(folder: Path) -> Tally:
    """Cues of every stride found on HuGaDB's foot sensors with a working gyroscope."""
    tally = Tally()
    for rec in hugadb.recordings(folder, Placement.FOOT):
        for sensor in rec.sensors.values():
            if sensor.gyro is None:
                continue
            found: list[float] = []
            with cues(found):
                feed(GaitEngine(Placement.FOOT), rec.t, sensor.acc, sensor.gyro)
            tally_cues(found, tally, Direction.FORWARD)
    return tally


def facing_table(hugadb_dir: Path | None = None) -> str:
    fwd, back = Direction.FORWARD, Direction.BACKWARD
    uci_cues, uci_cold = {fwd: Tally(), back: Tally()}, {fwd: Tally(), back: Tally()}
    long_rows = [
        [run, backward.label_share(back), after.label_share(fwd)]
        for run, backward, after in uci_rows(uci_cues, uci_cold)
    ]
    bd_cues, bd_cold = {fwd: Tally(), back: Tally()}, {fwd: Tally(), back: Tally()}
    bandai_tallies(bd_cues, bd_cold)
    cue_rows = [
        ["UCI foot, 104 Hz", uci_cues[fwd].cue_share(), uci_cues[back].cue_share()],
        ["Bandai mocap, foot", bd_cues[fwd].cue_share(), bd_cues[back].cue_share()],
    ]
    if hugadb_dir is not None:
        cue_rows.append(["HuGaDB foot (all strides)", hugadb_tally(hugadb_dir).cue_share(), "-"])
    cold_rows = [
        ["UCI foot, 104 Hz", uci_cold[fwd].label_share(fwd), uci_cold[back].label_share(back)],
        ["Bandai mocap, foot", bd_cold[fwd].label_share(fwd), bd_cold[back].label_share(back)],
    ]
    return "\n\n".join(
        [
            "Facing (gait/facing.py). 1. Strides whose pitch cue points the toes the right way:",
            fmt_table(["data", "forward walks", "backward walks"], cue_rows),
            "2. A fresh engine's first walk: its strides labelled as walked:",
            fmt_table(["data", "forward walk", "backward walk"], cold_rows),
            f"3. UCI: the run's forward walk, its backward walk {REPEATS} times, the forward walk"
            " again (one engine, no calibration):",
            fmt_table(["run", "backward labelled backward", "forward after"], long_rows),
        ]
    )


@table("facing")
def _facing(args: argparse.Namespace) -> str:
    return facing_table(getattr(args, "hugadb", None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hugadb", type=Path, help="HuGaDB's Data folder (HuGaDB_v1_*.txt)")
    print(facing_table(parser.parse_args(argv).hugadb))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
