"""Foot and shank detector: strides between zero-velocity stance phases.

Each stride of the instrumented foot runs from the last sample of one stance to the first of the
next. Its horizontal displacement (see zupt.py) gives the walking direction relative to the learned
forward axis. The other foot is not seen, so every stride yields two steps: the instrumented foot's
at its heel strike and the other foot's half a stride earlier; at the start and end of a walk the
stride's length says whether the other foot stepped (see edges.py). A stride that turns the foot
a lot is a turning step: short ones count inside a walk, and none is walking backwards. A foot on
a pedal passes the still test for a moment now and then, and the "stride" between two such
moments is refused by the velocity its integration ends with (_pedal_stroke).

This module is the detector: stances, strides and the steps they make. Its single-purpose parts
live apart so the rules read in one place: the limits per placement and the stance test
(foot_thresholds.py), the look-back buffer (samples.py), a found stride's length and speed and
its landing step held while a glide may lengthen it (foot_stride.py), and a walk's edges with
the lead-off held until the next stride judges it (edges.py).
"""

from __future__ import annotations

from dataclasses import dataclass
import itertools
import math
from typing import Any

import numpy as np

from .edges import EDGE_CONFIDENCE, LOADING, LeadOffHold, Rhythm
from .facing import toes_ahead
from .foot_stride import StrideMeter
from .foot_thresholds import PEDAL_FORCE, PEDAL_STILL, THRESHOLDS, Thresholds, still_samples
from .heading import ForwardAxis
from .samples import SampleBuffer
from .stride import MAX_STRIDE_TIME_S
from .types import (
    STANDARD_GRAVITY as GRAVITY,
    Direction,
    FloatArray,
    Keep,
    Placement,
    StepEvent,
)
from .zupt import (
    body_to_start,
    displacement,
    displacement_into_stance,
    level_frame,
    stride_drift,
)

_GRAVITY_SAMPLES = 0.1  # s of stance averaged for the tilt
# A still phase shorter than this that ended a too-short "stride" was a pause inside the swing
# (slow backward walking touches the toe down before the heel), not a stance: the stride goes on.
_PAUSE_IN_SWING = 0.15  # s
_MIN_SWING_BEFORE_PAUSE = 0.25  # s: shorter cut "strides" are wobbles after a heel strike
_MAX_FRAME_TILT = 0.9  # |cos| between the yaw reference axis and vertical before re-choosing it
_PARTIAL_CONFIDENCE = 0.8  # cap for a step judged from a swing seen only in part
# A stride that turns the foot this much about the vertical is a turning step: straight walking
# turns it by 10-15 degrees at most, a U-turn's two to four steps by 45-120 each.
_TURNING = math.radians(45)
_TURNING_MIN_LENGTH = 0.1  # m: a turning step still moves the foot; a swivel in place does not
# s: a foot still this long was standing, not in a walking stance (0.4-0.8 s); only a stride from
# standing can start a walk (data resuming mid-walk after a gap sees a stance's tail only).
_STANDING = 1.0
# The rest of a glided swing lasted about 0.4 s at most on the UCI runs; moving on longer than
# this, the foot is making a new stride, and its held predecessor is let go (delays stay bounded).
_GLIDE_REST = 0.5  # s


@dataclass(frozen=True, slots=True)
class _Left:
    """The detector's state just before it left a stance, to resume it after a blip."""

    at: int  # absolute index of the first moving sample
    stance_start: int
    stance_start_t: float
    move_start: int | None
    frame: FloatArray | None
    stood_s: float


class FootDetector:
    """Detector for a sensor on the foot (or, more loosely, the shank)."""

    fs = 104.0

    def __init__(self, placement: Placement = Placement.FOOT) -> None:
        if placement not in (Placement.FOOT, Placement.SHANK):
            raise ValueError(f"FootDetector cannot handle placement {placement}")
        self.placement = placement
        self.axis = ForwardAxis()
        self._ref_axis: FloatArray | None = None
        # Samples of look-back: a whole stride and the stance before it, with room to spare.
        self._buf = SampleBuffer(int(self.fs * 4) + 256)
        self._rhythm = Rhythm()
        # Measures the strides found and holds the latest landing until its length is final.
        self._meter = StrideMeter(placement, self.fs, self._buf)
        # A first stride's steps judged by the next stride, let go when the data ends (edges.py).
        self._lead = LeadOffHold()
        self._keep: Keep = list
        self.reset()

    # -- Detector protocol -------------------------------------------------------------------

    def reset(self) -> None:
        """Drop signal buffers (after a gap); learned axes stay."""
        self._buf.clear()
        self._in_stance = False
        self._still_start: int | None = None  # absolute index where the current still run began
        self._pending = False  # the current stance cut a too-short stride that may continue
        self._stance_start = 0
        self._move_start: int | None = None  # absolute index of the last stance sample
        # Absolute index and level frame of the quietest sample of the stance the stride left.
        self._quiet: tuple[int, FloatArray] | None = None
        self._frame: FloatArray | None = None
        self._last_heel_strike: float | None = None
        self._last_emitted = -math.inf
        self._has_gyro: bool | None = None
        self._stance_start_t = 0.0
        # How long (s) the data saw the foot still before the current stride lifted off.
        self._stood_s = 0.0
        # The start of a segment, until its first stance shows how it began: "fresh", then
        # "still" (began in stance: its first stride may lack the other foot's step) or None.
        self._head: str | None = "fresh"
        self._head_landing: int | None = None  # first stance of a segment that began mid-swing
        self._meter.clear()
        self._left: _Left | None = None

    def end_segment(self) -> list[StepEvent]:
        """The data stops here (a gap or the end of the stream): steps it already showed."""
        return self._keep(self._end_segment())

    def _end_segment(self) -> list[StepEvent]:
        out: list[StepEvent] = self._meter.release()
        if self._buf.n and self._has_gyro is not None:
            th = THRESHOLDS[(self.placement, self._has_gyro)]
            if self._head_landing is not None:
                self._resolve_head(self._buf.base + self._buf.n, th, out)
            stance = self._stance_start_t if self._in_stance else None
            end = float(self._buf.t[self._buf.n - 1])
            out += self._rhythm.before_gap(end, stance, self._last_emitted)
        self._rhythm.gap()
        self.reset()
        return self._settle(out, None)

    def calibrate_forward(self, active: bool) -> None:
        """Start or finish learning forward from a known-forward walk."""
        if active:
            self.axis.start_calibration()
        else:
            self.axis.stop_calibration()

    def hold_forward(self, held: bool) -> None:
        """While held, the automatic forward axis learns nothing (GaitEngine.hold_forward)."""
        self.axis.held = held

    def gate(self, keep: Keep) -> None:
        """Return only the steps `keep` keeps (Detector.gate).

        The heading still learns from every stride measured (_end_stride): a stride's heading is
        its own displacement, and the foot's direction holds on every held-out recording as is.
        """
        self._keep = keep

    def state(self) -> dict[str, Any]:
        """JSON-safe learned state."""
        return {
            "version": 1,
            "placement": str(self.placement),
            "ref_axis": None if self._ref_axis is None else [float(v) for v in self._ref_axis],
            "axis": self.axis.state(),
            "calibration_quality": self.axis.quality,
            "stride_lengths": self._rhythm.usual_lengths(),
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore what state() returned."""
        ref = state.get("ref_axis")
        self._ref_axis = None if ref is None else np.asarray(ref, dtype=np.float64)
        self.axis.load_state(state.get("axis", {}))
        self._rhythm.load_usual_lengths(state.get("stride_lengths"))

    def feed(self, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> list[StepEvent]:
        """Consume contiguous uniform samples at fs; return two steps per finished stride."""
        return self._keep(self._feed(t, acc, gyro))

    def _feed(self, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> list[StepEvent]:
        n = len(t)
        if n == 0:
            return []
        has_gyro = gyro is not None
        events: list[StepEvent] = []
        if self._has_gyro is not None and has_gyro != self._has_gyro:
            # Another kind of data: what was held goes out, a lead-off as it stands.
            events = self._settle(self._meter.release(), None)
            self.reset()
        self._has_gyro = has_gyro
        th = THRESHOLDS[(self.placement, has_gyro)]
        still = still_samples(acc, gyro, th)
        start = self._append(t, acc, gyro)
        edges = np.flatnonzero(still[1:] != still[:-1]) + 1
        bounds = [0, *edges.tolist(), n]
        for lo, hi in itertools.pairwise(bounds):
            self._run(bool(still[lo]), start + lo, start + hi, th, events)
        end = start + n
        held = self._meter.held
        if held is not None and (
            (held.left is None and end - self._stance_start >= _PAUSE_IN_SWING * self.fs)
            or (held.left is not None and end - held.left > _GLIDE_REST * self.fs)
        ):
            events += self._meter.release()  # a real stance, or the motion after it a real swing
        if self._in_stance:
            self._close_walk(end, events)
        if self._head == "fresh" and end > th.max_duration * self.fs:
            self._head = None  # no stance for that long: whatever began the segment was no stride
        if (
            self._pending
            and self._in_stance
            and end - self._stance_start >= _PAUSE_IN_SWING * self.fs
        ):
            self._pending = False
            self._move_start = None
        if (
            not self._in_stance
            and self._move_start is not None
            and (start + n - self._move_start) > th.max_duration * self.fs
        ):
            self._move_start = None
        if self._left is not None and end - self._left.at > th.blip * self.fs:
            self._left = None  # moving too long for a blip: the stance it left is over
        self._trim()
        # Landings up to `seen` have been confirmed (a stance needs its first stance_samples), so
        # whether a lead-off's next stride came in time does not depend on where a batch ends.
        if self._lead.lead is None:
            return events  # the usual case: nothing waits on a lead-off
        seen = float(self._buf.t[self._buf.n - 1]) - (self._stance_samples(th) - 1) / self.fs
        return self._settle(events, seen)

    def _settle(self, events: list[StepEvent], now: float | None) -> list[StepEvent]:
        """Steps held behind an undecided lead-off wait (edges.LeadOffHold); the rest go out."""
        held = self._meter.held
        return self._lead.settle(events, now, None if held is None else held.step.t)

    # -- stance / stride state machine ---------------------------------------------------------

    def _run(self, still: bool, lo: int, hi: int, th: Thresholds, out: list[StepEvent]) -> None:
        """Advance over samples lo..hi (absolute) that are all still or all moving."""
        # Whatever feed() decides at the end of a batch is decided here too, at the sample where
        # one-sample batches would have decided it: steps must not depend on the batch size.
        if still:
            if self._in_stance:
                self._head_seen(hi, th, out)
                return
            left = self._left
            if self._still_start is None and left is not None and lo - left.at <= th.blip * self.fs:
                self._resume(left)
                return
            if self._still_start is None:
                self._still_start = lo
            # The sample that makes the still run a stance.
            confirmed = self._still_start + self._stance_samples(th) - 1
            if hi > confirmed:
                self._in_stance = True
                self._stance_start = self._still_start
                self._stance_start_t = float(self._buf.t[self._buf.row(self._stance_start)])
                if self._head == "fresh" and confirmed > th.max_duration * self.fs:
                    self._head = None  # as feed() decides: no stride began the segment
                if self._head == "fresh":
                    # A segment starts at absolute index 0 (reset() rebases the buffer).
                    self._head = "still" if self._stance_start == 0 else None
                    if self._head is None and self._move_start is None:
                        self._head_landing = self._stance_start
                held = self._meter.held
                if held is not None and held.left is not None:
                    if confirmed - held.left > _GLIDE_REST * self.fs:
                        out += self._meter.release()  # as feed() does: the swing was a real one
                        held = None
                else:
                    held = None
                self._end_stride(self._stance_start, th, out)
                if held is not None and self._meter.held is held:
                    self._glide_to(self._stance_start, out)  # what moved since was no stride
                self._head_seen(hi, th, out)
            return
        self._still_start = None
        if self._in_stance:
            stood = lo - self._stance_start >= _PAUSE_IN_SWING * self.fs
            if self._meter.held is not None and stood:
                out += self._meter.release()  # as feed() does: the stance was a real one
            self._close_walk(lo, out)  # as feed() does while the stance lasts
            if self._pending and stood:
                # As feed() does: a stance this long ended the cut stride's hopes.
                self._pending = False
                self._move_start = None
            self._in_stance = False
            self._left = None
            # Not after a cut stride (pending): motion after such a stance is the swing going on
            # (a glide, in bursts), and the stride it continues must be tried at the next stance.
            if th.blip > 0 and self._head_landing is None and not self._pending:
                self._left = _Left(
                    lo,
                    self._stance_start,
                    self._stance_start_t,
                    self._move_start,
                    self._frame,
                    self._stood_s,
                )
            if self._head_landing is not None:
                self._resolve_head(lo, th, out)
            if self._meter.held is not None:
                self._meter.held.left = lo
            self._leave_stance(lo, th)

    def _stance_samples(self, th: Thresholds) -> int:
        """Still samples in a row that make a stance."""
        return max(2, round(th.min_stance * self.fs))

    def _head_seen(self, hi: int, th: Thresholds, out: list[StepEvent]) -> None:
        """A segment's first landing is judged once its stance has lasted for the tilt."""
        if self._head_landing is not None and hi - self._head_landing >= _GRAVITY_SAMPLES * self.fs:
            self._resolve_head(hi, th, out)

    def _close_walk(self, end: int, out: list[StepEvent]) -> None:
        """The other foot's closing step once the stance up to `end` (absolute) shows a stop."""
        now = float(self._buf.t[self._buf.row(end) - 1])
        closing = self._rhythm.stopped(now, self._stance_start_t, self._last_emitted)
        if closing:
            out += closing
            self._last_emitted = closing[-1].t

    def _resume(self, left: _Left) -> None:
        """Motion too brief for a swing interrupted the stance: it goes on as if unbroken."""
        self._left = None
        self._in_stance = True
        self._stance_start, self._stance_start_t = left.stance_start, left.stance_start_t
        self._move_start, self._frame, self._stood_s = left.move_start, left.frame, left.stood_s
        self._pending = False
        if self._meter.held is not None:
            self._meter.held.left = None

    def _resolve_head(self, end: int, th: Thresholds, out: list[StepEvent]) -> None:
        """The segment began mid-swing: count the landing that ended the swing."""
        landing, self._head_landing = self._head_landing, None
        if landing is None or self._buf.base > 0 or self._ref_axis is None:
            return  # the swing's start is gone from the buffer, or no frame was ever learned
        b = self._buf.row(landing) + 1
        span = round(_GRAVITY_SAMPLES * self.fs)
        force = self._buf.acc[b - 1 : min(max(b, self._buf.row(end)), b - 1 + span)].mean(axis=0)
        norm = float(np.linalg.norm(force))
        if not math.isfinite(norm) or norm < 0.5 * GRAVITY:
            return
        t_hs = float(self._buf.t[b - 1])
        if t_hs - LOADING * (self._rhythm.period or 1.0) < float(self._buf.t[0]):
            return  # the foot touched down before the data began: only foot flat was seen
        if th.min_force > 0.0 and self._force_peak(0, b) < th.min_force:
            return  # a turn over a planted foot, as in _try_stride (the shank's test only)
        # A swing long enough to judge gives its own direction; the tail end of one (data that
        # began just before the landing) takes the direction of the walk it continues.
        direction = self._rhythm.recent_direction(t_hs)
        confidence = EDGE_CONFIDENCE
        if self._swing_peak(0, b) >= th.swing_peak:
            gyro = self._buf.gyro[:b] if self._has_gyro else None
            frame = level_frame(force, self._ref_axis)
            disp = displacement_into_stance(self._buf.acc[:b], gyro, self.fs, frame)
            dx, dy = float(disp[0]), float(disp[1])
            if math.hypot(dx, dy) >= 0.5 * th.min_length:
                direction, confidence = self.axis.classify(math.atan2(dy, dx))
                confidence = min(confidence, _PARTIAL_CONFIDENCE)
        if direction is None:
            return
        t = max(t_hs, self._last_emitted + 1e-3)
        out.append(
            StepEvent(t=t, direction=direction, confidence=round(confidence, 3), sensor_foot=True)
        )
        self._last_heel_strike = t_hs
        self._last_emitted = t
        self._rhythm.landed(t_hs, direction)

    def _leave_stance(self, first_moving: int, th: Thresholds) -> None:
        if self._pending and (first_moving - self._stance_start) < _PAUSE_IN_SWING * self.fs:
            self._pending = False
            return  # keep the stride's start and frame: the swing resumes
        self._pending = False
        self._quiet = None
        self._stood_s = (first_moving - self._stance_start) / self.fs
        span = max(1, round(_GRAVITY_SAMPLES * self.fs))
        a = self._buf.row(max(self._stance_start, first_moving - span, self._buf.base))
        b = self._buf.row(first_moving)
        force = self._buf.acc[a:b].mean(axis=0)
        norm = float(np.linalg.norm(force))
        if not math.isfinite(norm) or norm < 0.5 * GRAVITY:
            self._move_start = None
            return
        up = force / norm
        if self._ref_axis is None or abs(float(self._ref_axis @ up)) > _MAX_FRAME_TILT:
            if self._ref_axis is not None:
                self.axis.clear()  # the sensor was turned over: learned angles no longer apply
            self._ref_axis = np.eye(3)[int(np.argmin(np.abs(up)))]
        self._frame = level_frame(force, self._ref_axis)
        self._move_start = first_moving - 1
        self._quiet = self._quietest(first_moving) if th.from_quietest else None

    def _quietest(self, first_moving: int) -> tuple[int, FloatArray] | None:
        """The stance's quietest sample (least rotation) and its level frame.

        The shank is never still in stance: it turns over the planted foot, and its still test
        also fires into the lift (see THRESHOLDS), so its last still sample can be moving at
        0.3-0.8 m/s, more than the pivot correction (stride.py) puts back. Its velocity is
        lowest where it turns least, near mid-stance: any point of a rigid segment moves one
        stride between the same phase of two gait cycles, so the stride is measured from there
        (the swing's timing and the detection keep the last still sample). Of a longer
        stillness only the last _STANDING s count: anything before was standing.
        """
        lo = max(self._stance_start, first_moving - round(_STANDING * self.fs), self._buf.base)
        a, b = self._buf.row(lo), self._buf.row(first_moving)
        gyro = self._buf.gyro[a:b]
        k = a + int(np.argmin(np.einsum("ij,ij->i", gyro, gyro)))
        half = round(_GRAVITY_SAMPLES * self.fs) // 2
        force = self._buf.acc[max(a, k - half) : min(b, k + half + 1)].mean(axis=0)
        norm = float(np.linalg.norm(force))
        if self._ref_axis is None or not math.isfinite(norm) or norm < 0.5 * GRAVITY:
            return None
        return self._buf.base + k, level_frame(force, self._ref_axis)

    def _end_stride(self, heel_strike: int, th: Thresholds, out: list[StepEvent]) -> None:
        start = self._move_start
        self._move_start = None
        if start is None or self._frame is None:
            return
        a, b = self._buf.row(start), self._buf.row(heel_strike) + 1
        duration = (b - a - 1) / self.fs
        if duration > th.max_duration:
            return
        if self._try_stride(a, b, duration, th, out):
            return
        # A cut "stride" shorter than _MIN_SWING_BEFORE_PAUSE is, at the foot, a wobble after a
        # heel strike: the stride restarts after the still phase. Where the still test fires
        # mid-lift (the shank), it is the lift itself, and restarting loses it (Bandai
        # walk-back_not-confident_001: 9 of 10 strides 15-55 % short), so inside a walk it goes
        # on from the real stance. Not after standing: a short motion leaving a long stillness is
        # as likely a fidget (a door, a chair), and merging fidgets found false steps on the real
        # UMAFall ankle recordings.
        lift = th.still_lift and self._stood_s < _STANDING
        if duration >= _MIN_SWING_BEFORE_PAUSE or lift:
            self._move_start = start
            self._pending = True

    def _try_stride(
        self, a: int, b: int, duration: float, th: Thresholds, out: list[StepEvent]
    ) -> bool:
        if duration < th.min_duration:
            return False
        acc = self._buf.acc[a:b]
        gyro = self._buf.gyro[a:b] if self._has_gyro else None
        if self._swing_peak(a, b) < th.swing_peak:
            return False
        if self._frame is None or self._ref_axis is None:
            return False
        peak = self._force_peak(a, b)
        if peak < th.min_force:  # it felt no swing and no landing: a turn over a planted foot
            return False
        # The stride's rotation, integrated once: its velocity, timing and length all use it.
        rotation = None if gyro is None else body_to_start(gyro, self.fs)
        vel, turn, drift = stride_drift(
            acc, gyro, self.fs, self._frame, self._ref_axis, rotation=rotation
        )
        if self._pedal_stroke(peak, drift, duration, th):
            return False
        disp = displacement(vel, self.fs)
        length = math.hypot(float(disp[0]), float(disp[1]))
        t_off, t_hs = float(self._buf.t[a]), float(self._buf.t[b - 1])
        # A turning step (a U-turn takes two to four) is short and curved: the foot lifts, turns
        # and lands near where it was. Its turn, not its length, tells it from a weight shift,
        # as long as it is part of a walk: a lone twist of the foot while standing is not a step.
        turning = abs(turn) >= _TURNING
        walk = self._rhythm.recent_direction(t_off)
        short_ok = turning and walk is not None
        if length < (_TURNING_MIN_LENGTH if short_ok else th.min_length):
            return False
        # Judged against the foot's heading at toe-off (what the UCI reference does, and better
        # than the mid-stride heading on its turning strides); a stride that turns the foot a lot
        # is ambiguous, which the confidence says.
        angle = math.atan2(float(disp[1]), float(disp[0]))
        # The stride's pitch says which way the toes point (facing.py), so a long backward walk
        # cannot outvote forward. The foot only: the shank has no toes. A stride from standing
        # lifts off without a rolling stance's push-off and its pitch points the toes either
        # way (HuGaDB's walk starts: 46 % right, against 98 % for the other strides): no vote.
        toes = None
        if rotation is not None and self.placement is Placement.FOOT:
            toes = toes_ahead(rotation, self._frame, disp) if self._stood_s < _STANDING else 0.0
        direction, confidence = self.axis.classify(angle, toes)
        sideways = direction in (Direction.LEFT, Direction.RIGHT)
        if turning and (
            direction is Direction.BACKWARD or (sideways and walk is Direction.FORWARD)
        ):
            # Turning swings the foot behind or beside the heading it lifted off with, but a
            # turn is not walking backwards, and a turn inside a forward walk is no side step
            # (a side step keeps the foot's heading): the step goes the way its walk went. A
            # sideways step turning after a backward walk stays sideways: on the UCI runs that
            # is a change to side-stepping, not a turn of the backward walk.
            direction = walk or Direction.FORWARD
            confidence = EDGE_CONFIDENCE
        certainty = max(0.2, 1.0 - abs(turn) / math.pi)
        if gyro is None:
            # Gravity leaking in while the foot pitches can outweigh a slow stride's true
            # displacement and flip it (about 1 stride in 5 on the UCI runs): never be sure.
            certainty *= 0.4
        confidence = 0.5 + (confidence - 0.5) * certainty
        if not turning:  # a turning step's angle says nothing about which way the sensor faces
            # A side step rolls the foot instead of pitching it: it votes where it went.
            self.axis.observe(angle, min(1.0, length), None if sideways else toes)
        prev = self._last_heel_strike
        # The other foot lands about half a stride before this one; right after a pause there is
        # no stride period to go by, so its step is put at this foot's toe-off.
        t_other = t_off
        if prev is not None and t_hs - prev < MAX_STRIDE_TIME_S:
            t_other = t_hs - 0.5 * (t_hs - prev)
        t_other = max(t_other, min(t_off, t_hs - 0.05), self._last_emitted + 1e-3)
        times: tuple[float, ...] = (t_other, t_hs)
        if self._head == "still":
            self._head = None
            if self._rhythm.other_foot_missed(float(self._buf.t[0]), t_off):
                times = (t_hs,)  # the data began after the other foot had landed
        conf = round(confidence, 3)
        # The stride after an undecided lead-off judges it (once it is measured, see _settle).
        self._lead.follow(t_hs, None if turning else length, direction)
        led = (
            self._rhythm.leads_off(t_off, length, direction)
            if self._stood_s >= _STANDING
            else False
        )
        # No usual stride to tell a half one by: the walk's next stride will (LeadOff).
        judge_later = led is None and len(times) == 2 and not turning
        if led or judge_later:
            # This foot's half stride began the walk (or may have): the other had not stepped.
            times = (t_hs,)
        out += self._meter.release()  # a stride held before this one is complete
        if judge_later:
            other = StepEvent(t=t_other, direction=direction, confidence=conf, sensor_foot=False)
            self._lead.begin(other, t_hs, length, direction, out)
        out.extend(
            StepEvent(t=x, direction=direction, confidence=conf, sensor_foot=x == t_hs)
            for x in times
        )
        if rotation is not None:  # with a gyro: the landing (last) carries the stride
            self._meter.hold(
                out.pop(),
                a,
                b,
                vel,
                disp,
                rotation,
                self._frame,
                self._ref_axis,
                self._quiet,
                cycle=not turning,
            )
        self._last_heel_strike = t_hs
        self._last_emitted = t_hs
        # A turning step's length is no measure of the walk's strides.
        self._rhythm.stride(t_off, t_hs, direction, None if turning else length)
        return True

    def _pedal_stroke(
        self, peak: float, drift: FloatArray, duration: float, th: Thresholds
    ) -> bool:
        """Whether a "stride" went between two moments of a foot pedalling, not two stances.

        A foot on a pedal moves on the crank's circle and is never still; the still test passes
        only where |acc| happens to cross g while the rotation turns round (a few hundredths of
        a second), and the tilt taken there is off by the crank's centripetal acceleration, so
        the stride's integration ends with velocity a real stance would not leave
        (Thresholds.max_drift). A walking stance is longer, and a landing's impact is more than
        pedalling feels (PEDAL_STILL, PEDAL_FORCE): fast walking, stairs and running also
        leave drift, from their loaded stances, but land.
        """
        if self._stood_s >= PEDAL_STILL:
            return False
        if float(np.linalg.norm(drift)) <= th.max_drift * duration + th.drift_lift:
            return False
        return peak < PEDAL_FORCE  # the stride's peak |acc|

    def _glide_to(self, stance: int, out: list[StepEvent]) -> None:
        """The held stride's short stance was a glide: measure it on to this stance."""
        disp = self._meter.glide_to(stance)
        held = self._meter.held
        if disp is None or held is None:
            out += self._meter.release()  # its start is gone: it keeps its first measure
            return
        self._lead.glided(held.step.t, math.hypot(float(disp[0]), float(disp[1])))
        self._move_start = None  # the glide's remainder is no stride of its own
        self._pending = False

    def _force_peak(self, a: int, b: int) -> float:
        """Peak |acc| over rows a..b (m/s^2): what the segment felt of its swing and landing."""
        acc = self._buf.acc[a:b]
        return float(np.sqrt(np.max(np.einsum("ij,ij->i", acc, acc))))

    def _swing_peak(self, a: int, b: int) -> float:
        """Peak |gyro| over rows a..b, or peak | |acc| - g | without a gyro."""
        if self._has_gyro:
            gyro = self._buf.gyro[a:b]
            return float(np.sqrt(np.max(np.einsum("ij,ij->i", gyro, gyro))))
        acc = self._buf.acc[a:b]
        return float(np.max(np.abs(np.sqrt(np.einsum("ij,ij->i", acc, acc)) - GRAVITY)))

    # -- sample buffer (samples.py) ---------------------------------------------------------

    def _append(self, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> int:
        n = len(t)
        if not self._buf.fits(n) and self._buf.make_room(n, self._keep_from()):
            self._forget_dropped()
        return self._buf.append(t, acc, gyro)

    def _trim(self) -> None:
        drop = self._keep_from() - self._buf.base
        if drop > self._buf.cap // 2 and self._buf.drop(drop):
            self._forget_dropped()

    def _keep_from(self) -> int:
        """The oldest sample (absolute index) anything may still look back at.

        Only the stride in progress (and the stance tail for the tilt) is ever looked back at.
        """
        span = round(_GRAVITY_SAMPLES * self.fs) + 1
        end = self._buf.base + self._buf.n
        if self._head == "fresh" or self._head_landing is not None:
            keep_from = 0  # the segment's start, until its first swing has been judged
        elif self._meter.held is not None:
            keep_from = self._meter.held.start
        elif self._move_start is not None:
            keep_from = self._move_start
            if self._quiet is not None:
                keep_from = min(keep_from, self._quiet[0])
        elif self._in_stance:
            keep_from = max(self._stance_start, end - self._stance_look_back(span))
        elif self._still_start is not None:
            keep_from = self._still_start
        else:
            keep_from = end - span
        left = self._left
        if left is not None:
            # A blip may yet resume the stance just left (_resume): its look-back must stay.
            keep_from = min(
                keep_from, max(left.stance_start, left.at - self._stance_look_back(span))
            )
        return keep_from

    def _stance_look_back(self, span: int) -> int:
        """Samples of the stance in progress the stride's start may still need.

        The tilt needs `span`; a shank measured from its stance's quietest sample (_quietest)
        looks back up to _STANDING s, and must see that whole stretch whenever the trim fires,
        or its stride lengths would depend on how the samples were batched.
        """
        th = THRESHOLDS.get((self.placement, bool(self._has_gyro)))
        if th is not None and th.from_quietest:
            return max(span, round(_STANDING * self.fs))
        return span

    def _forget_dropped(self) -> None:
        """A stride whose start the buffer dropped can no longer be measured."""
        if self._move_start is not None and self._move_start < self._buf.base:
            self._move_start = None
