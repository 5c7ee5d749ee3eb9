"""Direction of walking bouts on IMU signals synthesised from Bandai Namco motion capture.

For every clip and body location (foot, thigh, waist, chest, wrist; left limb), tools/bvh2rec.py
turns the 30 fps capture into a 100 Hz recording (bandwidth-limited: see docs/bvh_synthesis.md)
that is streamed through GaitEngine(placement) in 20-sample batches, without gyro for the trunk
placements and the thigh (their detector does not use it) and with gyro at the foot.

Calibration. A clip is only a few strides long, too short to learn which way the sensor faces.
Each clip is therefore judged by an engine that first "lived through" the forward walks (`walk`
clips) of the other nine styles, separated by gaps, learning the forward axis automatically from
the dominant walking direction as it would in daily use; nothing of the judged clip's style, and
no backward walking, is in that history. The judged clip's bout direction is the majority label
of its steps (a clip without a bout of at least 3 steps counts as wrong). `walk` should come out
forward and `walk-back` backward; the diagonal walks (`walk-left/right`, about 25 degrees off the
facing direction, i.e. forward walking) and `run` are reported separately. Clips under 2 s
(walk_normal_002, walk-back_normal_001, run_normal_001) are too short for a bout and left out.
Each clip ends mid-stride; 2 s of standing still are appended (see settle()).

Run: ./scripts/bench bandai [--quick].
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass

import numpy as np

from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement
from tools import bvh, bvh2rec

from .data import data_dir, feed, fmt_table
from .registry import table

RATE = 100.0
MIN_DURATION_S = 2.0
MIN_BOUT_STEPS = 3
SETTLE_S = 2.0
SESSIONS = 5
LOCATIONS = (Placement.FOOT, Placement.THIGH, Placement.WAIST, Placement.CHEST, Placement.WRIST)
# Where on the pelvis a waist sensor sits changes what it feels (pelvic rotation adds tangential
# acceleration away from the joint centre): offsets in the pelvis frame, cm.
WAIST_SITES = {
    "waist, belt front (12 cm anterior)": (0.0, 0.0, 12.0),
    "waist, lower back (12 cm posterior, 5 up)": (5.0, 0.0, -12.0),
    "waist, left hip (12 cm lateral)": (0.0, -12.0, 0.0),
    "waist, right hip (12 cm lateral)": (0.0, 12.0, 0.0),
}
EXPECTED = {
    "walk": Direction.FORWARD,
    "walk-back": Direction.BACKWARD,
    "walk-left": Direction.FORWARD,
    "walk-right": Direction.FORWARD,
    "run": Direction.FORWARD,
}


@dataclass(frozen=True, slots=True)
class Clip:
    name: str  # e.g. walk-back_angry_001
    kind: str  # walk, walk-back, walk-left, walk-right, run
    style: str
    motion: bvh.Motion

    @property
    def duration(self) -> float:
        return self.motion.n_frames * self.motion.frame_time


Recording = tuple[FloatArray, FloatArray, FloatArray]


def load_clips(quick: bool = False) -> list[Clip]:
    """All Bandai clips of the shared data (a third of the styles with quick=True)."""
    folder = data_dir("bandai-mocap")
    clips = []
    for path in sorted(folder.glob("dataset-1_*.bvh")):
        kind, style, take = path.stem.removeprefix("dataset-1_").split("_")
        clips.append(Clip(f"{kind}_{style}_{take}", kind, style, bvh.load(path)))
    if quick:
        keep = sorted({c.style for c in clips})[::3]
        clips = [c for c in clips if c.style in keep]
    return clips


def settle(rec: Recording, seconds: float = SETTLE_S, fade: float = 0.3) -> Recording:
    """Append the wearer standing still after the clip (the clips stop mid-stride).

    A detector may confirm a step up to ~1.5 s after it, so without this the last steps of
    every clip would be cut off by the end of the stream rather than judged. The signal fades in
    `fade` s from the last sample to the clip's mean specific force (gravity in the segment frame,
    as the segment's mean orientation sees it) with zero rotation rate.
    """
    t, acc, gyro = rec
    dt = float(t[1] - t[0])
    n = round(seconds / dt)
    w = np.clip(np.arange(1, n + 1) * dt / fade, 0.0, 1.0)[:, None]
    rest = acc.mean(axis=0)
    pad_acc = (1 - w) * acc[-1] + w * rest
    pad_gyro = (1 - w) * gyro[-1]
    pad_t = t[-1] + dt * np.arange(1, n + 1)
    return (
        np.concatenate([t, pad_t]),
        np.concatenate([acc, pad_acc]),
        np.concatenate([gyro, pad_gyro]),
    )


def stream(engine: GaitEngine, rec: Recording, with_gyro: bool) -> list[Direction]:
    """Directions of the steps the engine reports for one recording, followed by a gap."""
    t, acc, gyro = rec
    return [s.direction for s in feed(engine, t, acc, gyro if with_gyro else None)]


def clip_label(directions: list[Direction]) -> Direction | None:
    """Majority direction of a clip's steps, None without a bout."""
    if len(directions) < MIN_BOUT_STEPS:
        return None
    return Counter(directions).most_common(1)[0][0]


@dataclass(slots=True)
class LocationResult:
    labels: dict[str, Direction | None]  # clip name -> bout label
    steps: dict[str, list[Direction]]


def evaluate_location(
    placement: Placement,
    clips: list[Clip],
    rate: float = RATE,
    offset_cm: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> LocationResult:
    """Label every clip with an engine trained on the other styles' forward walks."""
    location = str(placement)
    with_gyro = placement in (Placement.FOOT, Placement.SHANK)
    recs = {
        c.name: settle(bvh2rec.synthesise(c.motion, location, rate, offset_cm=offset_cm))
        for c in clips
    }
    result = LocationResult(labels={}, steps={})
    for style in sorted({c.style for c in clips}):
        engine = GaitEngine(placement)
        for c in clips:
            if c.kind == "walk" and c.style != style:
                stream(engine, recs[c.name], with_gyro)
        trained = engine.to_dict()
        for c in clips:
            if c.style != style or c.duration < MIN_DURATION_S:
                continue
            dirs = stream(GaitEngine(placement, state=trained), recs[c.name], with_gyro)
            result.steps[c.name] = dirs
            result.labels[c.name] = clip_label(dirs)
    return result


def evaluate_session(
    placement: Placement, clips: list[Clip], seed: int, rate: float = RATE
) -> LocationResult:
    """One engine lives through every clip of every style in a shuffled order, learning as it goes.

    Nothing is known at the start, so the first clips are judged before much is learned; forward
    walking (walk, diagonals, run) outnumbers backward walking 5 to 1, as it would in daily life.
    Clip names get a ``#seed`` suffix so several sessions can be pooled.
    """
    location = str(placement)
    with_gyro = placement in (Placement.FOOT, Placement.SHANK)
    order = np.random.default_rng(seed).permutation(len(clips))
    engine = GaitEngine(placement)
    result = LocationResult(labels={}, steps={})
    for k in order.tolist():
        c = clips[k]
        rec = settle(bvh2rec.synthesise(c.motion, location, rate))
        dirs = stream(engine, rec, with_gyro)
        if c.duration >= MIN_DURATION_S:
            result.steps[f"{c.name}#{seed}"] = dirs
            result.labels[f"{c.name}#{seed}"] = clip_label(dirs)
    return result


def pooled_sessions(placement: Placement, clips: list[Clip]) -> LocationResult:
    """SESSIONS shuffled sessions from scratch, pooled."""
    pooled = LocationResult(labels={}, steps={})
    for seed in range(SESSIONS):
        r = evaluate_session(placement, clips, seed)
        pooled.labels.update(r.labels)
        pooled.steps.update(r.steps)
    return pooled


def _short(d: Direction | None) -> str:
    return "-" if d is None else str(d)[0].upper()


def _score(res: LocationResult, clips: list[Clip], kinds: tuple[str, ...]) -> tuple[int, int]:
    names = [n for n in res.labels if n.split("_")[0] in kinds]
    ok = sum(res.labels[n] == EXPECTED[n.split("_")[0]] for n in names)
    return ok, len(names)


def _step_score(res: LocationResult, clips: list[Clip], kinds: tuple[str, ...]) -> tuple[int, int]:
    ok = total = 0
    for name, dirs in res.steps.items():
        kind = name.split("_")[0]
        if kind in kinds:
            ok += sum(d == EXPECTED[kind] for d in dirs)
            total += len(dirs)
    return ok, total


def _frac(v: tuple[int, int]) -> str:
    ok, n = v
    return f"{ok}/{n} {100.0 * ok / n:.0f}%" if n else "n/a"


def bandai_table(quick: bool = False) -> str:
    """Per-location summary and per-clip labels (F/B, '-' = no bout of 3 steps)."""
    clips = load_clips(quick)
    results = {p: evaluate_location(p, clips) for p in LOCATIONS}
    header = ["location", "walk+back clips", "walk", "walk-back", "diagonal", "run", "steps f/b"]
    rows = []
    variants: list[tuple[str, LocationResult]] = [(str(p), results[p]) for p in LOCATIONS]
    variants += [
        (name, evaluate_location(Placement.WAIST, clips, offset_cm=off))
        for name, off in WAIST_SITES.items()
    ]
    variants += [
        (f"{p}, {SESSIONS} sessions from scratch", pooled_sessions(p, clips))
        for p in (Placement.THIGH, Placement.WAIST, Placement.CHEST, Placement.WRIST)
    ]
    for name, r in variants:
        rows.append(
            [
                name,
                _frac(_score(r, clips, ("walk", "walk-back"))),
                _frac(_score(r, clips, ("walk",))),
                _frac(_score(r, clips, ("walk-back",))),
                _frac(_score(r, clips, ("walk-left", "walk-right"))),
                _frac(_score(r, clips, ("run",))),
                _frac(_step_score(r, clips, ("walk", "walk-back"))),
            ]
        )
    detail_header = ["clip", "expected", *[str(p) for p in LOCATIONS]]
    detail = []
    for c in clips:
        if c.duration < MIN_DURATION_S:
            continue
        cells = []
        for p in LOCATIONS:
            dirs = results[p].steps[c.name]
            lab = results[p].labels[c.name]
            n_ok = sum(d == EXPECTED[c.kind] for d in dirs)
            cells.append(f"{_short(lab)} {n_ok}/{len(dirs)}")
        detail.append([c.name, _short(EXPECTED[c.kind]), *cells])
    intro = (
        "Bandai Namco mocap -> synthetic 100 Hz IMU (30 fps source: nothing above ~10 Hz), "
        "GaitEngine per location,\nforward axis learned automatically from the other styles' "
        "forward walks (leave-one-style-out).\nGoal: walk vs walk-back bouts >= 95% correct at "
        "foot and waist. 'waist' is the pelvis joint centre; the rows below it move the sensor on "
        "the pelvis.\n'sessions from scratch': a single engine, nothing learned beforehand, "
        "streams all clips in a shuffled order\n(forward walking outnumbers backward 5:1); "
        "five such sessions pooled. Starting with backward walking inverts the\n"
        "learned axis until enough forward walking outweighs it: a cold start, which a "
        "calibration walk avoids.\n"
        "Detail cells: bout label, steps labelled as expected/steps."
    )
    return "\n\n".join([intro, fmt_table(header, rows), fmt_table(detail_header, detail)])


@table("bandai")
def _bandai(args: argparse.Namespace) -> str:
    return bandai_table(quick=bool(getattr(args, "quick", False)))
