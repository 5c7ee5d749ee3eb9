"""Stride length, walking speed and the 3-metre backward walk test time.

UCI (real foot IMU, 800 Hz resampled to 104 and 52 Hz, 20-sample batches): every engine stride of
the instrumented foot is matched one-to-one to a reference stride by time, as in uci.py, and its
length and speed compared. The reference length is the data set's offline full-rate (800 Hz)
zero-velocity-corrected integration, so this measures what the device rate, the range and the
streaming detector lose, not the absolute accuracy of the method (Bandai does that). Reference
speed is the reference length over the stride time, the interval between consecutive reference
strides' mid-swings (none after a merged row or a pause longer than a gait cycle), with two
timings: as given (t_mid_s, the middle of each reference stride's window, whose start moves with
the reference's 800 Hz stance test), and re-timed at the moment the foot had covered half the
stride in the same window of the 800 Hz recording (gait/stride.py: swing_time, the definition
the engine times foot strides by). A third table says how far the reference's own speeds move
between the two timings, with no engine involved.

Bandai (synthesised foot and shank IMU, 100 Hz, from motion capture): the truth is the
motion capture itself. The mocap foot's stance phases (the instep point slower than 0.2 m/s) are
found independently of the engine; the true stride is the horizontal distance the instep point
moved between two consecutive stance midpoints, the true stride time the interval between the
two stance starts. Each engine stride is matched to the true stride whose ending stance started
nearest its heel strike (within 0.3 s). The forward axis is learned as bandai.py does
(leave-one-style-out: the other styles' forward walks first).

3-metre backward walk test: each walk-back clip is cut to the part in which the pelvis moves the
first 3 m horizontally (clips shorter than 3 m are left out); the true test time is that part's
duration. Retrowalk's estimate is 3 m over the walking speed its strides measured over the same
part (window_speed: each stride's speed holds over its stride time up to its landing and counts
for the share of that span inside the cut). The clips are steady walking with no start or stop
(the pelvis moves at 0.5-1.2 m/s from the first frame), so this scores the speed the test would
report, not the start and stop detection. The same rule on the mocap's own strides (true lengths
and times) gives the floor: how far a window of whole strides of one foot is from the pelvis's
3 m time even with every stride exact.

gaitmap, the open peer (dev-only, in .venv-peers; tools/peers/run_gaitmap_strides.py): its
standard foot pipeline (BarthDtw, RamppEventDetection, a trajectory by RtsKalman over the stream
and by per-stride integration, SpatialParameterCalculation) on the same UCI runs (both sessions,
104 and 52 Hz) and Bandai foot clips, its strides matched to the same references by the same rules
(timed at its heel strike, `ic`) and scored with the same statistics. Its sensor frame comes from
the signal (gaitmap's own alignment chain: gravity, PCA of the gyroscope, forward sign), per UCI
run and, for Bandai, from the other styles' forward walks (and, as a second row, from the clip
itself). Which way its trajectory moved each stride, and how many reference strides its
segmentation and its event detection kept, are reported: its stride definitions assume forward
walking. Without .venv-peers the engine's rows are printed and the peer says it did not run.

Run: ./scripts/bench stride [--quick].
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import functools
import itertools
from pathlib import Path

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.stride import MAX_STRIDE_TIME_S, swing_time
from custom_components.retrowalk.gait.zupt import level_frame, stride_velocity
from tools import bvh, bvh2rec
from tools.peers import external

from . import bandai, uci
from .data import feed, fmt_table
from .registry import table

GOAL_MEDIAN = 5.0  # % error
GOAL_P95 = 12.0
GOAL_TEST_S = 0.3
TEST_DISTANCE_M = 3.0
# Bandai: the mocap instep point counts as planted below this speed (m/s).
STANCE_SPEED = 0.2
MATCH_TOL_S = 0.3
# Bandai: a mocap "stride" shorter than this is a shuffle, not a stride (m).
MIN_TRUE_STRIDE_M = 0.25


@dataclass(frozen=True, slots=True)
class Measured:
    """One engine stride of the instrumented foot."""

    t_hs: float
    direction: Direction
    length: float
    speed: float | None


@dataclass(frozen=True, slots=True)
class Pair:
    """An engine stride and its reference."""

    group: str  # forward, backward, sideways (UCI) or the Bandai clip kind
    length: float
    ref_length: float
    speed: float | None
    ref_speed: float | None
    # UCI: reference rows of the same direction right before this one (0: the first stride of a
    # walk in that direction); -1 where not known (Bandai).
    place: int = -1

    @property
    def length_err(self) -> float:
        return 100.0 * abs(self.length - self.ref_length) / self.ref_length

    @property
    def speed_err(self) -> float | None:
        if self.speed is None or self.ref_speed is None:
            return None
        return 100.0 * abs(self.speed - self.ref_speed) / self.ref_speed


def measured(steps: list[StepEvent]) -> list[Measured]:
    return [
        Measured(s.t, s.direction, s.stride_length_m, s.speed_m_s)
        for s in steps
        if s.stride_length_m is not None
    ]


# -- UCI ---------------------------------------------------------------------------------------


# Reference stride timings: the data set's window midpoints (t_mid_s), or each reference stride
# re-timed, inside the same window of the full-rate recording, at the moment the foot had covered
# half its stride (gait/stride.py: swing_time, the engine's own definition).
GIVEN = "as given"
RETIMED = "re-timed"
# The reference's stance before a stride, for its level frame (s).
_REF_STANCE_S = 0.05


@functools.cache
def retimed_mids(path: Path) -> tuple[float, ...]:
    """Each reference stride's mid-displacement time, from the full-rate (800 Hz) recording."""
    with np.load(path) as npz:
        fs = float(npz["fs"])
    t, acc, gyro = uci.load_run(path, fs)
    span = max(1, round(_REF_STANCE_S * fs))
    out = []
    for r in uci.reference(path):
        a = int(np.searchsorted(t, r.t_mid - 0.5 * r.duration))
        b = int(np.searchsorted(t, r.t_mid + 0.5 * r.duration)) + 1
        if r.merged or b - a < 3:
            out.append(r.t_mid)  # no speed is compared across a merged row
            continue
        force = acc[max(0, a - span) : a + 1].mean(axis=0)
        ref_axis = np.eye(3)[int(np.argmin(np.abs(force)))]
        frame = level_frame(force, ref_axis)
        vel, _ = stride_velocity(acc[a:b], gyro[a:b], fs, frame, ref_axis)
        out.append(swing_time(t[a:b], vel))
    return tuple(out)


def reference_speeds(ref: list[uci.RefStride], mids: Sequence[float]) -> list[float | None]:
    """Each reference stride's length over the time since the previous stride's mid-swing.

    None for the first stride, across a merged row and after a pause longer than a gait cycle.
    """
    speeds: list[float | None] = [None]
    for k in range(1, len(ref)):
        cycle = mids[k] - mids[k - 1]
        ok = not (ref[k - 1].merged or ref[k].merged) and 0 < cycle <= MAX_STRIDE_TIME_S
        speeds.append(ref[k].length / cycle if ok else None)
    return speeds


def group_of(direction: Direction) -> str:
    """The table's group of a stride direction: forward, backward or sideways."""
    return "sideways" if direction in (Direction.LEFT, Direction.RIGHT) else str(direction)


def uci_pairs(path: Path, eng: list[Measured]) -> dict[str, list[Pair]]:
    """Measured strides against the reference, with the reference timed as given and re-timed."""
    ref = uci.reference(path)
    matched = uci.match_reference(ref, [e.t_hs for e in eng])
    places = [0] * len(ref)
    for k in range(1, len(ref)):
        if ref[k].direction == ref[k - 1].direction:
            places[k] = places[k - 1] + 1
    timings = {GIVEN: [r.t_mid for r in ref], RETIMED: list(retimed_mids(path))}
    out: dict[str, list[Pair]] = {}
    for name, mids in timings.items():
        ref_speed = reference_speeds(ref, mids)
        out[name] = []
        for i, j in matched:
            r, e = ref[i], eng[j]
            pair = Pair(group_of(r.direction), e.length, r.length, e.speed, ref_speed[i], places[i])
            out[name].append(pair)
    return out


@functools.cache
def _uci_run(path: Path, fs: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A UCI run as a wearable at fs: resampled once for the engine's rows and gaitmap's."""
    return uci.load_run(path, fs)


def uci_pair_sets(path: Path, fs: float) -> dict[str, list[Pair]]:
    """Engine strides against the reference, with the reference timed as given and re-timed."""
    t, acc, gyro = _uci_run(path, fs)
    return uci_pairs(path, measured(feed(GaitEngine(Placement.FOOT), t, acc, gyro)))


# -- Bandai --------------------------------------------------------------------------------------


def _peak_time(speed: FloatArray, lo: int, hi: int, h: float) -> float:
    """Time of the speed peak in frames lo..hi-1, refined by a parabola through its neighbours."""
    k = lo + int(np.argmax(speed[lo:hi]))
    if 0 < k < len(speed) - 1:
        y0, y1, y2 = float(speed[k - 1]), float(speed[k]), float(speed[k + 1])
        den = y0 - 2 * y1 + y2
        if den < 0:
            return (k + 0.5 * (y0 - y2) / den) * h
    return k * h


def true_strides(motion: bvh.Motion) -> list[tuple[float, float, float | None]]:
    """(start of the ending stance s, length m, stride time s or None) of each mocap stride.

    Length runs from one stance's middle to the next's (the planted instep does not move within
    a stance). Stride time runs from the previous swing's speed peak to this swing's: a sharp
    event, located between 30 fps frames by a parabola, where stance boundaries found by a speed
    threshold wander by a frame or two.
    """
    site = bvh2rec.site_for("foot")
    pos, _ = bvh.forward_kinematics(motion)
    seg, toe = motion.index(site.segment), motion.index(site.towards or site.segment)
    point = pos[:, seg] + site.fraction * (pos[:, toe] - pos[:, seg])
    h = motion.frame_time
    horiz = point[:, [0, 2]]  # Y is up
    speed = np.linalg.norm(np.gradient(point, h, axis=0), axis=1)
    still = speed < STANCE_SPEED
    edges = np.flatnonzero(np.diff(still.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(still)]
    stances = [(lo, hi) for lo, hi in itertools.pairwise(bounds) if still[lo] and hi - lo >= 2]
    out: list[tuple[float, float, float | None]] = []
    prev_peak = None
    for (a0, a1), (b0, b1) in itertools.pairwise(stances):
        mid_a, mid_b = (a0 + a1 - 1) // 2, (b0 + b1 - 1) // 2
        length = float(np.linalg.norm(horiz[mid_b] - horiz[mid_a]))
        peak = _peak_time(speed, a1, b0, h)
        out.append((b0 * h, length, None if prev_peak is None else peak - prev_peak))
        prev_peak = peak
    return out


def matched_true(
    eng: Sequence[Measured], truth: Sequence[tuple[float, float, float | None]]
) -> list[tuple[Measured, tuple[float, float, float | None]]]:
    """Each measured stride matched to a true one (true_strides): the nearest landing not taken
    yet, within MATCH_TOL_S. A match with a shuffle in the mocap (shorter than
    MIN_TRUE_STRIDE_M) takes its landing but is no stride: left out."""
    out = []
    used: set[int] = set()
    for e in eng:
        best = (
            min((abs(e.t_hs - t0), k) for k, (t0, _, _) in enumerate(truth) if k not in used)
            if len(used) < len(truth)
            else None
        )
        if best is None or best[0] > MATCH_TOL_S:
            continue
        used.add(best[1])
        if truth[best[1]][1] < MIN_TRUE_STRIDE_M:
            continue  # a shuffle in the mocap, not a stride
        out.append((e, truth[best[1]]))
    return out


def _pairs(
    matched: Sequence[tuple[Measured, tuple[float, float, float | None]]], group: str
) -> list[Pair]:
    out = []
    for e, (_, length, cycle) in matched:
        ref_speed = None if cycle is None else length / cycle
        out.append(Pair(group, e.length, length, e.speed, ref_speed))
    return out


def _trained(
    placement: Placement, clips: list[bandai.Clip], style: str, recs: dict[str, bandai.Recording]
) -> dict[str, object]:
    engine = GaitEngine(placement)
    for c in clips:
        if c.kind == "walk" and c.style != style:
            bandai.stream(engine, recs[c.name], True)
    return engine.to_dict()


def cut_3m(motion: bvh.Motion, distance: float = TEST_DISTANCE_M) -> tuple[float, float] | None:
    """(start s, end s) of the part of the clip in which the pelvis covers `distance` m."""
    pos, _ = bvh.forward_kinematics(motion)
    hips = pos[:, motion.index("Hips"), :][:, [0, 2]]
    travelled = np.linalg.norm(hips - hips[0], axis=1)
    beyond = np.flatnonzero(travelled >= distance)
    if not len(beyond):
        return None
    k = int(beyond[0])
    # Interpolate the crossing between frames k-1 and k.
    d0, d1 = float(travelled[k - 1]), float(travelled[k])
    frac = (distance - d0) / (d1 - d0) if d1 > d0 else 0.0
    return 0.0, (k - 1 + frac) * motion.frame_time


def window_speed(strides: Sequence[tuple[float, float, float | None]], end: float) -> float | None:
    """Mean speed (m/s) over the window 0..end from (landing s, length m, stride time s) strides.

    A stride's speed (length over stride time) holds over its stride time up to its landing, and
    counts for the share of that span inside the window: the distance the strides put inside it
    over the time they cover. Strides without a time (the first of a walk) do not count. None
    when no stride overlaps the window. Before, every timed stride landing up to MATCH_TOL_S past
    the window's end counted whole: a stride mostly outside the window counted fully, and one
    landing 0.3 s later not at all, whatever share of it lay inside (Bandai
    walk-back_not-confident_001, ankle strap: the 4th stride, 58 % inside, was left out).
    """
    covered = travelled = 0.0
    for landing, length, duration in strides:
        if not duration:
            continue
        inside = max(0.0, min(landing, end) - max(landing - duration, 0.0))
        covered += inside
        travelled += inside * length / duration
    return travelled / covered if travelled > 0 else None


def test_time(strides: Sequence[tuple[float, float, float | None]], end: float) -> float | None:
    """The 3 m test time these strides estimate over the window 0..end (window_speed)."""
    speed = window_speed(strides, end)
    return None if speed is None else TEST_DISTANCE_M / speed


@dataclass(slots=True)
class BandaiResult:
    pairs: list[Pair]
    tests: list[tuple[str, float, float | None]]  # clip, true time, estimated time
    # The same estimate from the mocap's own strides (true lengths and stride times): the floor.
    floors: list[tuple[str, float, float | None]] = field(default_factory=list)


def evaluate_bandai(
    placement: Placement,
    clips: list[bandai.Clip],
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> BandaiResult:
    location = str(placement)
    recs = {
        c.name: bandai.settle(bvh2rec.synthesise(c.motion, location, bandai.RATE, offset_cm=offset))
        for c in clips
    }
    res = BandaiResult([], [])
    for style in sorted({c.style for c in clips}):
        state = _trained(placement, clips, style, recs)
        for c in clips:
            if c.style != style or c.kind not in ("walk", "walk-back"):
                continue
            t, acc, gyro = recs[c.name]
            eng = measured(feed(GaitEngine(placement, state=state), t, acc, gyro))
            truth = true_strides(c.motion)
            res.pairs += _pairs(matched_true(eng, truth), c.kind)
            cut = clip_cut(c)
            if cut is None:
                continue
            res.tests.append((c.name, *cut_test(cut, timed(eng))))
            res.floors.append((c.name, *cut_test(cut, truth)))
    return res


def cut_test(
    cut: tuple[float, float], strides: Sequence[tuple[float, float, float | None]]
) -> tuple[float, float | None]:
    """(true time s, estimated time s or None) of the 3 m test over `cut` (start s, end s on the
    clip's clock) from (landing s on the clip's clock, length m, stride time s) strides: the one
    place strides are put on the cut's clock, the engine's, the peer's and the mocap's alike."""
    end = cut[1] - cut[0]
    return end, test_time([(t - cut[0], length, d) for t, length, d in strides], end)


def clip_cut(clip: bandai.Clip) -> tuple[float, float] | None:
    """A walk-back clip's 3 m cut (cut_3m); None for other clips and clips shorter than 3 m."""
    return None if clip.kind != "walk-back" else cut_3m(clip.motion)


def timed(strides: Sequence[Measured]) -> list[tuple[float, float, float | None]]:
    """Measured strides as cut_test takes them (a stride's time: its length over its speed)."""
    return [(e.t_hs, e.length, e.length / e.speed if e.speed else None) for e in strides]


# -- gaitmap, the open peer --------------------------------------------------------------------

PEER = "gaitmap"
PEER_SCRIPT = "gaitmap_strides"  # tools/peers/run_gaitmap_strides.py, run in .venv-peers
# gaitmap's two trajectory methods -> the prefix of their arrays in run_gaitmap_strides.py's output
# (its METHODS; the runner lives in the other environment and cannot import this).
PEER_METHODS = {"RtsKalman": "", "stride-level": "sl_"}
PEER_ON_WALKS = "aligned on other styles' walks"
PEER_ON_ITSELF = "aligned on the clip itself"


@dataclass(slots=True)
class PeerRun:
    """gaitmap's output on one stream."""

    strides: dict[str, list[Measured]]  # per trajectory method (PEER_METHODS)
    # (start s, end s) of the strides BarthDtw found, before event detection kept or dropped them
    dtw: list[tuple[float, float]]


def peer_direction(dx: float, dy: float) -> Direction:
    """Which way gaitmap's trajectory moved the foot over a stride, in the aligned sensor frame
    at the stride's start (gaitmap's: x to the toes, y to the left): the larger component."""
    if abs(dx) >= abs(dy):
        return Direction.FORWARD if dx >= 0 else Direction.BACKWARD
    return Direction.LEFT if dy > 0 else Direction.RIGHT


def peer_measured(
    out: Mapping[str, npt.NDArray[np.generic]], i: int, prefix: str = ""
) -> list[Measured]:
    """Stream i's gaitmap strides (run_gaitmap_strides.py's arrays; `prefix`: the trajectory
    method's), timed at their heel strike (gaitmap's ic) as the engine's are. A stride without a
    finite length is left out; a speed that is not a positive number is None."""
    cols = [out[f"ic{i}"].astype(np.float64)]
    cols += [out[f"{prefix}{k}{i}"].astype(np.float64) for k in ("length", "speed", "dx", "dy")]
    return [
        Measured(
            float(ic),
            peer_direction(float(dx), float(dy)),
            float(length),
            float(speed) if np.isfinite(speed) and speed > 0 else None,
        )
        for ic, length, speed, dx, dy in zip(*cols, strict=True)
        if np.isfinite(length)
    ]


def run_gaitmap(
    recs: Sequence[external.Recording], calib: Sequence[int] | None = None
) -> list[PeerRun]:
    """gaitmap's strides on each foot recording. calib[i]: the stream whose signal aligns stream
    i (by default each its own). PeerUnavailableError if .venv-peers is missing or it fails."""
    extra = {} if calib is None else {f"calib{i}": np.array(c) for i, c in enumerate(calib)}
    out = external.run_peer_arrays(PEER_SCRIPT, list(recs), ["foot"] * len(recs), extra)
    return [
        PeerRun(
            {m: peer_measured(out, i, prefix) for m, prefix in PEER_METHODS.items()},
            list(zip(out[f"dtw_start{i}"].tolist(), out[f"dtw_end{i}"].tolist(), strict=True)),
        )
        for i in range(len(recs))
    ]


def uci_peer_runs(
    paths: Sequence[Path], rates: Sequence[float]
) -> dict[tuple[float, Path], PeerRun]:
    """gaitmap on every run at every rate, in one call (one start of its environment)."""
    keys = [(fs, path) for fs in rates for path in paths]
    runs = run_gaitmap([_uci_run(path, fs) for fs, path in keys])
    return dict(zip(keys, runs, strict=True))


def matched_strides(
    ref: Sequence[uci.RefStride], strides: Sequence[Measured], group: str
) -> list[Measured]:
    """The strides matched (uci.match_reference) to reference rows of `group`."""
    pairs = uci.match_reference(ref, [s.t_hs for s in strides])
    return [strides[j] for i, j in pairs if group_of(ref[i].direction) == group]


FOUND_HEADER = [
    "set",
    "true",
    "in BarthDtw",
    "found",
    "as fwd",
    "as back",
    "as side",
    "fwd med m",
    "back med m",
]


def covered(times: Sequence[float], spans: Sequence[tuple[float, float]]) -> int:
    """How many of `times` lie inside one of the (start, end) spans."""
    return sum(any(a <= t < b for a, b in spans) for t in times)


def found_row(
    name: str, n_true: int, n_dtw: int, n_found: int, strides: Sequence[Measured]
) -> list[str]:
    """n_true strides, n_dtw of them inside a BarthDtw stride, n_found found, and which way
    gaitmap moved `strides` (counts per group, median length of those moved forward and of
    those moved backward)."""
    groups = Counter(group_of(s.direction) for s in strides)
    med = []
    for d in (Direction.FORWARD, Direction.BACKWARD):
        lengths = [s.length for s in strides if s.direction is d]
        med.append(f"{float(np.median(lengths)):.2f}" if lengths else "-")
    counts = (str(groups[g]) for g in GROUPS)
    return [name, str(n_true), str(n_dtw), str(n_found), *counts, *med]


def concat(recs: Sequence[bandai.Recording], rate: float) -> bandai.Recording:
    """Recordings one after the other on one clock at `rate` (each already ends standing)."""
    acc = np.concatenate([r[1] for r in recs])
    gyro = np.concatenate([r[2] for r in recs])
    return np.arange(len(acc)) / rate, acc, gyro


@dataclass(slots=True)
class PeerBandai:
    pairs: list[Pair]  # group: "<clip kind>, <alignment>"
    found: list[list[str]]  # FOUND_HEADER rows
    tests: dict[str, list[tuple[str, float, float | None]]]  # "method, alignment" -> 3 m tests


def gaitmap_bandai(clips: list[bandai.Clip]) -> PeerBandai:
    """gaitmap on the synthesised foot IMU of the walk and walk-back clips, twice aligned.

    On other styles' walks: each clip takes the alignment of the forward walks of the other
    styles, one after the other (the sensor is mounted the same way in every clip; the engine's
    forward axis is learned from the same walks). On the clip itself: gaitmap's chain on the clip
    alone, what a user gets from a recording of backward walking only (its sign step makes the
    clip's mean velocity point to the toes).
    """
    walks = [c for c in clips if c.kind in ("walk", "walk-back")]
    recs = [bandai.settle(bvh2rec.synthesise(c.motion, "foot", bandai.RATE)) for c in walks]
    styles = sorted({c.style for c in walks})
    calib_recs = [
        concat(
            [r for c, r in zip(walks, recs, strict=True) if c.kind == "walk" and c.style != s],
            bandai.RATE,
        )
        for s in styles
    ]
    n, m = len(walks), len(styles)
    streams = recs + calib_recs + recs
    calib = [n + styles.index(c.style) for c in walks] + list(range(n, n + m))
    calib += list(range(n + m, n + m + n))
    runs = run_gaitmap(streams, calib)
    res = PeerBandai([], [], {})
    # Per clip once, not per method and alignment: the mocap's strides and 3 m cut.
    truths = {c.name: true_strides(c.motion) for c in walks}
    cuts = {c.name: clip_cut(c) for c in walks}
    for method, (label, offset) in itertools.product(
        PEER_METHODS, ((PEER_ON_WALKS, 0), (PEER_ON_ITSELF, n + m))
    ):
        tests = res.tests.setdefault(f"{method}, {label}", [])
        for kind in ("walk", "walk-back"):
            group = f"{method}, {kind}, {label}"
            n_true = n_dtw = 0
            got: list[Measured] = []
            pairs: list[Pair] = []
            for k, c in enumerate(walks):
                if c.kind != kind:
                    continue
                truth = truths[c.name]
                landings = [t0 for t0, length, _ in truth if length >= MIN_TRUE_STRIDE_M]
                n_true += len(landings)
                n_dtw += covered(landings, runs[offset + k].dtw)
                strides = runs[offset + k].strides[method]
                # Which way the found (matched) strides moved, as in the UCI table: strides
                # of gaitmap's matching no true stride are not counted.
                matched = matched_true(strides, truth)
                got += [e for e, _ in matched]
                pairs += _pairs(matched, group)
                cut = cuts[c.name]
                if cut is not None:
                    tests.append((c.name, *cut_test(cut, timed(strides))))
            res.pairs += pairs
            res.found.append(found_row(group, n_true, n_dtw, len(pairs), got))
    return res


def peer_error(err: external.PeerUnavailableError) -> str:
    return f"{PEER} (peer) NOT RUN: {err}"


# -- tables --------------------------------------------------------------------------------------


def _stats(errors: list[float]) -> tuple[str, str, str]:
    if not errors:
        return "0", "-", "-"
    return (
        str(len(errors)),
        f"{float(np.median(errors)):.1f}",
        f"{float(np.percentile(errors, 95)):.1f}",
    )


def error_row(name: str, pairs: list[Pair]) -> list[str]:
    n, med, p95 = _stats([p.length_err for p in pairs])
    speed = [e for p in pairs if (e := p.speed_err) is not None]
    sn, smed, sp95 = _stats(speed)
    bias = (
        f"{100 * (sum(p.length for p in pairs) / sum(p.ref_length for p in pairs) - 1):+.1f}"
        if pairs
        else "-"
    )
    return [name, n, med, p95, bias, sn, smed, sp95]


HEADER = ["set", "strides", "len med%", "len p95%", "len bias%", "w/ speed", "spd med%", "spd p95%"]


SPEED_HEADER = ["set", "w/ speed", "spd med%", "spd p95%"]
GROUPS = ("forward", "backward", "sideways")


def reference_timing_rows(paths: list[Path], label: str) -> list[list[str]]:
    """How far the reference's own speeds move between its two timings (no engine involved)."""
    diffs: dict[str, list[float]] = {g: [] for g in GROUPS}
    for path in paths:
        ref = uci.reference(path)
        given = reference_speeds(ref, [r.t_mid for r in ref])
        retimed = reference_speeds(ref, retimed_mids(path))
        for r, a, b in zip(ref, given, retimed, strict=True):
            if a is not None and b is not None:
                diffs[group_of(r.direction)].append(100.0 * abs(a - b) / b)
    return [[f"{label} {g}", *_stats(diffs[g])] for g in GROUPS]


UCI_RATES = (104.0, 52.0)


def uci_block(quick: bool) -> str:
    rows = []
    retimed_rows = []
    ref_rows = []
    place_rows = []
    sessions = (uci.TUNE_SESSION, uci.CHECK_SESSION)
    chosen = {s: uci.runs(s)[: 2 if quick else None] for s in sessions}
    try:
        peer = uci_peer_runs([p for s in sessions for p in chosen[s]], UCI_RATES)
        peer_note = ""
    except external.PeerUnavailableError as err:
        peer, peer_note = {}, peer_error(err)
    peer_rows: list[list[str]] = []
    peer_retimed: list[list[str]] = []
    found_rows: list[list[str]] = []
    for fs in UCI_RATES:
        for session in sessions:
            paths = chosen[session]
            for method in PEER_METHODS if peer else ():
                runs = [peer[(fs, path)] for path in paths]
                label = f"{PEER} {method} {fs:g} Hz {session}"
                tables = (peer_rows, peer_retimed, found_rows)
                peer_rows_of(label, paths, [r.strides[method] for r in runs], runs, *tables)
            sets = [uci_pair_sets(path, fs) for path in paths]
            pairs = [p for s in sets for p in s[GIVEN]]
            for group in GROUPS:
                sel = [p for p in pairs if p.group == group]
                rows.append(error_row(f"{fs:g} Hz {session} {group}", sel))
            walk = [p for p in pairs if p.group == "forward" and (p.ref_speed or 9) <= 2.0]
            rows.append(error_row(f"{fs:g} Hz {session} forward <= 2 m/s", walk))
            retimed = [p for s in sets for p in s[RETIMED]]
            for group in GROUPS:
                sel = [p for p in retimed if p.group == group]
                retimed_rows.append([f"{fs:g} Hz {session} {group}", *error_row("", sel)[5:]])
            if fs == 104.0:
                ref_rows += reference_timing_rows(paths, session)
            place_rows += place_table_rows(f"{fs:g} Hz {session}", sets)
    if peer_rows:
        peer_text = (
            f"\n\n{PEER} (peer) on the same runs: strides found per reference direction; "
            "'as fwd/back/side': which way\nits trajectory moved the matched strides "
            "(displacement in its aligned sensor frame), with their\nmedian lengths; "
            "'BarthDtw': strides its segmentation found before event detection\n"
            + fmt_table([*FOUND_HEADER, "BarthDtw all", "found all"], found_rows)
        )
    else:
        peer_text = f"\n\n{peer_note}"
    return (
        "Reference timed as given (t_mid_s: the middle of each reference stride's window)"
        + (f"; rows '{PEER} ...': the peer" if peer_rows else "")
        + "\n"
        + fmt_table(HEADER, rows + peer_rows)
        + peer_text
        + "\n\nReference re-timed: each reference stride's mid-displacement moment in the same "
        "window of the 800 Hz\nrecording (lengths as above), found by the engine's own method "
        "(zupt.stride_velocity, stride.swing_time):\nnot independent of the engine; "
        "the independent check of the timing is the Bandai motion capture below\n"
        + fmt_table(SPEED_HEADER, retimed_rows + peer_retimed)
        + "\n\nThe reference's own speed, as given against re-timed (no engine; % of re-timed)\n"
        + fmt_table(["set", "strides", "med%", "p95%"], ref_rows)
        + "\n\nBackward speed by the stride's place in its backward walk (reference rows; the "
        "first stride of a walk\nhas no engine speed, so the 2nd is the first timed one: its "
        "cycle starts in the walk's first stride)\n"
        + fmt_table(
            [
                "set",
                "place",
                "w/ speed",
                "given med%",
                "given p95%",
                "re-timed med%",
                "re-timed p95%",
            ],
            place_rows,
        )
    )


def peer_rows_of(
    label: str,
    paths: Sequence[Path],
    strides: Sequence[list[Measured]],
    runs: Sequence[PeerRun],
    rows: list[list[str]],
    retimed_rows: list[list[str]],
    found_rows: list[list[str]],
) -> None:
    """The peer's rows of one rate, session and trajectory method (`strides` per path), appended
    to the three tables' lists."""
    sets = [uci_pairs(path, run) for path, run in zip(paths, strides, strict=True)]
    for group in GROUPS:
        sel = [p for s in sets for p in s[GIVEN] if p.group == group]
        rows.append(error_row(f"{label} {group}", sel))
        sel = [p for s in sets for p in s[RETIMED] if p.group == group]
        retimed_rows.append([f"{label} {group}", *error_row("", sel)[5:]])
    dtw = str(sum(len(r.dtw) for r in runs))
    found = str(sum(len(r) for r in strides))
    refs = [uci.reference(path) for path in paths]
    for k, group in enumerate(GROUPS):
        rows_of = [
            [r for r in ref if group_of(r.direction) == group and not r.merged] for ref in refs
        ]
        n_true = sum(len(x) for x in rows_of)
        n_dtw = sum(
            covered([r.t_mid for r in x], run.dtw) for x, run in zip(rows_of, runs, strict=True)
        )
        got = [
            m
            for ref, run in zip(refs, strides, strict=True)
            for m in matched_strides(ref, run, group)
        ]
        extra = [dtw, found] if k == 0 else ["", ""]
        row = found_row(f"{label} {group}", n_true, n_dtw, len(got), got)
        found_rows.append([*row, *extra])


def place_table_rows(label: str, sets: list[dict[str, list[Pair]]]) -> list[list[str]]:
    """Backward speed errors of the first two strides of each backward walk and of the rest."""
    out = []
    for place, lo, hi in (("1st-2nd", 0, 1), ("3rd on", 2, None)):
        cols = []
        for timing in (GIVEN, RETIMED):
            sel = [
                p
                for s in sets
                for p in s[timing]
                if p.group == "backward" and lo <= p.place and (hi is None or p.place <= hi)
            ]
            cols.append(_stats([e for p in sel if (e := p.speed_err) is not None]))
        out.append([label, place, cols[0][0], *cols[0][1:], *cols[1][1:]])
    return out


# Bandai's shank site is half-way up the shank (0.2 m over the ankle joint); +x of its LowerLeg
# frame runs down to the ankle, so 10.5 cm along it puts the sensor where an ankle strap sits,
# 0.10 m over the joint (the height gait/stride.py assumes).
SHANK_SITES = {
    "shank, ankle strap (0.10 m over the ankle)": (10.5, 0.0, 0.0),
    "shank, mid-shank (0.20 m over the ankle)": (0.0, 0.0, 0.0),
}


def bandai_block(quick: bool) -> str:
    clips = bandai.load_clips(quick)
    rows = []
    test_rows = []
    sites = [("foot (instep)", Placement.FOOT, (0.0, 0.0, 0.0))]
    sites += [(name, Placement.SHANK, off) for name, off in SHANK_SITES.items()]
    for name, placement, off in sites:
        res = evaluate_bandai(placement, clips, off)
        rows += [
            error_row(f"{name} {kind}", [p for p in res.pairs if p.group == kind])
            for kind in ("walk", "walk-back")
        ]
        errs = [abs(e - true) for _, true, e in res.tests if e is not None]
        within = sum(x <= GOAL_TEST_S for x in errs)
        floor = [abs(e - true) for _, true, e in res.floors if e is not None]
        test_rows.append(
            [
                name,
                str(len(res.tests)),
                str(len(errs)),
                f"{float(np.median(errs)):.2f}" if errs else "-",
                f"{max(errs):.2f}" if errs else "-",
                f"{within}/{len(res.tests)}",
                f"{float(np.median(floor)):.2f} / {max(floor):.2f}" if floor else "-",
            ]
        )
    try:
        peer: PeerBandai | None = gaitmap_bandai(clips)
    except external.PeerUnavailableError as err:
        peer, peer_note = None, peer_error(err)
    peer_text = ""
    if peer is not None:
        groups = dict.fromkeys(p.group for p in peer.pairs)
        rows += [
            error_row(f"{PEER} foot, {g}", [p for p in peer.pairs if p.group == g]) for g in groups
        ]
        for label, tests in peer.tests.items():
            errs = [abs(e - true) for _, true, e in tests if e is not None]
            test_rows.append(
                [
                    f"{PEER} foot, {label}",
                    str(len(tests)),
                    str(len(errs)),
                    f"{float(np.median(errs)):.2f}" if errs else "-",
                    f"{max(errs):.2f}" if errs else "-",
                    f"{sum(x <= GOAL_TEST_S for x in errs)}/{len(tests)}",
                    "",
                ]
            )
        peer_text = (
            f"\n\n{PEER} (peer) on the foot clips: true strides (>= {MIN_TRUE_STRIDE_M} m), "
            "found (matched), and which way\nits trajectory moved the found strides, with "
            "their median lengths\n" + fmt_table(FOUND_HEADER, peer.found)
        )
    else:
        peer_text = f"\n\n{peer_note}"
    return (
        fmt_table(HEADER, rows)
        + peer_text
        + "\n\n3-metre backward walk test (walk-back clips cut to 3 m of pelvis travel; speed over "
        "the cut\nfrom the strides' time inside it; last column: the same from the mocap's true "
        "strides)\n"
        + fmt_table(
            [
                "sensor",
                "clips",
                "timed",
                "med |err| s",
                "max |err| s",
                "within 0.3 s",
                "mocap strides med / max s",
            ],
            test_rows,
        )
    )


def stride_table(quick: bool = False) -> str:
    intro = (
        "Stride length and speed: absolute error in % of the reference (goals: median <= "
        f"{GOAL_MEDIAN:g}%, p95 <= {GOAL_P95:g}%,\nbackward and forward alike); 'len bias' is "
        "total engine length over total reference length.\nUCI reference: the data set's offline "
        "800 Hz integration, timed as given and re-timed (below).\nFoot strides are timed at "
        "mid-displacement: against the re-timed reference it beats the window\nmiddle on "
        f"{uci.TUNE_SESSION} and on {uci.CHECK_SESSION} alone; against the reference as given "
        "it does not\n(docs/stride.md). The pivot heights (gait/stride.py) are set from "
        "anatomy, not fitted.\nShank strides are timed at mid-displacement too (pivot speed "
        "put back; chosen on Bandai,\ntuned-on). Bandai truth: motion-capture foot positions; "
        "synthesised 100 Hz IMU (30 fps source);\nforward axis learned leave-one-style-out."
    )
    return "\n\n".join(
        [intro, "-- UCI foot --", uci_block(quick), "-- Bandai mocap --", bandai_block(quick)]
    )


@table("stride")
def _stride(args: argparse.Namespace) -> str:
    return stride_table(quick=bool(getattr(args, "quick", False)))
