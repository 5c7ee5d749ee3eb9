"""Lower-back lab walks with a reference for every step: Mobilise-D's example recordings.

Issue 12's held-out evaluation found mobgap matching lab walks with a lower-back sensor better
than the engine (F1 0.97 against 0.95). The Mobilise-D project publishes a few such recordings
with its pipeline, mobgap: `example_data/data/lab` of its source repository (three people, two
healthy adults and one with multiple sclerosis; a straight walk, Test5, and a simulated daily
life, Test11, with sitting, standing, turns and walks of several lengths), a lower-back sensor
at 100 Hz and the INDIP reference system's walking bouts and initial contacts (an initial contact
is a step). They are not in ../shared/data: an external check, like foot_turns' walk, but not a
blind one for the trunk's soft-step rule (docs/lowback_lab.md: it was chosen among rules compared
on these recordings too). Only mobgap reads their format, so they come through `.venv-peers`
(tools/peers/run_mobgap_lab.py; `./scripts/setup_peers`). Take that folder and run

    python -m tools.bench.mobgap_lab DIR

Per test: reference steps, then for the engine (GaitEngine(WAIST), 20-sample batches, a fresh
engine; `detector`: the same without its walking gate, every candidate) and mobgap twice: as the
daily bench runs it (its body frame found from the signal, label-free; `mobgap`) and with mobgap's
own frame for this sensor, its home ground (`mobgap home`). Columns: steps counted inside the
reference's walking bouts (each widened by MATCH_S), F1 of one-to-one matching within MATCH_S of a
reference step there, steps counted outside every bout (sitting, standing, turning on the spot,
a shuffle too short for the reference to call a walk: not all false) and F1 over the whole
recording (every step counted against every reference step: the steps outside the bouts count
against the counter, so it errs low for a counter of real shuffles and high for one that stays
silent between walks). Tests without a reference (HA-002's Test5) are listed and skipped.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
import statistics
import sys

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from tools.peers import external

from .data import feed, fmt_table
from .oxford import MATCH_S, f1

COUNTERS = ("engine", "detector", "mobgap", "mobgap home")


@dataclass(frozen=True, slots=True)
class LabTest:
    name: str
    t: FloatArray
    acc: FloatArray
    gyro: FloatArray
    ics: FloatArray  # the reference's initial contacts, s
    wbs: FloatArray  # the reference's walking bouts, (start, end) in s
    home: FloatArray  # mobgap on its own body frame, s


@dataclass(frozen=True, slots=True)
class Score:
    inside: int  # steps counted inside the reference's bouts
    f1: float
    outside: int  # steps counted outside every bout
    f1_all: float  # every step counted against every reference step


def load(folder: Path) -> list[LabTest]:
    """Every test of the lab example folder, read by mobgap in the peers' environment."""
    out = external.run_peer_arrays("mobgap_lab", [], [], {"dir": np.array(str(folder))})

    def floats(key: str) -> FloatArray:
        return np.asarray(out[key], dtype=np.float64)

    return [
        LabTest(
            name=str(out[f"name{i}"]),
            t=floats(f"t{i}"),
            acc=floats(f"acc{i}"),
            gyro=floats(f"gyro{i}"),
            ics=floats(f"ics{i}"),
            wbs=floats(f"wbs{i}").reshape(-1, 2),
            home=floats(f"native{i}"),
        )
        for i in range(sum(key.startswith("name") for key in out))
    ]


def in_bouts(steps: FloatArray, wbs: FloatArray) -> npt.NDArray[np.bool_]:
    """Boolean mask: which steps fall inside a bout widened by MATCH_S either side."""
    inside = np.zeros(len(steps), dtype=bool)
    for start, end in wbs:
        inside |= (steps >= start - MATCH_S) & (steps <= end + MATCH_S)
    return inside


def score(test: LabTest, steps: FloatArray) -> Score:
    steps = np.sort(steps)
    inside = in_bouts(steps, test.wbs)
    found = steps[inside]
    outside = int(np.count_nonzero(~inside))
    return Score(len(found), f1(test.ics, found), outside, f1(test.ics, steps))


def engine_steps(test: LabTest, *, gated: bool = True) -> FloatArray:
    engine = GaitEngine(Placement.WAIST, gated=gated)
    return np.array([s.t for s in feed(engine, test.t, test.acc, test.gyro)])


def counted(tests: Sequence[LabTest]) -> dict[str, list[FloatArray]]:
    """Each counter's step times per test."""
    recordings: list[external.Recording] = [(x.t, x.acc, x.gyro) for x in tests]
    return {
        "engine": [engine_steps(x) for x in tests],
        "detector": [engine_steps(x, gated=False) for x in tests],
        "mobgap": external.run_peer("mobgap", recordings, ["waist"] * len(tests)),
        "mobgap home": [x.home for x in tests],
    }


def _error(found: int, truth: int) -> float:
    return 100.0 * abs(found - truth) / truth


def rows(tests: Sequence[LabTest], steps: dict[str, list[FloatArray]]) -> list[list[str]]:
    out = []
    for i, test in enumerate(tests):
        cells = [test.name, str(len(test.ics)), str(len(test.wbs))]
        for name in COUNTERS:
            s = score(test, steps[name][i])
            cells += [str(s.inside), f"{s.f1:.3f}", str(s.outside), f"{s.f1_all:.3f}"]
        out.append(cells)
    return out


def summary(tests: Sequence[LabTest], steps: dict[str, list[FloatArray]]) -> list[list[str]]:
    """Per counter: median / worst count error inside the bouts, median / lowest F1, steps
    outside the bouts in all, median / lowest F1 over the whole recording."""
    out = []
    for name in COUNTERS:
        scores = [score(x, steps[name][i]) for i, x in enumerate(tests)]
        errors = [_error(s.inside, len(x.ics)) for s, x in zip(scores, tests, strict=True)]
        f1s = [s.f1 for s in scores]
        whole = [s.f1_all for s in scores]
        out.append(
            [
                name,
                f"{statistics.median(errors):.1f} / {max(errors):.1f} %",
                f"{statistics.median(f1s):.3f} / {min(f1s):.3f}",
                str(sum(s.outside for s in scores)),
                f"{statistics.median(whole):.3f} / {min(whole):.3f}",
            ]
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("dir", type=Path, help="mobgap's example_data/data/lab")
    args = parser.parse_args(argv)
    try:
        every = load(args.dir)
    except external.PeerUnavailableError as err:
        print(f"cannot read the recordings: {err}", file=sys.stderr)
        return 2
    tests = [x for x in every if len(x.ics)]
    skipped = [x.name for x in every if not len(x.ics)]
    try:
        steps = counted(tests)
    except external.PeerUnavailableError as err:
        print(f"cannot run mobgap: {err}", file=sys.stderr)
        return 2
    header = ["test", "reference steps", "bouts"]
    for name in COUNTERS:
        header += [f"{name}: in bouts", "F1", "outside", "F1 all"]
    print(fmt_table(header, rows(tests, steps)))
    print()
    summary_header = ["counter", "count error in bouts, median / worst", "F1 median / lowest"]
    whole = "F1 over the whole recording, median / lowest"
    print(fmt_table([*summary_header, "steps outside bouts", whole], summary(tests, steps)))
    if skipped:
        print(f"\nno reference, skipped: {', '.join(skipped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
