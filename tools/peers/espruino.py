"""The Espruino / Bangle.js firmware step counter, re-implemented for the benchmarks (dev-only).

Written from reading Espruino's libs/misc/stepcount.c (MPL-2.0, Gordon Williams and contributors)
and libs/banglejs/jswrap_bangle.c as of 2026; no code copied. What the firmware does, per
accelerometer sample at 12.5 Hz with 8192 = 1 g:

1. magnitude: integer square root of x^2 + y^2 + z^2;
2. DC removal: an exponential moving average (alpha 1/12, kept as a running total, started at 1 g)
   is subtracted, the result scaled by 1/32 and clipped to a signed byte;
3. a 7-tap integer FIR with 8 fractional bits: a low-pass peaking near 2 Hz (1.4x its gain at
   0 Hz) and falling to about a fifth of it by 4-6 Hz; with the DC removal before it (a first-order
   high-pass near 0.17 Hz) the chain passes 1-3 Hz best, slow posture drift and fast jolts least;
4. activity gate: the gate opens once 3 samples in a row (an up/down counter) have |raw| > 15
   (about 0.06 g of DC-removed magnitude) and closes when the counter falls back to 0;
5. a step candidate is a local maximum of the filtered signal while the gate is open;
6. run-of-steps gate: candidates must follow each other within 4-16 samples (0.32-1.28 s). Nothing
   is counted until 6 such candidates in a row; then all 6 are released at once, and every further
   in-time candidate counts 1. A candidate out of time restarts the run from 1.

The watch's power saving (60 s with every sample-to-sample change < 0.2 g drops the poll rate and
pauses counting; the first larger change restarts it with a reset counter) is modelled too, since
it is what the firmware does on a still wrist.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import math

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import STANDARD_GRAVITY as GRAVITY, FloatArray

from .peer_common import pieces

RATE_HZ = 12.5
ONE_G = 8192  # firmware units per g
RANGE_G = 4.0  # Bangle.js 2's accelerometer range as the firmware configures it
FIR_TAPS = (-11, -15, 44, 68, 44, -15, -11)
DC_SAMPLES = 12  # EMA alpha = 1 / DC_SAMPLES
RAW_THRESHOLD = 15
ACTIVE_SAMPLES = 3
MIN_STEP = 4  # samples between steps (~0.32 s)
MAX_STEP = 16  # (~1.28 s)
RUN_STEPS = 6  # candidates in a row before anything counts
POWER_SAVE_MIN = 1638  # 0.2 g sample-to-sample change keeps counting awake
POWER_SAVE_SAMPLES = 750  # 60 s at 12.5 Hz
POWER_SAVE_POLL = 10  # 800 ms polls while saving
# A candidate is the previous filtered sample, which lags the input by the FIR's 3-sample group
# delay: its step happened this many samples before the sample that revealed it.
STEP_LAG = 1 + (len(FIR_TAPS) - 1) // 2


def int_sqrt(x: int) -> int:
    """Integer square root, floor, as the firmware's 16-bit routine gives for x < 2^32."""
    return min(math.isqrt(max(x, 0)), 0xFFFF)


@dataclass(slots=True)
class StepCounter:
    """One watch's counter: feed() one sample, get the steps it adds (0, 1 or RUN_STEPS)."""

    history: deque[int] = field(default_factory=lambda: deque([0] * len(FIR_TAPS), len(FIR_TAPS)))
    dc_total: int = ONE_G * DC_SAMPLES
    filtered: int = 0
    filtered_prev: int = 0
    active: int = 0
    gate_open: bool = False
    state: int = 0  # 0 still, 1 first candidate, 2 counting up to RUN_STEPS, 3 stepping
    held: int = 0
    since_step: int = 0
    total: int = 0
    candidate: bool = False  # whether the last feed() saw a step candidate

    def reset(self) -> None:
        """stepcount_init(): filter, DC estimate and state machine back to the start.

        The firmware keeps the gate counter across a reset; so does this.
        """
        self.history = deque([0] * len(FIR_TAPS), len(FIR_TAPS))
        self.dc_total = ONE_G * DC_SAMPLES
        self.filtered = self.filtered_prev = 0
        self.state = self.held = self.since_step = 0

    def _dc(self, sample: int) -> int:
        # C integer division truncates; every quantity here is positive, so // is the same.
        self.dc_total += sample - self.dc_total // DC_SAMPLES
        return sample - self.dc_total // DC_SAMPLES

    def _candidate(self) -> int:
        in_time = MIN_STEP <= self.since_step <= MAX_STEP
        if self.state == 0:
            self.state, self.held = 1, 1
        elif self.state == 1:
            self.held = 1
            if in_time:
                self.state, self.held = 2, 2
        elif self.state == 2:
            if not in_time:
                self.state = 1
            else:
                self.held += 1
                if self.held >= RUN_STEPS:
                    self.state = 3
                    return RUN_STEPS
        elif in_time:
            return 1
        else:
            self.state = 1
        return 0

    def feed(self, mag_squared: int) -> int:
        v = self._dc(int_sqrt(mag_squared)) >> 5  # arithmetic shift, as the C compiler does
        v = max(-128, min(127, v))
        self.history.appendleft(v)
        a = sum(h * c for h, c in zip(self.history, FIR_TAPS, strict=True)) >> 2
        before, self.filtered_prev = self.filtered_prev, self.filtered
        self.filtered = max(-32768, min(32767, a))
        if abs(v) > RAW_THRESHOLD:
            self.active = min(self.active + 1, ACTIVE_SAMPLES)
            if self.active == ACTIVE_SAMPLES:
                self.gate_open = True
        else:
            self.active = max(self.active - 1, 0)
            if self.active == 0:
                self.gate_open = False
        self.since_step = min(self.since_step + 1, 255)
        steps = 0
        self.candidate = self.gate_open and before < self.filtered_prev > self.filtered
        if self.candidate:
            steps = self._candidate()
            self.since_step = 0
        self.total += steps
        return steps


def to_watch(t: FloatArray, acc: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """A recording (t s, acc m/s^2 with gravity) as the watch samples it: 12.5 Hz integer counts.

    The recording is first averaged over each 80 ms poll period (the accelerometer's own low-pass
    at that output rate), then scaled to 8192 per g, rounded and clipped to the +-4 g range.
    """
    if len(t) < 2:
        return np.empty(0), np.empty((0, 3), dtype=np.int64)
    grid = np.arange(t[0], t[-1], 1.0 / RATE_HZ)
    # Mean of each poll period by differencing the running integral (exact for any input rate).
    areas = (acc[1:] + acc[:-1]) / 2 * np.diff(t)[:, None]
    cum = np.concatenate((np.zeros((1, 3)), np.cumsum(areas, axis=0)))
    ends = np.minimum(grid + 1.0 / RATE_HZ, t[-1])
    starts = np.maximum(grid, t[0])
    integral = np.stack(
        [np.interp(ends, t, cum[:, i]) - np.interp(starts, t, cum[:, i]) for i in range(3)], axis=1
    )
    width = np.maximum(ends - starts, 1e-9)[:, None]
    mean = integral / width
    counts = np.clip(np.rint(mean / GRAVITY * ONE_G), -RANGE_G * ONE_G, RANGE_G * ONE_G - 1)
    return grid, counts.astype(np.int64)


def step_times(t: FloatArray, acc: FloatArray, counter: StepCounter | None = None) -> FloatArray:
    """Times of the steps the firmware would count on this recording, resampled as the watch
    samples it (to_watch), then counted as watch_polls counts."""
    grid, counts = to_watch(t, acc)
    return watch_polls(grid, counts, counter)


def watch_polls(
    times: FloatArray, counts: npt.NDArray[np.int64], counter: StepCounter | None = None
) -> FloatArray:
    """Times of the steps the firmware counts on samples the watch polled (`times` s, one per
    poll, nominally 12.5 Hz; integer counts of 8192 per g, as a Bangle.js logs them), power
    saving included: each sample is one poll, whatever the time between them.

    Steps released together at the end of a run carry the times of the candidates they stand for.
    While power saving, the watch polls every 0.8 s and compares each poll with the previous one.
    """
    sc = counter if counter is not None else StepCounter()
    candidates: deque[float] = deque(maxlen=RUN_STEPS)
    out: list[float] = []
    mags = (counts * counts).sum(axis=1)
    still = 0
    saving = False
    last = 0  # index of the previous poll
    for i in range(1, len(times)):
        if saving and i - last < POWER_SAVE_POLL:
            continue
        diff = int_sqrt(int(((counts[i] - counts[last]) ** 2).sum()))
        last = i
        if diff > POWER_SAVE_MIN:
            still = 0
            if saving:
                saving = False
                sc.reset()
        else:
            still += POWER_SAVE_POLL if saving else 1
            if still >= POWER_SAVE_SAMPLES:
                saving = True
                continue
        n = sc.feed(int(mags[i]))
        if sc.candidate:
            candidates.append(float(times[i]) - STEP_LAG / RATE_HZ)
        if n:
            out += list(candidates)[-n:]
    return np.asarray(out, dtype=np.float64)


def watch_steps(t: FloatArray, acc: FloatArray) -> FloatArray:
    """One watch over a recording, run over each piece without holes (nothing made up inside
    them; the watch's state carries across, as a worn watch's does)."""
    counter = StepCounter()
    parts = [step_times(t[a:b], acc[a:b], counter) for a, b in pieces(t)]
    return np.concatenate(parts) if parts else np.empty(0)
