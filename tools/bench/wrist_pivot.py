"""Is the wrist's pivot above the watch (a hanging arm) or below it (a raised forearm)?

A sign-free physical cue, measured on the wrist recordings of ../shared/data/daily-living that
have a gyro (spsw, UMAFall; WISDM has none). The gate's posture rule takes |x| of the 1 s
gravity mean (x along the forearm) within 45 degrees of vertical as a hanging arm, so a forearm
pointing up (hand at the ear or the mouth) passes too until the wearer's hanging side is learned
(gate.py, learn_sign). The cue:

A point at distance r from the pivot of a limb turning at angular rate w feels the centripetal
acceleration w^2 r towards the pivot. Below a pivot (the arm hanging from the shoulder) that is
up the forearm, the direction the gravity reaction already reads on x; above it (the forearm
raised, turning about the elbow) it is down the forearm, against it. So the slope of the x
specific force, signed by the mean x and detrended, regressed on the squared angular rate
across the forearm (gy^2 + gz^2: a turn about x itself pulls nothing along x) is +r below the
pivot and -r above it, in metres. The swing's own gravity term, g cos(theta), adds to a hanging
arm's slope (about g / (2 w_swing^2), 0.15 m at 0.9 Hz). Both signals are smoothed over 0.2 s
first (heel-strike jolts are not the arm's turning).

What the heel strike does not leave out: a walker's trunk rises and falls once per step, and
with a hanging forearm that vertical bounce lies along x, at the same frequency as w^2 (the arm
passes its lowest point, fastest, near mid-stance, the body's highest point, where the vertical
acceleration is lowest). It pulls a walking arm's slope down, towards zero and below when the
arm barely swings.

Per data set and activity, over windows (win_s, half overlapping; a whole segment if shorter)
whose forearm passes the gate's |x| test and that turn at all: the cue's median, 5th and 95th
percentiles (m) and the share on the hanging side (> 0), split by which side of vertical x lies
on relative to the subject's own walking side (the majority sign of their walking windows'
mean x; walking, spsw is -x for all 23, UMAFall -x for 6 and +x for 4): "own" windows are the
hand below the elbow (the arm hangs before and after a gesture), "other" windows the hand above
it, where the cue should be negative. Also the share below -THRESHOLD_M (a dead zone: only a
clearly raised forearm called so).

--cue rigid: the same question by a rigid-body fit on all three axes with gravity tracked by the
gyro (rigid_slope): walking separates, raised hands do not (the docs say why).

--gate: what the centripetal cue would do in the wrist's gate (CueGate: with no hanging side
learned, a candidate in hanging posture whose 3 s cue is below -T is taken out of it): spsw and
UMAFall false steps/h and plain-walking steps per T in GATE_THRESHOLDS, at the gate points in
GATE_POINTS, with the cue's window centred on the candidate and before it.

Run: PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.wrist_pivot [--subjects N]
    [--cue centripetal|rigid] [--window S] [--per-subject] [--gate]
Figures: docs/walking_gate.md, "Wrist: where the pivot is (a sign-free hand-up cue; measured, not
shipped)".
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
import functools
import math
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from custom_components.retrowalk.gait.zupt import body_to_start
from tools.bvh2rec import matrix_from_quat

from .daily import (
    Segment,
    Stream,
    build_streams,
    engine_batches,
    load_segment,
    read_labels,
    select,
    step_times,
)
from .data import data_dir
from .gate_eval import per_segment, tabulate, through_gate

WIN_S = 3.0  # about a confirming run at the wrist (6 candidates at 0.5-0.6 s)
MIN_WIN_S = 1.5  # shorter segments say nothing
SMOOTH_S = 0.2  # s: moving mean over both signals before the regression
# A window whose squared cross-forearm rate varies less than this (std, rad^2/s^2) does not turn
# enough to tell a pivot (a still hand, a slow walk with the hand in a pocket).
MIN_SPIN = 0.5
HANGING = math.cos(math.radians(45))  # the gate's wrist posture test on |x|
THRESHOLD_M = 0.15  # the dead zone's edge, m: walking's 5th percentile is about -0.15


def pivot_slope(acc: FloatArray, gyro: FloatArray, fs: float) -> float | None:
    """The pivot distance the window's x axis shows, m: > 0 below the pivot, < 0 above it.

    acc (n, 3) m/s^2 with gravity, gyro (n, 3) rad/s, x along the forearm. None if the window
    does not turn (or is empty).
    """
    if len(acc) < 2:
        return None
    mean = acc.mean(axis=0)
    side = 1.0 if mean[0] >= 0 else -1.0
    n = max(1, round(SMOOTH_S * fs))
    x = _smooth(side * (acc[:, 0] - mean[0]), n)
    spin = _smooth(gyro[:, 1] ** 2 + gyro[:, 2] ** 2, n)
    x, spin = x - x.mean(), spin - spin.mean()
    var = float(spin @ spin)
    if var <= 0 or math.sqrt(var / len(spin)) < MIN_SPIN:
        return None
    return float(x @ spin) / var


def rigid_slope(acc: FloatArray, gyro: FloatArray, fs: float) -> float | None:
    """The same question by a rigid-body fit on all three axes, gravity tracked by the gyro.

    Gravity's reading in the watch's axes follows the watch's turning (integrated from the gyro
    over the window, its start chosen to fit the window's mean), so what is left is the
    watch's own acceleration: for a pivot on the forearm's line at rho along x, rho times
    (alpha x e_x + w x (w x e_x)) plus whatever the body does. The tangential part, alpha x e_x,
    is at the swing's own frequency, where the trunk's step bounce has little. Same sign
    convention as pivot_slope (> 0: the pivot above the watch); None if the window does not turn.
    """
    if len(acc) < 2 or pivot_slope(acc, gyro, fs) is None:
        return None
    dt = 1.0 / fs
    side = 1.0 if acc[:, 0].mean() >= 0 else -1.0
    # (n, 3, 3): the watch's axes at each sample in its axes at the first, by the engine's own
    # gyro integration (zupt.body_to_start), as rotation matrices.
    turn = matrix_from_quat(body_to_start(gyro, fs))
    g0 = np.einsum("kij,kj->i", turn, acc) / len(acc)
    lin = acc - np.einsum("kji,j->ki", turn, g0)
    alpha = np.gradient(gyro, dt, axis=0)
    w = gyro
    basis = np.column_stack(
        [
            -(w[:, 1] ** 2 + w[:, 2] ** 2),
            alpha[:, 2] + w[:, 0] * w[:, 1],
            -alpha[:, 1] + w[:, 0] * w[:, 2],
        ]
    )
    n = max(1, round(SMOOTH_S * fs))
    lin = np.column_stack([_smooth(lin[:, i], n) for i in range(3)])
    basis = np.column_stack([_smooth(basis[:, i], n) for i in range(3)])
    lin, basis = lin - lin.mean(axis=0), basis - basis.mean(axis=0)
    var = float(np.sum(basis * basis))
    if var <= 0:
        return None
    return -side * float(np.sum(lin * basis)) / var


CUES: dict[str, Callable[[FloatArray, FloatArray, float], float | None]] = {
    "centripetal": pivot_slope,
    "rigid": rigid_slope,
}


def _smooth(x: FloatArray, n: int) -> FloatArray:
    """Moving mean over n samples, only where the window is full (no edge padding)."""
    if n <= 1 or len(x) < n:
        return x
    return np.asarray(np.convolve(x, np.ones(n) / n, mode="valid"), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Window:
    dataset: str
    subject: str
    activity: str
    side: int  # sign of the mean x (+1, -1)
    slope: float  # the cue's value, m (pivot_slope or rigid_slope, whichever was asked)


def hanging_windows(
    acc: FloatArray, gyro: FloatArray, fs: float, win_s: float = WIN_S, cue: str = "centripetal"
) -> list[tuple[int, float]]:
    """(side of x, pivot slope) of a recording's windows that pass the gate's |x| test and turn."""
    n = round(win_s * fs)
    if len(acc) < round(MIN_WIN_S * fs):
        return []
    starts = range(0, len(acc) - n + 1, max(1, n // 2)) if len(acc) >= n else range(1)
    out = []
    for k in starts:
        a, g = acc[k : k + n], gyro[k : k + n]
        mean = a.mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm <= 0 or abs(float(mean[0])) / norm < HANGING:
            continue
        slope = CUES[cue](a, g, fs)
        if slope is not None:
            out.append((1 if mean[0] >= 0 else -1, slope))
    return out


def windows(
    segments: Iterable[Segment], base: Path, win_s: float = WIN_S, cue: str = "centripetal"
) -> list[Window]:
    """Every wrist segment's hanging, turning windows (segments without a gyro are skipped)."""
    out = []
    for seg in segments:
        if seg.location != "wrist" or not seg.has_gyro:
            continue
        _, acc, gyro = load_segment(base, seg)
        if gyro is None:
            continue
        for side, slope in hanging_windows(acc, gyro, seg.rate, win_s, cue):
            out.append(Window(seg.dataset, seg.subject, seg.activity, side, slope))
    return out


def walking_sides(found: Sequence[Window]) -> dict[tuple[str, str], int]:
    """Each subject's hanging side: the majority sign of x over their walking windows."""
    votes: dict[tuple[str, str], int] = defaultdict(int)
    for w in found:
        if w.activity == "walking":
            votes[(w.dataset, w.subject)] += w.side
    return {k: (1 if v > 0 else -1) for k, v in votes.items() if v}


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    activity: str
    hand: str  # "below" (x on the subject's walking side), "above" (the other), "any"
    n: int
    median: float
    p5: float
    p95: float
    pivot_above: float  # share with the cue > 0: the pivot above the sensor, a hanging arm
    clearly_raised: float  # share below -THRESHOLD_M


def rows(found: Sequence[Window]) -> list[Row]:
    """The cue's distribution per data set, activity and side of the hand (see the module doc)."""
    sides = walking_sides(found)
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for w in found:
        own = sides.get((w.dataset, w.subject))
        hand = "any" if own is None else ("below" if w.side == own else "above")
        groups[(w.dataset, w.activity, hand)].append(w.slope)
    out = []
    for (dataset, activity, hand), slopes in sorted(groups.items()):
        v = np.asarray(slopes)
        out.append(
            Row(
                dataset=dataset,
                activity=activity,
                hand=hand,
                n=len(v),
                median=float(np.median(v)),
                p5=float(np.percentile(v, 5)),
                p95=float(np.percentile(v, 95)),
                pivot_above=float(np.mean(v > 0)),
                clearly_raised=float(np.mean(v < -THRESHOLD_M)),
            )
        )
    return out


def subject_walking(found: Sequence[Window]) -> list[tuple[str, str, int, float, float]]:
    """Per subject: walking windows, median cue (m), share on the hanging side (> 0)."""
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for w in found:
        if w.activity == "walking":
            groups[(w.dataset, w.subject)].append(w.slope)
    return [
        (d, s, len(v), float(np.median(v)), float(np.mean(np.asarray(v) > 0)))
        for (d, s), v in sorted(groups.items())
    ]


# -- --gate: the cue in the gate (an emulation; not shipped) --------------------------------------

# The cue's dead zones tried: a candidate whose cue is below -T is taken as a raised hand.
GATE_THRESHOLDS: tuple[float | None, ...] = (None, 0.3, 0.15, 0.0)
# The gate constants compared: as shipped, and the point leave-one-data-set-out chooses with
# UMAFall held out (gate_eval --lodo --locations wrist: 4 steps, spread 0.5, jolt 1.5, 45 deg,
# walk posture 30 deg; the bout factor as shipped).
GATE_POINTS: tuple[tuple[str, GateParams], ...] = (
    ("shipped", GATE_PARAMS[Placement.WRIST]),
    (
        "held-out UMAFall's LODO point",
        replace(
            GATE_PARAMS[Placement.WRIST],
            confirm_steps=4,
            spread=0.5,
            min_amplitude=1.5,
            min_upright=math.cos(math.radians(45)),
            same_posture=math.cos(math.radians(30)),
        ),
    ),
)
GATE_DATASETS = ("spsw", "umafall")  # the wrists with a gyro


class CueGate(WalkingGate):
    """The wrist's gate whose posture test also asks the pivot cue while no side is learned.

    With no hanging side learned (hanging_sign 0) the posture test takes |x| (gate.py), so a
    forearm pointing up passes as hanging. Here such a candidate whose cue (`cue(t)`, m: the
    pivot_slope of the window before it) is below -threshold is handed to the gate with its
    "up" tipped just past the posture test's edge: out of hanging posture (it may still count
    through the longer hand-in-front run, as any candidate out of posture). Only the public
    API: the gate itself is the engine's.
    """

    def __init__(
        self,
        placement: Placement,
        params: GateParams,
        cue: Callable[[float], float | None],
        threshold: float | None,
    ) -> None:
        super().__init__(placement, params)
        self.cue = cue
        self.threshold = threshold
        self.refused = 0  # candidates the cue took out of hanging posture

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        """Each candidate judged against the state the gate is in when it arrives."""
        out: list[StepEvent] = []
        for step in steps:
            out += super().add([self.as_judged(step)])
        return out

    def as_judged(self, step: StepEvent) -> StepEvent:
        """The candidate as the posture test should see it (itself unless the cue says raised)."""
        axis, limit = self.p.upright_axis, self.p.min_upright
        f = step.features
        if self.threshold is None or self.hanging_sign or f is None or axis is None:
            return step
        if abs(f.up[axis]) < limit:
            return step  # already out of hanging posture
        slope = self.cue(step.t)
        if slope is None or slope >= -self.threshold:
            return step
        self.refused += 1
        return replace(step, features=replace(f, up=tipped(f.up, axis, limit)))


def tipped(up: tuple[float, float, float], axis: int, limit: float) -> tuple[float, float, float]:
    """The unit vector nearest `up` whose component on `axis` is just under `limit` in size (the
    least turn that fails the posture test), same side."""
    v = np.asarray(up, dtype=np.float64)
    along = (limit - 1e-6) * (1.0 if v[axis] >= 0 else -1.0)
    rest = v.copy()
    rest[axis] = 0.0
    norm = float(np.linalg.norm(rest))
    if norm < 1e-12:
        rest[(axis + 1) % 3], norm = 1.0, 1.0
    rest *= math.sqrt(1.0 - along * along) / norm
    rest[axis] = along
    return (float(rest[0]), float(rest[1]), float(rest[2]))


def stream_cue(
    stream: Stream, win_s: float = WIN_S, *, centred: bool = False
) -> Callable[[float], float | None]:
    """cue(t): pivot_slope of the stream's win_s before time t (what a gate could know when the
    candidate arrives), or with `centred` of the win_s around it (half of it still to come: no
    gate has that when the candidate arrives). None without a gyro, or with under MIN_WIN_S of
    samples (a hole, the stream's edges)."""
    t, acc, gyro = stream.t, stream.acc, stream.gyro
    fs = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 0.0
    ahead = win_s / 2 if centred else 0.0

    def cue(at: float) -> float | None:
        if gyro is None or fs <= 0:
            return None
        lo, hi = np.searchsorted(t, [at + ahead - win_s, at + ahead], side="right")
        if hi - lo < round(MIN_WIN_S * fs):
            return None
        return pivot_slope(acc[lo:hi], gyro[lo:hi], fs)

    # The gate tables ask for the same candidate's cue at every grid point and threshold.
    return functools.cache(cue)


@dataclass(frozen=True, slots=True)
class GateFigure:
    point: str
    threshold: float | None
    dataset: str
    false_per_h: float
    walking_steps: int  # steps counted in plain-walking segments
    refused: int  # candidates the cue took out of hanging posture


def gate_figures(
    cached: Sequence[tuple[Stream, list[list[StepEvent]]]],
    points: Sequence[tuple[str, GateParams]] = GATE_POINTS,
    thresholds: Sequence[float | None] = GATE_THRESHOLDS,
    *,
    centred: bool = False,
) -> list[GateFigure]:
    """False steps/h and plain-walking steps per data set, per gate point and threshold, of each
    stream's ungated candidates through a fresh CueGate (as gate_eval hands them over); the cue
    over the window before each candidate, or with `centred` around it (stream_cue)."""
    cues = [stream_cue(stream, centred=centred) for stream, _ in cached]
    out = []
    for name, params in points:
        for threshold in thresholds:
            results: list[tuple[Segment, FloatArray]] = []
            refused: dict[str, int] = defaultdict(int)
            for (stream, batches), cue in zip(cached, cues, strict=True):
                gate = CueGate(Placement.WRIST, params, cue, threshold)
                steps = through_gate(stream, batches, params, gate)
                results += per_segment(stream, step_times(steps))
                refused[stream.dataset] += gate.refused
            walking: dict[str, int] = defaultdict(int)
            for seg, times in results:
                if seg.activity == "walking":
                    walking[seg.dataset] += len(times)
            out += [
                GateFigure(
                    name,
                    threshold,
                    r.dataset,
                    r.false_per_h,
                    walking[r.dataset],
                    refused[r.dataset],
                )
                for r in tabulate(results)
            ]
    return out


def gate_table(figures: Sequence[GateFigure]) -> str:
    """The doc's table: per gate point and threshold, each data set's false/h, walking steps."""
    datasets = sorted({f.dataset for f in figures})
    lines = [
        "| gate constants | T | "
        + " | ".join(f"{d} false/h, walking steps (refused)" for d in datasets)
        + " |",
        "| --- | --- | " + " | ".join("---" for _ in datasets) + " |",
    ]
    keys = list(dict.fromkeys((f.point, f.threshold) for f in figures))
    for point, threshold in keys:
        row = {f.dataset: f for f in figures if (f.point, f.threshold) == (point, threshold)}
        cells = [
            f"{row[d].false_per_h:.0f}, {row[d].walking_steps} ({row[d].refused})"
            if d in row
            else "-"
            for d in datasets
        ]
        t = "no cue" if threshold is None else f"{threshold:g} m"
        lines.append(f"| {point} | {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--subjects", type=int, default=0, help="first N subjects per data set")
    ap.add_argument("--window", type=float, default=WIN_S, help="window length, s")
    ap.add_argument("--per-subject", action="store_true", help="walking per subject too")
    ap.add_argument("--cue", choices=sorted(CUES), default="centripetal", help="which estimate")
    ap.add_argument("--gate", action="store_true", help="the centripetal cue in the wrist gate")
    args = ap.parse_args(argv)
    base = data_dir("daily-living")
    if args.gate:
        chosen = select(
            read_labels(base), datasets=GATE_DATASETS, locations=("wrist",), subjects=args.subjects
        )
        cached = [(s, engine_batches(s, gated=False)) for s in build_streams(chosen, base)]
        print(
            "the centripetal cue in the wrist gate (fresh gates, no side learned until three walks"
            " agree): a candidate in hanging posture whose 3 s cue is below -T is taken out of it;"
            " false steps/h over non-walking segments, steps counted in plain-walking segments,"
            " candidates the cue refused"
        )
        for centred, what in (
            (True, "the 3 s centred on the candidate (1.5 s of it still to come)"),
            (False, "the 3 s before the candidate (what the gate knows when it arrives)"),
        ):
            print(f"\ncue over {what}:")
            print(gate_table(gate_figures(cached, centred=centred)))
        return
    segments = select(read_labels(base), locations=("wrist",), subjects=args.subjects)
    found = windows(segments, base, args.window, args.cue)
    print(
        f"pivot cue ({args.cue}), m (> 0: pivot above the watch, a hanging arm); windows of "
        f"{args.window:g} s passing |x| >= cos 45 and turning; hand below/above: x on / off "
        f"the subject's walking side; clearly raised: < -{THRESHOLD_M:g} m"
    )
    print(
        f"{'data set':14} {'activity':30} {'hand':5} {'n':>5} {'median':>7} {'p5':>7} "
        f"{'p95':>7} {'>0':>6} {'raised':>6}"
    )
    for r in rows(found):
        print(
            f"{r.dataset:14} {r.activity:30} {r.hand:5} {r.n:5d} {r.median:+7.3f} {r.p5:+7.3f} "
            f"{r.p95:+7.3f} {100 * r.pivot_above:5.1f}% {100 * r.clearly_raised:5.1f}%"
        )
    if args.per_subject:
        for dataset, subject, n, med, pos in subject_walking(found):
            print(f"{dataset:14} {subject:16} walking n={n:3d} median {med:+.2f} >0 {pos:.0%}")


if __name__ == "__main__":
    main()
