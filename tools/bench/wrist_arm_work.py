"""The virtual wearer's arm work at the wrist beside real wrist recordings, feature by feature.

The virtual wearable (dev/custom_components/retrowalk_virtual/arms.py) eats, types and brushes
teeth; the soak counts the steps the engine makes of that. This asks whether the simulated motion
looks like a real wrist's, on the figures a step detector and the walking gate react to, so the
model can be corrected where it is physically off (and never the engine fitted to the model):

- posture: the watch's x axis (along the forearm, towards the hand) against gravity, from the 1 s
  mean of the acceleration: the forearm's angle from level in degrees (90 vertical, hanging or
  raised; unsigned, because the real watches' x axis points to the hand on some people and to
  the elbow on others) and the share of time the forearm is within 45 degrees of vertical (the
  gate's walking posture at the wrist);
- amplitude: RMS of the acceleration vector's departure from its 1 s mean (m/s^2), and the share
  of 10 s windows (5 s apart) where that RMS reaches 0.3 m/s^2 (active; the rest is the arm at
  rest, and gets no stroke rate or regularity);
- stroke rate: the strongest frequency (0.5-8 Hz) of the magnitude's departure from its 1 s mean,
  median over active 10 s windows;
- regularity: the highest autocorrelation of that departure at lags of 0.25-1.3 s (the gate's step
  intervals), median over active 10 s windows (real wrist walking: 0.47 UMAFall, 0.65 WISDM);
- jolts: peaks of the magnitude's departure above 1 m/s^2 (the gate's jolt) per minute, at least
  0.25 s apart;
- candidate rhythm: over every run of ten consecutive candidate steps (before the gate) whose
  intervals all lie in 0.25-1.3 s, the intervals' coefficient of variation, median over runs, and
  how many such runs there are per hour (the gate asks at least that much of an arm held in front);
- the engine: candidate steps per hour before the gate and counted steps per hour after it.

Everything is measured at 20 Hz (WISDM's and UMAFall's watch rate; the virtual wearer at 104 Hz
and spsw at 100 Hz are resampled with an anti-alias filter first), except the engine, which runs
at each stream's own rate. Real rows are daily-living wrist segments, one stream per segment (the
bench stitches spsw sessions; a seated spsw segment alone lasts under a second on average).

The shared data has no real eating, brushing or typing at the wrist (the WISDM subset holds
sitting, standing, walking, stairs, jogging and kicking a ball only): the real rows are the
nearest activities there are, said per row. `--hmp DIR` adds real toothbrushing and eating from
your copy of the HMP data set (tools/bench/hmp_wrist.py; right wrist, accelerometer only, 32 Hz,
+-1.5 g in 6-bit codes, so each trial's engine runs at 32 Hz without a gyro), the virtual
brushing and eating as that sensor would read them (resampled to 32 Hz, clipped at 1.5 g and
quantised to its codes; engine without the gyro), and a second table: the share of the dynamic
acceleration along gravity (the 1 s mean; 1/3 for a direction-free jiggle) and along the forearm
(the watch's x), and the share of samples at the sensor's limits (any axis at code 0 or 63:
there a stroke's peak is cut, so RMS and jolts read low).

Run: PYTHONPATH=$PWD:$PWD/dev python -m tools.bench.wrist_arm_work [--seeds 3] [--seconds 600]
    [--hmp DIR]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario

from . import hmp_wrist
from .daily import load_segment, read_labels
from .data import centred_mean, data_dir, feed, fmt_table, resample

BoolArray = npt.NDArray[np.bool_]
FS = 20.0  # Hz: every feature at the watch rate of WISDM and UMAFall
WINDOW_S = 10.0
ACTIVE_RMS = 0.3  # m/s^2: a window with less vector RMS is the arm at rest (no stroke rate)
JOLT = 1.0  # m/s^2: the gate's smallest step jolt at the wrist
LAGS_S = (0.25, 1.3)  # the gate's step intervals
REAL = {  # activity: what it stands in for
    ("wisdm_reduced", "sitting"): "seated (desk, meals?)",
    ("wisdm_reduced", "standing"): "standing",
    ("umafall", "making_a_call"): "hand to the head",
    ("umafall", "clapping"): "rhythmic arm work",
    ("umafall", "hands_up"): "arm raised",
    ("spsw", "seated"): "seated, short",
    ("wisdm_reduced", "walking"): "walking (reference)",
    ("umafall", "walking"): "walking (reference)",
}
VIRTUAL = {"eat": "sit:5s,eat:{s}s", "brush": "stand:5s,brush:{s}s", "type": "sit:5s,type:{s}s"}
HMP = {  # activity folder (lower case): what it is
    "brush_teeth": "toothbrushing (real)",
    "eat_meat": "eating, fork and knife (real)",
    "eat_soup": "eating, spoon (real)",
}
HMP_VIRTUAL = ("brush", "eat")  # the virtual activities also shown as the HMP sensor reads them


@dataclass(slots=True)
class Features:
    """Feature sums over a set of recordings (time-weighted)."""

    seconds: float = 0.0
    elevation: list[float] | None = None  # per-second forearm elevation, degrees
    hanging_s: float = 0.0
    dyn_sq: float = 0.0  # sum over samples of the vector departure squared
    samples: int = 0
    rates: list[float] | None = None
    regularity: list[float] | None = None
    jolts: int = 0
    candidates: int = 0
    counted: int = 0
    run_cv: list[float] | None = None
    windows: int = 0

    def add(self, acc20: FloatArray) -> None:
        """Add one recording at FS."""
        n1 = int(FS)
        if len(acc20) < 2 * n1:
            return
        self.elevation = self.elevation or []
        self.rates = self.rates or []
        self.regularity = self.regularity or []
        mean = centred_mean(acc20, n1)
        up = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)
        elev = np.degrees(np.arcsin(np.clip(np.abs(up[:, 0]), 0.0, 1.0)))
        self.elevation += elev[::n1].tolist()
        self.hanging_s += float(np.count_nonzero(np.abs(up[:, 0]) >= math.cos(math.pi / 4))) / FS
        dyn = acc20 - mean
        self.dyn_sq += float(np.sum(dyn * dyn))
        self.samples += len(acc20)
        mag = np.linalg.norm(acc20, axis=1)
        d = mag - centred_mean(mag, n1)
        self.seconds += len(acc20) / FS
        self.jolts += _peaks(d, JOLT, int(0.25 * FS))
        w = int(WINDOW_S * FS)
        for a in range(0, len(d) - w + 1, w // 2):
            seg = d[a : a + w] - d[a : a + w].mean()
            self.windows += 1
            if np.sqrt(np.mean(np.sum(dyn[a : a + w] ** 2, axis=1))) < ACTIVE_RMS:
                continue
            spec = np.abs(np.fft.rfft(seg * np.hanning(w))) ** 2
            f = np.fft.rfftfreq(w, 1.0 / FS)
            band = (f >= 0.5) & (f <= 8.0)
            self.rates.append(float(f[band][np.argmax(spec[band])]))
            ac = np.correlate(seg, seg, mode="full")[w - 1 :]
            ac = ac / max(float(ac[0]), 1e-12)
            lo, hi = int(LAGS_S[0] * FS), int(LAGS_S[1] * FS)
            self.regularity.append(float(ac[lo : hi + 1].max()))

    def row(self, name: str, what: str) -> list[str]:
        h = self.seconds / 3600.0
        elev = np.array(self.elevation or [np.nan])
        rates = np.array(self.rates or [np.nan])
        reg = np.array(self.regularity or [np.nan])
        active = len(self.rates or []) / max(self.windows, 1)
        return [
            name,
            what,
            f"{self.seconds / 60:.0f}",
            _med_range(elev),
            f"{100 * self.hanging_s / max(self.seconds, 1e-9):.0f}",
            f"{math.sqrt(self.dyn_sq / max(self.samples, 1)):.2f}",
            f"{100 * min(active, 1.0):.0f}",
            _med_iqr(rates, "{:.1f}"),
            _med_iqr(reg, "{:.2f}"),
            f"{self.jolts / max(self.seconds / 60, 1e-9):.1f}",
            f"{self.candidates / max(h, 1e-9):.0f}",
            f"{len(self.run_cv or []) / max(h, 1e-9):.0f}",
            _med_iqr(np.array(self.run_cv or [np.nan]), "{:.2f}"),
            f"{self.counted / max(h, 1e-9):.0f}",
        ]


STROKE_WINDOW_S = 4.0  # s: a few dozen strokes, short enough for one kind of stroke
STROKE_RMS = 2.0  # m/s^2: a window of scrubbing (the arm at rest or moving slowly: less)
STEADY_RMS = 3.0  # m/s^2: and of firm scrubbing, for the cycle-by-cycle figures
BURST_RMS = 2.0  # m/s^2: the 0.5 s RMS of a burst of scrubbing
PAUSE_S = 0.3  # s: a shorter dip of the 0.5 s RMS is no pause
BURST_S = 1.0  # s: a shorter burst is a move of the hand (the brush to another tooth), no scrubbing


@dataclass(slots=True)
class StrokeStats:
    """Strokes of arm work at a sensor's own rate (the HMP's 32 Hz): where they go, how fast,
    how steady cycle by cycle, in which bursts. Sums over recordings.

    - along gravity / the forearm: shares of the dynamic acceleration's power (the departure from
      the 1 s mean) along gravity (that mean; 1/3 for a direction-free jiggle) and the watch's x;
    - roll: the 1 s mean's angle from the watch's z towards its y, per second, unsigned (90: the
      thumb up or down with a level forearm, 0: the back of the hand up or down);
    - at the sensor's limits: samples with an axis at code 0 or 63 of the HMP sensor (there a
      stroke's peak is cut, so RMS and jolts read low);
    - in 4 s windows of scrubbing (RMS >= STROKE_RMS): the share whose motion is mostly along the
      forearm (x carries more power than y and z), and per kind the strongest frequency (median
      [10-90 %] of the windows of firm scrubbing), the RMS and the share of the power along
      gravity;
    - in windows of firm scrubbing (RMS >= STEADY_RMS, inside one burst, below) whose every cycle
      (upward mean crossings of the motion's main direction) lasts half to twice the median: a
      cycle's length's spread (SD / median) and how far the phase drifts over 2 and 8 cycles
      (SD, in cycles);
    - bursts: stretches of BURST_S or more whose 0.5 s RMS stays over BURST_RMS, between pauses
      of PAUSE_S or more (a burst cut by a recording's end is not counted).
    """

    seconds: float = 0.0
    dyn_sq: float = 0.0
    up_sq: float = 0.0
    x_sq: float = 0.0
    samples: int = 0
    clipped: int = 0
    windows: int = 0
    along: int = 0
    roll: list[float] = field(default_factory=list)  # degrees, one a second
    # Per window of scrubbing: along the forearm?, Hz, RMS, share along gravity.
    kinds: list[tuple[bool, float, float, float]] = field(default_factory=list)
    jitter: list[float] = field(default_factory=list)
    drift2: list[float] = field(default_factory=list)
    drift8: list[float] = field(default_factory=list)
    bursts: list[float] = field(default_factory=list)
    pauses: list[float] = field(default_factory=list)

    def add(self, acc: FloatArray, fs: float) -> None:
        """One recording, (n, 3) m/s^2 at fs Hz (as its sensor read it)."""
        n1 = round(fs)
        if len(acc) < 2 * n1:
            return
        mean = centred_mean(acc, n1)
        up = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)
        dyn = acc - mean
        self.seconds += len(acc) / fs
        self.dyn_sq += float(np.sum(dyn * dyn))
        self.up_sq += float(np.sum(np.sum(dyn * up, axis=1) ** 2))
        self.x_sq += float(np.sum(dyn[:, 0] ** 2))
        roll = np.degrees(np.arctan2(np.abs(up[::n1, 1]), np.abs(up[::n1, 2])))
        self.roll += roll.tolist()
        self.samples += len(acc)
        self.clipped += _at_limits(hmp_wrist.encode(acc))
        on = np.sqrt(centred_mean(np.sum(dyn**2, axis=1), round(0.5 * fs))) > BURST_RMS
        self._windows(dyn, up, on, fs)
        self._bursts(on, fs)

    def _windows(self, dyn: FloatArray, up: FloatArray, on: BoolArray, fs: float) -> None:
        w = round(STROKE_WINDOW_S * fs)
        f = np.fft.rfftfreq(w, 1.0 / fs)
        band = (f >= 1.0) & (f <= 12.0)
        for a in range(0, len(dyn) - w + 1, w // 2):
            seg = dyn[a : a + w]
            rms = float(np.sqrt(np.mean(np.sum(seg**2, axis=1))))
            if rms < STROKE_RMS:
                continue
            power = np.sum(seg**2, axis=0)
            along = bool(power[0] > power[1:].sum())
            spec = (np.abs(np.fft.rfft(seg * np.hanning(w)[:, None], axis=0)) ** 2).sum(axis=1)
            hz = float(f[band][np.argmax(spec[band])])
            vertical = float(np.sum(np.sum(seg * up[a : a + w], axis=1) ** 2) / np.sum(power))
            self.windows += 1
            self.along += along
            self.kinds.append((along, hz, rms, vertical))
            if rms >= STEADY_RMS and on[a : a + w].all():
                self._cycles(seg, fs)

    def _cycles(self, seg: FloatArray, fs: float) -> None:
        """Cycle lengths and phase drift of one window's main direction of motion."""
        centred = seg - seg.mean(axis=0)
        main = centred @ np.linalg.svd(centred, full_matrices=False)[2][0]
        w = len(main)
        f = np.fft.rfftfreq(w, 1.0 / fs)
        band = (f >= 3.0) & (f <= 8.0)  # the scrubbing's rates
        hz = float(f[band][np.argmax(np.abs(np.fft.rfft(main * np.hanning(w)))[band])])
        x = main - centred_mean(main, max(3, round(fs / hz)))
        c = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
        crossings = (c + (-x[c]) / (x[c + 1] - x[c])) / fs  # linear interpolation
        periods = np.diff(crossings)
        if len(periods) < 10 or np.any((periods < 0.5 / hz) | (periods > 2.0 / hz)):
            return
        period = float(np.median(periods))
        self.jitter.append(float(np.std(periods)) / period)
        for k, out in ((2, self.drift2), (8, self.drift8)):
            out.append(float(np.std((crossings[k:] - crossings[:-k]) / period - k)))

    def _bursts(self, on: BoolArray, fs: float) -> None:
        edges = np.diff(np.concatenate(([0], on.astype(np.int64), [0])))
        start, end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        # Pauses too short to count join their bursts.
        gaps = (start[1:] - end[:-1]) / fs
        keep = gaps >= PAUSE_S
        start = np.concatenate((start[:1], start[1:][keep]))
        end = np.concatenate((end[:-1][keep], end[-1:]))
        self.pauses += ((start[1:] - end[:-1]) / fs).tolist()
        inner = (start > 0) & (end < len(on)) & (end - start >= BURST_S * fs)
        self.bursts += ((end - start)[inner] / fs).tolist()

    def _kind(self, along: bool) -> list[str]:
        """Strongest Hz (median [10-90 %]), RMS and share along gravity of one kind's windows."""
        got = np.array([k[1:] for k in self.kinds if k[0] == along]).reshape(-1, 3)
        if not len(got):
            return ["-", "-", "-"]
        firm = got[got[:, 1] >= STEADY_RMS, 0]  # slow moves of the arm between strokes aside
        q = np.percentile(firm, [50, 10, 90]) if len(firm) else None
        return [
            "-" if q is None else f"{q[0]:.2f} [{q[1]:.2f}-{q[2]:.2f}]",
            f"{np.median(got[:, 1]):.1f}",
            f"{np.median(got[:, 2]):.2f}",
        ]

    def row(self, name: str) -> list[str]:
        dyn = max(self.dyn_sq, 1e-12)
        return [
            name,
            f"{self.up_sq / dyn:.2f}",
            f"{self.x_sq / dyn:.2f}",
            f"{100 * self.clipped / max(self.samples, 1):.1f}",
            _med_range(np.array(self.roll or [np.nan])),
            f"{100 * self.along / max(self.windows, 1):.0f}",
            *self._kind(True),
            *self._kind(False),
            _med_iqr(np.array(self.jitter or [np.nan]), "{:.2f}"),
            _med_iqr(np.array(self.drift2 or [np.nan]), "{:.2f}"),
            _med_iqr(np.array(self.drift8 or [np.nan]), "{:.2f}"),
            _med_iqr(np.array(self.bursts or [np.nan]), "{:.1f}"),
            _med_iqr(np.array(self.pauses or [np.nan]), "{:.1f}"),
            f"{len(self.pauses) / max(self.seconds / 60, 1e-9):.1f}",
        ]


STROKE_HEADER = [
    "recordings (own rate)",
    "along gravity",
    "along forearm",
    "at sensor limits %",
    "roll from z deg [10-90 %]",
    "along-forearm windows %",
    "their Hz [10-90 %]",
    "RMS",
    "along gravity",
    "across: Hz [10-90 %]",
    "RMS",
    "along gravity",
    "cycle spread [IQR]",
    "drift 2 cycles [IQR]",
    "drift 8 cycles [IQR]",
    "bursts s [IQR]",
    "pauses s [IQR]",
    "pauses /min",
]


def _med_range(x: FloatArray) -> str:
    q = np.percentile(x, [50, 10, 90])
    return f"{q[0]:.0f} [{q[1]:.0f}-{q[2]:.0f}]"


def _med_iqr(x: FloatArray, fmt: str) -> str:
    if np.all(np.isnan(x)):
        return "-"
    q = np.nanpercentile(x, [50, 25, 75])
    return f"{fmt.format(q[0])} [{fmt.format(q[1])}-{fmt.format(q[2])}]"


def _peaks(d: FloatArray, height: float, distance: int) -> int:
    """Local maxima of d above height, greedily at least `distance` samples apart."""
    idx = np.flatnonzero((d[1:-1] > height) & (d[1:-1] >= d[:-2]) & (d[1:-1] > d[2:])) + 1
    n, last = 0, -distance
    for i in idx:
        if i - last >= distance:
            n, last = n + 1, int(i)
    return n


RUN = 10  # candidates: the gate's run at the wrist with the forearm out of walking posture


def run_cvs(times: FloatArray) -> list[float]:
    """Interval CV of every run of RUN consecutive candidates with intervals inside LAGS_S."""
    iv = np.diff(np.sort(times))
    out = []
    for a in range(len(iv) - RUN + 2):
        w = iv[a : a + RUN - 1]
        if w.min() >= LAGS_S[0] and w.max() <= LAGS_S[1]:
            out.append(float(w.std() / w.mean()))
    return out


def _engine(f: Features, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> None:
    cand = feed(GaitEngine(Placement.WRIST, gated=False), t, acc, gyro)
    counted = feed(GaitEngine(Placement.WRIST), t, acc, gyro)
    f.candidates += len(cand)
    f.counted += len(counted)
    f.run_cv = [*(f.run_cv or []), *run_cvs(np.array([s.t for s in cand]))]


def virtual(activity: str, seeds: Iterable[int], seconds: float) -> Features:
    """The virtual wearer doing `activity` at the wrist (its first and last 5 s left out)."""
    out = Features()
    for seed in seeds:
        spec = VIRTUAL[activity].format(s=int(seconds))
        stream = ScenarioStream(parse_scenario(spec), Placement.WRIST, seed=seed)
        chunk = stream.read(10**8)
        keep = (chunk.t > 10.0) & (chunk.t < chunk.t[-1] - 5.0)
        t, acc, gyro = chunk.t[keep], chunk.acc[keep], chunk.gyro[keep]
        out.add(resample(acc, float(SUPPORTED_RATE), FS))
        _engine(out, t, acc, gyro)
    return out


def hmp_sensed(acc: FloatArray) -> tuple[FloatArray, int]:
    """acc (n, 3) m/s^2 as the HMP sensor reads it (clipped at +-1.5 g, quantised to its 6-bit
    codes), and how many samples have an axis at code 0 or 63."""
    codes = hmp_wrist.encode(acc)
    return hmp_wrist.decode(codes), _at_limits(codes)


def _at_limits(codes: FloatArray) -> int:
    """How many samples of HMP codes (n, 3) have an axis at code 0 or 63 (a peak cut there)."""
    return int(np.count_nonzero(np.any((codes == 0) | (codes == hmp_wrist.CODES), axis=1)))


def virtual_hmp(
    activity: str, seeds: Iterable[int], seconds: float
) -> tuple[Features, StrokeStats]:
    """The virtual wearer doing `activity` at the wrist, as the HMP sensor would read it: at its
    32 Hz, clipped and quantised, the engine without the gyro."""
    out, strokes = Features(), StrokeStats()
    for seed in seeds:
        spec = VIRTUAL[activity].format(s=int(seconds))
        chunk = ScenarioStream(parse_scenario(spec), Placement.WRIST, seed=seed).read(10**8)
        keep = (chunk.t > 10.0) & (chunk.t < chunk.t[-1] - 5.0)
        acc32, _ = hmp_sensed(resample(chunk.acc[keep], float(SUPPORTED_RATE), hmp_wrist.RATE_HZ))
        strokes.add(acc32, hmp_wrist.RATE_HZ)
        out.add(resample(acc32, hmp_wrist.RATE_HZ, FS))
        _engine(out, np.arange(len(acc32)) / hmp_wrist.RATE_HZ, acc32, None)
    return out, strokes


def hmp(folder: Path) -> dict[str, tuple[Features, StrokeStats]]:
    """The HMP trials of the HMP activities under `folder` (the data set's folder), per activity."""
    out: dict[str, tuple[Features, StrokeStats]] = {}
    for trial in hmp_wrist.trials(folder):
        if trial.activity not in HMP:
            continue
        f, strokes = out.setdefault(trial.activity, (Features(), StrokeStats()))
        strokes.add(trial.acc, hmp_wrist.RATE_HZ)
        f.add(resample(trial.acc, hmp_wrist.RATE_HZ, FS))
        _engine(f, trial.t, trial.acc, None)
    return {a: out[a] for a in HMP if a in out}


def real(subjects: int) -> dict[tuple[str, str], Features]:
    """Daily-living wrist segments of the REAL activities (the first `subjects` per data set)."""
    base = data_dir("daily-living")
    segs = [
        s for s in read_labels(base) if s.location == "wrist" and (s.dataset, s.activity) in REAL
    ]
    seen: dict[str, list[str]] = defaultdict(list)
    out: dict[tuple[str, str], Features] = defaultdict(Features)
    for seg in segs:
        people = seen[seg.dataset]
        if seg.subject not in people:
            if subjects and len(people) >= subjects:
                continue
            people.append(seg.subject)
        t, acc, gyro = load_segment(base, seg)
        f = out[(seg.dataset, seg.activity)]
        f.add(acc if seg.rate == FS else resample(acc, seg.rate, FS))
        _engine(f, t, acc, gyro)
    return out


HEADER = [
    "recordings",
    "stands for",
    "min",
    "forearm from level deg, median [10-90 %]",
    "hanging %",
    "RMS m/s^2",
    "active %",
    "stroke Hz, median [IQR]",
    "regularity [IQR]",
    "jolts >1 m/s^2 /min",
    "candidates/h",
    "10-runs/h",
    "run interval CV [IQR]",
    "counted/h",
]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="virtual wearers per activity")
    ap.add_argument("--seconds", type=float, default=600.0, help="seconds per virtual wearer")
    ap.add_argument("--subjects", type=int, default=0, help="real subjects per data set (0: all)")
    ap.add_argument("--virtual-only", action="store_true", help="no real recordings")
    ap.add_argument("--hmp", type=Path, help="the HMP data set's folder: add its rows")
    args = ap.parse_args(argv)
    if args.hmp is not None and not args.hmp.is_dir():
        ap.error(f"--hmp {args.hmp} is no folder: get the HMP data set")
    seeds = range(1, args.seeds + 1)
    made = {a: virtual(a, seeds, args.seconds) for a in VIRTUAL}
    rows = [f.row(f"virtual {a}", "") for a, f in made.items()]
    for (dataset, activity), f in ({} if args.virtual_only else real(args.subjects)).items():
        rows.append(f.row(f"{dataset} {activity}", REAL[(dataset, activity)]))
    if args.hmp is None:
        print(fmt_table(HEADER, rows))
        return
    sensed = {f"virtual {a}, HMP sensor": virtual_hmp(a, seeds, args.seconds) for a in HMP_VIRTUAL}
    rows += [f.row(name, "32 Hz, 1.5 g, 6 bit") for name, (f, _) in sensed.items()]
    real_hmp = {f"HMP {a}": (HMP[a], *got) for a, got in hmp(args.hmp).items()}
    rows += [f.row(name, what) for name, (what, f, _) in real_hmp.items()]
    print(fmt_table(HEADER, rows))
    print()
    strokes = [s.row(name) for name, (_, s) in sensed.items()]
    strokes += [s.row(name) for name, (_, _, s) in real_hmp.items()]
    print(fmt_table(STROKE_HEADER, strokes))


if __name__ == "__main__":
    main()
