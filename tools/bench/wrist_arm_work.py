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
nearest activities there are, said per row.

Run: PYTHONPATH=$PWD:$PWD/dev python -m tools.bench.wrist_arm_work [--seeds 3] [--seconds 600]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario

from .daily import load_segment, read_labels
from .data import data_dir, feed, fmt_table, resample

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


def _movmean(x: FloatArray, n: int) -> FloatArray:
    """Centred moving mean over n samples along axis 0 (at the edges, over the samples there)."""
    k = np.ones(n)
    count = np.convolve(np.ones(len(x)), k, mode="same")
    cols = x[:, None] if x.ndim == 1 else x
    out = np.stack([np.convolve(c, k, mode="same") / count for c in cols.T], axis=1)
    return np.asarray(out[:, 0] if x.ndim == 1 else out, dtype=np.float64)


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
        mean = _movmean(acc20, n1)
        up = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)
        elev = np.degrees(np.arcsin(np.clip(np.abs(up[:, 0]), 0.0, 1.0)))
        self.elevation += elev[::n1].tolist()
        self.hanging_s += float(np.count_nonzero(np.abs(up[:, 0]) >= math.cos(math.pi / 4))) / FS
        dyn = acc20 - mean
        self.dyn_sq += float(np.sum(dyn * dyn))
        self.samples += len(acc20)
        mag = np.linalg.norm(acc20, axis=1)
        d = mag - _movmean(mag, n1)
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
    args = ap.parse_args(argv)
    rows = [
        virtual(a, range(1, args.seeds + 1), args.seconds).row(f"virtual {a}", "") for a in VIRTUAL
    ]
    for (dataset, activity), f in ({} if args.virtual_only else real(args.subjects)).items():
        rows.append(f.row(f"{dataset} {activity}", REAL[(dataset, activity)]))
    print(fmt_table(HEADER, rows))


if __name__ == "__main__":
    main()
