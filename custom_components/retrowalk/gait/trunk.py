"""Step detector and direction classifier for sensors on the trunk, thigh or arm.

Steps. Each heel strike jolts the body upwards. Near 1 g the magnitude of the measured
acceleration equals, to first order, its component along gravity, so ``|a| - |g|`` (with ``g`` the
trailing one-second mean) is the vertical acceleration without having to know the sensor's
orientation; that keeps a phone swinging in a hand or turning in a pocket usable. The signal is
smoothed (0.2 s Hann). A step is the highest peak between two consecutive clear valleys, each
dominating +-0.3 s of signal, with thresholds scaled by the signal's recent RMS, so slow
walking's double hump counts once. Walking needs two steps at most 1.3 s apart (at the thigh up to
1.6 s where the swing measured says the interval is a stride: a pocket followed once a stride on
a slow climb, stride_start_s); those are then confirmed retroactively, so a short walk counts
from its first step. A step missed inside a
steady bout (an interval near twice the recent median) is restored half-way. At the wrist (and in a
trouser pocket) the limb's swing can lock the search onto the stride; at the wrist, where that lock
is partial, a stride comb (stride_comb.py) takes the swing out of the signal searched. The peak
decides that there was a step and sets the rhythm; the reported time is the latest hump after it (a
maximum over +-0.1 s) of at least half its height and at most half a step later: the heel strike is
the last rise before the segment's closing valley, and in slow walking a hump 0.2-0.4 s before it
(late single support, or the hand's own motion) can be the higher one. While the comb runs, a step
is half its stride (the candidates' median then mixes steps and strides).
Each step carries StepFeatures (its peak's height and the gravity direction) for the walking
gate (gate.py), which decides whether it counts. A step is reported once its closing valley is
confirmed, so counts lag the steps (the measured latency is in docs/trunk_steps.md).

Gaps. Where the data stops (a lost link, the end of a stream) the last samples are examined with
their windows completed by repeating the edge sample, and a peak still waiting for its valley is
confirmed; where it starts again, examination begins as soon as the smoothing allows. Extrema
within edge_s of an edge are not trusted (the signal must be seen to turn). The bout, its rhythm
and the signal level carry over the gap, so a walk that goes on counts from its first step after
it; the interval across a gap never fills in a step.

Direction. Walking backwards is, to a good approximation, walking forwards with time reversed.
Time reversal conjugates the cross-spectrum between vertical and horizontal acceleration, so its
imaginary part at the step frequency (the "quadrature" vector, along the anterior-posterior axis)
flips sign while everything else stays (the phases measured per clip are in
docs/trunk_direction.md). The sign that means "forward" depends on
how the sensor is mounted: it is learned (trunk_axis) from the dominant walking direction and from
explicit calibration walks. The quadrature vector lies along the anterior-posterior axis by itself
(medio-lateral sway repeats per stride, not per step).
Running (a flight phase, fast cadence) tells no direction: the spring-mass model swaps the phase
(the body lowest rather than highest at mid-stance), but real sensors at the hip, waist, chest and
pocket mostly do not (docs/trunk_direction.md, "Running tells no direction at the trunk"), so a
run keeps the bout's direction. So does a descent at the waist (TrunkParams.descent_ratio): going
down stairs the body drops a stair each step, its bounce outweighs its fore-aft, and its phase is
a run's more than a walk's. The cross-spectrum spans the last
`direction_steps` steps; a bout keeps its direction until `switch_windows` windows in a row
disagree, since starting, stopping and turning make single windows look backward.
Sideways steps are not told apart at these placements. The wrist sees mostly arm swing: its
direction is unreliable and reported as such by the benchmark.

How the parameters were chosen, with the measured figures and the alternatives tried:
docs/trunk_steps.md (steps, gaps, timing) and docs/trunk_direction.md (direction).
"""

from __future__ import annotations

import itertools
import math
import statistics
from typing import Any

import numpy as np
import numpy.typing as npt

from .advice import direction_is_chance
from .gate_params import GATE_PARAMS, MIN_STRIDE_S, is_stride
from .stride_comb import StrideComb
from .trunk_axis import ForwardAxis
from .trunk_params import (
    TRUNK_PLACEMENTS,
    WAIST_TURN_DEG,
    TrunkParams,
    shipped_params,
    smoothing_kernel,
)
from .trunk_signal import (
    band_limited,
    causal_mean,
    cycles_between,
    half_cycle_and_turn,
    local_extrema,
    lowpass_kernel,
    quadrature,
    swing_with_turn,
    vertical_share,
)
from .types import (
    Direction,
    FloatArray,
    Keep,
    Placement,
    StepEvent,
    StepFeatures,
    at_most,
    interval,
)

STATE_VERSION = 1
# The smoothing (s) of the magnitude whose oscillations between steps StepFeatures.cycles counts:
# it keeps 3-5 Hz arm work (a moving mean's first null is at 10 Hz) and a heel strike's rise and
# fall as one oscillation.
CYCLE_SMOOTH_S = 0.1


def measured_swing(acc: FloatArray, fs: float, kernel: FloatArray, p: TrunkParams) -> float | None:
    """The swing period the detector takes from the latest swing_window_s of `acc` (None: none).

    swing_period's likeness tests, no period under swing_shortest_s (but one down to
    swing_turned_s that turns the sensor as a thigh does) and, where swing_turn_deg asks for it, a
    turn as a swinging thigh's (swing_with_turn: turn_rms and along_alike).
    """
    n = round(p.swing_window_s * fs)  # fewer at a stream's start: too short, no swing
    # The turn is measured where asked, or for a period short enough to need it (swing_turned_s).
    found, turn, along = swing_with_turn(
        acc[-n:],
        fs,
        kernel,
        p.swing_lags_s,
        p.swing_alike,
        p.swing_reverses,
        turn=p.swing_turn_deg > 0.0,
        turn_below=p.swing_shortest_s if p.swing_turned_s is not None else 0.0,
    )
    if found is None:
        return None
    need = p.swing_turn_deg
    if not at_most(p.swing_shortest_s, found):
        if p.swing_turned_s is None or not at_most(p.swing_turned_s, found):
            return None
        need = max(need, WAIST_TURN_DEG)  # a jogging thigh's stride, not a walker's bounce
    if need > 0.0 and (turn is None or turn < need or along is None or along < 0.0):
        return None
    return found


class TrunkDetector:
    """Streaming step detector and forward/backward classifier for waist, thigh, chest, wrist."""

    def __init__(self, placement: Placement, params: TrunkParams | None = None) -> None:
        if placement not in TRUNK_PLACEMENTS:
            raise ValueError(f"TrunkDetector does not handle placement {placement!r}")
        self.placement = placement
        # Where the direction is chance (the wrist: Bandai 13 of 28 clips), a confidence above 0.5
        # would claim knowledge the engine does not have, and a declared backward session keeps a
        # step the engine is "sure" went forward (session.CONFIDENT).
        self._tells_direction = not direction_is_chance(placement)
        self.p = params or shipped_params(placement)
        # The swing is measured only where the gate reads it: after its shortest stride or more.
        self._shortest_stride = GATE_PARAMS[placement].min_swing_stride
        self.fs = self.p.fs
        fs = self.fs
        self._block = max(1, round(self.p.block_s * fs))
        self._hist = round(self.p.history_s * fs)
        self._n_grav = max(1, round(self.p.gravity_s * fs))
        n_cycle = max(1, round(CYCLE_SMOOTH_S * fs))
        self._cycle_kernel = np.full(n_cycle, 1.0 / n_cycle)
        self._kernel = smoothing_kernel(self.p, fs)
        self._w = max(1, round(self.p.extremum_s * fs))
        self._w_hump = max(1, min(self._w, round(self.p.hump_s * fs)))
        half = round(self.p.band_half_s * fs) if self.p.band_hz > 0 else 0
        self._band = lowpass_kernel(self.p.band_hz, fs, half) if half else None
        # Samples needed after a final one: the smoothing's, the extremum window's, the band's.
        self._lag = len(self._kernel) // 2 + self._w + half
        self._n_rms = max(1, round(self.p.history_s / self.p.block_s))
        comb = self.p.comb
        self._comb = StrideComb(comb, fs, self._n_grav, self._kernel) if comb else None
        self.axis = ForwardAxis()
        self._keep: Keep = list
        self.reset()

    # -- contract --------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the signal and the walk; the learned forward axis stays."""
        self._forget_signal()
        self._sumsq: list[tuple[float, int]] = []  # recent blocks' squared signal, for the RMS
        self._run: list[tuple[float, float, float]] = []  # (peak, step time, height), unconfirmed
        self._in_bout = False
        self._last_step = -np.inf  # the bout's latest candidate's peak
        self._last_report = -np.inf  # and the time it was reported at (_step_time)
        self._labelled = -math.inf  # the latest step given features (_may_end_stride)
        self._measured = -math.inf  # the latest step given a jolt height (its cycles since)
        self._intervals: list[float] = []
        self._median_of: list[float] | None = None  # the intervals _median was taken of
        self._median: float | None = None
        self._across_gap = False  # the next interval spans missing data: no rhythm, no fill
        self._bout_dir: Direction | None = None  # the bout's direction so far
        self._against = 0  # consecutive windows that disagreed with it
        if self._comb:
            self._comb.reset()

    def _forget_signal(self) -> None:
        self._t = np.zeros(0)
        self._a = np.zeros((0, 3))
        self._d = np.zeros(0, dtype=np.int64)  # per sample: the comb's delay in samples (0: off)
        if self._comb:
            self._comb.forget_signal()
        self._pend_t: list[FloatArray] = []
        self._pend_a: list[FloatArray] = []
        self._n_pend = 0
        self._count = 0  # samples since the signal began
        # Next sample to examine: past the smoothing's edge. (The band's first samples are
        # edge-padded too; a peak that near a segment's start is within edge_s, not trusted.)
        self._next = len(self._kernel) // 2
        # The highest peak since the last valley: (time, height searched, jolt height).
        self._best: tuple[float, float, float] | None = None
        self._humps: list[tuple[float, float]] = []  # (time, height) since the last valley

    def end_segment(self) -> list[StepEvent]:
        """The data stops: confirm the peak that only waited for its valley, keep the walk.

        The bout, its rhythm and the signal level carry over a gap, so walking that goes on
        after it counts from its first step (a bout still ends after bout_gap without steps);
        the interval across the gap is never used to fill in a step.
        """
        out: list[StepEvent] = []
        if self._count or self._n_pend:
            pend_t = np.concatenate([np.zeros(0), *self._pend_t])
            pend_a = np.concatenate([np.zeros((0, 3)), *self._pend_a])
            out = self._process(pend_t, pend_a, final=True)
        if self._best is not None and len(self._a):
            steps = self._commit(self._best, self._step_time(self._best))
            if steps:
                up = causal_mean(self._a, self._n_grav)[-1]
                out += self._label(steps, self._a, _unit(up, float(np.linalg.norm(up))), self._t)
        self._forget_signal()
        self._across_gap = True
        return out

    def calibrate_forward(self, active: bool) -> None:
        """While active, the walking seen is forward by definition."""
        if active and not self.axis.calibrating:
            self.axis.start_calibration()
        elif not active and self.axis.calibrating:
            self.axis.stop_calibration()

    def hold_forward(self, held: bool) -> None:
        """While held, the automatic forward axis learns nothing (GaitEngine.hold_forward)."""
        self.axis.held = held

    def gate(self, keep: Keep) -> None:
        """Return only the steps `keep` keeps, and learn the forward axis from those alone.

        Before, every candidate taught the axis, and 25 minutes of pedalling at the thigh turned
        it round: the walks after a ride counted backward (docs/trunk_direction.md).
        """
        self._keep = keep

    def state(self) -> dict[str, Any]:
        """JSON-safe learned state."""
        return {"version": STATE_VERSION, **self.axis.state()}

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`; raises ValueError (keeping the current state) if malformed."""
        try:
            if state.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported trunk state version {state.get('version')!r}")
            self.axis.load_state(state)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"bad trunk detector state: {err}") from err

    def feed(
        self,
        t: npt.NDArray[np.float64],
        acc: npt.NDArray[np.float64],
        gyro: npt.NDArray[np.float64] | None,
    ) -> list[StepEvent]:
        """Consume uniform samples at ``fs``; return steps confirmed by them (gyro is unused)."""
        del gyro  # the acceleration alone carries both the steps and their direction
        if len(t) == 0:
            return []
        self._pend_t.append(np.asarray(t, dtype=np.float64))
        self._pend_a.append(np.asarray(acc, dtype=np.float64))
        self._n_pend += len(t)
        # Batching the work keeps the per-call cost low; the block adds at most block_s latency.
        # Blocks start at fixed sample counts so the output never depends on the caller's batching.
        if self._n_pend < self._block:
            return []
        pend_t = np.concatenate(self._pend_t)
        pend_a = np.concatenate(self._pend_a)
        n_blocks = len(pend_t) // self._block
        cut = n_blocks * self._block
        self._pend_t, self._pend_a = [pend_t[cut:]], [pend_a[cut:]]
        self._n_pend = len(pend_t) - cut
        out: list[StepEvent] = []
        for k in range(0, cut, self._block):
            out += self._process(pend_t[k : k + self._block], pend_a[k : k + self._block])
        return out

    # -- processing --------------------------------------------------------------------------

    def _process(
        self, new_t: FloatArray, new_a: FloatArray, *, final: bool = False
    ) -> list[StepEvent]:
        if self._comb and len(new_t):
            # Each sample's delay is set once, when it arrives, from the walk seen so far.
            # The bout carries over a gap in the data until bout_gap without a candidate, as
            # _expire judges it (lag samples behind the newest), and so does the comb; not to
            # samples before the bout's latest candidate (a restarted clock).
            t0 = float(new_t[0])
            going = self._last_step < t0 and self._bout_goes_on(t0 - self._lag / self.fs)
            intervals = self._intervals if going else []
            delay = self._comb.delay(new_a, self._count, intervals)
            self._d = np.concatenate([self._d, np.full(len(new_t), delay, np.int64)])[-self._hist :]
        self._t = np.concatenate([self._t, new_t])[-self._hist :]
        self._a = np.concatenate([self._a, new_a])[-self._hist :]
        self._count += len(new_t)
        t, a = self._t, self._a
        n = len(t)
        base = self._count - n  # stream index of t[0]
        # The newest sample whose neighbourhood is complete; at the end of the data, the last.
        last = n - 1 if final else n - 1 - self._lag
        first = self._next - base  # the oldest sample not yet examined
        if last < first:
            return []
        self._next = base + last + 1
        t_final = float(t[last])
        # Only the tail that can still change anything is filtered: the gravity mean reaches
        # n_grav back, the smoothing and the extremum windows lag samples either side.
        d_max = int(self._d[max(0, first - self._w) :].max(initial=0)) if self._comb else 0
        s0 = max(0, first - self._lag - self._n_grav + 1 - d_max)
        seg = a[s0:]
        grav = causal_mean(seg, self._n_grav)
        g_norm = np.sqrt(np.einsum("ij,ij->i", grav, grav))
        band = seg if self._band is None else band_limited(seg, self._band)
        vert = np.sqrt(np.einsum("ij,ij->i", band, band)) - g_norm
        smooth = np.convolve(vert, self._kernel, mode="same")
        # The jolt heights the gate judges (StepFeatures.amplitude): the smoothed signal's, not
        # the comb's average, which halves each jolt. While the comb runs, the higher of a
        # sample's and half a stride before: the soft step it finds then carries its stride's
        # heel strike, so the gate's jolt rule sees the walk as it did without the comb (a copy
        # of a lone jolt does too, which the gate's rhythm and posture rules judge). The
        # thresholds' RMS is the searched signal's, so they follow the comb on and off.
        raw = smooth
        if d_max:
            d = self._d[s0:]
            back = np.arange(len(smooth)) - d
            on = (d > 0) & (back >= 0)
            smooth = smooth.copy()
            smooth[on] = (raw[on] + raw[back[on]]) / 2
            raw = raw.copy()
            raw[on] = np.maximum(raw[on], raw[back[on]])
        fresh = smooth[first - s0 : last + 1 - s0]
        self._sumsq = [*self._sumsq[-self._n_rms :], (float(fresh @ fresh), len(fresh))]
        rms = math.sqrt(sum(x for x, _ in self._sumsq) / sum(c for _, c in self._sumsq))
        peak_thr = max(self.p.peak_min, self.p.peak_k * rms)
        valley_thr = -max(self.p.valley_min, self.p.valley_k * rms)
        # At the edges of the data the extremum windows are completed by repeating the edge
        # sample, and extrema within edge_s of an edge are ignored (the signal must have turned).
        lo_pad = max(0, self._w + s0 - first)
        hi_pad = max(0, last + self._w + 1 - s0 - len(smooth))
        j0 = first - self._w - s0 + lo_pad

        def window(x: FloatArray) -> FloatArray:
            padded = np.pad(x, (lo_pad, hi_pad), mode="edge") if lo_pad or hi_pad else x
            return padded[j0 : last + self._w + 1 - s0 + lo_pad]

        sub = window(smooth)
        sub_raw = sub if raw is smooth else window(raw)
        peaks, valleys = local_extrema(sub, self._w)
        if lo_pad or hi_pad:
            margin = round(self.p.edge_s * self.fs)
            real = (peaks >= lo_pad + margin) & (peaks < len(sub) - hi_pad - margin)
            peaks = peaks[real]
            valleys = valleys[(valleys >= lo_pad) & (valleys < len(sub) - hi_pad)]
        peaks = peaks[sub[peaks] > peak_thr]
        valleys = valleys[sub[valleys] < valley_thr]
        # Humps (a superset of the peaks, over the same samples) only matter from a peak on.
        humps = peaks
        if len(peaks) or self._best is not None:
            h = self._w - self._w_hump
            humps, _ = local_extrema(sub[h : len(sub) - h], self._w_hump)
            humps += h
            humps = humps[(sub[humps] > peak_thr) & (humps >= lo_pad) & (humps < len(sub) - hi_pad)]
        anchors = set(peaks.tolist())

        new_steps: list[tuple[float, float | None]] = []
        is_hump = np.concatenate([np.ones(len(humps), bool), np.zeros(len(valleys), bool)])
        idx = np.concatenate([humps, valleys])
        order = np.argsort(idx, kind="stable")
        t0 = first - self._w  # index into t of sub[0] (negative only inside the padding)
        for i, hump in zip(idx[order].tolist(), is_hump[order].tolist(), strict=True):
            if hump:
                if i in anchors and (self._best is None or sub[i] > self._best[1]):
                    self._best = (float(t[t0 + i]), float(sub[i]), float(sub_raw[i]))
                if self._best is not None:
                    self._humps.append((float(t[t0 + i]), float(sub[i])))
            else:
                if self._best is not None:
                    new_steps += self._commit(self._best, self._step_time(self._best))
                self._best = None
                self._humps = []
        if self._best is not None and interval(self._best[0], t_final) > self.p.hold_s:
            new_steps += self._commit(self._best, self._step_time(self._best))
            self._best = None
            self._humps = []
        self._expire(t_final)
        if not new_steps:
            return []
        up = _unit(grav[last - s0], float(g_norm[last - s0]))
        return self._label(new_steps, a[: last + 1], up, t[: last + 1])

    def _step_time(self, peak: tuple[float, float, float]) -> float:
        """When the step of this peak happened: the latest high enough hump within reach."""
        # While the comb runs the candidates come a stride apart, a soft step now and then
        # between them: half their median reaches the next step's hump, the soft step the comb
        # is there to find. Reported there, this step would leave the interval before it a step
        # too long and the one after a step too short, and lost steps would be spread from it
        # (_fills): the run the gate judges mixed 0.25, 0.5 and 1 s intervals in a steady walk.
        # Hence the walk's step (_step_s), as _fills measures lost steps.
        step = self._step_s(self._median_interval()) if self._bout_goes_on(peak[0]) else None
        reach = self.p.hump_reach * step if step is not None else self.p.hump_reach_s
        floor = self.p.hump_k * peak[1]
        late = [
            tk
            for tk, h in self._humps
            if tk >= peak[0] and at_most(interval(peak[0], tk), reach) and h >= floor
        ]
        return late[-1] if late else peak[0]

    def _median_interval(self) -> float | None:
        # Asked several times a block (the bout's gap) and changed only by a new candidate:
        # remembered for the list it was taken of, which is replaced, never changed in place.
        if self._median_of is not self._intervals:
            self._median_of = self._intervals
            self._median = statistics.median(self._intervals) if self._intervals else None
        return self._median

    def _step_s(self, med: float | None) -> float | None:
        """The walk's step: half the stride comb's stride while it runs, else `med`.

        While the comb runs, the candidates' median `med` mixes steps and strides.
        """
        period = self._comb_period
        return period / 2 if period is not None else med

    @property
    def _comb_period(self) -> float | None:
        """The stride the comb cancels while it runs (None: off, or no comb here)."""
        return self._comb.period if self._comb is not None else None

    def _commit(
        self, peak: tuple[float, float, float], step_t: float
    ) -> list[tuple[float, float | None]]:
        """Feed one candidate step (peak time, searched height, height) into the bout logic.

        Returns the (step time, peak height) of the steps it confirms; a restored step has no
        height. The rhythm (intervals, gaps, fills) is that of the peaks; step_t is only what is
        reported.
        """
        tk, _, height = peak
        if tk <= self._last_step or (self._run and tk <= self._run[-1][0]):
            # Time went back (a new stream on a new clock): nothing of the old walk carries over.
            self._in_bout, self._intervals, self._run = False, [], []
            self._last_step = self._last_report = -math.inf
        if self._in_bout and not self._bout_goes_on(tk):
            self._in_bout = False
            self._intervals = []
        across_gap, self._across_gap = self._across_gap, False
        if self._in_bout:
            dt = interval(self._last_step, tk)
            med = self._median_interval()
            out: list[tuple[float, float | None]] = []
            if not across_gap:  # steps taken while the data was missing are not ours to count
                out += [(t, None) for t in self._fills(tk, med)]
            # The raw interval, even after a fill: were filled halves recorded instead, a wrong
            # fill would shorten the median and invite more fills (a runaway); this way frequent
            # fills raise the median and stop themselves.
            if not across_gap:
                self._intervals = [*self._intervals[-5:], dt]
            self._last_step, self._last_report = tk, step_t
            return [*out, (step_t, height)]
        if self._run and not self._starts_with(interval(self._run[-1][0], tk)):
            self._run = []
        self._run.append((tk, step_t, height))
        if len(self._run) < self.p.start_steps:
            return []
        confirmed = self._run
        self._intervals = [interval(a[0], b[0]) for a, b in itertools.pairwise(confirmed)]
        self._run = []
        self._in_bout = True
        self._bout_dir = None  # a new walk: its first window decides
        self._last_step, self._last_report = tk, confirmed[-1][1]
        return [(step, h) for _, step, h in confirmed]

    def _starts_with(self, dt: float) -> bool:
        """Whether a candidate `dt` after the unconfirmed run's latest continues that run.

        Within start_gap_s; or, up to stride_start_s, where the swing measured on the latest
        history says `dt` is a stride: a pocket followed once a stride on a slow climb (one leg's
        landing too soft to find) walks at up to the swing's longest lag, and the thigh swings
        once in that interval. A bounce or a fidget at that pace does not swing. The swing is
        measured only for such an interval (rare at rest, so its cost is too).
        """
        if dt <= self.p.start_gap_s:
            return True
        longest = self.p.stride_start_s
        if longest is None or dt > longest or not self.p.swing:
            return False
        swing = measured_swing(self._a, self.fs, self._kernel, self.p)
        return is_stride(dt, swing, longest, self._shortest_stride)

    def _fills(self, tk: float, med: float | None) -> list[float]:
        """The times of the steps lost between the bout's latest candidate and this one (at tk).

        An interval of n steps (each within fill_lo/2-fill_hi/2 of the walk's step) has n - 1
        lost. The step is the candidates' median, and one step lost at most. Where the stride
        comb runs, the step is half its stride, measured on the signal (the candidates' median
        mixes steps and strides while the comb finds only part of the soft steps), and up to
        two are lost: an interval of a stride and a half while the arm still swings with the
        stride is the walk going on, its soft steps too weak to see. Lost steps are spread
        evenly up to tk from the previous peak, or, with the comb, from where the previous step
        was reported if later (up to half a step after its peak, _step_time), and no lost step
        may come before the step it follows.
        """
        ref = self._step_s(med)
        if ref is None:
            return []
        combing = self._comb_period is not None
        most = 3 if combing else 2
        dt = interval(self._last_step, tk)
        n = round(dt / ref)
        lo, hi = self.p.fill_lo / 2, self.p.fill_hi / 2
        # Strictly between n * lo and n * hi steps, at the resolution intervals are judged.
        if not (2 <= n <= most and not at_most(dt, n * lo * ref) and not at_most(n * hi * ref, dt)):
            return []
        start = max(self._last_step, self._last_report) if combing else self._last_step
        return [start + (tk - start) * k / n for k in range(1, n)]

    def _bout_goes_on(self, t: float) -> bool:
        """Whether a bout is open at time t: no longer than its gap since its latest candidate."""
        return self._in_bout and at_most(interval(self._last_step, t), self._bout_gap())

    def _bout_gap(self) -> float:
        med = self._median_interval() or 0.0
        return min(max(self.p.bout_gap_s, 2.6 * med), self.p.bout_gap_max_s)

    def _expire(self, t_final: float) -> None:
        """End a bout when no step came for too long (a run of candidates ends in _commit)."""
        if self._in_bout and not self._bout_goes_on(t_final):
            self._in_bout = False
            self._intervals = []

    def _label(
        self,
        steps: list[tuple[float, float | None]],
        acc: FloatArray,
        up: FloatArray,
        t: FloatArray,
    ) -> list[StepEvent]:
        """The steps kept of those newly confirmed, labelled; the forward axis learns from them.

        Kept here, one labelled batch at a time, so the next batch is labelled with what this
        one taught whatever the samples' batches (docs/batch_invariance.md).
        """
        kept = self._keep(self._directed(steps, acc, up, t))
        for step in kept:  # a kept step the gate held may be from an earlier batch: its own
            if step.features is not None and step.features.quadrature is not None:
                self.axis.add(np.asarray(step.features.quadrature, dtype=np.float64))
        return kept

    def _directed(
        self,
        steps: list[tuple[float, float | None]],
        acc: FloatArray,
        up: FloatArray,
        t: FloatArray,
    ) -> list[StepEvent]:
        """Give the newly confirmed steps a direction from the latest few steps of signal."""
        # At the thigh (and waist, chest) the posture when the steps are reported: at the thigh it
        # already shows the thigh levelling as the wearer sits down, which ends the walk there.
        posture = (float(up[0]), float(up[1]), float(up[2]))
        wrist = self.placement is Placement.WRIST
        swing = self._swing(acc) if self._may_end_stride(steps) else None
        # One window for every step labelled now: measured once, and only for a measured step.
        measured = (self.p.half_cycle or self.p.turn) and any(h is not None for _, h in steps)
        half, turned = self._cycle_and_turn(acc) if measured else (None, None)

        def f(
            step_t: float, height: float | None, quad: tuple[float, float, float] | None = None
        ) -> StepFeatures | None:
            if height is None:
                return None
            if not wrist:
                return StepFeatures(
                    amplitude=height,
                    up=posture,
                    swing_s=swing,
                    half_cycle=half,
                    turn_deg=turned,
                    step_horizontal=horizontal,
                    quadrature=quad,
                )
            # At the wrist, the forearm's posture at the step itself (the gravity mean over the
            # second around it, or up to the newest sample): steps confirmed together (a bout's
            # first two) span a second or more, and the first may be the jolt of getting up with
            # the forearm still on the lap; a walk's last step, as the wearer sits down, has the
            # forearm coming up to the armrest just after it.
            i = min(int(np.searchsorted(t, step_t, side="right")) + self._n_grav // 2, len(t))
            lo = max(0, i - self._n_grav)
            g = acc[lo:i].sum(axis=0)
            u = _unit(g, float(np.linalg.norm(g)))  # all zero in free fall: no posture
            # Whether the arm moved faster than these steps (the gate's max_cycles).
            span, self._measured = (self._measured, step_t), step_t
            cycles = cycles_between(t, acc, span, self._cycle_kernel)
            # How much of the jolt rides the body's bounce (the gate's min_vertical_share).
            # (A posture implies a non-empty gravity window, i > lo.)
            share = vertical_share(t, acc, step_t, g / (i - lo), u) if u.any() else None
            return StepFeatures(
                amplitude=height,
                up=(float(u[0]), float(u[1]), float(u[2])),
                swing_s=swing,
                cycles=cycles,
                step_horizontal=horizontal,
                quadrature=quad,
                vertical_share=share,
            )

        med = self._median_interval() or 0.55
        period = med * self.fs
        n_steps = self.p.direction_steps
        while n_steps > 1 and round(n_steps * period) > len(acc):
            n_steps -= 1
        n_win = min(round(n_steps * period), len(acc))
        win = acc[len(acc) - n_win :]
        q, re, vert = quadrature(win, up, period)
        horizontal = horizontal_amplitude(q, re, n_win)
        # The cross-spectrum's quadrature part and its whole magnitude (|H| on |V|'s phase).
        norm = float(np.linalg.norm(q))
        cross = math.hypot(norm, float(np.linalg.norm(re)))
        if med >= MIN_STRIDE_S:
            # Candidates a stride apart (the detector following one leg): the trunk is braked
            # and pushed on at every step, at twice their frequency.
            q2, re2, _ = quadrature(win, up, period / 2)
            horizontal = max(horizontal, horizontal_amplitude(q2, re2, n_win))
        running = (
            med < self.p.run_period_s
            and float(np.min(np.einsum("ij,ij->i", win, win))) < self.p.run_flight**2
        )
        # A descent: the body drops a stair each step and its bounce outweighs the fore-aft a
        # walk, forward or backward, vaults with (docs/trunk_direction.md, "Stairs down").
        limit = self.p.descent_ratio
        descent = limit is not None and vert > limit * cross
        if running or descent:
            # A run or a descent tells no direction here (docs/trunk_direction.md, "Running"):
            # the bout keeps its own, and one that starts a bout is forward, unknown (0.5).
            kept = self._bout_dir or Direction.FORWARD
            return [
                StepEvent(t=s, direction=kept, confidence=0.5, features=f(s, h)) for s, h in steps
            ]
        if norm == 0.0:
            return [
                StepEvent(t=s, direction=Direction.FORWARD, confidence=0.5, features=f(s, h))
                for s, h in steps
            ]
        unit = q / norm
        fwd = self.axis.forward()
        if fwd is None:
            cos = 1.0
        else:
            horiz = fwd - (fwd @ up) * up
            h_norm = float(np.linalg.norm(horiz))
            cos = float(unit @ horiz) / h_norm if h_norm > 0 else 1.0
        direction = Direction.FORWARD if cos >= 0 else Direction.BACKWARD
        if self._bout_dir is None or direction == self._bout_dir:
            self._bout_dir, self._against = direction, 0
        else:
            self._against += 1
            if self._against >= self.p.switch_windows:
                self._bout_dir, self._against = direction, 0
            else:
                direction = self._bout_dir
                cos = 0.0  # held against this window's reading: confidence 0.5
        # How much of the cross-spectrum is in quadrature (sin of the phase lag): near 0 or 180
        # degrees the sign is a coin toss, whatever the axis says.
        strength = norm / max(cross, 1e-12)
        confidence = round(0.5 + 0.5 * min(abs(cos), 1.0) * strength, 3)
        if not self._tells_direction:
            confidence = 0.5
        quad = (float(unit[0]), float(unit[1]), float(unit[2]))
        return [
            StepEvent(t=s, direction=direction, confidence=confidence, features=f(s, h, quad))
            for s, h in steps
        ]

    def _may_end_stride(self, steps: list[tuple[float, float | None]]) -> bool:
        """Whether one of these steps comes a short stride or more after the one before it.

        The gate reads the swing only there (gate_params.swing_stride); measuring it for every step
        was the wrist's largest cost per step. The steps reach the gate in this order.
        """
        before, self._labelled = self._labelled, steps[-1][0]
        ends = [before] + [t for t, _ in steps[:-1]]
        shortest = self._shortest_stride
        return any(at_most(shortest, interval(a, b)) for a, (b, _) in zip(ends, steps, strict=True))

    def _cycle_and_turn(self, acc: FloatArray) -> tuple[float | None, float | None]:
        """StepFeatures.half_cycle and turn_deg over the latest swing_window_s of `acc`.

        Each where asked (None: unknown). One smoothing for both: at the thigh they are measured
        for every labelled batch.
        """
        p = self.p
        window = acc[-round(p.swing_window_s * self.fs) :]
        lags = (round(p.cycle_lags_s[0] * self.fs), round(p.cycle_lags_s[1] * self.fs))
        return half_cycle_and_turn(
            window,
            self._kernel,
            lags,
            p.swing_alike,
            p.swing_reverses,
            half=p.half_cycle,
            turn=p.turn,
        )

    def _swing(self, acc: FloatArray) -> float | None:
        """The sensor's swing period over the latest swing_window_s of `acc` (None: no swing)."""
        return measured_swing(acc, self.fs, self._kernel, self.p) if self.p.swing else None


def horizontal_amplitude(q: FloatArray, re: FloatArray, n: int) -> float:
    """The horizontal acceleration's amplitude (m/s^2) at the step frequency.

    From quadrature's imaginary and real parts (`q`, `re`) over a window of `n` samples: their
    per-axis magnitudes are those of the horizontal acceleration's Hann-windowed Fourier
    component at the step frequency, which a sinusoid of amplitude A gives as A times half the
    window's sum, and numpy's n-sample Hann window sums to (n - 1) / 2 (from 3 samples on; 2 are
    both 0). 0 where the window is that short or has no vertical oscillation to compare with
    (quadrature then returns zeros).
    """
    if n < 3:
        return 0.0
    return math.hypot(float(np.linalg.norm(q)), float(np.linalg.norm(re))) * 4.0 / (n - 1)


def _unit(v: FloatArray, norm: float) -> FloatArray:
    """`v` of length `norm` as a unit posture; all zero when there is none to tell.

    A gravity mean of zero (free fall) or NaN (bad samples) divided by its norm is NaN, which
    poisons the mean posture of the run it is in: the gate then has no walk posture and drops
    its posture rules for the whole bout, silently. All zero is "no posture": that candidate
    alone is out of walking posture (as _label's per-step posture in free fall).
    """
    if not math.isfinite(norm) or norm <= 1e-9:
        return np.zeros(3)
    return np.asarray(v / norm, dtype=np.float64)
