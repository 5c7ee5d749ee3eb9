"""Physics of the virtual wearable's signal model, checked on noise-free internals and on output.

These are the properties a real body and a real IMU have; the gait engine relies on them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from custom_components.retrowalk.gait.types import Placement
from custom_components.retrowalk_virtual.imu import GRAVITY, kinematics
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario
from custom_components.retrowalk_virtual.plan import plan
from custom_components.retrowalk_virtual.segments import Activity
from custom_components.retrowalk_virtual.span import Span
from custom_components.retrowalk_virtual.walk import WalkSpan

from .sampled import DT, RATE, Array, noise_free

HEADINGS = {
    Activity.FORWARD: (1.0, 0.0),
    Activity.BACKWARD: (-1.0, 0.0),
    Activity.LEFT: (0.0, 1.0),
    Activity.RIGHT: (0.0, -1.0),
}


def _spans(spec: str, seed: int = 0) -> list[Span]:
    return list(plan(parse_scenario(spec), seed, False))


def _render(span: Span, placement: Placement) -> tuple[Array, Array, Array, Array]:
    """The whole span from its first sample on the RATE grid (see sampled.noise_free)."""
    return noise_free(span, placement, math.ceil(span.start * RATE) / RATE, span.end)


def _walks(spec: str, seed: int = 0) -> list[WalkSpan]:
    return [s for s in _spans(spec, seed) if isinstance(s, WalkSpan)]


# -- rest ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("placement", list(Placement))
def test_resting_sensor_reads_gravity_only(placement: Placement) -> None:
    stream = ScenarioStream(parse_scenario("sit:20s,stand:20s"), placement, seed=3)
    chunk = stream.read(10**6)
    # Skip the sit-to-stand transfer; everything else is posture, sway, breathing and fidgets.
    quiet = (chunk.t < 19.0) | (chunk.t > 23.0)
    norm = np.linalg.norm(chunk.acc[quiet], axis=1)
    assert np.median(np.abs(norm - GRAVITY)) < 0.06
    assert np.median(np.linalg.norm(chunk.gyro[quiet], axis=1)) < 0.02


@pytest.mark.parametrize("placement", list(Placement))
def test_still_stance_is_exact_without_noise(placement: Placement) -> None:
    (span,) = _spans("stand:10s")
    _, force, gyro, rot = _render(span, placement)
    # At the very start the body is motionless (sway fades in): pure gravity, no rotation.
    up_in_segment = rot[0].T @ np.array([0.0, 0.0, GRAVITY])
    np.testing.assert_allclose(force[0], up_in_segment, atol=1e-3)
    np.testing.assert_allclose(gyro[0], 0.0, atol=1e-5)
    assert abs(float(np.linalg.norm(force[:50], axis=1).mean()) - GRAVITY) < 0.01


# -- the foot: strides recovered by double integration -------------------------------------------


@pytest.mark.parametrize("activity", list(HEADINGS))
def test_foot_strides_integrate_back_to_the_step_table(activity: Activity) -> None:
    (walk,) = _walks(f"{activity}:12")
    _, force, gyro, rot = _render(walk, Placement.FOOT)
    acc_world = np.einsum("nij,nj->ni", rot, force) - np.array([0.0, 0.0, GRAVITY])
    still = np.linalg.norm(gyro, axis=1) < 1e-7
    still &= np.linalg.norm(acc_world, axis=1) < 1e-6
    # Runs of stillness separate the strides of the instrumented (left) foot.
    edges = np.flatnonzero(np.diff(still.astype(int)))
    leaves = edges[still[edges]]  # last still sample before moving
    lands = edges[~still[edges]] + 1  # first still sample after moving
    expected = np.diff(walk.left.positions, axis=1).T
    assert len(leaves) == len(lands) == len(expected)
    heading = np.array(HEADINGS[activity])
    for a, b, stride in zip(leaves, lands, expected, strict=True):
        vel = np.cumsum(acc_world[a : b + 1], axis=0) * DT
        disp = vel.sum(axis=0) * DT
        np.testing.assert_allclose(vel[-1], 0.0, atol=1e-6)
        np.testing.assert_allclose(disp[:2], stride, atol=1e-4)
        assert abs(disp[2]) < 1e-4
        # And the stride points the way the wearer walks, never the way they face.
        length = float(np.linalg.norm(disp[:2]))
        assert float(disp[:2] @ heading) > 0.97 * length
    lengths = np.linalg.norm(expected, axis=1)
    typical = {Activity.FORWARD: (1.2, 1.6), Activity.BACKWARD: (0.5, 0.85)}.get(
        activity, (0.25, 0.5)
    )
    steady = lengths[1:-1]  # the first and last are half strides from and to standing
    assert typical[0] <= float(np.median(steady)) <= typical[1]


def test_foot_strides_from_noisy_output() -> None:
    """The same with the sensor's own output (noise, offsets) and the true orientation."""
    scenario = parse_scenario("stand:2s,forward:10,stand:2s")
    stream = ScenarioStream(scenario, Placement.FOOT, seed=5, mounting=np.eye(3))
    chunk = stream.read(10**6)
    (walk,) = _walks("stand:2s,forward:10,stand:2s", seed=5)
    _, rot = walk.pose(Placement.FOOT, chunk.t)
    rot_n = np.moveaxis(rot, 2, 0)
    acc_world = np.einsum("nij,nj->ni", rot_n, chunk.acc) - np.array([0.0, 0.0, GRAVITY])
    moving = np.flatnonzero(np.linalg.norm(chunk.gyro, axis=1) > 0.5)
    lo, hi = moving[0] - 5, moving[-1] + 5
    # Zero-velocity update: remove the velocity drift linearly over the whole walk.
    vel = np.cumsum(acc_world[lo:hi], axis=0) * DT
    vel -= np.outer(np.linspace(0.0, 1.0, len(vel)), vel[-1])
    disp = vel.sum(axis=0) * DT
    expected = walk.left.positions[:, -1] - walk.left.positions[:, 0]
    np.testing.assert_allclose(disp[:2], expected, atol=0.08)


def test_forward_foot_magnitudes() -> None:
    (walk,) = _walks("forward:30")
    _, force, gyro, _ = _render(walk, Placement.FOOT)
    peak_gyro = np.linalg.norm(gyro, axis=1).max()
    assert 5.0 <= peak_gyro <= 9.0
    assert 15.0 <= np.linalg.norm(force, axis=1).max() <= 80.0


# -- the trunk: an inverted pendulum, whichever way the wearer walks ----------------------------


def _ap_lead_degrees(activity: Activity, cadence: float) -> tuple[float, float]:
    """Phase lead of the fore-aft (facing) acceleration over the vertical at the step frequency."""
    (walk,) = _walks(f"{activity}:40@{cadence}")
    t, force, _, rot = _render(walk, Placement.WAIST)
    acc = np.einsum("nij,nj->ni", rot, force) - np.array([0.0, 0.0, GRAVITY])
    steady = (t > walk.steps[5][0]) & (t < walk.steps[-5][0])
    tt, a = t[steady], acc[steady]
    basis = np.exp(-2j * np.pi * tt * cadence / 60.0)
    vertical = complex(basis @ (a[:, 2] - a[:, 2].mean()))
    fore_aft = complex(basis @ (a[:, 0] - a[:, 0].mean()))
    return math.degrees(np.angle(fore_aft / vertical)), float(np.ptp(a[:, 2]))


def test_pelvis_phase_flips_with_walking_direction() -> None:
    forward, swing_f = _ap_lead_degrees(Activity.FORWARD, 105.0)
    backward, swing_b = _ap_lead_degrees(Activity.BACKWARD, 85.0)
    # Fastest around contact and slowest at mid-stance: fore-aft acceleration leads the vertical
    # when walking forward and lags it when walking backward.
    assert 60.0 < forward < 130.0
    assert -130.0 < backward < -30.0
    assert 4.0 < swing_f < 9.0  # waist vertical acceleration about +-2..4 m/s^2
    assert 1.5 < swing_b < swing_f


# -- continuity ---------------------------------------------------------------------------------


@pytest.mark.parametrize("placement", list(Placement))
def test_no_jumps_at_segment_boundaries(placement: Placement) -> None:
    spec = "sit:6s,forward:6,backward:5,left:4,right:4,stand:4s,forward:3,sit:6s"
    spans = _spans(spec, seed=2)
    t0 = 0.0
    n = int(spans[-1].end * RATE) - 1
    force = np.empty((n, 3))
    gyro = np.empty((n, 3))
    t = DT * np.arange(n)
    starts = np.array([s.start for s in spans])
    owner = np.searchsorted(starts, t, side="right") - 1
    for i, span in enumerate(spans):
        idx = np.flatnonzero(owner == i)
        f, w = kinematics(span, placement, t0 + DT * idx[0], DT, len(idx))
        force[idx] = f.T
        gyro[idx] = w.T
    jerk = np.linalg.norm(np.diff(force, axis=0), axis=1) / DT
    spin = np.linalg.norm(np.diff(gyro, axis=0), axis=1) / DT
    for start in starts[1:]:
        near = np.abs(t[1:] - start) < 0.3
        # Across a boundary the body is at rest or moving slowly: nothing like a foot's impact.
        assert jerk[near].max() < 50.0, f"{placement} acceleration jump at {start:.2f} s"
        assert spin[near].max() < 20.0, f"{placement} angular velocity jump at {start:.2f} s"
    # Over the whole scenario nothing exceeds what walking produces.
    assert np.linalg.norm(force, axis=1).max() < 80.0
    assert np.linalg.norm(gyro, axis=1).max() < 12.0
