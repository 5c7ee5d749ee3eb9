"""Where the wrist's walking steps go (a developer tool; figures in docs/walking_gate.md).

On the walking segments of ../shared/data/daily-living's wrist data:
- WISDM's two-minute walking blocks against a spectral reference: each block's step frequency
  (the three axes' summed power: the step peak in 1.1-2.7 Hz, kept where it lies within 12 % of
  twice the stride peak in 0.55-1.3 Hz) times its duration; the Espruino counter, the detector
  alone and the gated engine on the same blocks, and how many blocks the detector counts at
  under 0.75 times the reference cadence (one candidate per stride);
- the gate, one wrist rule off at a time: walking steps and false steps/h per data set;
- spsw's timed-up-and-go walks (stand up, 3 m, turn, 3 m back, turn, sit): the steps the wrist
  counts in each walk's walking and turning segments against those the same person's pocket
  phone counts (THIGH) in the same walk, and how many walks the wrist counts nothing of.

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.wrist_recall
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS

from .daily import (
    Segment,
    _espruino,
    build_streams,
    engine_batches,
    engine_steps,
    load_segment,
    read_labels,
    select,
)
from .data import data_dir
from .gate_eval import Cached, gate_times, per_segment, rule_variants

LOCKED = 0.75  # a block counted at under this times the reference cadence is stride-locked


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


def walk_steps(results: list[tuple[Segment, FloatArray]]) -> dict[str, int]:
    """Per session (one walk there and back), the steps counted in its walking segments
    (walking and turning), from each segment's counted step times."""
    out: dict[str, int] = defaultdict(int)
    for seg, times in results:
        out[seg.session] += len(times) if seg.walking else 0
    return dict(out)


def against_pocket(wrist: dict[str, int], pocket: dict[str, int]) -> tuple[int, int, int, int]:
    """Over the walks (sessions) both counted: the wrist's steps, the pocket's, the walks the
    wrist counts nothing of, the walks."""
    both = sorted(wrist.keys() & pocket.keys())
    return (
        sum(wrist[k] for k in both),
        sum(pocket[k] for k in both),
        sum(wrist[k] == 0 for k in both),
        len(both),
    )


def timed_up_and_go(wrist: list[tuple[Segment, FloatArray]]) -> str:
    """The wrist's counted steps (`wrist`: the gated engine's, per segment, as main counts them)
    against the pocket's (the gated engine at THIGH) on spsw's timed-up-and-go walks."""
    segs = select(read_labels(), datasets=["spsw"], locations=["pocket"])
    pocket = [
        p
        for stream in build_streams(segs, data_dir("daily-living"))
        for p in per_segment(stream, engine_steps(stream))
    ]
    spsw = [(seg, t) for seg, t in wrist if seg.dataset == "spsw"]
    counted, reference, nothing, walks = against_pocket(walk_steps(spsw), walk_steps(pocket))
    return (
        f"spsw timed-up-and-go walks: the wrist counts {counted} of the pocket's {reference} "
        f"steps ({100 * counted / max(reference, 1):.0f} %); {nothing} of {walks} walks nothing "
        "at the wrist"
    )


def main() -> int:
    segs = select(read_labels(), locations=["wrist"])
    streams = build_streams(segs, data_dir("daily-living"))
    cached: list[Cached] = [(s, engine_batches(s, gated=False)) for s in streams]
    base = GATE_PARAMS[Placement.WRIST]
    counted: dict[str, list[tuple[Segment, FloatArray]]] = {}
    for name, params in rule_variants(base).items():
        out = []
        for stream, batches in cached:
            out += per_segment(stream, gate_times(stream, batches, params))
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
    print(timed_up_and_go(counted["shipped"]))
    return 0


DATASETS = ("wisdm_reduced", "umafall", "spsw")

if __name__ == "__main__":
    raise SystemExit(main())
