"""The 3-metre backward walk test on the virtual wearer: start/stop detection and timing.

Synthetic: the virtual wearer (dev/custom_components/retrowalk_virtual) walks forward to let a fresh
engine learn which way is forward, stands, then walks N backward steps at a cadence and stands
again. The test starts while the wearer stands. True time = N step periods (the planner spaces
the N contacts exactly N - 1 periods apart, and the first foot lifts about one period before
it lands); true distance = (N - 1) step lengths (the first and last steps are half steps of
the body). This checks the mechanics of start and stop detection; it is no evidence about real
walkers (no real recording of a 3 m backward walk from standing to standing exists here).

Run: python -m tools.bench.walktest_virtual [--placement foot|shank]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import statistics
import sys

from custom_components.retrowalk.gait import GaitEngine, Placement
from custom_components.retrowalk.walktest import Outcome, WalkTest, WalkTestResult
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario
from custom_components.retrowalk_virtual.segments import Activity
from custom_components.retrowalk_virtual.styles import STYLE_OF
from custom_components.retrowalk_virtual.timing import segment_seconds

from .data import BATCH

CADENCES = (70.0, 85.0, 100.0)
STEPS = (8, 9, 10)
SEEDS = tuple(range(1, 9))
STAND_S = 20.0


@dataclass(frozen=True, slots=True)
class Case:
    """One scripted test and what the walk test made of it."""

    cadence: float
    steps: int
    seed: int
    result: WalkTestResult | None
    true_time_s: float
    true_distance_m: float


def run_case(placement: Placement, cadence: float, steps: int, seed: int) -> Case:
    """Stream one scripted test through the engine and the walk test."""
    spec = f"forward:60,stand:{STAND_S}s,stand:3s,backward:{steps}@{cadence},stand:{STAND_S}s"
    segments = parse_scenario(spec)
    begin = segment_seconds(segments[0], None) + STAND_S  # the wearer stands: press start
    stream = ScenarioStream(segments, placement, rate=SUPPORTED_RATE, seed=seed)
    engine = GaitEngine(placement)
    test: WalkTest | None = None
    result = None
    while result is None:
        chunk = stream.read(BATCH)
        if chunk.t.shape[0] == 0:
            break
        update = engine.process(chunk.t, chunk.acc, chunk.gyro)
        if test is None and chunk.t[0] >= begin:
            test = WalkTest(float(chunk.t[0]))
        if test is not None:
            result = test.update(float(chunk.t[-1]), update.steps)
    step_length = STYLE_OF[Activity.BACKWARD].length_at(cadence)
    return Case(cadence, steps, seed, result, steps * 60.0 / cadence, (steps - 1) * step_length)


def summary(placement: Placement) -> str:
    """One line per figure over every cadence, step count and seed."""
    cases = [run_case(placement, c, n, s) for c in CADENCES for n in STEPS for s in SEEDS]
    timed = [c for c in cases if c.result is not None and c.result.outcome is Outcome.OK]
    lines = [f"{placement}: {len(timed)}/{len(cases)} tests timed"]
    if timed:
        time_err = [c.result.time_s - c.true_time_s for c in timed if c.result and c.result.time_s]
        speed_err = [
            100 * abs(c.result.speed_m_s * c.true_time_s / c.true_distance_m - 1)
            for c in timed
            if c.result and c.result.speed_m_s
        ]
        within = sum(abs(e) <= 0.3 for e in time_err)
        lines += [
            f"time error: median |e| {statistics.median(map(abs, time_err)):.2f} s, max "
            f"{max(map(abs, time_err)):.2f} s, bias {statistics.fmean(time_err):+.2f} s, "
            f"within 0.3 s {within}/{len(cases)}",
            f"speed error: median {statistics.median(speed_err):.1f} %, max {max(speed_err):.1f} %",
            "step count errors: "
            + str(sorted({c.result.steps - c.steps for c in timed if c.result})),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the summary for a placement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--placement", default="foot", choices=["foot", "shank"])
    args = parser.parse_args(argv)
    sys.stdout.write(summary(Placement(args.placement)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
