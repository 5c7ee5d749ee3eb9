"""Synthetic foot-mounted IMU signals with a known stride sequence.

The foot pitches during each swing (so the gyro sees a swing) while it travels a smooth S-shaped
path of a given length and direction; in stance the sensor is still. The sensor is mounted with an
arbitrary rotation, so nothing relies on its axes lining up with the foot.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait import (
    STANDARD_GRAVITY as G,
    FloatArray,
    GaitEngine,
    StepEvent,
)

ANGLES = {"forward": 0.0, "backward": math.pi, "left": math.pi / 2, "right": -math.pi / 2}


def rot(axis: str, angle: float) -> FloatArray:
    c, s = math.cos(angle), math.sin(angle)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


# Sensor upside down-ish and turned: like the UCI sensor (z down) with an unknown yaw.
MOUNT = rot("z", 0.7) @ rot("x", math.pi - 0.2)


@dataclass(frozen=True)
class Walk:
    t: FloatArray
    acc: FloatArray
    gyro: FloatArray
    heel_strikes: list[float]
    directions: list[str]


def walk(
    directions: list[str],
    *,
    fs: float = 104.0,
    stance: float = 0.45,
    swing: float = 0.7,
    length: float = 1.3,
    lead: float = 1.0,
    tail: float = 1.0,
    t0: float = 100.0,
    mount: FloatArray = MOUNT,
    noise: float = 0.0,
    seed: int = 0,
    lengths: list[float] | None = None,
    turns: list[float] | None = None,
    lift: float = 0.12,
) -> Walk:
    """Strides in the given directions ("forward", ...), still `lead` s before, `tail` after.

    `lengths` (m) overrides `length` per stride; `turns` (rad, + to the left) turns the foot
    about the vertical during each stride's swing, and the stride travels along the heading
    halfway through that turn, as on a curved path; `lift` (m) is how high the foot rises.
    """
    n_total = round((lead + len(directions) * (swing + stance) - stance + tail) * fs)
    t = t0 + np.arange(n_total) / fs
    tau = t - t0
    a_world = np.zeros((n_total, 3))
    pitch = np.zeros(n_total)
    pitch_rate = np.zeros(n_total)
    yaw = np.zeros(n_total)
    yaw_rate = np.zeros(n_total)
    heading = 0.0
    heel: list[float] = []
    for k, name in enumerate(directions):
        start = lead + k * (swing + stance)
        m = (tau >= start) & (tau < start + swing)
        u = (tau[m] - start) / swing
        w = 2 * math.pi
        turn = turns[k] if turns else 0.0
        phi = ANGLES[name] + heading + turn / 2
        # The same smooth profile as the path: no rotation rate at either end of the swing.
        yaw[m] = heading + turn * (u - np.sin(w * u) / w)
        yaw_rate[m] = turn * (1 - np.cos(w * u)) / swing
        yaw[tau >= start + swing] = heading + turn
        heading += turn
        stride_length = lengths[k] if lengths else length
        # s(u) = L (u - sin(2 pi u) / 2 pi): zero velocity and acceleration at both ends.
        acc_path = stride_length * w * np.sin(w * u) / swing**2
        a_world[m, 0] = acc_path * math.cos(phi)
        a_world[m, 1] = acc_path * math.sin(phi)
        a_world[m, 2] = lift * w**2 * np.cos(w * u) / swing**2  # lifts the foot and sets it down
        amp = 0.6  # rad of pitch
        pitch[m] = amp * np.sin(math.pi * u) ** 2
        pitch_rate[m] = amp * math.pi * np.sin(2 * math.pi * u) / swing
        heel.append(t0 + start + swing)
    acc, gyro = _sensed(a_world, pitch, pitch_rate, yaw, yaw_rate, mount)
    if noise:
        rng = np.random.default_rng(seed)
        acc += rng.normal(0, noise, acc.shape)
        gyro += rng.normal(0, noise * 0.05, gyro.shape)
    return Walk(t, acc, gyro, heel, list(directions))


def pedal(
    seconds: float = 60.0,
    *,
    rpm: float = 72.0,
    fs: float = 104.0,
    radius: float = 0.17,
    swing: float = 0.4,
    phase: float = 0.0,
    t0: float = 100.0,
    mount: FloatArray = MOUNT,
) -> Walk:
    """A sensor going round a bicycle's crank: no stance, no step.

    The sensor moves on a circle of `radius` m (the pedal spindle's, 0.17 m on most bicycles)
    in the sagittal plane at `rpm`, so it feels the crank's centripetal acceleration always; it
    pitches by +-`swing` rad once a revolution as a shank or a foot does on a pedal, `phase`
    (rad) after the crank passes the front.
    """
    t = t0 + np.arange(round(seconds * fs)) / fs
    w = 2 * math.pi * rpm / 60.0
    crank = w * (t - t0)
    # Position r (cos, 0, sin) of the crank angle: the acceleration points at the bottom bracket.
    a_world = -radius * w * w * np.stack((np.cos(crank), np.zeros_like(crank), np.sin(crank)), 1)
    pitch = swing * np.sin(crank + phase)
    pitch_rate = swing * w * np.cos(crank + phase)
    still = np.zeros_like(t)
    acc, gyro = _sensed(a_world, pitch, pitch_rate, still, still, mount)
    return Walk(t, acc, gyro, [], [])


def _sensed(
    a_world: FloatArray,
    pitch: FloatArray,
    pitch_rate: FloatArray,
    yaw: FloatArray,
    yaw_rate: FloatArray,
    mount: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """What a sensor `mount`ed on a segment feels: specific force (m/s^2) and rate (rad/s).

    The segment pitches about its y axis, then yaws about the vertical; `a_world` is its
    acceleration (z up).
    """
    acc = np.empty((len(a_world), 3))
    gyro = np.empty((len(a_world), 3))
    for i in range(len(a_world)):
        r_yaw = rot("z", yaw[i])
        r_ws = r_yaw @ rot("y", pitch[i]) @ mount
        acc[i] = r_ws.T @ (a_world[i] + np.array([0.0, 0.0, G]))
        omega = r_yaw @ np.array([0.0, pitch_rate[i], 0.0]) + np.array([0.0, 0.0, yaw_rate[i]])
        gyro[i] = r_ws.T @ omega
    return acc, gyro


def engine_steps(
    engine: GaitEngine,
    t: FloatArray,
    acc: FloatArray,
    gyro: FloatArray | None,
    *,
    flush: bool = True,
    batch: int = 20,
) -> list[StepEvent]:
    """The steps `engine` reports on the samples, fed `batch` at a time (a BLE notification's
    worth), then those its flush gives unless `flush` is False."""
    steps: list[StepEvent] = []
    for i in range(0, len(t), batch):
        g = None if gyro is None else gyro[i : i + batch]
        steps += engine.process(t[i : i + batch], acc[i : i + batch], g).steps
    return steps + list(engine.flush().steps) if flush else steps
