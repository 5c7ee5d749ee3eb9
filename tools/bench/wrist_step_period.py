"""The wrist gate with hanging runs that may confirm on one step period with missed steps.

A prototype rule (gate.py, GateParams.step_period; off at every placement): a run of candidates
with the forearm hanging is regular also if its intervals are one step period T or two (the
detector missed the softer step of a stride: docs/walking_gate.md, "Wrist recall"), each
interval / (k T) within the gate's spread, at least half of them single, T within
gate_eval.STEP_PERIOD. Its steps are the detector's candidates (nothing is restored).

Per wrist data set and activity of ../shared/data/daily-living: the steps counted by the shipped
gate and with the rule (walking activities: steps gained; steps_expected = no: false steps per
hour added), the detector's candidates cached once and replayed through both gates
(gate_eval.through_gate), as gate_eval does. Last, how often runs of random intervals pass
either rhythm test (random_share).

Run: PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.wrist_step_period [--subjects N]
Figures: docs/walking_gate.md, "Wrist: one step period with missed steps".
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
import random
import statistics

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS, GateParams, one_step_period

from .daily import build_streams, engine_batches, read_labels, select, step_times
from .data import data_dir
from .gate_eval import STEP_PERIOD, Cached, per_segment, through_gate


def with_step_period(base: GateParams | None = None) -> GateParams:
    """The wrist gate (or `base`) with the one-step-period rule on."""
    return replace(base or GATE_PARAMS[Placement.WRIST], step_period=STEP_PERIOD)


def per_activity(cached: Sequence[Cached], params: GateParams) -> dict[tuple[str, str, str], int]:
    """Steps counted per (data set, expected, activity) through a gate of `params`."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for stream, batches in cached:
        for seg, t in per_segment(stream, step_times(through_gate(stream, batches, params))):
            out[(seg.dataset, seg.expected, seg.activity)] += len(t)
    return out


def table(cached: Sequence[Cached]) -> list[str]:
    """Per (data set, expected, activity): hours, steps shipped -> with the rule, and per hour."""
    hours: dict[tuple[str, str, str], float] = defaultdict(float)
    for stream, _ in cached:
        for seg, _ in stream.segments:
            hours[(seg.dataset, seg.expected, seg.activity)] += seg.duration_s / 3600
    shipped = per_activity(cached, GATE_PARAMS[Placement.WRIST])
    rule = per_activity(cached, with_step_period())
    lines = [
        "| data set | steps expected | activity | hours | steps, shipped -> one period "
        "| per hour, shipped -> one period |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for key in sorted(hours):
        a, b, h = shipped[key], rule[key], hours[key]
        if a == b == 0:
            continue
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {h:.2f} | {a} -> {b} "
            f"| {a / h:.0f} -> {b / h:.0f} |"
        )
    return lines


def random_share(n: int = 100_000, seed: int = 1) -> tuple[float, float]:
    """The share of runs of random intervals that the spread rule accepts, and that it or the
    one-period rule accepts: a hanging run's 5 intervals (6 candidates), each uniform within the
    wrist's min_interval..max_interval (what fidgets at a steady wrist look like to the rhythm
    test, with nothing else asked)."""
    p = GATE_PARAMS[Placement.WRIST]
    rng = random.Random(seed)
    spread = either = 0
    for _ in range(n):
        gaps = [rng.uniform(p.min_interval, p.max_interval) for _ in range(p.confirm_steps - 1)]
        ok = max(gaps) - min(gaps) <= p.spread * statistics.median(gaps)
        spread += ok
        either += ok or one_step_period(gaps, p.spread, STEP_PERIOD)
    return spread / n, either / n


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--subjects", type=int, default=0, help="first N subjects per data set")
    args = ap.parse_args(argv)
    segments = select(read_labels(), locations=["wrist"], subjects=args.subjects)
    streams = build_streams(segments, data_dir("daily-living"))
    cached = [(s, engine_batches(s, gated=False)) for s in streams]
    print("\n".join(table(cached)))
    alone, either = random_share()
    print(
        f"random runs ({GATE_PARAMS[Placement.WRIST].confirm_steps} hanging candidates, "
        f"intervals uniform in the rhythm window) accepted: spread rule {100 * alone:.1f} %, "
        f"spread or one step period {100 * either:.1f} %"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
