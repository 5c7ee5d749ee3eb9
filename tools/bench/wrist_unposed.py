"""What the wrist gate's hand-in-front ("unposed") runs are made of: walking or scrubbing?

The wrist gate (gate_params.py, GATE_PARAMS[Placement.WRIST]) confirms a walk with the forearm
hanging (|x| of the 1 s gravity mean within 45 degrees of vertical) after 6 candidates, or with
the hand in front after a longer regular run of unposed_steps (10). This tool runs the detector
alone (the engine without its gate), passes its candidates through the shipped gate and records
every run the gate confirms out of the hanging posture (UnposedRuns), then measures, per run:

- vertical: the share of the candidates' dynamic acceleration along gravity. Walking with the
  hand in front rides the body: the trunk rises and falls once per step, so each candidate's
  jolt should lie mostly along gravity; scrubbing, wiping, stirring and brushing move the hand
  mostly sideways or forwards and back. Per candidate, over +-0.2 s around it (the engine's
  trunk_signal.vertical_share, JOLT_HALF_S): the dynamic acceleration is the signal minus its 1 s
  gravity mean (the candidate's own "up", what the detector reports in StepFeatures), and the
  share is sum((a . up)^2) / sum(|a|^2) (1/3 for a direction-free jiggle); the run's value is its
  candidates' median.
- interval: the run's median candidate interval, s (walking 0.4-0.65, jogging about 0.33,
  scrubbing 0.2-0.35).
- jolt: the run's median candidate amplitude, m/s^2 (StepFeatures.amplitude, |a| - |g| peak).
- crossings/step and rhythm: how often the vertical signal |a| - |g| (smoothed over SMOOTH_S)
  crosses its mean over the run, per candidate interval (a step's rise and fall: 2; a
  stride-locked candidate: 4) and as a frequency (crossings / 2 / the run's span: the signal's
  own rhythm, whatever the detector's peak picking made of it). Scrubbing's candidates come
  0.6-1.1 s apart (one peak of several strokes: the virtual 3-5 Hz scrubbing this was written
  for, and the one real brushing run, HMP's), so the candidate interval alone does not show the
  scrubbing's rate; this does, though it undercounts the fastest strokes: the moving mean
  passes 0.76 of 4 Hz but 0.54 of 5.75 Hz, real brushing's median stroke across the forearm
  (docs/daily_life.md, "Real toothbrushing (HMP)").
- posture spread: the largest angle of a candidate's "up" from the run's mean, degrees.

Sources: Oxford hand-held phones (in the hand, swinging, armband; all walking), the daily-living
wrist streams (each run labelled by the segment its middle candidate falls in: walking kinds,
jogging, non-walking "no", "maybe"), and the virtual wearer's arm work (dev package, a check
only; real toothbrushing is in tools.bench.hmp_wrist --runs, from a copy of the HMP data set).

Run: PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.wrist_unposed
    [--subjects N] [--oxford-hz 50|100] [--virtual-seconds S] [--no-virtual] [--no-oxford]
Then, per rule one might put on those runs (RULES), the real walking runs it would refuse and
the virtual brushing it would remove (emulate).

Figures: docs/walking_gate.md, "Wrist: what the hand-in-front runs are".
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
import statistics

import numpy as np

from custom_components.retrowalk.gait import (
    FloatArray,
    GaitEngine,
    Placement,
    StepEvent,
    trunk_signal,
)
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario

from . import oxford
from .daily import Segment, Stream, build_streams, engine_batches, read_labels, select
from .data import data_dir, feed
from .gate_eval import judged

SMOOTH_S = 0.1  # s: a moving mean that keeps 3-5 Hz scrubbing (gain 0.76 at 4 Hz, 0 at 10 Hz)
GRAVITY_S = 1.0  # s: the gravity mean, as the detector's (trunk_params.py, gravity_s)
WALKING = {"walking", "turning", "stairs", "walking_upstairs", "walking_downstairs"}
OXFORD_HAND = ("InHand", "SwingingArm", "Armband")
VIRTUAL = (("brush", "stand"), ("eat", "sit"), ("type", "sit"))


class UnposedRuns(WalkingGate):
    """The shipped gate, recording each run it confirms with the hand out of the hanging cone
    (with `every`, each run it confirms, and in `posed` whether it was in the cone)."""

    def __init__(
        self, placement: Placement, params: GateParams | None = None, *, every: bool = False
    ) -> None:
        super().__init__(placement, params)
        self.every = every
        self.runs: list[list[StepEvent]] = []
        self.posed_runs: list[bool] = []  # per run: confirmed with the arm hanging
        self.recording = False  # the open bout (if any) is one of self.runs
        self.counted: list[int] = []  # steps each run's bout counted (released, then streamed)

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        out: list[StepEvent] = []
        for step in steps:  # one at a time: which held candidates made the run is needed
            before = self.walking
            held = [*self.held, step]
            got = super().add([step])
            if self.walking and not before:
                self.recording = self.every or not self.posed
                if self.recording:
                    need = self.p.confirm_steps if self.posed else self.p.unposed_steps
                    measured = [s for s in held if s.features is not None]
                    self.runs.append(measured[-(need or self.p.confirm_steps) :])
                    self.posed_runs.append(self.posed)
                    self.counted.append(0)
            if self.recording and (before or self.walking):
                self.counted[-1] += len(got)
            out += got
        return out


def vertical_share(t: FloatArray, acc: FloatArray, at: float, up: Sequence[float]) -> float | None:
    """The share of the dynamic acceleration along `up` within JOLT_HALF_S of `at` (None: no data).

    acc (n, 3) m/s^2 with gravity at times t; the dynamic part is acc minus its GRAVITY_S mean
    centred on `at` (the window the detector's "up" comes from), so the jolt is what is left. The
    engine's own measure (trunk_signal.vertical_share), with the gravity mean taken here.
    """
    g_lo, g_hi = np.searchsorted(t, [at - GRAVITY_S / 2, at + GRAVITY_S / 2])
    if g_hi <= g_lo:
        return None
    gravity = acc[g_lo:g_hi].mean(axis=0)
    return trunk_signal.vertical_share(t, acc, at, gravity, np.asarray(up, dtype=np.float64))


@dataclass(frozen=True, slots=True)
class Run:
    source: str  # e.g. "oxford InHand", "wisdm_reduced walking", "virtual brush"
    vertical: float  # median over the run's candidates of vertical_share
    interval: float  # s, median candidate interval
    jolt: float  # m/s^2, median amplitude
    crossings: float  # mean-crossings of the vertical signal per candidate interval
    rhythm: float  # Hz: the vertical signal's own rhythm over the run, crossings / 2 / span
    spread: float  # degrees: the largest angle of a candidate's "up" from the run's mean
    counted: int = 0  # steps the run's bout counted


def measure(
    source: str, run: list[StepEvent], t: FloatArray, acc: FloatArray, counted: int = 0
) -> Run | None:
    """A confirmed unposed run's features (None: no measurable candidate)."""
    shares = [
        v
        for s in run
        if s.features is not None and (v := vertical_share(t, acc, s.t, s.features.up)) is not None
    ]
    if not shares or len(run) < 2:
        return None
    span = run[-1].t - run[0].t
    crossed = mean_crossings(t, acc, run[0].t, run[-1].t)
    return Run(
        source,
        float(np.median(shares)),
        float(np.median(np.diff([s.t for s in run]))),
        statistics.median(s.features.amplitude for s in run if s.features is not None),
        crossed / (len(run) - 1),
        crossed / (2 * span) if span > 0 else 0.0,
        posture_spread([s.features.up for s in run if s.features is not None]),
        counted,
    )


def posture_spread(ups: Sequence[Sequence[float]]) -> float:
    """The largest angle (degrees) of a unit "up" from the ups' mean direction."""
    u = np.asarray(ups, dtype=np.float64)
    mean = u.mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    return float(np.degrees(np.arccos(np.clip(u @ mean, -1.0, 1.0))).max())


def mean_crossings(t: FloatArray, acc: FloatArray, t0: float, t1: float) -> float:
    """How often the vertical signal |a| - |g| (smoothed over SMOOTH_S) crosses its mean in
    [t0, t1]: twice per cycle of its dominant rhythm (a walking step's rise and fall: 2)."""
    g_lo, lo, hi, g_hi = np.searchsorted(t, [t0 - GRAVITY_S, t0, t1, t1 + GRAVITY_S])
    seg = acc[g_lo:g_hi]
    if hi - lo < 3:
        return 0.0
    fs = (len(t) - 1) / max(float(t[-1] - t[0]), 1e-9)
    n = max(1, round(GRAVITY_S * fs))
    kernel = np.ones(n) / n
    grav = np.column_stack([np.convolve(seg[:, i], kernel, mode="same") for i in range(3)])
    vert = np.linalg.norm(seg, axis=1) - np.linalg.norm(grav, axis=1)
    m = max(1, round(SMOOTH_S * fs))
    vert = np.convolve(vert, np.ones(m) / m, mode="same")[lo - g_lo : hi - g_lo]
    vert = vert - vert.mean()
    return float(np.count_nonzero(np.diff(np.sign(vert)) != 0))


def label(stream: Stream, at: float) -> str:
    """The daily-living kind of the segment a time falls in (walking, jogging, no, maybe)."""
    times, _ = stream.split(np.array([at]))
    for (seg, _), ts in zip(stream.segments, times, strict=True):
        if len(ts):
            if seg.activity == "jogging":
                return "jogging"
            if seg.activity in WALKING:
                return "walking"
            return seg.expected
    return "outside"


def daily_runs(segments: Sequence[Segment]) -> list[Run]:
    """The unposed runs of the daily-living wrist streams these segments make."""
    base = data_dir("daily-living")
    cached = [(s, engine_batches(s, gated=False)) for s in build_streams(segments, base)]
    params = GATE_PARAMS[Placement.WRIST]
    out = []
    for stream, _, gate in judged(cached, params, make=UnposedRuns):
        for run, counted in zip(gate.runs, gate.counted, strict=True):
            kind = label(stream, run[len(run) // 2].t)
            r = measure(f"{stream.dataset} {kind}", run, stream.t, stream.acc, counted)
            if r is not None:
                out.append(r)
    return out


def gate_runs(source: str, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> list[Run]:
    """One wrist recording's unposed runs: detector alone, then the recording gate."""
    candidates = feed(GaitEngine(Placement.WRIST, gated=False), t, acc, gyro)
    gate = UnposedRuns(Placement.WRIST)
    gate.add(candidates)
    runs = zip(gate.runs, gate.counted, strict=True)
    return [r for run, n in runs if (r := measure(source, run, t, acc, n)) is not None]


def oxford_runs(fs: float = 100.0) -> list[Run]:
    out = []
    for name, position in oxford.recordings():
        if position in OXFORD_HAND:
            t, acc, _, _ = oxford.load(name, fs)
            out += gate_runs(f"oxford {position}", t, acc, None)
    return out


def virtual_runs(seconds: float, seeds: Iterable[int] = range(1, 7)) -> list[Run]:
    """The virtual wearer's arm work at the wrist (the strict-xfail test's scenarios)."""
    out = []
    for activity, posture in VIRTUAL:
        for seed in seeds:
            scenario = parse_scenario(f"{posture}:5s,{activity}:{seconds:g}s")
            chunk = ScenarioStream(scenario, Placement.WRIST, seed=seed).read(10**7)
            out += gate_runs(f"virtual {activity}", chunk.t, chunk.acc, chunk.gyro)
    return out


def table(runs: Sequence[Run]) -> list[str]:
    """Per source: runs, the steps their bouts counted, and each feature's smallest, median and
    largest value over them (few runs per source: the extremes, not percentiles, show overlap)."""
    by: dict[str, list[Run]] = defaultdict(list)
    for r in runs:
        by[r.source].append(r)
    lines = [
        f"{'source (min/median/max)':34} {'runs':>4} {'steps':>5}  {'vertical':>17}  "
        f"{'interval s':>17}  "
        f"{'jolt m/s^2':>17}  {'crossings/step':>17}  {'rhythm Hz':>17}  {'posture spread':>17}"
    ]
    for source, rs in sorted(by.items()):
        cells = []
        for values in (
            [r.vertical for r in rs],
            [r.interval for r in rs],
            [r.jolt for r in rs],
            [r.crossings for r in rs],
            [r.rhythm for r in rs],
            [r.spread for r in rs],
        ):
            p = (min(values), float(np.median(values)), max(values))
            cells.append(f"{p[0]:5.2f} {p[1]:5.2f} {p[2]:5.2f}")
        steps = sum(r.counted for r in rs)
        row = f"{source:34} {len(rs):4d} {steps:5d}  " + "  ".join(f"{c:>17}" for c in cells)
        lines.append(row)
    return lines


# Rules one might put on unposed runs, emulated per run (a run refused loses at most the steps
# its bout counted: the next run may still confirm). Thresholds are the docs' questions, not fits.
RULES: tuple[tuple[str, Callable[[Run], bool]], ...] = (
    ("vertical < 0.33 (isotropic)", lambda r: r.vertical < 1 / 3),
    ("vertical < 0.4", lambda r: r.vertical < 0.4),
    ("vertical < 0.5", lambda r: r.vertical < 0.5),
    ("interval > 1.0 s", lambda r: r.interval > 1.0),
    ("crossings/step > 5", lambda r: r.crossings > 5.0),
    ("crossings/step > 5.5", lambda r: r.crossings > 5.5),
    ("rhythm > 3.0 Hz", lambda r: r.rhythm > 3.0),
    ("rhythm > 3.1 Hz", lambda r: r.rhythm > 3.1),
    ("rhythm > 3.3 Hz (200 steps/min)", lambda r: r.rhythm > 3.3),
    ("rhythm > 3.1 Hz and jolt < 8 m/s^2", lambda r: r.rhythm > 3.1 and r.jolt < 8.0),
)


def real_walking(r: Run) -> bool:
    """A run of real walking or jogging (Oxford's hand-held phones all walk)."""
    return r.source.startswith("oxford") or r.source.split()[-1] in ("walking", "jogging")


def emulate(runs: Sequence[Run], rules: Sequence[tuple[str, Callable[[Run], bool]]]) -> list[str]:
    """Per rule: real walking runs (steps) it refuses, and virtual brushing runs (steps)."""
    walking = [r for r in runs if real_walking(r)]
    brushing = [r for r in runs if r.source == "virtual brush"]
    total = sum(r.counted for r in brushing)
    lines = [f"{'rule on unposed runs':36} {'real walking lost':>24}  virtual brushing removed"]
    for name, refuses in rules:
        lost = [r for r in walking if refuses(r)]
        gone = [r for r in brushing if refuses(r)]
        lines.append(
            f"{name:36} {len(lost):7d} runs {sum(r.counted for r in lost):5d} steps  "
            f"{len(gone)} of {len(brushing)} runs, {sum(r.counted for r in gone)} of {total} steps"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--subjects", type=int, default=0, help="first N subjects per data set")
    ap.add_argument("--oxford-hz", type=float, default=100.0, help="Oxford resampled to")
    ap.add_argument("--virtual-seconds", type=float, default=600.0, help="per seed and activity")
    ap.add_argument("--no-virtual", action="store_true")
    ap.add_argument("--no-oxford", action="store_true")
    args = ap.parse_args(argv)
    segments = select(read_labels(), locations=("wrist",), subjects=args.subjects)
    runs = daily_runs(segments)
    rest = [s for s in segments if s.expected == "no"]
    hours = sum(s.duration_s for s in rest) / 3600
    found = sum(r.source.endswith(" no") for r in runs)
    print(
        f"daily-living wrist non-walking (steps expected: no): {hours:.1f} h, {found} unposed runs"
    )
    if not args.no_oxford:
        runs += oxford_runs(args.oxford_hz)
    if not args.no_virtual:
        runs += virtual_runs(args.virtual_seconds)
    print("\n".join(table(runs)))
    print("\n".join(emulate(runs, RULES)))


if __name__ == "__main__":
    main()
