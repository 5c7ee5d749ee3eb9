"""The wrist's stride-locked walks: what restoring the step in between does (a developer tool).

The detector can report one candidate per stride at the wrist (docs/walking_gate.md, "Wrist
recall"); inside a confirmed bout whose candidates come once per stride the gate restores the
step half-way (gate.py, stride_fill). On the wrist data of ../shared/data/daily-living (tuned on:
every wrist constant was chosen with these data in view), with the rule off and on: WISDM's gated
steps against the spectral reference (wrist_recall.py) over its 45 blocks that have one, the
blocks counted at over 1.1 times the reference (over-counting) and under 0.75 times (still
stride-locked), and false steps/h and plain-walking cadence per data set.

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.wrist_fill
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS

from .daily import build_streams, engine_batches, load_segment, read_labels, select, step_times
from .data import data_dir
from .gate_eval import Cached, per_segment, tabulate, through_gate
from .wrist_recall import DATASETS, LOCKED, spectral_cadence

OVER = 1.1  # a block counted at over this times the reference is over-counted


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
    for fill in (False, True):
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
            f"| {'on' if fill else 'off'} | {n} / {total:.0f} ({100 * n / total:.1f} %) "
            f"| {over} | {under} | {cells} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
