"""The wrist's stride comb: the arm swing taken out of the signal where it hides every other step.

A hanging forearm swings forward on one step and back on the next, so its swing repeats once per
stride (period T) while the heel strikes twice. The trunk detector then sees the stronger step's
peak and the softer one on its flank, and locks onto the stride (docs/walking_gate.md). Searching
y(t) = (s(t) + s(t - T/2)) / 2 instead of the smoothed signal s cancels the swing's fundamental
(1/T) and its odd harmonics and passes the step rhythm (2/T) whole. A fixed filter cannot do it:
a slow walker's steps (1.3 Hz) lie next to a brisk walker's strides (1.25 Hz); T must be the
walker's own. It does not tell a slow walker's steps (0.8-1.3 s apart, as a stride) from
strides, any more than the gate's stride fill does: such a walk's candidates are doubled by
either (gate._stride_fill; no wrist walk in the data is that slow).

When. It turns on where a lock is partial and the stride is measured: the bout's candidates come
a stride apart (their median in the gate's stride range, gate._stride_fill) but a soft step was
seen too (an interval near half that), the forearm hangs (the gate's wrist cone), and the signal
repeats with the stride: its autocorrelation reaches `min_r` at the best lag T in the stride
range, T agreeing with the candidates' interval. A walk locked onto the stride throughout is left
to the gate's stride fill, which counts it whole (WISDM: the comb there lost a third of some such
walks' steps, its partly seen soft steps breaking the rhythm the gate and the fill need).

Once on it stays while the bout goes on (across a gap in the data too, as the detector's bout
does), while the candidates' interval stays near T or T/2 or between (the comb's own success
halves it, which must not switch it off), and while the autocorrelation, measured again every
`check_s` on the unfiltered history (so the comb can never sustain itself), still reaches
`hold_r` near T. It is measured at the detector's
fixed blocks only, so the output never depends on the caller's batching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
import statistics

import numpy as np
import numpy.typing as npt

from .gate_params import GATE_PARAMS, MIN_STRIDE_S, STRIDE_TOL, upright_cos
from .trunk_signal import causal_mean
from .types import FloatArray, Placement, at_most

_WRIST = GATE_PARAMS[Placement.WRIST]
_FOREARM = _WRIST.upright_axis if _WRIST.upright_axis is not None else 0  # a watch's x axis


@dataclass(frozen=True, slots=True, kw_only=True)
class CombParams:
    """Tuning of the stride comb (the module docstring says what each does)."""

    # A stride: the gate's stride range (one candidate per stride of a stride-locked walk).
    lo_s: float = MIN_STRIDE_S
    hi_s: float = _WRIST.max_interval
    track: float = STRIDE_TOL  # the candidates' interval and T agree within this fraction of T
    # For a stride-periodic part plus a part that does not repeat, the autocorrelation at the
    # stride is var(periodic) / var(all): 0.5 means the repeating swing and steps are at least as
    # strong as everything else. Fixed by that reason (2026-12-06); the prototype's sweep of it
    # had been seen, held-out figures included (docs/walking_gate.md, "the stride comb").
    min_r: float = 0.5
    # Once on it is kept down to this (hysteresis): each switch changes the candidates' rhythm
    # mid-walk, which the gate's rhythm test then refuses (tuned-on WISDM, gated engine: 86.0 %
    # of the spectral reference with 0.5, 86.6 % with 0.25, on an earlier state of the rule;
    # chosen before any held-out run). 0.25 still ends it where the unfiltered history stops
    # repeating, so it never sustains itself.
    hold_r: float = 0.25
    check_s: float = 1.0  # how often the autocorrelation is measured (s of signal): its cost
    # The stride is measured where the signal's overlap with itself a lag later holds this many
    # of the longest strides: the fewer, the more often an irregular arm's few jolts line up by
    # chance (random jolts 0.8-1.3 s apart turned it on within 4 s over two; over three they
    # still reach 0.5 now and then, and the gate counts no more with the comb than without
    # there: tests/gait/test_stride_comb.py). The history keeps that much: 6.4 s at 50 Hz.
    min_strides: int = 3


def autocorrelation(x: FloatArray, lags: npt.NDArray[np.intp]) -> FloatArray:
    """The normalised correlation of ``x`` with itself ``lag`` samples later, for each lag.

    Over the overlapping parts: ``x[lag:] . x[:-lag] / (|x[lag:]| |x[:-lag]|)`` (0 where either
    part is flat); ``x`` is expected centred. Each lag needs ``0 < lag < len(x)``.
    """
    n = len(x)
    full = np.correlate(x, x, mode="full")  # full[n - 1 + k] = x[k:] . x[:-k]
    energy = np.cumsum(x * x)
    den = np.sqrt((energy[-1] - energy[lags - 1]) * energy[n - lags - 1])
    safe = np.where(den > 0, den, 1.0)
    return np.asarray(np.where(den > 0, full[n - 1 + lags] / safe, 0.0), dtype=np.float64)


class StrideComb:
    """Decides, block by block, the comb's delay for the trunk detector at the wrist."""

    def __init__(self, params: CombParams, fs: float, n_grav: int, kernel: FloatArray) -> None:
        self.p = params
        self.fs = fs
        self._n_grav = n_grav
        self._kernel = kernel
        self._check = max(1, round(params.check_s * fs))
        self._lo = math.ceil(params.lo_s * fs)
        self._hi = math.floor(params.hi_s * fs)
        self._n_hist = (params.min_strides + 1) * self._hi + len(kernel) - 1 + n_grav
        self.period: float | None = None  # the stride period T it cancels (None: off)
        self.forget_signal()

    def reset(self) -> None:
        """Off: the walk is forgotten."""
        self.period = None
        self.forget_signal()

    def forget_signal(self) -> None:
        """The data stopped (a gap): the history starts again; the walk and T carry over."""
        self._hist = np.zeros((0, 3))

    def delay(self, new_a: FloatArray, count: int, intervals: Sequence[float]) -> int:
        """The delay (samples) for the samples `new_a` arriving now; 0 where the comb is off.

        Decided from the signal before them, which they then join. `count`: samples since the
        signal began, before them; `intervals`: the bout's latest candidate intervals (empty
        where no bout goes on).
        """
        out = self._decide(self._hist, count, len(new_a), intervals)
        self._hist = np.concatenate([self._hist, new_a])[-self._n_hist :]
        return out

    def _decide(
        self, history: FloatArray, count: int, n_new: int, intervals: Sequence[float]
    ) -> int:
        p = self.p
        med = statistics.median(intervals) if intervals else None
        # Measured once per check_s of signal, at the first block reaching each multiple.
        due = (count + n_new) // self._check > count // self._check
        period = self.period
        if med is None:
            period = None
        elif period is None:
            if due and self._mixed(intervals, med) and self._hangs(history):
                found = self._stride(history, self._lo, self._hi, p.min_r)
                if found is not None and at_most(abs(found - med), p.track * found):
                    period = found
        elif not (
            at_most((1 - p.track) / 2 * period, med) and at_most(med, (1 + p.track) * period)
        ):
            period = None  # the candidates left both the stride and the step rhythm
        elif due:
            lo = max(self._lo, math.ceil((1 - p.track) * period * self.fs))
            hi = min(self._hi, math.floor((1 + p.track) * period * self.fs))
            found = self._stride(history, lo, hi, p.hold_r)
            if found is not None or self._measurable(history, hi):
                period = found  # the walk's rhythm followed, or gone (None)
        self.period = period
        return round(period / 2 * self.fs) if period is not None else 0

    def _mixed(self, intervals: Sequence[float], med: float) -> bool:
        """The candidates come a stride apart, but not always: a soft step was seen too.

        A walk locked onto the stride throughout is counted by the gate's stride fill; where the
        detector switches between steps and strides, neither the fill (stride-long intervals only)
        nor the gate's rhythm test (one rhythm) keeps the walk: the comb's case (the gate's swing
        fill takes the stride-long intervals of such a walk where it measures the arm's swing, not
        its soft steps).
        """
        half = med / 2
        return self.p.lo_s <= med <= self.p.hi_s and any(
            at_most(abs(d - half), self.p.track * half) for d in intervals
        )

    def _hangs(self, history: FloatArray) -> bool:
        """The forearm hangs: its 1 s gravity mean within the gate's wrist cone of vertical."""
        if len(history) < self._n_grav:
            return False
        g = history[-self._n_grav :].mean(axis=0)
        norm = float(np.linalg.norm(g))
        return norm > 1e-9 and upright_cos(float(g[_FOREARM]) / norm, 0) >= _WRIST.min_upright

    def _measurable(self, history: FloatArray, hi: int) -> bool:
        """Whether the history is long enough to measure lags up to `hi` samples."""
        return len(history) - len(self._kernel) + 1 - self._n_grav >= (self.p.min_strides + 1) * hi

    def _stride(self, history: FloatArray, lo: int, hi: int, min_r: float) -> float | None:
        """T (s): the lag in lo..hi samples where the history repeats best, if it reaches min_r.

        None where the history is too short to tell (after a gap) or nothing repeats enough.
        """
        if lo > hi or not self._measurable(history, hi):
            return None
        grav = causal_mean(history, self._n_grav)
        norm = np.sqrt(np.einsum("ij,ij->i", history, history))
        vert = norm - np.sqrt(np.einsum("ij,ij->i", grav, grav))
        # The gravity mean's first second is still settling: left out.
        x = np.convolve(vert, self._kernel, mode="valid")[self._n_grav :]
        lags = np.arange(lo, hi + 1)
        r = autocorrelation(x - x.mean(), lags)
        best = int(np.argmax(r))
        return float(lags[best]) / self.fs if r[best] >= min_r else None
