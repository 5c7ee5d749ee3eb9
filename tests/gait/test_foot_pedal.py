"""Pedalling is no walking at the foot and the shank (foot.py, FootDetector._pedal_stroke).

A foot on a pedal is never still: the still test passes only where |acc| crosses g while the
segment's rotation turns round, and the tilt taken there is off by the crank's centripetal
acceleration. The stride integrated from such a moment ends with a velocity two real stances
never leave (zupt.stride_drift): the detector refuses it when the still moment was brief and
nothing landed (docs/walking_gate.md, "Pedalling at the foot and the shank").
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import (
    STANDARD_GRAVITY as G,
    FloatArray,
    GaitEngine,
    Placement,
    StepEvent,
    foot_thresholds,
)
from custom_components.retrowalk.gait.foot import FootDetector
from custom_components.retrowalk.gait.foot_thresholds import (
    PEDAL_DRIFT,
    PEDAL_FORCE,
    PEDAL_STILL,
    SHANK_LIFT_SPEED,
    THRESHOLDS,
)
from custom_components.retrowalk.gait.zupt import level_frame, stride_drift

from .synth import engine_steps, pedal, rot, walk

FS = 104.0


def _steps(
    placement: Placement, t: FloatArray, acc: FloatArray, gyro: FloatArray
) -> list[StepEvent]:
    return engine_steps(GaitEngine(placement), t, acc, gyro)


def test_the_drift_is_the_velocity_a_wrong_tilt_leaves() -> None:
    # A still sensor (1 g straight up) integrated in a frame tilted by 20 degrees: gravity is
    # taken off the wrong axis, 2 g sin(10 deg) of it stays, and the drift is that times the time.
    n = 104
    acc = np.tile([0.0, 0.0, G], (n, 1))
    gyro = np.zeros((n, 3))
    ref = np.array([1.0, 0.0, 0.0])
    tilted = level_frame(rot("y", math.radians(20)) @ np.array([0.0, 0.0, G]), ref)
    vel, _, drift = stride_drift(acc, gyro, FS, tilted, ref)
    assert float(np.linalg.norm(drift)) == pytest.approx(
        2 * G * math.sin(math.radians(10)) * n / FS
    )
    np.testing.assert_allclose(vel[-1], 0.0, atol=1e-12)  # the velocity itself is corrected
    # The true tilt leaves none.
    _, _, drift = stride_drift(acc, gyro, FS, level_frame(acc[0], ref), ref)
    np.testing.assert_allclose(drift, 0.0, atol=1e-12)


def test_a_synthetic_stride_between_stances_leaves_no_drift() -> None:
    w = walk(["forward"], lead=1.0, tail=1.0)
    ref = np.array([1.0, 0.0, 0.0])
    # From the last still sample before the swing (1.0 s in) to the first after (1.7 s).
    a, b = round(1.0 * FS) - 1, round(1.7 * FS) + 1
    frame = level_frame(w.acc[a], ref)
    _, _, drift = stride_drift(w.acc[a:b], w.gyro[a:b], FS, frame, ref)
    assert float(np.linalg.norm(drift)) < 0.05 * PEDAL_DRIFT * (b - a) / FS


@pytest.mark.parametrize("placement", [Placement.SHANK, Placement.FOOT])
@pytest.mark.parametrize("rpm", [60.0, 72.0, 85.0])
def test_pedalling_makes_no_steps(
    placement: Placement, rpm: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = without = 0
    for phase in np.linspace(0.0, 2.0 * math.pi, 8, endpoint=False):
        p = pedal(60.0, rpm=rpm, phase=float(phase))
        counted += len(_steps(placement, p.t, p.acc, p.gyro))
        with monkeypatch.context() as m:
            key = (placement, True)
            m.setitem(THRESHOLDS, key, replace(THRESHOLDS[key], max_drift=math.inf))
            without += len(_steps(placement, p.t, p.acc, p.gyro))
    assert counted == 0
    # The drift rule is what refuses them: without it, about a stride a revolution counts at
    # some crank phases (the still test passes where |acc| crosses g as the rotation turns).
    assert without >= rpm * 0.5


def _judge(placement: Placement, stood: float, drift: float, peak_g: float) -> bool:
    det = FootDetector(placement)
    det._stood_s = stood
    duration = 72 / FS  # 0.7 s: the stride's duration
    th = THRESHOLDS[(placement, True)]
    return det._pedal_stroke(peak_g * G, np.array([drift, 0.0, 0.0]), duration, th)


@pytest.mark.parametrize("placement", [Placement.SHANK, Placement.FOOT])
def test_a_pedal_stroke_is_brief_still_drifting_and_lands_on_nothing(placement: Placement) -> None:
    duration = 72 / FS
    lift = SHANK_LIFT_SPEED if placement is Placement.SHANK else 0.0
    limit = PEDAL_DRIFT * duration + lift
    brief = 0.5 * PEDAL_STILL
    soft = 0.9 * PEDAL_FORCE / G
    assert _judge(placement, brief, 1.05 * limit, soft)
    assert not _judge(placement, brief, 0.95 * limit, soft)  # a stance's drift
    assert not _judge(placement, 1.1 * PEDAL_STILL, 1.05 * limit, soft)  # a walking stance
    assert not _judge(placement, brief, 1.05 * limit, 1.1 * PEDAL_FORCE / G)  # a landing


def test_the_shank_may_leave_its_still_lift_speed() -> None:
    # The shank's still test fires into the lift (foot_thresholds.THRESHOLDS): a stride of it
    # may end its integration with that much more velocity than the foot's.
    duration = 72 / FS
    drift = PEDAL_DRIFT * duration + 0.5 * SHANK_LIFT_SPEED
    soft = 0.9 * PEDAL_FORCE / G
    assert _judge(Placement.FOOT, 0.5 * PEDAL_STILL, drift, soft)
    assert not _judge(Placement.SHANK, 0.5 * PEDAL_STILL, drift, soft)
    assert foot_thresholds.THRESHOLDS[(Placement.SHANK, True)].drift_lift == SHANK_LIFT_SPEED


@pytest.mark.parametrize("placement", [Placement.SHANK, Placement.FOOT])
def test_walking_with_brief_stances_still_counts(
    placement: Placement, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Brisk walking stands still only briefly; its strides leave no drift and all count, as
    # many as without the rule.
    w = walk(["forward"] * 10, stance=0.1, swing=0.7)
    counted = len(_steps(placement, w.t, w.acc, w.gyro))
    key = (placement, True)
    monkeypatch.setitem(THRESHOLDS, key, replace(THRESHOLDS[key], max_drift=math.inf))
    assert counted == len(_steps(placement, w.t, w.acc, w.gyro)) >= 20
