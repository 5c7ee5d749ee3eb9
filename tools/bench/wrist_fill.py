"""The wrist's stride-locked walks: what restoring the step in between does (a developer tool).

The detector can report one candidate per stride at the wrist (docs/walking_gate.md, "Wrist
recall"); inside a bout confirmed with the arm hanging whose candidates come once per stride the
gate restores the step half-way from the bout's stride_fill-th candidate on (gate.py). On the
wrist data of ../shared/data/daily-living (tuned on: every wrist constant was chosen with these
data in view), with the rule off and from the 6th, 8th, 12th and 16th candidate on: WISDM's gated
steps against the spectral reference (wrist_recall.py) over its 45 blocks that have one, the
blocks counted at over 1.1 times the reference (over-counting) and under 0.75 times (still
stride-locked), false steps/h and plain-walking cadence per data set; then how late the shipped
engine reports steps on WISDM (restored ones wait for the candidate after them).

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.wrist_fill
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from custom_components.retrowalk.gait import GaitEngine, Placement
from custom_components.retrowalk.gait.bouts import BOUT_END_S
from custom_components.retrowalk.gait.gate import GATE_PARAMS

from .daily import build_streams, engine_batches, load_segment, read_labels, select, step_times
from .data import data_dir
from .gate_eval import Cached, per_segment, tabulate, through_gate
from .wrist_recall import DATASETS, LOCKED, spectral_cadence

OVER = 1.1  # a block counted at over this times the reference is over-counted
FILL_FROM = (0, 6, 8, 12, 16)  # stride_fill: from the bout's n-th candidate on (0: off)


def main() -> int:
    segs = select(read_labels(), locations=["wrist"])
    base_dir = data_dir("daily-living")
    cached: list[Cached] = [
        (s, engine_batches(s, gated=False)) for s in build_streams(segs, base_dir)
    ]
    refs: dict[str, float] = {}  # WISDM walking block -> reference steps
    for seg in segs:
        if seg.dataset == "wisdm_reduced" and seg.activity == "walking":
            t, acc, _ = load_segment(base_dir, seg)
            cad = spectral_cadence(acc, 1 / float(np.median(np.diff(t))))
            if cad is not None:
                refs[seg.name] = cad * seg.duration_s / 60
    print(
        "| stride_fill | WISDM gated / reference | blocks over 1.1 | blocks under 0.75 "
        "| " + " | ".join(f"{d}: false/h, cadence" for d in DATASETS) + " |"
    )
    print("| --- | ---: | ---: | ---: |" + " ---: |" * len(DATASETS))
    for fill in FILL_FROM:
        params = replace(GATE_PARAMS[Placement.WRIST], stride_fill=fill)
        results = []
        for stream, batches in cached:
            results += per_segment(stream, step_times(through_gate(stream, batches, params)))
        n = over = under = 0
        for seg, times in results:
            ref = refs.get(seg.name)
            if ref is not None:
                n += len(times)
                over += len(times) > OVER * ref
                under += len(times) < LOCKED * ref
        total = sum(refs.values())
        rows = {r.dataset: r for r in tabulate(results)}
        cells = " | ".join(f"{rows[d].false_per_h:.0f}, {rows[d].cadence:.0f}" for d in DATASETS)
        print(
            f"| {fill or 'off'} | {n} / {total:.0f} ({100 * n / total:.1f} %) "
            f"| {over} | {under} | {cells} |"
        )
    print(lags(cached))
    return 0


def lags(cached: list[Cached]) -> str:
    """How long after it happened each step is reported: the gated engine on WISDM's streams fed
    one sample at a time (the report time is the engine's own, not a batch's wait), steps after
    the first 2 * confirm_steps of each bout (those wait for the confirming run). "restored":
    features None, the detector's own restored steps and stride_fill's."""
    by_kind: dict[str, list[float]] = {"measured": [], "restored": []}
    skip = 2 * GATE_PARAMS[Placement.WRIST].confirm_steps
    for stream, _ in cached:
        if stream.dataset != "wisdm_reduced":
            continue
        engine = GaitEngine(Placement.WRIST)
        run, prev = 0, -np.inf
        for i in range(len(stream.t) + 1):
            if i < len(stream.t):
                update = engine.process(stream.t[i : i + 1], stream.acc[i : i + 1])
                now = float(stream.t[i])
            else:
                update, now = engine.flush(), float(stream.t[-1])
            for s in update.steps:
                run = run + 1 if s.t - prev < BOUT_END_S else 1
                prev = s.t
                if run > skip:
                    by_kind["restored" if s.features is None else "measured"].append(now - s.t)
    return "report lag after the confirming run, s (median / 95th percentile / max): " + ", ".join(
        f"{kind} n={len(v)}: {np.median(v):.2f} / {np.percentile(v, 95):.2f} / {max(v):.2f}"
        for kind, v in by_kind.items()
        if v
    )


if __name__ == "__main__":
    raise SystemExit(main())
