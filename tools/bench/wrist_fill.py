"""The wrist's stride-locked walks: what restoring the step in between does (a developer tool).

The detector can report one candidate per stride at the wrist (docs/walking_gate.md, "Wrist
recall"); inside a bout confirmed with the arm hanging whose candidates come once per stride the
gate restores the step half-way once the bout reaches its stride_fill-th candidate, in every
stride-long interval since its confirming run, late, and from then on (gate.py). On the
wrist data of ../shared/data/daily-living (tuned on: every wrist constant was chosen with these
data in view), with the rule off and with stride_fill 6, 8, 12 and 16 candidates: WISDM's gated
steps against the spectral reference (wrist_recall.py) over its 45 blocks that have one, the
blocks counted at over 1.1 times the reference (over-counting) and under 0.75 times (still
stride-locked), false steps/h and plain-walking cadence per data set; then how late the shipped
engine reports steps on WISDM (restored ones wait for the candidate after them, late ones for
the bout's stride_fill-th).

With --half-interval: what was tried first and not kept, a check on the signal itself. For the
candidates 0.8-1.3 s after the one before (WISDM's stride-locked blocks, its other blocks, the
other data sets' walks, non-walking candidates the gate passes), the median of four statistics
at half that interval T over the last WINDOW_S of signal: the normalised autocorrelation of the
smoothed magnitude, of the vertical component, of the jolt envelope (the magnitude minus its
0.3 s mean, rectified and smoothed), and the three axes' power at 2/T over that at 1/T.

With --grid: at every point of gate_eval's leave-one-data-set-out grid for the wrist (216), the
false steps/h and cadence per data set with the shipped stride_fill and with the rule off: how
many points the rule changes false steps at (none means no held-out false-step figure can move
because of it, only which point the grid's cadence tie-break chooses), and its cadence gain.

    PYTHONPATH=$PWD:$PWD/dev ./.venv/bin/python -m tools.bench.wrist_fill [--half-interval|--grid]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import replace
import itertools
import math

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS

from .daily import build_streams, engine_batches, load_segment, read_labels, select, step_times
from .data import data_dir
from .gate_eval import (
    Cached,
    gate_rows,
    grid_axes,
    per_segment,
    tabulate,
    through_gate,
)
from .wrist_recall import DATASETS, LOCKED, spectral_cadence

OVER = 1.1  # a block counted at over this times the reference is over-counted
FILL_FROM = (0, 6, 8, 12, 16)  # stride_fill: once the bout reaches its n-th candidate (0: off)


FS = 50.0  # the engine's rate; the raw recordings are re-gridded to it for --half-interval
WINDOW_S = 3.0  # the signal looked at: up to LATE_S after the candidate
LATE_S = 0.8  # about when the detector reports a candidate


def _corr(x: FloatArray, lag: int) -> float:
    """Normalised correlation of (zero-mean) x with itself `lag` samples later (any axes)."""
    a, b = x[:-lag], x[lag:]
    den = math.sqrt(float(np.sum(a * a)) * float(np.sum(b * b)))
    return float(np.sum(a * b)) / den if den > 0 else 0.0


def _power(x: FloatArray, f: float) -> float:
    """Power of x (n,) or (n, axes) at frequency f (Hann window, summed over axes)."""
    phase = np.exp(-2j * np.pi * f * np.arange(len(x)) / FS) * np.hanning(len(x))
    return float(np.sum(np.abs(phase @ x) ** 2))


def half_interval_stats(acc: FloatArray, end: int, lag: int) -> dict[str, float]:
    """What the signal says at half a candidate interval (2 * lag samples), WINDOW_S to `end`."""
    kernel = np.hanning(12)[1:-1]
    kernel /= kernel.sum()
    seg = acc[max(0, end - round(WINDOW_S * FS)) : end]
    mag = np.sqrt(np.einsum("ij,ij->i", seg, seg))
    up = seg.mean(axis=0) / np.linalg.norm(seg.mean(axis=0))
    smooth = np.convolve(mag, kernel, "valid")
    vert = np.convolve(seg @ up, kernel, "valid")
    wide = np.hanning(17)[1:-1]
    jolt = np.convolve(np.abs(mag - np.convolve(mag, wide / wide.sum(), "same")), kernel, "same")
    axes = seg - seg.mean(axis=0)
    f = FS / (2 * lag)  # one candidate interval
    return {
        "magnitude": _corr(smooth - smooth.mean(), lag),
        "vertical": _corr(vert - vert.mean(), lag),
        "jolt envelope": _corr(jolt[8:-8] - jolt[8:-8].mean(), lag),
        "log10 power 2/T over 1/T": math.log10(_power(axes, 2 * f) / max(_power(axes, f), 1e-12)),
    }


def half_interval(cached: list[Cached], refs: dict[str, float]) -> str:
    """Median of half_interval_stats over candidates 0.8-1.3 s after the one before, by class."""
    params = replace(GATE_PARAMS[Placement.WRIST], stride_fill=0)
    stats: dict[str, list[dict[str, float]]] = defaultdict(list)
    for stream, batches in cached:
        cands = [s for b in batches for s in b]
        gated = {s.t for s in through_gate(stream, batches, params)}
        grid = np.arange(stream.t[0], stream.t[-1], 1 / FS)
        acc = np.stack([np.interp(grid, stream.t, stream.acc[:, i]) for i in range(3)], axis=1)
        times = np.array([c.t for c in cands])
        for (seg, _), seen in zip(stream.segments, stream.split(times)[0], strict=True):
            if seg.name in refs:
                if len(seen) < 3:
                    continue
                locked = 60 / float(np.median(np.diff(seen))) < LOCKED * 60 * refs[seg.name] / (
                    seg.duration_s
                )
                kind = "WISDM stride-locked blocks" if locked else "WISDM other blocks"
            elif seg.activity == "walking" and seg.dataset != "wisdm_reduced":
                kind = f"{seg.dataset} walks"
            elif seg.expected == "no":
                kind = "non-walking, gated"
            else:
                continue
            for x in seen:
                i = int(np.searchsorted(times, x))
                c, dt = cands[i], float(x - times[i - 1]) if i else 0.0
                if c.features is None or not 0.8 <= dt <= 1.3:
                    continue
                if kind == "non-walking, gated" and c.t not in gated:
                    continue
                end = int(np.searchsorted(grid, c.t + LATE_S))
                lag = round(dt / 2 * FS)
                if end >= round(WINDOW_S * FS) and 4 * lag <= round(WINDOW_S * FS):
                    stats[kind].append(half_interval_stats(acc, end, lag))
    kinds = sorted(stats)
    names = list(next(iter(stats.values()))[0]) if stats else []
    lines = [
        "| statistic at T/2 | " + " | ".join(f"{k} ({len(stats[k])})" for k in kinds) + " |",
        "| --- |" + " ---: |" * len(kinds),
    ]
    for name in names:
        cells = " | ".join(f"{np.median([d[name] for d in stats[k]]):.2f}" for k in kinds)
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--half-interval",
        action="store_true",
        help="what the signal says at half a long candidate interval, instead of the sweep",
    )
    parser.add_argument(
        "--grid",
        action="store_true",
        help="false steps with the fill on and off at every leave-one-out grid point",
    )
    args = parser.parse_args(argv)
    segs = select(read_labels(), locations=["wrist"])
    base_dir = data_dir("daily-living")
    cached: list[Cached] = [
        (s, engine_batches(s, gated=False)) for s in build_streams(segs, base_dir)
    ]
    if args.grid:  # no spectral reference needed
        print(grid(cached))
        return 0
    refs: dict[str, float] = {}  # WISDM walking block -> reference steps
    for seg in segs:
        if seg.dataset == "wisdm_reduced" and seg.activity == "walking":
            t, acc, _ = load_segment(base_dir, seg)
            cad = spectral_cadence(acc, 1 / float(np.median(np.diff(t))))
            if cad is not None:
                refs[seg.name] = cad * seg.duration_s / 60
    if args.half_interval:
        print(half_interval(cached, refs))
        return 0
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


def grid(cached: list[Cached]) -> str:
    """At every wrist point of the leave-one-out grid: false steps/h with the fill and without."""
    base = GATE_PARAMS[Placement.WRIST]
    axes = grid_axes(Placement.WRIST)
    moved: list[str] = []
    gain: dict[str, list[float]] = defaultdict(list)
    points = list(itertools.product(*axes.values()))
    for values in points:
        named = dict(zip(axes, values, strict=True))
        point = replace(base, **named)  # type: ignore[arg-type]
        on = {r.dataset: r for r in gate_rows(cached, point)}
        off = {r.dataset: r for r in gate_rows(cached, replace(point, stride_fill=0))}
        for d in DATASETS:
            if on[d].false_per_h != off[d].false_per_h:
                moved.append(f"{named} {d}: {off[d].false_per_h:.1f} -> {on[d].false_per_h:.1f}")
            gain[d].append(on[d].cadence - off[d].cadence)
    lines = [
        f"grid points: {len(points)}; false steps/h changed by the fill (stride_fill "
        f"{base.stride_fill} against off) at {len(moved)}",
        *moved,
    ]
    lines += [
        f"{d}: cadence gain, steps/min, min / median / max "
        f"{min(g):.1f} / {float(np.median(g)):.1f} / {max(g):.1f}"
        for d, g in gain.items()
    ]
    return "\n".join(lines)


def lags(cached: list[Cached]) -> str:
    """How long after it happened each step is reported: the gated engine on WISDM's streams fed
    one sample at a time (the report time is the engine's own, not a batch's wait), steps that
    stream through a confirmed bout (a call reporting one candidate, with the step restored
    before it if any; a bout's held steps are released together, later by design). "restored":
    features None, the detector's own restored steps and the one stride_fill or the swing
    restores just before the candidate; "late": the gate's mark (StepEvent.late), the steps
    stride_fill restores in a bout's earlier strides with the candidate that completes
    stride_fill candidates. Until 2026-12-06 this guessed them from the times (older than the
    newest restored step of the call): 10 more late ones on WISDM, 4.82 s the restored ones'
    max."""
    by_kind: dict[str, list[float]] = {"measured": [], "restored": [], "late": []}
    for stream, _ in cached:
        if stream.dataset != "wisdm_reduced":
            continue
        engine = GaitEngine(Placement.WRIST)
        for i in range(len(stream.t)):
            steps = engine.process(stream.t[i : i + 1], stream.acc[i : i + 1]).steps
            if sum(s.features is not None for s in steps) != 1:
                continue
            for s in steps:
                kind = "late" if s.late else "restored" if s.features is None else "measured"
                by_kind[kind].append(float(stream.t[i]) - s.t)
    return "report lag after the confirming run, s (median / 95th percentile / max): " + ", ".join(
        f"{kind} n={len(v)}: {np.median(v):.2f} / {np.percentile(v, 95):.2f} / {max(v):.2f}"
        for kind, v in by_kind.items()
        if v
    )


if __name__ == "__main__":
    raise SystemExit(main())
