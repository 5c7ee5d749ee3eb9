"""Length and speed of the foot detector's strides, and the landing step held until they are final.

foot.py finds strides (stance to stance) and decides which steps they make; this module measures
a found stride (zupt.py's velocity, stride.py's length and speed) and holds the step that carries
the measure while a glide may still lengthen it. Kept apart from the detection rules because it
is a separate job with its own state (the held step, the stride clock): the detector only says
which samples a stride spans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .samples import SampleBuffer
from .stride import LEVER_M, StrideClock, StrideMeasure, measure, mid_swing, pivot_velocities
from .types import FloatArray, Placement, StepEvent
from .zupt import body_to_start, displacement, stride_velocity


@dataclass(slots=True)
class Held:
    """A measured stride's landing step, held until its ending stance proves a real one.

    Slow backward walking glides: the foot translates at nearly constant velocity with little
    rotation, which the stance test cannot tell from standing, and lands for real a moment
    later. A stance shorter than foot._PAUSE_IN_SWING after which the foot moved on without
    making a stride of its own was such a glide: the stride's length is then integrated on to
    the next stance (ending it at the glide lost up to two thirds of it on the UCI runs).
    Counting and direction are not changed; the landing step only leaves once the length is
    known.
    """

    step: StepEvent  # the instrumented foot's landing, carrying the stride
    start: int  # absolute index of the stride's first sample
    frame: FloatArray
    ref_axis: FloatArray  # the frame's yaw reference
    left: int | None = None  # where the motion resumed after a too-short stance
    timed: bool = True  # False for a turning step: no speed, and none for the stride after it


class StrideMeter:
    """Measures the strides the detector found in `buf`, holding the latest one's landing."""

    def __init__(self, placement: Placement, fs: float, buf: SampleBuffer) -> None:
        self.placement = placement
        self.fs = fs
        self._buf = buf
        self._clock = StrideClock()
        self.held: Held | None = None

    def clear(self) -> None:
        """Drop the held step and the stride timing (a gap: the next stride starts a walk)."""
        self.held = None
        self._clock.clear()

    def release(self) -> list[StepEvent]:
        """The held landing step, if any: its stride is final."""
        held, self.held = self.held, None
        return [] if held is None else [held.step]

    def hold(
        self,
        landing: StepEvent,
        a: int,
        b: int,
        vel: FloatArray,
        disp: FloatArray,
        rotation: FloatArray,
        frame: FloatArray,
        ref_axis: FloatArray,
        quiet: tuple[int, FloatArray] | None,
        *,
        cycle: bool,
    ) -> None:
        """Measure the stride of rows a..b from its velocity and hold its landing step (Held).

        `rotation` is zupt.body_to_start of the rows' gyro, integrated once by the detector.

        `quiet` is the absolute index and level frame of the quietest sample of the stance the
        stride left (foot.FootDetector._quietest), or None. A turning step (`cycle` False) is no
        gait cycle of a walk in one direction: neither it nor the stride after it gets a speed,
        as after standing (timed from the turn's short swing, the first stride after a U-turn
        came out at twice its speed on a UCI check run).
        """
        buf = self._buf
        gyro = buf.gyro[a:b]
        if cycle:
            stride_time = self._clock.land(
                mid_swing(self.placement, buf.t[a:b], vel, gyro, self.fs, frame, rotation=rotation)
            )
        else:
            stride_time = None
        if quiet is not None and buf.base <= quiet[0] <= buf.base + a:
            # Measured from the stance's quietest sample; detected and timed as before. A longer
            # window: its rotation is integrated once more, from that sample.
            a, frame = buf.row(quiet[0]), quiet[1]
            gyro = buf.gyro[a:b]
            rotation = body_to_start(gyro, self.fs)
            vel, _ = stride_velocity(
                buf.acc[a:b], gyro, self.fs, frame, ref_axis, rotation=rotation
            )
            disp = displacement(vel, self.fs)
        if not cycle:
            self._clock.clear()
        m = measure(self.placement, disp, gyro, self.fs, frame, stride_time, rotation=rotation)
        step = _with_stride(landing, m)
        # Only the step carrying the length waits; the other foot's has left already.
        self.held = Held(step, buf.base + a, frame, ref_axis, timed=cycle)

    def glide_to(self, stance: int) -> FloatArray | None:
        """The held stride's short stance was a glide: measure it on to absolute index `stance`.

        Its horizontal displacement over the whole stride, or None when there is no held stride
        or its start has left the buffer (it keeps its first measure).
        """
        held, buf = self.held, self._buf
        if held is None or held.start < buf.base:
            return None
        a, b = buf.row(held.start), buf.row(stance) + 1
        gyro = buf.gyro[a:b]
        # Integrated once for the velocity, the timing and the pivot correction.
        rotation = body_to_start(gyro, self.fs)
        vel, _ = stride_velocity(
            buf.acc[a:b], gyro, self.fs, held.frame, held.ref_axis, rotation=rotation
        )
        disp = displacement(vel, self.fs)
        pivots = pivot_velocities(
            gyro, self.fs, held.frame, LEVER_M[self.placement], rotation=rotation
        )
        # The speed is timed from the real swing; the step keeps the time it was counted at.
        stride_time = None
        if held.timed:
            stride_time = self._clock.reland(
                mid_swing(
                    self.placement,
                    buf.t[a:b],
                    vel,
                    gyro,
                    self.fs,
                    held.frame,
                    rotation=rotation,
                    pivots=pivots,
                )
            )
        m = measure(
            self.placement,
            disp,
            gyro,
            self.fs,
            held.frame,
            stride_time,
            rotation=rotation,
            pivots=pivots,
        )
        held.step = _with_stride(held.step, m)
        held.left = None  # wait again for this stance to prove real
        return disp


def _with_stride(step: StepEvent, m: StrideMeasure) -> StepEvent:
    """The step that ends a stride, carrying its length and speed (rounded as the CLI prints)."""
    return replace(
        step,
        stride_length_m=round(m.length_m, 3),
        speed_m_s=None if m.speed_m_s is None else round(m.speed_m_s, 3),
    )
