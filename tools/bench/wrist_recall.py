"""Where the wrist's walking steps go (a developer tool; figures in docs/walking_gate.md).

On the walking segments of ../shared/data/daily-living's wrist data:
- WISDM's two-minute walking blocks against a spectral reference: each block's step frequency
  (the three axes' summed power: the step peak in 1.1-2.7 Hz, kept where it lies within 12 % of
  twice the stride peak in 0.55-1.3 Hz) times its duration; the Espruino counter, the detector
  alone and the gated engine on the same blocks, and how many blocks the detector counts at
  under 0.75 times the reference cadence (one candidate per stride);
- the gate, one wrist rule off at a time: walking steps and false steps/h per data set (and
  one rule added: the one-step-period prototype, ONE_PERIOD, also against the reference).

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.wrist_recall
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
import math

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement
from custom_components.retrowalk.gait.gate import GATE_PARAMS, GateParams

from .daily import (
    Segment,
    _espruino,
    build_streams,
    engine_batches,
    load_segment,
    read_labels,
    select,
    step_times,
)
from .data import data_dir
from .gate_eval import STEP_PERIOD, Cached, per_segment, through_gate

LOCKED = 0.75  # a block counted at under this times the reference cadence is stride-locked
# A loosening that adds a rule (not shipped): hanging runs also confirm on one step period with
# missed steps (GateParams.step_period; docs/walking_gate.md).
ONE_PERIOD = "one step period (missed steps)"


def spectral_cadence(acc: FloatArray, fs: float) -> float | None:
    """Steps/min from the spectrum, or None where the step and stride peaks disagree."""
    x = acc - acc.mean(axis=0)
    power = (np.abs(np.fft.rfft(x * np.hanning(len(x))[:, None], axis=0)) ** 2).sum(axis=1)
    f = np.fft.rfftfreq(len(x), 1 / fs)

    def peak(lo: float, hi: float) -> float:
        band = (f >= lo) & (f < hi)
        return float(f[band][np.argmax(power[band])])

    stride, step = peak(0.55, 1.3), peak(1.1, 2.7)
    return 60 * step if abs(step - 2 * stride) < 0.12 * step else None


def rule_variants(base: GateParams) -> dict[str, GateParams | None]:
    return {
        "shipped": base,
        "detector alone": None,
        "posture_ends_bout off": replace(base, posture_ends_bout=False),
        "bout_factor off": replace(base, bout_factor=math.inf),
        "measured_run off": replace(base, measured_run=False),
        "posture_starts_walk off": replace(base, posture_starts_walk=False),
        "same_posture off": replace(base, same_posture=-1.0),
        "soft_walk_posture off": replace(base, soft_walk_posture=None),
        "10 in front -> 6": replace(base, unposed_steps=base.confirm_steps),
        "confirm 6 (10) -> 4 (8)": replace(base, confirm_steps=4, unposed_steps=8),
        "spread 0.5 -> 0.8": replace(base, spread=0.8),
        "jolt -> 0": replace(base, min_amplitude=0.0),
        ONE_PERIOD: replace(base, step_period=STEP_PERIOD),
    }


def main() -> int:
    segs = select(read_labels(), locations=["wrist"])
    streams = build_streams(segs, data_dir("daily-living"))
    cached: list[Cached] = [(s, engine_batches(s, gated=False)) for s in streams]
    base = GATE_PARAMS[Placement.WRIST]
    counted: dict[str, list[tuple[Segment, FloatArray]]] = {}
    for name, params in rule_variants(base).items():
        out = []
        for stream, batches in cached:
            steps = (
                [s for b in batches for s in b]
                if params is None
                else through_gate(stream, batches, params)
            )
            out += per_segment(stream, step_times(steps))
        counted[name] = out
    esp = [p for s, t in zip(streams, _espruino(streams), strict=True) for p in per_segment(s, t)]

    ref = total = locked = 0
    sums: dict[str, int] = defaultdict(int)
    base_dir = data_dir("daily-living")
    for i, (seg, _) in enumerate(counted["shipped"]):
        if seg.dataset != "wisdm_reduced" or seg.activity != "walking":
            continue
        t, acc, _ = load_segment(base_dir, seg)
        cad = spectral_cadence(acc, 1 / float(np.median(np.diff(t))))
        if cad is None:
            continue
        total += 1
        ref += round(cad * seg.duration_s / 60)
        alone = counted["detector alone"][i][1]
        locked += len(alone) > 2 and 60 / float(np.median(np.diff(alone))) < LOCKED * cad
        sums["espruino"] += len(esp[i][1])
        sums["detector alone"] += len(alone)
        sums["gated"] += len(counted["shipped"][i][1])
        sums[f"gated, {ONE_PERIOD}"] += len(counted[ONE_PERIOD][i][1])
    print(f"WISDM walking blocks with a spectral reference: {total}, reference {ref} steps")
    for name, n in sums.items():
        print(f"  {name}: {n} ({100 * n / max(ref, 1):.1f} %)")
    print(f"  stride-locked blocks (detector under {LOCKED} x reference cadence): {locked}")

    print("| gate | " + " | ".join(f"{d}: walking steps, false/h" for d in DATASETS) + " |")
    print("| --- |" + " ---: |" * len(DATASETS))
    for name, results in counted.items():
        cells = []
        for ds in DATASETS:
            walk = sum(len(t) for s, t in results if s.dataset == ds and s.activity == "walking")
            non = [(s, t) for s, t in results if s.dataset == ds and s.expected == "no"]
            hours = sum(s.duration_s for s, _ in non) / 3600
            cells.append(f"{walk}, {sum(len(t) for _, t in non) / max(hours, 1e-9):.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


DATASETS = ("wisdm_reduced", "umafall", "spsw")

if __name__ == "__main__":
    raise SystemExit(main())
